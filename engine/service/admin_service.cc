#include "engine/service/admin_service.h"

#include "engine/coordinator/queries.h"
#include "engine/service/unary.h"

namespace fanfare::service {

using coordinator::Engine;
template <typename T>
using Reply = coordinator::Reply<T>;

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

}  // namespace fanfare::service
