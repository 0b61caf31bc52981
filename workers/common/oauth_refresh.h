// The OAuth 2.0 refresh-token grant (RFC 6749 §6), as X, LinkedIn, Google (YouTube), TikTok
// and Snapchat implement it: a form-encoded POST to the network's token URL answered with
// {"access_token", "expires_in", "refresh_token"?}.
#ifndef FANFARE_WORKERS_COMMON_OAUTH_REFRESH_H_
#define FANFARE_WORKERS_COMMON_OAUTH_REFRESH_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "workers/common/credentials.h"
#include "workers/common/http_client.h"

namespace fanfare::workers {

struct OAuthRefreshSpec {
  std::string network;    // for messages
  std::string token_url;  // e.g. https://api.x.com/2/oauth2/token
  // The form field carrying the client id: "client_id", or "client_key" on TikTok.
  std::string client_id_field = "client_id";
  // Send client credentials as HTTP Basic auth (X confidential clients) instead of fields.
  bool basic_auth = false;
  absl::Duration timeout = absl::Seconds(30);
};

// Where and how `network` renews access tokens, its token endpoint under `auth_base`
// (NetworkEndpoints::auth); nullopt for networks that issue no refresh tokens (facebook,
// instagram). `confidential`: the account holds a client_secret (X then wants Basic auth).
std::optional<OAuthRefreshSpec> RefreshSpecOf(absl::string_view network,
                                              absl::string_view auth_base, bool confidential);

// An OAuth client: the app the network registered (its secret empty for a public client).
struct OAuthClient {
  std::string id;
  std::string secret;
};

// POSTs a token request (`form`: the grant's fields) to spec.token_url, authenticating as
// `client` the network's way, and reads the tokens. AuthExpired (naming the network, the
// account `alias` and the network's error, never a secret) if the network refuses the grant
// (a 4xx other than 408 and 429); Retryable if no answer came, the endpoint failed (5xx),
// asked to wait (408, 429) or answered something unreadable — the network may have acted.
absl::StatusOr<TokenGrant> RequestTokens(HttpClient& http, const OAuthRefreshSpec& spec,
                                         const OAuthClient& client,
                                         std::vector<std::pair<std::string, std::string>> form,
                                         absl::string_view alias);

// Exchanges the account's refresh_token for a new access token. AuthExpired (with a message
// telling the operator to re-authorise the account, and no secret in it) if the account has
// no refresh token or the network refuses it; Retryable on transport errors and 5xx.
absl::StatusOr<TokenGrant> RefreshAccessToken(HttpClient& http, const OAuthRefreshSpec& spec,
                                              const AccountCredentials& account);

// Base64 of `text` (for HTTP Basic auth).
std::string Base64Encode(absl::string_view text);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_OAUTH_REFRESH_H_
