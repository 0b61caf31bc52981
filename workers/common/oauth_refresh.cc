#include "workers/common/oauth_refresh.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/json_value.h"

namespace fanfare::workers {

std::string Base64Encode(absl::string_view text) { return absl::Base64Escape(text); }

std::optional<OAuthRefreshSpec> RefreshSpecOf(absl::string_view network,
                                              absl::string_view auth_base, bool confidential) {
  OAuthRefreshSpec spec{.network = std::string(network)};
  if (network == "x") {
    spec.token_url = absl::StrCat(auth_base, "/2/oauth2/token");
    spec.basic_auth = confidential;
  } else if (network == "tiktok") {
    spec.token_url = absl::StrCat(auth_base, "/v2/oauth/token/");
    spec.client_id_field = "client_key";
  } else if (network == "linkedin") {
    spec.token_url = absl::StrCat(auth_base, "/oauth/v2/accessToken");
  } else if (network == "youtube") {
    spec.token_url = absl::StrCat(auth_base, "/token");
  } else if (network == "snapchat") {
    spec.token_url = absl::StrCat(auth_base, "/login/oauth2/access_token");
  } else {
    return std::nullopt;
  }
  return spec;
}

absl::StatusOr<TokenGrant> RequestTokens(HttpClient& http, const OAuthRefreshSpec& spec,
                                         const OAuthClient& client,
                                         std::vector<std::pair<std::string, std::string>> form,
                                         absl::string_view alias) {
  HttpRequest request{.method = "POST", .url = spec.token_url, .timeout = spec.timeout,
                      .idempotent = false};
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  if (spec.basic_auth) {
    request.headers.emplace_back(
        "Authorization",
        absl::StrCat("Basic ", Base64Encode(absl::StrCat(client.id, ":", client.secret))));
    form.emplace_back("client_id", client.id);
  } else {
    form.emplace_back(spec.client_id_field, client.id);
    if (!client.secret.empty()) form.emplace_back("client_secret", client.secret);
  }
  request.body = FormEncode(form);
  absl::StatusOr<HttpResponse> response = http.Send(request);
  if (!response.ok()) {
    // The network may have acted (and rotated a refresh token): the caller decides whether
    // to present the same grant again.
    return Retryable(absl::StrCat(spec.network, ": the token request for account '", alias,
                                  "' got no answer: ", response.status().message()));
  }
  std::optional<Json> body = ParseJson(response->body);
  if (response->status >= 500 || response->status == 408 || response->status == 429) {
    return Retryable(absl::StrCat(spec.network, ": token endpoint answered HTTP ",
                                  response->status));
  }
  const std::string token = body.has_value() ? JsonString(*body, "access_token") : "";
  if (response->ok() && token.empty()) {
    return Retryable(absl::StrCat(spec.network, ": token endpoint answered HTTP ",
                                  response->status, " without an access token"));
  }
  if (!response->ok()) {
    const std::string reason = body.has_value() ? JsonString(*body, "error", "refused") : "refused";
    const std::string description =
        body.has_value() ? JsonString(*body, "error_description") : "";
    return AuthExpired(absl::StrCat(spec.network, ": the token endpoint refused the grant for "
                                    "account '", alias, "' (", reason,
                                    description.empty() ? "" : ": ", description.substr(0, 200),
                                    "); re-authorise the account"),
                       reason);
  }
  TokenGrant grant;
  grant.access_token = token;
  grant.refresh_token = JsonString(*body, "refresh_token");
  grant.expires_in = absl::Seconds(JsonNumber(*body, "expires_in", 0));
  return grant;
}

absl::StatusOr<TokenGrant> RefreshAccessToken(HttpClient& http, const OAuthRefreshSpec& spec,
                                              const AccountCredentials& account) {
  const std::string refresh_token = account.Get("refresh_token");
  if (refresh_token.empty()) {
    return AuthExpired(absl::StrCat(spec.network, ": the access token of account '",
                                    account.alias,
                                    "' expired and it has no refresh_token; re-authorise the "
                                    "account and update its credentials"));
  }
  return RequestTokens(http, spec,
                       {.id = account.Get("client_id"), .secret = account.Get("client_secret")},
                       {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}},
                       account.alias);
}

}  // namespace fanfare::workers
