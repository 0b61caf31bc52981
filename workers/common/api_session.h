// ApiSession: sends one action's requests to a network on behalf of one account.
//
// It fences writes (see Fence below), adds the account's token, maps transport failures (nothing sent → Retryable; sent but
// no answer → OutcomeUnknown for a non-idempotent request, Retryable otherwise), and handles
// expired tokens: on a response the network's protocol calls an auth failure it refreshes
// the token once (single-flight, through the CredentialStore) and resends the request once.
// Resending is safe even for a POST, because the network refused the request without acting
// on it. Networks without refresh tokens (Facebook, Instagram) report AuthExpired instead.
//
// Not thread-safe; one per action call.
#ifndef FANFARE_WORKERS_COMMON_API_SESSION_H_
#define FANFARE_WORKERS_COMMON_API_SESSION_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workers/common/adapter.h"
#include "workers/common/http_client.h"
#include "workers/common/json_value.h"
#include "workers/common/oauth_refresh.h"

namespace fanfare::workers {

// How a network speaks: its error classifier and its token story.
struct NetworkProtocol {
  std::string network;
  // Maps a non-2xx response to a failure built with task_errors.h. `what` names the call.
  std::function<absl::Status(const HttpResponse&, absl::string_view what)> classify;
  // True when the response says the token expired or is invalid.
  std::function<bool(const HttpResponse&)> is_auth_failure;
  // Set for networks that issue refresh tokens; `token_url` is built from endpoints.auth.
  std::optional<OAuthRefreshSpec> refresh;
};

// Where the token goes: "Authorization: Bearer <t>" by default; TikTok's Marketing API
// wants "Access-Token: <t>".
struct AuthScheme {
  std::string header = "Authorization";
  std::string prefix = "Bearer ";
  // The credentials field holding the token; `fallback_field` is used when it is empty.
  std::string token_field = "access_token";
  std::string fallback_field;
};

class ApiSession {
 public:
  ApiSession(ActionCall& call, const NetworkProtocol& protocol);

  // The response whatever its HTTP status (after at most one refresh-and-resend).
  absl::StatusOr<HttpResponse> SendRaw(HttpRequest request, absl::string_view what,
                                       const AuthScheme& auth = {});
  // As SendRaw; a non-2xx response becomes the protocol's classified failure.
  absl::StatusOr<HttpResponse> Send(HttpRequest request, absl::string_view what,
                                    const AuthScheme& auth = {});
  // As Send, and parses the body as JSON (Retryable if it is not JSON).
  absl::StatusOr<Json> SendJson(HttpRequest request, absl::string_view what,
                                const AuthScheme& auth = {});

 private:
  absl::StatusOr<std::string> Token(const AuthScheme& auth) const;
  absl::StatusOr<HttpResponse> SendWithToken(HttpRequest request, absl::string_view token,
                                             absl::string_view what, const AuthScheme& auth);
  absl::StatusOr<std::string> RefreshedToken(absl::string_view stale, absl::string_view what);

  ActionCall& call_;
  const NetworkProtocol& protocol_;
};

// A request with a JSON body and the timeout from the options.
HttpRequest JsonRequest(const ActionCall& call, absl::string_view method, std::string url,
                        const Json& body, bool idempotent);
// A GET (idempotent).
HttpRequest GetRequest(const ActionCall& call, std::string url);
// A form-encoded POST.
HttpRequest FormRequest(const ActionCall& call, absl::string_view method, std::string url,
                        const std::vector<std::pair<std::string, std::string>>& fields,
                        bool idempotent);

// The lease fence, for a request about to go out on behalf of `call`: a write (anything but
// GET and HEAD) goes only while the attempt holds a confirmed lease (TaskContext::BeforeWrite,
// whose refusal is returned), and is abandoned in flight if the attempt is cancelled. Every
// request an adapter sends passes through here (ApiSession does it itself).
absl::Status Fence(ActionCall& call, HttpRequest& request);

// The failure for a transport error from HttpClient::Send.
absl::Status TransportFailure(const absl::Status& status, absl::string_view what,
                              bool idempotent);

// Downloads a media file (no credentials sent) for networks that take uploads. RejectedInput
// when the URL answers 4xx or the file exceeds options.max_media_bytes; Retryable otherwise.
absl::StatusOr<std::string> FetchMedia(const ActionCall& call, const std::string& url);

// Seconds from a Retry-After header (delta-seconds form), or `fallback`.
absl::Duration RetryAfterHeader(const HttpResponse& response, absl::Duration fallback);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_API_SESSION_H_
