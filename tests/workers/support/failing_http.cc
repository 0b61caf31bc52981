#include "tests/workers/support/failing_http.h"

#include "absl/strings/match.h"

namespace fanfare::workers::testing {

const char* HttpFailureName(HttpFailure failure) {
  switch (failure) {
    case HttpFailure::kRefused500: return "refused_500";
    case HttpFailure::kAnswer500: return "answer_500";
    case HttpFailure::kAnswerLost: return "answer_lost";
    case HttpFailure::kUnreadableListing: return "unreadable_listing";
  }
  return "unknown";
}

void FailingHttpClient::FailNthWrite(int nth, HttpFailure failure) {
  absl::MutexLock lock(&mu_);
  writes_ = 0;
  fail_write_ = nth;
  write_failure_ = failure;
}

void FailingHttpClient::FailReads(const std::string& url_part, HttpFailure failure) {
  absl::MutexLock lock(&mu_);
  read_part_ = url_part;
  read_failure_ = failure;
}

void FailingHttpClient::Clear() {
  absl::MutexLock lock(&mu_);
  writes_ = 0;
  fail_write_ = 0;
  read_part_.clear();
}

int FailingHttpClient::writes() const {
  absl::MutexLock lock(&mu_);
  return writes_;
}

std::optional<HttpFailure> FailingHttpClient::Pick(const HttpRequest& request) {
  absl::MutexLock lock(&mu_);
  if (request.method == "GET") {
    if (read_part_.empty() || !absl::StrContains(request.url, read_part_)) return std::nullopt;
    return read_failure_;
  }
  if (++writes_ != fail_write_) return std::nullopt;
  return write_failure_;
}

absl::StatusOr<HttpResponse> FailingHttpClient::Send(const HttpRequest& request) {
  const std::optional<HttpFailure> failure = Pick(request);
  if (!failure.has_value()) return next_.Send(request);
  HttpResponse error;
  error.status = 500;
  error.body = R"({"error": "injected by FailingHttpClient"})";
  if (*failure == HttpFailure::kRefused500) return error;
  absl::StatusOr<HttpResponse> sent = next_.Send(request);
  if (!sent.ok()) return sent;
  switch (*failure) {
    case HttpFailure::kAnswerLost:
      return absl::UnknownError("FailingHttpClient: connection dropped after sending");
    case HttpFailure::kUnreadableListing:
      error.status = 200;
      error.body = "{}";
      return error;
    default:
      return error;
  }
}

}  // namespace fanfare::workers::testing
