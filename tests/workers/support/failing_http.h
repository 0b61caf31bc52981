// FailingHttpClient: an HttpClient that passes requests on to another and fails the ones a
// test picks, for what an adapter does when a write took effect but its answer was lost, or
// when a read fails.
//
//   FailingHttpClient http(harness.http());
//   harness.options().http = &http;
//   http.FailNthWrite(2, HttpFailure::kAnswerLost);  // the 2nd write from now is sent, then
//                                                     // its answer is lost
//
// Writes are the requests that are not GETs. Thread-safe.
#ifndef FANFARE_TESTS_WORKERS_SUPPORT_FAILING_HTTP_H_
#define FANFARE_TESTS_WORKERS_SUPPORT_FAILING_HTTP_H_

#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "workers/common/http_client.h"

namespace fanfare::workers::testing {

enum class HttpFailure {
  kRefused500,          // not sent; answered HTTP 500
  kAnswer500,           // sent (it takes effect), then answered HTTP 500
  kAnswerLost,          // sent, then the connection drops: a kUnknown transport error
  kUnreadableListing,   // sent, then answered 200 with an empty JSON object
};

// "refused_500", "answer_500", "answer_lost", "unreadable_listing": for test names.
const char* HttpFailureName(HttpFailure failure);

class FailingHttpClient final : public HttpClient {
 public:
  explicit FailingHttpClient(HttpClient& next) : next_(next) {}

  // Fails the `nth` (1-based) write from now on, with `failure`; counts writes anew.
  void FailNthWrite(int nth, HttpFailure failure) ABSL_LOCKS_EXCLUDED(mu_);
  // Fails every GET whose URL contains `url_part`, with `failure`.
  void FailReads(const std::string& url_part, HttpFailure failure) ABSL_LOCKS_EXCLUDED(mu_);
  // Fails nothing from now on; counts writes anew.
  void Clear() ABSL_LOCKS_EXCLUDED(mu_);
  // The writes seen since the last FailNthWrite or Clear.
  int writes() const ABSL_LOCKS_EXCLUDED(mu_);

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // The failure for `request`, if it is one to fail; counts writes.
  std::optional<HttpFailure> Pick(const HttpRequest& request) ABSL_LOCKS_EXCLUDED(mu_);

  HttpClient& next_;
  mutable absl::Mutex mu_;
  int writes_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_write_ ABSL_GUARDED_BY(mu_) = 0;  // 0: none
  HttpFailure write_failure_ ABSL_GUARDED_BY(mu_) = HttpFailure::kAnswer500;
  std::string read_part_ ABSL_GUARDED_BY(mu_);  // "": no read fails
  HttpFailure read_failure_ ABSL_GUARDED_BY(mu_) = HttpFailure::kAnswer500;
};

}  // namespace fanfare::workers::testing

#endif  // FANFARE_TESTS_WORKERS_SUPPORT_FAILING_HTTP_H_
