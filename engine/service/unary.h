// Helpers shared by the gRPC services: check a request, run it on the engine, finish the
// call once the engine's reply (durable) arrives. Private to engine/service.
#ifndef FANFARE_ENGINE_SERVICE_UNARY_H_
#define FANFARE_ENGINE_SERVICE_UNARY_H_

#include <optional>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "auth/access.h"
#include "engine/coordinator/coordinator.h"
#include "engine/service/call_gate.h"
#include "engine/service/grpc_status.h"
#include "engine/service/request_checks.h"
#include "grpcpp/grpcpp.h"

namespace fanfare::service {

// One unary call: its context, and its method's full name as the method table knows it
// ("/fanfare.v1.CampaignService/StartRun").
struct UnaryCall {
  const CallGate& gate;
  grpc::CallbackServerContext* context;
  absl::string_view method;
};

// Admits the call (CallGate::Admit) and checks `request`, then posts
// `operation(engine, request, reply)` (the request stamped with the caller's name:
// CallGate::Stamped) — or `operation(engine, principal, request, reply)`
// for an operation that acts as the caller — to the engine; the call finishes when `reply`
// is called with the response or an error.
template <typename Request, typename Response, typename Operation>
grpc::ServerUnaryReactor* RunOnEngine(coordinator::Coordinator& coordinator,
                                      const UnaryCall& call, const Request* request,
                                      Response* response, Operation operation) {
  grpc::ServerUnaryReactor* reactor = call.context->DefaultReactor();
  absl::StatusOr<auth::Principal> principal =
      call.gate.Admit(*call.context, call.method, *request);
  if (!principal.ok()) {
    // Denied: the audit trail hears of it (if the method is audited), and nothing else does.
    const absl::StatusOr<auth::Principal> caller = call.gate.Authenticate(*call.context);
    if (std::optional<internal::AuditRecord> audit = call.gate.AuditOf(
            call.method, *request, caller.ok() ? &*caller : nullptr, principal.status())) {
      coordinator.Post([audit = *std::move(audit)](coordinator::Engine& engine) mutable {
        engine.Audit(std::move(audit));
      });
    }
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  if (absl::Status status = Check(*request); !status.ok()) {
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }
  std::optional<internal::AuditRecord> audit =
      call.gate.AuditOf(call.method, *request, &*principal, absl::OkStatus());
  // The request to act on: as sent, or with the caller's own name as its actor.
  std::shared_ptr<Request> stamped = call.gate.Stamped(*principal, *request);
  const Request* effective = stamped != nullptr ? stamped.get() : request;
  coordinator.Post([request = effective, stamped = std::move(stamped), response, reactor,
                    principal = *std::move(principal), audit = std::move(audit),
                    operation = std::move(operation)](coordinator::Engine& engine) mutable {
    // In the same commit group as whatever the operation writes.
    if (audit.has_value()) engine.Audit(*std::move(audit));
    coordinator::Reply<Response> reply = [response, reactor](absl::StatusOr<Response> result) {
      if (result.ok()) *response = *std::move(result);
      reactor->Finish(ToGrpcStatus(result.status()));
    };
    if constexpr (std::is_invocable_v<Operation&, coordinator::Engine&, const auth::Principal&,
                                      const Request&, coordinator::Reply<Response>>) {
      operation(engine, principal, *request, std::move(reply));
    } else {
      operation(engine, *request, std::move(reply));
    }
  });
  return reactor;
}

// Admits the call and checks `request`, then answers it at once with `read(request)`, on the
// calling thread.
template <typename Request, typename Response, typename Read>
grpc::ServerUnaryReactor* ReadNow(const UnaryCall& call, const Request* request,
                                  Response* response, Read read) {
  grpc::ServerUnaryReactor* reactor = call.context->DefaultReactor();
  absl::StatusOr<auth::Principal> principal =
      call.gate.Admit(*call.context, call.method, *request);
  absl::Status status = principal.ok() ? Check(*request) : principal.status();
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
