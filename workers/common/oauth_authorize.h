// The OAuth 2.0 authorization-code grant with PKCE (RFC 6749 §4.1, RFC 7636), as the
// networks with refresh tokens implement it for an installed app with a loopback redirect
// (RFC 8252): what `fanfare accounts connect` sends a person's browser to, and how it then
// redeems the code.
//
//   network   authorize (production)                         client id field  scope separator
//   x         https://x.com/i/oauth2/authorize               client_id        space
//   linkedin  https://www.linkedin.com/oauth/v2/authorization client_id       space
//   tiktok    https://www.tiktok.com/v2/auth/authorize/      client_key       comma
//   youtube   https://accounts.google.com/o/oauth2/v2/auth   client_id        space (+offline)
//   snapchat  https://accounts.snapchat.com/login/oauth2/authorize client_id  space
//
// Facebook and Instagram are not here: Meta's login gives short-lived tokens to be exchanged
// for long-lived page tokens, and issues no refresh token (docs/networks.md).
#ifndef FANFARE_WORKERS_COMMON_OAUTH_AUTHORIZE_H_
#define FANFARE_WORKERS_COMMON_OAUTH_AUTHORIZE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workers/common/oauth_refresh.h"

namespace fanfare::workers {

struct OAuthAuthorizeSpec {
  std::string network;
  std::string authorize_url;
  std::string client_id_param = "client_id";
  // The scopes a campaign's actions need, joined as the network wants them.
  std::string scope;
  // Further parameters (Google: access_type=offline and prompt=consent, for a refresh token).
  std::vector<std::pair<std::string, std::string>> extra;
};

// Where a person signs in: the network's production host.
std::string DefaultAuthorizeBase(absl::string_view network);
// `network`'s authorization endpoint under `authorize_base` (the sandbox serves it under
// /<network>); nullopt for networks without this flow.
std::optional<OAuthAuthorizeSpec> AuthorizeSpecOf(absl::string_view network,
                                                  absl::string_view authorize_base);

struct AuthorizationRequest {
  std::string client_id;
  std::string redirect_uri;  // http://127.0.0.1:PORT/callback
  std::string state;         // random, checked on the way back
  std::string code_challenge;
  std::string login_hint;  // optional: the account to sign in as
};
// The URL to open in a browser.
std::string AuthorizeUrl(const OAuthAuthorizeSpec& spec, const AuthorizationRequest& request);

// Redeems `code` at the token endpoint `spec` (RefreshSpecOf) with the PKCE verifier, for
// account `alias` (messages). As RequestTokens.
absl::StatusOr<TokenGrant> ExchangeAuthorizationCode(HttpClient& http,
                                                     const OAuthRefreshSpec& spec,
                                                     const OAuthClient& client,
                                                     const std::string& code,
                                                     const std::string& redirect_uri,
                                                     const std::string& code_verifier,
                                                     absl::string_view alias);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_OAUTH_AUTHORIZE_H_
