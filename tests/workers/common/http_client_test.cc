// The HTTP client's retry rules, against the sandbox: never resend a non-idempotent request
// that may have been sent; always retry one that was not sent; capture response headers.
#include "workers/common/http_client.h"

#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

HttpRequest Tweet(Harness& h, const std::string& text, bool idempotent) {
  HttpRequest r{.method = "POST", .url = h.sandbox().NetworkBase("x") + "/2/tweets",
                .body = Json{{"text", text}}.dump(), .idempotent = idempotent};
  r.headers.emplace_back("Authorization", "Bearer sbx_x_acme_x");
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

TEST(HttpClientTest, CapturesStatusHeadersAndBody) {
  Harness h;
  absl::StatusOr<HttpResponse> r = h.http().Send(Tweet(h, "hello", false));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->Header("X-Rate-Limit-Limit"), "200");
  EXPECT_NE(r->body.find("\"id\""), std::string::npos);
}

TEST(HttpClientTest, DroppedResponseToANonIdempotentPostIsUnknownAndNotResent) {
  Harness h;
  h.Control("POST", "/_sandbox/faults", {{"network", "x"}, {"drop_rate", 1.0}});
  absl::StatusOr<HttpResponse> r = h.http().Send(Tweet(h, "once", false));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(h.Posts("x").size(), 1u);
  EXPECT_EQ(h.Control("GET", "/_sandbox/stats")["accounts"]["x/acme_x"]["requests"], 1);
}

TEST(HttpClientTest, DroppedResponseToAnIdempotentRequestIsRetried) {
  Harness h;
  h.Control("POST", "/_sandbox/faults", {{"network", "x"}, {"drop_next", 1}});
  // (Marked idempotent only to observe the retry: the second try is a duplicate tweet.)
  absl::StatusOr<HttpResponse> r = h.http().Send(Tweet(h, "twice", true));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(h.Control("GET", "/_sandbox/stats")["accounts"]["x/acme_x"]["requests"], 2);
}

TEST(HttpClientTest, ConnectionRefusedIsUnavailableAfterRetries) {
  int sleeps = 0;
  CurlHttpClient client(RetryPolicy{.max_attempts = 3, .initial_backoff = absl::Milliseconds(1)},
                        [&sleeps](absl::Duration) { ++sleeps; });
  // Port 1 on loopback: nothing listens, nothing is sent.
  absl::StatusOr<HttpResponse> r =
      client.Send(HttpRequest{.method = "POST", .url = "http://127.0.0.1:1/x", .idempotent = false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sleeps, 2);
}

TEST(HttpClientTest, UrlAndFormEncoding) {
  EXPECT_EQ(UrlEncode("urn:li:share:1 a/b"), "urn%3Ali%3Ashare%3A1%20a%2Fb");
  EXPECT_EQ(FormEncode({{"a", "1"}, {"b c", "d&e"}}), "a=1&b%20c=d%26e");
}

}  // namespace
}  // namespace fanfare::workers::testing
