#include "sandbox/oauth_policy.h"

namespace fanfare::sandbox {
namespace {

constexpr absl::Duration kYear = absl::Hours(24 * 365);
constexpr absl::Duration kReplayWindow = absl::Seconds(60);

OAuthPolicy X() {
  return {.single_use = true, .reuse_revokes_grant = true, .access_ttl = absl::Hours(2),
          .replay_window = kReplayWindow};
}
OAuthPolicy TikTok() {
  return {.single_use = true, .access_ttl = absl::Hours(24), .refresh_ttl = kYear,
          .replay_window = kReplayWindow};
}
OAuthPolicy LinkedIn() { return {.access_ttl = absl::Hours(24 * 60), .refresh_ttl = kYear}; }
OAuthPolicy YouTube() { return {.echoes_refresh_token = false}; }
OAuthPolicy Meta() {
  return {.issues_refresh_tokens = false, .access_ttl = absl::Hours(24 * 60)};
}

}  // namespace

const OAuthPolicy& OAuthPolicyOf(absl::string_view network) {
  static const OAuthPolicy kX = X(), kTikTok = TikTok(), kLinkedIn = LinkedIn(),
                           kYouTube = YouTube(), kMeta = Meta(), kDefault = OAuthPolicy();
  if (network == "x") return kX;
  if (network == "tiktok") return kTikTok;
  if (network == "linkedin") return kLinkedIn;
  if (network == "youtube") return kYouTube;
  if (network == "facebook" || network == "instagram") return kMeta;
  return kDefault;
}

}  // namespace fanfare::sandbox
