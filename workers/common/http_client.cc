#include "workers/common/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace fanfare::workers {
namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The body received so far, up to `max` bytes (0: all).
struct BodySink {
  HttpResponse* response;
  size_t max;
};

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  auto* sink = static_cast<BodySink*>(out);
  std::string& body = sink->response->body;
  if (sink->max > 0 && body.size() + size * count > sink->max) {
    body.append(data, sink->max - body.size());
    sink->response->body_truncated = true;
    return 0;  // ends the transfer (CURLE_WRITE_ERROR)
  }
  body.append(data, size * count);
  return size * count;
}

// Collects "Name: value" lines; a new status line (after a 100 Continue or a redirect)
// starts the set afresh.
size_t AppendHeader(char* data, size_t size, size_t count, void* out) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(out);
  absl::string_view line(data, size * count);
  if (absl::StartsWith(line, "HTTP/")) {
    headers->clear();
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return size * count;
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
  std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  auto [it, inserted] = headers->emplace(name, value);
  if (!inserted) absl::StrAppend(&it->second, ", ", value);
  return size * count;
}

// Errors that happen before any byte of the request can have left this machine.
bool NotSent(CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
         code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_URL_MALFORMAT ||
         code == CURLE_UNSUPPORTED_PROTOCOL;
}

// CURLOPT_XFERINFOFUNCTION: a non-zero answer aborts the transfer.
int AbandonIfAsked(void* request, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& abandon = static_cast<const HttpRequest*>(request)->abandon;
  return abandon && abandon() ? 1 : 0;
}

bool Abandoned(const HttpRequest& request) { return request.abandon && request.abandon(); }

bool RetryableStatus(int status) { return status == 502 || status == 503 || status == 504; }

// The scheme and host of `url`, for messages: never the path or query, which may hold ids
// or (on some APIs) credentials.
std::string HostOf(absl::string_view url) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == absl::string_view::npos ? 0 : scheme + 3;
  const size_t end = url.find_first_of("/?", start);
  return std::string(url.substr(0, end == absl::string_view::npos ? url.size() : end));
}

}  // namespace

std::string HttpResponse::Header(absl::string_view name) const {
  auto it = headers.find(absl::AsciiStrToLower(name));
  return it == headers.end() ? "" : it->second;
}

CurlHttpClient::CurlHttpClient(RetryPolicy policy, std::function<void(absl::Duration)> sleep)
    : policy_(policy), sleep_(std::move(sleep)) {
  InitCurlOnce();
  if (!sleep_) sleep_ = [](absl::Duration d) { absl::SleepFor(d); };
}

absl::StatusOr<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  absl::Duration backoff = policy_.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<HttpResponse> result = SendOnce(request);
    const bool last = attempt >= policy_.max_attempts;
    bool retry = false;
    if (!result.ok()) {
      retry = absl::IsUnavailable(result.status()) || request.idempotent;
    } else {
      retry = request.idempotent && RetryableStatus(result->status);
    }
    if (!retry || last || Abandoned(request)) return result;
    sleep_(backoff);
    backoff = std::min(backoff * 2, policy_.max_backoff);
  }
}

absl::StatusOr<HttpResponse> CurlHttpClient::SendOnce(const HttpRequest& request) const {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::UnavailableError("http: curl_easy_init failed");
  HttpResponse response;
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, absl::StrCat(name, ": ", value).c_str());
  }
  // libcurl would otherwise send "Expect: 100-continue" and wait on large bodies.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(request.timeout)));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  BodySink sink{.response = &response, .max = request.max_response_bytes};
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.abandon) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, AbandonIfAsked);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<HttpRequest*>(&request));
  }
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  // Cut on purpose, after the status line and headers: the answer as far as it was kept.
  const bool cut = code == CURLE_WRITE_ERROR && response.body_truncated && status > 0;
  if (code != CURLE_OK && !cut) {
    std::string what = absl::StrCat("http: ", request.method, " ", HostOf(request.url), ": ",
                                    curl_easy_strerror(code));
    if (NotSent(code)) return absl::UnavailableError(what);
    return absl::UnknownError(what);
  }
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace fanfare::workers
