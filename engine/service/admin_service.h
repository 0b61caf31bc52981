// AdminService over gRPC: API tokens, made and revoked on the engine (durable before the
// reply), listed from the registry of those in force (docs/security.md); backups, made by
// Backups off the engine, the coordinator's status, and webhooks, kept by the engine
// (docs/operations.md).
#ifndef FANFARE_ENGINE_SERVICE_ADMIN_SERVICE_H_
#define FANFARE_ENGINE_SERVICE_ADMIN_SERVICE_H_

#include "engine/coordinator/coordinator.h"
#include "engine/service/backups.h"
#include "engine/service/call_gate.h"
#include "fanfare/v1/admin.grpc.pb.h"

namespace fanfare::service {

// What GetStatus says of the process beside the store's figures.
struct CoordinatorFacts {
  std::string data_dir;
  // Uptime is read from `clock` (the system's: a rehearsal's virtual time is not uptime).
  const Clock* clock = &Clock::System();
  absl::Time started_at = absl::InfinitePast();
};

// Thread-safe; the coordinator, the gate and the backups must outlive the service.
class AdminServiceImpl final : public v1::AdminService::CallbackService {
 public:
  AdminServiceImpl(coordinator::Coordinator* coordinator, const CallGate* gate,
                   CoordinatorFacts facts = {}, Backups* backups = nullptr)
      : coordinator_(*coordinator), gate_(*gate), facts_(std::move(facts)), backups_(backups) {}

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
  grpc::ServerUnaryReactor* CreateBackup(grpc::CallbackServerContext* context,
                                         const v1::CreateBackupRequest* request,
                                         v1::Backup* response) override;
  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context,
                                      const v1::GetStatusRequest* request,
                                      v1::CoordinatorStatus* response) override;
  grpc::ServerUnaryReactor* AddWebhook(grpc::CallbackServerContext* context,
                                       const v1::AddWebhookRequest* request,
                                       v1::AddWebhookResponse* response) override;
  grpc::ServerUnaryReactor* ListWebhooks(grpc::CallbackServerContext* context,
                                         const v1::ListWebhooksRequest* request,
                                         v1::ListWebhooksResponse* response) override;
  grpc::ServerUnaryReactor* RemoveWebhook(grpc::CallbackServerContext* context,
                                          const v1::RemoveWebhookRequest* request,
                                          v1::Webhook* response) override;

 private:
  coordinator::Coordinator& coordinator_;
  const CallGate& gate_;
  const CoordinatorFacts facts_;
  Backups* const backups_;
};

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_ADMIN_SERVICE_H_
