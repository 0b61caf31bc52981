// The authorization half of OAuth 2.0 (RFC 6749 §4.1) with PKCE (RFC 7636), for the networks
// that issue refresh tokens, at their own paths:
//
//   x         GET /x/i/oauth2/authorize             (x.com)
//   linkedin  GET /linkedin/oauth/v2/authorization  (www.linkedin.com)
//   tiktok    GET /tiktok/v2/auth/authorize         (www.tiktok.com; `client_key`)
//   youtube   GET /youtube/o/oauth2/v2/auth         (accounts.google.com)
//   snapchat  GET /snapchat/login/oauth2/authorize  (accounts.snapchat.com)
//
// There is nobody to sign in, so the sandbox consents at once, as the account named by
// `login_hint` (default `sandbox_user`), and redirects to `redirect_uri` with `code` and
// `state` — which must be a loopback http URI, as an installed app's is. The code is then
// redeemed at the network's token endpoint (HandleCodeExchange).
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/url_encode.h"
#include "sandbox/network_api.h"

namespace fanfare::sandbox {
namespace {

bool IsLoopbackRedirect(absl::string_view uri) {
  return absl::StartsWith(uri, "http://127.0.0.1:") || absl::StartsWith(uri, "http://[::1]:") ||
         absl::StartsWith(uri, "http://localhost:");
}

// The authorization request's problem, or "" if it may be answered with a code.
std::string Refusal(const SandboxRequest& request, const std::string& client_id) {
  if (request.Param("response_type") != "code") return "response_type must be code";
  if (client_id.empty()) return "the client id is missing";
  if (!IsLoopbackRedirect(request.Param("redirect_uri"))) {
    return "redirect_uri must be a loopback http URI (http://127.0.0.1:PORT/…)";
  }
  if (request.Param("code_challenge_method") != "S256" ||
      request.Param("code_challenge").size() < 43) {
    return "PKCE is required: code_challenge with code_challenge_method=S256";
  }
  return "";
}

void Authorize(SandboxState& state, const std::string& network, const SandboxRequest& request,
               SandboxResponse& response) {
  const std::string client_id =
      request.Param(network == "tiktok" ? "client_key" : "client_id");
  if (const std::string refusal = Refusal(request, client_id); !refusal.empty()) {
    // Without a trustworthy redirect URI the error is shown, not redirected (§4.1.2.1).
    response.SetJson(400, {{"error", "invalid_request"}, {"error_description", refusal}});
    return;
  }
  const std::string redirect_uri = request.Param("redirect_uri");
  std::string code;
  {
    absl::MutexLock lock(&state.mu);
    code = state.IssueCode({.network = network,
                            .account = request.Param("login_hint", "sandbox_user"),
                            .client_id = client_id,
                            .redirect_uri = redirect_uri,
                            .code_challenge = request.Param("code_challenge")});
  }
  response.status = 302;
  response.body.clear();
  response.content_type = "text/plain";
  response.AddHeader("Location",
                     absl::StrCat(redirect_uri, absl::StrContains(redirect_uri, "?") ? "&" : "?",
                                  "code=", UrlEncode(code),
                                  "&state=", UrlEncode(request.Param("state"))));
}

}  // namespace

void HandleCodeExchange(SandboxState& state, const std::string& network,
                        const SandboxRequest& request, SandboxResponse& response) {
  const std::string client_id =
      request.Param(network == "tiktok" ? "client_key" : "client_id");
  std::string error;
  const SandboxState::Refreshed tokens =
      state.RedeemCode(network, request.Param("code"), client_id, request.Param("redirect_uri"),
                       request.Param("code_verifier"), &error);
  if (tokens.result != SandboxState::Refreshed::Result::kOk) {
    response.SetJson(400, {{"error", "invalid_grant"}, {"error_description", error}});
    return;
  }
  AnswerTokens(network, tokens, response);
}

void RegisterOAuth(Router& router, SandboxState& state) {
  for (const auto& [network, path] : {std::pair{"x", "/x/i/oauth2/authorize"},
                                      std::pair{"linkedin", "/linkedin/oauth/v2/authorization"},
                                      std::pair{"tiktok", "/tiktok/v2/auth/authorize"},
                                      std::pair{"youtube", "/youtube/o/oauth2/v2/auth"},
                                      std::pair{"snapchat", "/snapchat/login/oauth2/authorize"}}) {
    router.Add("GET", path,
               [&state, network = std::string(network)](const SandboxRequest& req,
                                                        SandboxResponse& res) {
                 Authorize(state, network, req, res);
               });
  }
}

}  // namespace fanfare::sandbox
