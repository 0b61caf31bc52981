// AdminService over gRPC: API tokens, made and revoked on the engine (durable before the
// reply), listed from the registry of those in force. See docs/security.md.
#ifndef FANFARE_ENGINE_SERVICE_ADMIN_SERVICE_H_
#define FANFARE_ENGINE_SERVICE_ADMIN_SERVICE_H_

#include "engine/coordinator/coordinator.h"
#include "engine/service/call_gate.h"
#include "fanfare/v1/admin.grpc.pb.h"

namespace fanfare::service {

// Thread-safe; the coordinator and the gate must outlive the service.
class AdminServiceImpl final : public v1::AdminService::CallbackService {
 public:
  AdminServiceImpl(coordinator::Coordinator* coordinator, const CallGate* gate)
      : coordinator_(*coordinator), gate_(*gate) {}

  grpc::ServerUnaryReactor* CreateToken(grpc::CallbackServerContext* context,
                                        const v1::CreateTokenRequest* request,
                                        v1::CreateTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* context,
                                       const v1::ListTokensRequest* request,
                                       v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context,
                                        const v1::RevokeTokenRequest* request,
                                        v1::ApiTokenInfo* response) override;
  grpc::ServerUnaryReactor* ListAudit(grpc::CallbackServerContext* context,
                                      const v1::ListAuditRequest* request,
                                      v1::ListAuditResponse* response) override;

 private:
  coordinator::Coordinator& coordinator_;
  const CallGate& gate_;
};

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_ADMIN_SERVICE_H_
