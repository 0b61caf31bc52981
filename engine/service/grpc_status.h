// The one conversion between absl::Status and grpc::Status (their codes are the same
// numbers; messages are carried as they are).
#ifndef FANFARE_ENGINE_SERVICE_GRPC_STATUS_H_
#define FANFARE_ENGINE_SERVICE_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace fanfare {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace fanfare

#endif  // FANFARE_ENGINE_SERVICE_GRPC_STATUS_H_
