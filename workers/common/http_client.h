// HttpClient: the one HTTP client every network adapter uses.
//
//   CurlHttpClient http;
//   HttpRequest req{.method = "POST", .url = base + "/2/tweets", .body = payload,
//                   .idempotent = false};
//   req.headers.emplace_back("Content-Type", "application/json");
//   absl::StatusOr<HttpResponse> resp = http.Send(req);
//
// Send() returns a response for every HTTP status (a 4xx or 5xx is a response, not an
// error; the network's error classifier reads it). It fails only when no complete response
// arrived, and the failure code says whether the request may have reached the network:
//
//   kUnavailable  the request was certainly not sent (connection refused, name not resolved):
//                 always safe to retry, and Send() already retried it `max_attempts` times.
//   kUnknown      the request may have been sent (connection dropped, response cut short,
//                 timed out after connecting, abandoned): a non-idempotent request's outcome
//                 is unknown.
//
// Retries inside Send(): a request that was not sent is retried; a request marked
// `idempotent` is also retried after kUnknown and after 502/503/504. A non-idempotent
// request (e.g. a POST that publishes) is never resent once it may have been sent.
#ifndef FANFARE_WORKERS_COMMON_HTTP_CLIENT_H_
#define FANFARE_WORKERS_COMMON_HTTP_CLIENT_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/url_encode.h"

namespace fanfare::workers {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // If set, polled while the request is in flight (as data moves, and about once a second
  // while it waits): once true, the transfer is abandoned (kUnknown: parts may have been
  // sent) and not retried. A body cut short never completes, so the network cannot act on
  // it; the adapters abandon the requests of an attempt that lost its lease.
  std::function<bool()> abandon;
  absl::Duration timeout = absl::Seconds(30);
  // Bytes of the answer's body kept at most (0: all). A longer body is cut there and the
  // transfer ended: the answer comes back with its status, the body's first bytes and
  // body_truncated — so a peer cannot make the caller hold what it sends without end.
  size_t max_response_bytes = 0;
  // True when sending the request twice has the same effect as sending it once (GET, PUT of
  // a chunk at a fixed offset, a status update to a fixed value). Decides retries.
  bool idempotent = false;
};

struct HttpResponse {
  int status = 0;
  // Header names lower-cased; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;
  // The body was longer than the request's max_response_bytes and was cut.
  bool body_truncated = false;

  // The header's value, or "" if absent. `name` is matched case-insensitively.
  std::string Header(absl::string_view name) const;
  bool ok() const { return status >= 200 && status < 300; }
};

// Sends HTTP requests. Implementations are thread-safe.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct RetryPolicy {
  // Total tries of one request, including the first.
  int max_attempts = 3;
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);
};

// HttpClient over libcurl: one easy handle per request (no shared connection state, so any
// number of threads may call Send at once). Sleeps between retries with `sleep`.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(RetryPolicy policy = {},
                          std::function<void(absl::Duration)> sleep = nullptr);

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  absl::StatusOr<HttpResponse> SendOnce(const HttpRequest& request) const;

  RetryPolicy policy_;
  std::function<void(absl::Duration)> sleep_;
};

// Percent-encoding (base/url_encode.h), as the adapters spell it.
using ::fanfare::FormEncode;
using ::fanfare::UrlEncode;

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_HTTP_CLIENT_H_
