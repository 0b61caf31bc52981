// Helpers shared by the network emulations: time formats, token refresh, transient errors.
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sandbox/network_api.h"

namespace fanfare::sandbox {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string GraphTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S+0000", t, absl::UTCTimeZone());
}

absl::Time ParseTimeParam(const std::string& text, absl::Time fallback) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return t;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) return t;
  if (absl::ParseTime("%Y-%m-%d %H:%M:%S", text, absl::UTCTimeZone(), &t, &err)) return t;
  int64_t seconds = 0;
  if (absl::SimpleAtoi(text, &seconds)) return absl::FromUnixSeconds(seconds);
  return fallback;
}

bool MatchesSearchQuery(absl::string_view text, absl::string_view author_handle,
                        absl::string_view query) {
  const std::string haystack = absl::AsciiStrToLower(text);
  for (absl::string_view term : absl::StrSplit(query, ' ', absl::SkipEmpty())) {
    const std::string t = absl::AsciiStrToLower(term);
    if (absl::StartsWith(t, "from:")) {
      if (absl::AsciiStrToLower(author_handle) != t.substr(5)) return false;
    } else if (absl::StartsWith(t, "-") && t.size() > 1) {
      if (absl::StrContains(haystack, t.substr(1))) return false;
    } else if (!absl::StrContains(haystack, t)) {
      return false;
    }
  }
  return true;
}

namespace {

const char* RefusalOf(SandboxState::Refreshed::Result result) {
  using Result = SandboxState::Refreshed::Result;
  switch (result) {
    case Result::kSpent: return "The refresh token was already used.";
    case Result::kExpired: return "The refresh token has expired.";
    case Result::kRevoked: return "The refresh token has been revoked.";
    case Result::kNotIssued: return "This network issues no refresh tokens.";
    default: return "The refresh token is invalid.";
  }
}

}  // namespace

void HandleTokenEndpoint(SandboxState& state, const std::string& network,
                         const SandboxRequest& request, SandboxResponse& response) {
  absl::MutexLock lock(&state.mu);
  if (request.Param("grant_type") == "authorization_code") {
    HandleCodeExchange(state, network, request, response);
    return;
  }
  std::string refresh = request.Param("refresh_token");
  if (refresh.empty()) {
    const Json body = request.BodyJson();
    if (body.is_object() && body.contains("refresh_token") && body["refresh_token"].is_string()) {
      refresh = body["refresh_token"].get<std::string>();
    }
  }
  if (request.Param("grant_type") != "refresh_token") {
    response.SetJson(400, {{"error", "unsupported_grant_type"},
                           {"error_description",
                            "grant_type must be refresh_token or authorization_code"}});
    return;
  }
  const SandboxState::Refreshed refreshed = state.Refresh(network, refresh);
  if (refreshed.result != SandboxState::Refreshed::Result::kOk) {
    response.SetJson(400, {{"error", "invalid_grant"},
                           {"error_description", RefusalOf(refreshed.result)}});
    return;
  }
  AnswerTokens(network, refreshed, response);
}

void AnswerTokens(const std::string& network, const SandboxState::Refreshed& tokens,
                  SandboxResponse& response) {
  Json body = {{"access_token", tokens.access_token},
               {"token_type", "bearer"},
               {"expires_in", absl::ToInt64Seconds(tokens.access_ttl)},
               {"scope", "sandbox"}};
  if (!tokens.refresh_token.empty()) body["refresh_token"] = tokens.refresh_token;
  const bool refresh_expires = tokens.refresh_ttl != absl::InfiniteDuration();
  if (network == "tiktok") {
    body["open_id"] = absl::StrCat("open_", tokens.account);
    if (refresh_expires) body["refresh_expires_in"] = absl::ToInt64Seconds(tokens.refresh_ttl);
  }
  if (network == "linkedin" && refresh_expires) {
    body["refresh_token_expires_in"] = absl::ToInt64Seconds(tokens.refresh_ttl);
  }
  response.SetJson(200, body);
}

void TransientError(const std::string& network, SandboxResponse& response) {
  if (network == "facebook" || network == "instagram") {
    response.SetJson(500, {{"error",
                            {{"message", "An unexpected error has occurred. Please retry your "
                                         "request later."},
                             {"type", "OAuthException"},
                             {"is_transient", true},
                             {"code", 2},
                             {"fbtrace_id", "SbxTransient"}}}});
  } else if (network == "x") {
    response.SetJson(503, {{"title", "Service Unavailable"}, {"detail", "Service Unavailable"},
                           {"type", "about:blank"}, {"status", 503}});
  } else if (network == "linkedin") {
    response.SetJson(503, {{"status", 503}, {"serviceErrorCode", 0},
                           {"message", "Service Unavailable"}});
  } else if (network == "youtube") {
    response.SetJson(503, {{"error",
                            {{"code", 503},
                             {"message", "Backend Error"},
                             {"errors", Json::array({{{"message", "Backend Error"},
                                                      {"domain", "global"},
                                                      {"reason", "backendError"}}})},
                             {"status", "UNAVAILABLE"}}}});
  } else if (network == "tiktok") {
    response.SetJson(500, {{"data", Json::object()},
                           {"error", {{"code", "internal_error"},
                                      {"message", "Something went wrong. Please try again."},
                                      {"log_id", "sbx-transient"}}}});
  } else {
    response.SetJson(503, {{"request_status", "ERROR"}, {"request_id", "sbx-transient"},
                           {"debug_message", "Service temporarily unavailable"},
                           {"display_message", "Please try again later."},
                           {"error_code", "E1008"}});
  }
}

}  // namespace fanfare::sandbox
