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

// CallGate::Admit, with a denial of an audited method recorded in the audit trail (its own
// commit group: a denial changes nothing else). Only a request that passes its checks is
// recorded, so that what a refused caller can make fanfared write is bounded.
template <typename Request>
absl::StatusOr<auth::Principal> AdmitOrAuditDenial(coordinator::Coordinator& coordinator,
                                                   const UnaryCall& call, const Request& request) {
  absl::StatusOr<auth::Principal> principal = call.gate.Admit(*call.context, call.method, request);
  if (principal.ok() || !Check(request).ok()) return principal;
  const absl::StatusOr<auth::Principal> caller = call.gate.Authenticate(*call.context);
  if (std::optional<internal::AuditRecord> audit = call.gate.AuditOf(
          call.method, request, caller.ok() ? &*caller : nullptr, principal.status())) {
    coordinator.Post([audit = *std::move(audit)](coordinator::Engine& engine) mutable {
      engine.Audit(std::move(audit));
    });
  }
  return principal;
}

// Admits the call (AdmitOrAuditDenial) and checks `request`, then posts the operation to the
// engine: `operation(engine, request, reply)`, or `operation(engine, principal, request,
// reply)` for one that acts as the caller. The request it gets carries the caller's own name
// as its actor (CallGate::Stamped), and an audited method's record goes into the same commit
// group as what the operation writes. The call finishes when `reply` is called.
template <typename Request, typename Response, typename Operation>
grpc::ServerUnaryReactor* RunOnEngine(coordinator::Coordinator& coordinator,
                                      const UnaryCall& call, const Request* request,
                                      Response* response, Operation operation) {
  grpc::ServerUnaryReactor* reactor = call.context->DefaultReactor();
  absl::StatusOr<auth::Principal> principal = AdmitOrAuditDenial(coordinator, call, *request);
  if (absl::Status status = principal.ok() ? Check(*request) : principal.status();
      !status.ok()) {
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
