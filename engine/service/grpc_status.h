// The one conversion between absl::Status and grpc::Status (their codes are the same
// numbers). A message travels as the grpc-message header, which clients with default
// metadata limits (8 KiB, after percent-encoding) cannot read when it is long: ToGrpcStatus
// cuts messages beyond kMaxStatusMessageBytes at a line boundary and says how much it cut.
#ifndef FANFARE_ENGINE_SERVICE_GRPC_STATUS_H_
#define FANFARE_ENGINE_SERVICE_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace fanfare {

inline constexpr size_t kMaxStatusMessageBytes = 2048;

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace fanfare

#endif  // FANFARE_ENGINE_SERVICE_GRPC_STATUS_H_
