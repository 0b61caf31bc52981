// How each network's OAuth token endpoint treats access and refresh tokens, as the real one
// does (docs/networks.md, "Tokens"):
//
//   network    access token  refresh token
//   x          2 hours       single use: each refresh returns a new one, and presenting a
//                            spent one revokes the whole grant (every token of the account)
//   tiktok     24 hours      single use, 365 days: a spent one is refused (invalid_grant)
//   linkedin   60 days       reusable, 365 days: a refresh returns the same one
//   youtube    1 hour        reusable, no expiry: a refresh returns none (keep the old one)
//   snapchat   1 hour        reusable, no expiry: a refresh returns the same one
//   facebook,  60 days       none: a long-lived token expires and a person must log in again
//   instagram
//
// A single-use refresh token whose answer was lost (the client crashed, the connection
// dropped) may be presented once more within `replay_window` and gets the same answer again
// (counted as a replay, not a reuse): the grace that Okta, Auth0 ("reuse interval") and Ory
// Hydra give rotating refresh tokens. Neither X nor TikTok documents one; docs/networks.md
// says what fanfared does against a network without it.
//
// Values; thread-safe.
#ifndef FANFARE_SANDBOX_OAUTH_POLICY_H_
#define FANFARE_SANDBOX_OAUTH_POLICY_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::sandbox {

struct OAuthPolicy {
  bool issues_refresh_tokens = true;
  // A refresh spends the refresh token presented and returns a new one.
  bool single_use = false;
  // Presenting a spent refresh token revokes every token of the account (X).
  bool reuse_revokes_grant = false;
  // Whether the refresh response carries the (unchanged) refresh token of a reusable one.
  bool echoes_refresh_token = true;
  absl::Duration access_ttl = absl::Hours(1);
  absl::Duration refresh_ttl = absl::InfiniteDuration();
  // How long the refresh token just spent may be presented again for the same answer.
  absl::Duration replay_window = absl::ZeroDuration();
};

// The policy of `network` (one of the seven); a reusable-refresh default for any other.
const OAuthPolicy& OAuthPolicyOf(absl::string_view network);

}  // namespace fanfare::sandbox

#endif  // FANFARE_SANDBOX_OAUTH_POLICY_H_
