#include "workers/meta/graph_errors.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers::graph {
namespace {

bool IsThrottleCode(int64_t code) {
  return code == 4 || code == 17 || code == 32 || code == 341 || code == 613 || code == 9 ||
         (code >= 80000 && code <= 80014);
}

}  // namespace

absl::Duration RegainAccessDelay(const HttpResponse& response, absl::Duration fallback) {
  std::optional<Json> usage = ParseJson(response.Header("x-business-use-case-usage"));
  if (!usage.has_value() || !usage->is_object()) return fallback;
  int64_t minutes = 0;
  for (const auto& [account, entries] : usage->items()) {
    if (!entries.is_array()) continue;
    for (const Json& entry : entries) {
      minutes = std::max<int64_t>(
          minutes, static_cast<int64_t>(JsonNumber(entry, "estimated_time_to_regain_access")));
    }
  }
  return minutes > 0 ? absl::Minutes(minutes) : fallback;
}

absl::Status ClassifyGraphError(const HttpResponse& response, absl::string_view what) {
  std::optional<Json> body = ParseJson(response.body);
  const Json& error = body.has_value() ? JsonMember(*body, "error") : JsonMember(Json(), "");
  const int64_t code = static_cast<int64_t>(JsonNumber(error, "code", 0));
  const int64_t subcode = static_cast<int64_t>(JsonNumber(error, "error_subcode", 0));
  const std::string code_text = absl::StrCat(code);
  const std::string message =
      absl::StrCat(what, ": HTTP ", response.status, ": ",
                   JsonString(error, "message", "no error message"), " (code ", code,
                   subcode != 0 ? absl::StrCat(", subcode ", subcode) : "", ")");
  if (code == 190 || code == 102) {
    return AuthExpired(absl::StrCat(message, "; Meta issues no refresh tokens: generate a new "
                                             "long-lived token for the account"),
                       code_text);
  }
  if (IsThrottleCode(code)) {
    const absl::Duration fallback = code == 9 ? absl::Hours(1) : absl::Minutes(15);
    return Throttled(message, RegainAccessDelay(response, fallback), code_text);
  }
  if (code == 506) return Duplicate(message, code_text);
  if (code == 1 || code == 2 || JsonMember(error, "is_transient") == Json(true) ||
      response.status >= 500 || code == 9007 || subcode == 2207027) {
    return Retryable(message, code_text);
  }
  return RejectedInput(message, code_text);
}

bool IsGraphAuthFailure(const HttpResponse& response) {
  if (response.ok()) return false;
  std::optional<Json> body = ParseJson(response.body);
  if (!body.has_value()) return response.status == 401;
  const int64_t code = static_cast<int64_t>(JsonNumber(JsonMember(*body, "error"), "code", 0));
  return code == 190 || code == 102;
}

NetworkProtocol GraphProtocol(std::string network) {
  return NetworkProtocol{.network = std::move(network), .classify = &ClassifyGraphError,
                         .is_auth_failure = &IsGraphAuthFailure, .refresh = std::nullopt};
}

}  // namespace fanfare::workers::graph
