#include "engine/service/admin_service.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

#include "base/proto_time.h"
#include "base/version.h"
#include "engine/coordinator/queries.h"
#include "engine/service/unary.h"

namespace fanfare::service {

using coordinator::Engine;
template <typename T>
using Reply = coordinator::Reply<T>;

namespace {

// "whsec_" and 64 hex digits: 256 bits from OpenSSL's random source.
absl::StatusOr<std::string> MintSigningSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("the random source failed; no webhook was added");
  }
  std::string secret = absl::StrCat(
      "whsec_", absl::BytesToHexString(
                    absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes))));
  OPENSSL_cleanse(bytes, sizeof(bytes));
  return secret;
}

}  // namespace

grpc::ServerUnaryReactor* AdminServiceImpl::CreateToken(grpc::CallbackServerContext* context,
                                                        const v1::CreateTokenRequest* request,
                                                        v1::CreateTokenResponse* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.AdminService/CreateToken"},
                     request, response,
                     [](Engine& engine, const auth::Principal& caller,
                        const v1::CreateTokenRequest& r, Reply<v1::CreateTokenResponse> reply) {
                       absl::StatusOr<auth::ApiToken> token = auth::MintApiToken();
                       if (!token.ok()) {
                         std::move(reply)(token.status());
                         return;
                       }
                       engine.CreateToken(caller, r, *token, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListTokens(grpc::CallbackServerContext* context,
                                                       const v1::ListTokensRequest* request,
                                                       v1::ListTokensResponse* response) {
  return ReadNow({gate_, context, "/fanfare.v1.AdminService/ListTokens"}, request, response,
                 [this](const v1::ListTokensRequest& r) {
                   return absl::StatusOr<v1::ListTokensResponse>(
                       coordinator::ListTokens(coordinator_.tokens(), r));
                 });
}

grpc::ServerUnaryReactor* AdminServiceImpl::RevokeToken(grpc::CallbackServerContext* context,
                                                        const v1::RevokeTokenRequest* request,
                                                        v1::ApiTokenInfo* response) {
  return RunOnEngine(
      coordinator_, {gate_, context, "/fanfare.v1.AdminService/RevokeToken"}, request, response,
      [](Engine& engine, const auth::Principal& caller, const v1::RevokeTokenRequest& r,
         Reply<v1::ApiTokenInfo> reply) { engine.RevokeToken(caller, r, std::move(reply)); });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListAudit(grpc::CallbackServerContext* context,
                                                      const v1::ListAuditRequest* request,
                                                      v1::ListAuditResponse* response) {
  return ReadNow({gate_, context, "/fanfare.v1.AdminService/ListAudit"}, request, response,
                 [this](const v1::ListAuditRequest& r) {
                   return coordinator::ListAudit(coordinator_.store(), r);
                 });
}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateBackup(grpc::CallbackServerContext* context,
                                                         const v1::CreateBackupRequest* request,
                                                         v1::Backup* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<auth::Principal> principal =
      gate_.Admit(*context, "/fanfare.v1.AdminService/CreateBackup", *request);
  absl::Status status = principal.ok() ? Check(*request) : principal.status();
  if (status.ok()) status = CheckBackupDir(request->directory(), facts_.data_dir);
  if (status.ok() && backups_ == nullptr) {
    status = absl::UnavailableError("this coordinator makes no backups");
  }
  if (!status.ok()) {
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }
  // Finished from the backups thread once the backup is synced: no gRPC thread waits.
  backups_->BackUp(request->directory(), request->keep(),
                   [response, reactor](absl::StatusOr<v1::Backup> made) {
                     if (made.ok()) *response = *std::move(made);
                     reactor->Finish(ToGrpcStatus(made.status()));
                   });
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::GetStatus(grpc::CallbackServerContext* context,
                                                      const v1::GetStatusRequest* request,
                                                      v1::CoordinatorStatus* response) {
  return ReadNow({gate_, context, "/fanfare.v1.AdminService/GetStatus"}, request, response,
                 [this](const v1::GetStatusRequest&) {
                   v1::CoordinatorStatus status;
                   status.set_version(std::string(Version()));
                   *status.mutable_started_at() = ToProtoTime(facts_.started_at);
                   *status.mutable_uptime() =
                       ToProtoDuration(facts_.clock->Now() - facts_.started_at);
                   status.set_data_directory(facts_.data_dir);
                   const store::StoreStats stats = coordinator_.store().Stats();
                   status.set_data_bytes(stats.live_data_bytes);
                   status.set_wal_bytes(stats.log_bytes);
                   if (backups_ != nullptr) backups_->Describe(status);
                   return absl::StatusOr<v1::CoordinatorStatus>(std::move(status));
                 });
}

grpc::ServerUnaryReactor* AdminServiceImpl::AddWebhook(grpc::CallbackServerContext* context,
                                                       const v1::AddWebhookRequest* request,
                                                       v1::AddWebhookResponse* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.AdminService/AddWebhook"},
                     request, response,
                     [](Engine& engine, const v1::AddWebhookRequest& r,
                        Reply<v1::AddWebhookResponse> reply) {
                       absl::StatusOr<std::string> secret = MintSigningSecret();
                       if (!secret.ok()) {
                         std::move(reply)(secret.status());
                         return;
                       }
                       engine.AddWebhook(r, *std::move(secret), std::move(reply));
                     });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListWebhooks(grpc::CallbackServerContext* context,
                                                         const v1::ListWebhooksRequest* request,
                                                         v1::ListWebhooksResponse* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.AdminService/ListWebhooks"},
                     request, response,
                     [](Engine& engine, const v1::ListWebhooksRequest& r,
                        Reply<v1::ListWebhooksResponse> reply) {
                       engine.ListWebhooks(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* AdminServiceImpl::RemoveWebhook(grpc::CallbackServerContext* context,
                                                          const v1::RemoveWebhookRequest* request,
                                                          v1::Webhook* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.AdminService/RemoveWebhook"},
                     request, response,
                     [](Engine& engine, const v1::RemoveWebhookRequest& r,
                        Reply<v1::Webhook> reply) { engine.RemoveWebhook(r, std::move(reply)); });
}

}  // namespace fanfare::service
