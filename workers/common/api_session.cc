#include "workers/common/api_session.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers {

HttpRequest JsonRequest(const ActionCall& call, absl::string_view method, std::string url,
                        const Json& body, bool idempotent) {
  HttpRequest request{.method = std::string(method), .url = std::move(url),
                      .body = body.dump(), .timeout = call.options.request_timeout,
                      .idempotent = idempotent};
  request.headers.emplace_back("Content-Type", "application/json");
  return request;
}

HttpRequest GetRequest(const ActionCall& call, std::string url) {
  return HttpRequest{.method = "GET", .url = std::move(url),
                     .timeout = call.options.request_timeout, .idempotent = true};
}

HttpRequest FormRequest(const ActionCall& call, absl::string_view method, std::string url,
                        const std::vector<std::pair<std::string, std::string>>& fields,
                        bool idempotent) {
  HttpRequest request{.method = std::string(method), .url = std::move(url),
                      .body = FormEncode(fields), .timeout = call.options.request_timeout,
                      .idempotent = idempotent};
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return request;
}

absl::Status Fence(ActionCall& call, HttpRequest& request) {
  if (request.method == "GET" || request.method == "HEAD") return absl::OkStatus();
  RETURN_IF_ERROR(call.ctx.BeforeWrite());
  const TaskContext& ctx = call.ctx;
  request.abandon = [&ctx] { return !ctx.may_still_act(); };
  return absl::OkStatus();
}

absl::Status TransportFailure(const absl::Status& status, absl::string_view what,
                              bool idempotent) {
  if (absl::IsUnavailable(status)) {
    return Retryable(absl::StrCat(what, ": not sent (", status.message(), ")"), "unreachable");
  }
  if (idempotent) {
    return Retryable(absl::StrCat(what, ": no response (", status.message(), ")"), "no_response");
  }
  return OutcomeUnknown(absl::StrCat(what, ": the request was sent but no response arrived (",
                                     status.message(), "); its outcome is unknown"),
                        "no_response");
}

absl::Duration RetryAfterHeader(const HttpResponse& response, absl::Duration fallback) {
  int64_t seconds = 0;
  if (absl::SimpleAtoi(response.Header("retry-after"), &seconds) && seconds >= 0) {
    return absl::Seconds(seconds);
  }
  return fallback;
}

absl::StatusOr<std::string> FetchMedia(const ActionCall& call, const std::string& url) {
  const std::string what = absl::StrCat(call.input.action(), ": fetching the media file");
  HttpRequest request = GetRequest(call, url);
  request.timeout = std::max(call.options.request_timeout, absl::Minutes(5));
  absl::StatusOr<HttpResponse> response = call.options.http->Send(request);
  if (!response.ok()) return TransportFailure(response.status(), what, true);
  if (response->status >= 400 && response->status < 500) {
    return RejectedInput(absl::StrCat(what, ": ", url, " answered HTTP ", response->status));
  }
  if (!response->ok()) return Retryable(absl::StrCat(what, ": HTTP ", response->status));
  if (static_cast<int64_t>(response->body.size()) > call.options.max_media_bytes) {
    return RejectedInput(absl::StrCat(what, ": the file is larger than ",
                                      call.options.max_media_bytes, " bytes"));
  }
  if (response->body.empty()) return RejectedInput(absl::StrCat(what, ": the file is empty"));
  return std::move(response->body);
}

ApiSession::ApiSession(ActionCall& call, const NetworkProtocol& protocol)
    : call_(call), protocol_(protocol) {}

absl::StatusOr<std::string> ApiSession::Token(const AuthScheme& auth) const {
  // Read afresh each time: another task may have refreshed it.
  absl::StatusOr<AccountCredentials> account = call_.options.credentials->Get(call_.account.alias);
  if (!account.ok()) return AuthExpired(account.status().message());
  std::string token = account->Get(auth.token_field);
  if (token.empty() && !auth.fallback_field.empty()) token = account->Get(auth.fallback_field);
  if (token.empty()) {
    return AuthExpired(absl::StrCat(protocol_.network, ": account '", call_.account.alias,
                                    "' has no ", auth.token_field, " in its credentials"));
  }
  return token;
}

absl::StatusOr<HttpResponse> ApiSession::SendWithToken(HttpRequest request,
                                                       absl::string_view token,
                                                       absl::string_view what,
                                                       const AuthScheme& auth) {
  RETURN_IF_ERROR(Fence(call_, request));
  request.headers.emplace_back(auth.header, absl::StrCat(auth.prefix, token));
  absl::StatusOr<HttpResponse> response = call_.options.http->Send(request);
  if (!response.ok()) return TransportFailure(response.status(), what, request.idempotent);
  return response;
}

absl::StatusOr<std::string> ApiSession::RefreshedToken(absl::string_view stale,
                                                       absl::string_view what) {
  OAuthRefreshSpec spec = *protocol_.refresh;
  HttpClient& http = *call_.options.http;
  return call_.options.credentials->Refresh(
      call_.account.alias, stale,
      [&](const AccountCredentials& account) { return RefreshAccessToken(http, spec, account); },
      call_.now());
}

absl::StatusOr<HttpResponse> ApiSession::SendRaw(HttpRequest request, absl::string_view what,
                                                 const AuthScheme& auth) {
  absl::StatusOr<std::string> token = Token(auth);
  if (!token.ok()) return token.status();
  absl::StatusOr<HttpResponse> response = SendWithToken(request, *token, what, auth);
  if (!response.ok() || !protocol_.is_auth_failure(*response)) return response;
  // The only token that can be refreshed is the OAuth access token.
  if (!protocol_.refresh.has_value() || auth.token_field != "access_token") return response;
  absl::StatusOr<std::string> fresh = RefreshedToken(*token, what);
  if (!fresh.ok()) return fresh.status();
  return SendWithToken(std::move(request), *fresh, what, auth);
}

absl::StatusOr<HttpResponse> ApiSession::Send(HttpRequest request, absl::string_view what,
                                              const AuthScheme& auth) {
  absl::StatusOr<HttpResponse> response = SendRaw(std::move(request), what, auth);
  if (!response.ok()) return response;
  if (!response->ok()) return protocol_.classify(*response, what);
  return response;
}

absl::StatusOr<Json> ApiSession::SendJson(HttpRequest request, absl::string_view what,
                                          const AuthScheme& auth) {
  const bool idempotent = request.idempotent;
  absl::StatusOr<HttpResponse> response = Send(std::move(request), what, auth);
  if (!response.ok()) return response.status();
  std::optional<Json> json = ParseJson(response->body);
  if (!json.has_value()) {
    // The network acted (2xx) but its answer is unreadable: for a write, that is as good
    // as no answer.
    const std::string message = absl::StrCat(what, ": HTTP ", response->status,
                                             " with a body that is not JSON");
    return idempotent ? Retryable(message) : OutcomeUnknown(message);
  }
  return *std::move(json);
}

}  // namespace fanfare::workers
