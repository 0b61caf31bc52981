// AccountService over gRPC: network accounts, stored by the engine with their secrets sealed
// (durable before the reply). See docs/networks.md, "Accounts held by the coordinator".
#ifndef FANFARE_ENGINE_SERVICE_ACCOUNT_SERVICE_H_
#define FANFARE_ENGINE_SERVICE_ACCOUNT_SERVICE_H_

#include "engine/coordinator/coordinator.h"
#include "engine/service/call_gate.h"
#include "fanfare/v1/accounts.grpc.pb.h"

namespace fanfare::service {

// Thread-safe; the coordinator and the gate must outlive the service.
class AccountServiceImpl final : public v1::AccountService::CallbackService {
 public:
  AccountServiceImpl(coordinator::Coordinator* coordinator, const CallGate* gate)
      : coordinator_(*coordinator), gate_(*gate) {}

  grpc::ServerUnaryReactor* PutAccount(grpc::CallbackServerContext* context,
                                       const v1::PutAccountRequest* request,
                                       v1::Account* response) override;
  grpc::ServerUnaryReactor* ListAccounts(grpc::CallbackServerContext* context,
                                         const v1::ListAccountsRequest* request,
                                         v1::ListAccountsResponse* response) override;
  grpc::ServerUnaryReactor* RemoveAccount(grpc::CallbackServerContext* context,
                                          const v1::RemoveAccountRequest* request,
                                          v1::Account* response) override;

 private:
  coordinator::Coordinator& coordinator_;
  const CallGate& gate_;
};

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_ACCOUNT_SERVICE_H_
