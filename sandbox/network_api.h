// The sandbox's network emulations: each registers its routes (under "/<network>/…") on the
// router. Handlers lock state.mu for the whole request.
#ifndef FANFARE_SANDBOX_NETWORK_API_H_
#define FANFARE_SANDBOX_NETWORK_API_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sandbox/router.h"
#include "sandbox/sandbox_state.h"

namespace fanfare::sandbox {

// Facebook Pages, their comments, and the Marketing API (also under /instagram for IG boosts).
void RegisterFacebook(Router& router, SandboxState& state);
// Instagram Graph API content publishing, plus the Meta Marketing API under /instagram.
void RegisterInstagram(Router& router, SandboxState& state);
void RegisterX(Router& router, SandboxState& state);
void RegisterLinkedIn(Router& router, SandboxState& state);
void RegisterYouTube(Router& router, SandboxState& state);
void RegisterTikTok(Router& router, SandboxState& state);
void RegisterSnapchat(Router& router, SandboxState& state);
// /_sandbox/…: posts, stats, faults, clock, reset, tokens, quality, media.
void RegisterControl(Router& router, SandboxState& state);

// A handler that runs `fn(state, request, response)` holding state.mu, as every network
// emulation's handlers do.
template <typename Fn>
Handler Locked(SandboxState& state, Fn fn) {
  return [&state, fn = std::move(fn)](const SandboxRequest& req, SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    fn(state, req, res);
  };
}

// The body and status of an injected transient failure, in `network`'s error envelope.
void TransientError(const std::string& network, SandboxResponse& response);

// Shared helpers.
std::string Rfc3339(absl::Time t);
// Graph API time format: "2026-12-01T09:00:00+0000".
std::string GraphTime(absl::Time t);
// Parses RFC 3339, "YYYY-MM-DD" (start of day UTC) or unix seconds; `fallback` otherwise.
absl::Time ParseTimeParam(const std::string& text, absl::Time fallback);
// A search query as the emulations read it: every term must occur in `text`
// (case-insensitively), "-term" must not, and "from:handle" names the author.
bool MatchesSearchQuery(absl::string_view text, absl::string_view author_handle,
                        absl::string_view query);
// A network's OAuth 2 token endpoint: the refresh-token grant (form or JSON fields) and the
// authorization-code grant with PKCE (oauth_api.cc).
void HandleTokenEndpoint(SandboxState& state, const std::string& network,
                         const SandboxRequest& request, SandboxResponse& response);
// The authorization endpoints of the networks with refresh tokens (oauth_api.cc).
void RegisterOAuth(Router& router, SandboxState& state);
// The authorization-code grant at `network`'s token endpoint.
void HandleCodeExchange(SandboxState& state, const std::string& network,
                        const SandboxRequest& request, SandboxResponse& response)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);
// The token endpoint's answer to a grant (shared by both grants).
void AnswerTokens(const std::string& network, const SandboxState::Refreshed& tokens,
                  SandboxResponse& response);

}  // namespace fanfare::sandbox

#endif  // FANFARE_SANDBOX_NETWORK_API_H_
