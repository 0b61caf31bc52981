// Helpers shared by the gRPC services: check a request, run it on the engine, finish the
// call once the engine's reply (durable) arrives. Private to engine/service.
#ifndef FANFARE_ENGINE_SERVICE_UNARY_H_
#define FANFARE_ENGINE_SERVICE_UNARY_H_

#include <utility>

#include "absl/status/statusor.h"
#include "engine/coordinator/coordinator.h"
#include "engine/service/grpc_status.h"
#include "engine/service/request_checks.h"
#include "grpcpp/grpcpp.h"

namespace fanfare::service {

// Checks `request`, then posts `operation(engine, request, reply)` to the engine; the call
// finishes when `reply` is called with the response or an error.
template <typename Request, typename Response, typename Operation>
grpc::ServerUnaryReactor* RunOnEngine(coordinator::Coordinator& coordinator,
                                      grpc::CallbackServerContext* context,
                                      const Request* request, Response* response,
                                      Operation operation) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (absl::Status status = Check(*request); !status.ok()) {
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }
  coordinator.Post([request, response, reactor,
                    operation = std::move(operation)](coordinator::Engine& engine) mutable {
    operation(engine, *request, [response, reactor](absl::StatusOr<Response> result) {
      if (result.ok()) *response = *std::move(result);
      reactor->Finish(ToGrpcStatus(result.status()));
    });
  });
  return reactor;
}

// Checks `request` and answers it at once with `read(request)`, on the calling thread.
template <typename Request, typename Response, typename Read>
grpc::ServerUnaryReactor* ReadNow(grpc::CallbackServerContext* context, const Request* request,
                                  Response* response, Read read) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status status = Check(*request);
  if (status.ok()) {
    absl::StatusOr<Response> result = read(*request);
    if (result.ok()) *response = *std::move(result);
    status = result.status();
  }
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_UNARY_H_
