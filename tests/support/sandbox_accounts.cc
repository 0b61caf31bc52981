#include "tests/support/sandbox_accounts.h"

#include "base/proto_time.h"
#include "workers/common/http_client.h"
#include "workers/common/oauth_refresh.h"

namespace fanfare::testing {

absl::StatusOr<v1::PutAccountRequest> ConnectSandboxX(const std::string& x_base,
                                                      const std::string& alias,
                                                      std::optional<absl::Time> now) {
  workers::CurlHttpClient http;
  workers::AccountCredentials first{
      .alias = alias,
      .network = "x",
      .fields = {{"refresh_token", "sbxr_x_" + alias}, {"client_id", "sandbox-client"}}};
  absl::StatusOr<workers::TokenGrant> grant = workers::RefreshAccessToken(
      http, *workers::RefreshSpecOf("x", x_base, false), first);
  if (!grant.ok()) return grant.status();
  v1::PutAccountRequest request;
  request.set_alias(alias);
  request.set_network("x");
  (*request.mutable_settings())["client_id"] = "sandbox-client";
  (*request.mutable_secrets())["access_token"] = grant->access_token;
  (*request.mutable_secrets())["refresh_token"] = grant->refresh_token;
  if (now.has_value()) {
    *request.mutable_access_token_expires_at() = ToProtoTime(*now + grant->expires_in);
  }
  return request;
}

}  // namespace fanfare::testing
