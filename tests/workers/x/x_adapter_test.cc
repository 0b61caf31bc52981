// X adapter against the sandbox: publish, 403 duplicate content, the 15-minute window with
// retry_after from x-rate-limit-reset, OAuth2 refresh on 401, accept-then-drop + reconcile,
// and the Ads API in micros.
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

TEST(XAdapterTest, PublishAndDuplicateContent) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("x", "publish", {{"text", "Meet the rocket"},
                                                    {"hashtags", {"launch"}}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(h.Posts("x")[0]["text"], "Meet the rocket #launch");
  EXPECT_EQ((*out)["url"], "https://x.com/i/web/status/" + (*out)["post_id"].get<std::string>());
  absl::StatusOr<Json> again = h.Run("x", "publish", {{"text", "Meet the rocket"},
                                                      {"hashtags", {"launch"}}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(TypeOf(again.status()), v1::ERROR_TYPE_DUPLICATE);
  EXPECT_EQ(h.Control("GET", "/_sandbox/stats")["accounts"]["x/acme_x"]["duplicates"], 1);
}

TEST(XAdapterTest, ALinkIsAddedOnceEvenWhenTheTextAlreadyHoldsIt) {
  Harness h;
  ASSERT_TRUE(h.Run("x", "publish", {{"text", "Pre-order https://acme.example/r?utm_source=x"},
                                     {"link", "https://acme.example/r?utm_source=x"}})
                  .ok());
  ASSERT_TRUE(h.Run("x", "publish", {{"text", "Pre-order now"},
                                     {"link", "https://acme.example/r?utm_source=x"}})
                  .ok());
  EXPECT_EQ(h.Posts("x")[0]["text"], "Pre-order https://acme.example/r?utm_source=x");
  EXPECT_EQ(h.Posts("x")[1]["text"], "Pre-order now https://acme.example/r?utm_source=x");
}

TEST(XAdapterTest, WindowLimitIsThrottledUntilReset) {
  sandbox::SandboxOptions options;
  options.x_posts_per_window = 1;
  Harness h(options);
  ASSERT_TRUE(h.Run("x", "publish", {{"text", "one"}}).ok());
  h.clock().Advance(absl::Minutes(5));
  absl::StatusOr<Json> out = h.Run("x", "publish", {{"text", "two"}});
  const v1::TaskFailure failure = ToTaskFailure(out.status());
  EXPECT_EQ(failure.type(), v1::ERROR_TYPE_THROTTLED);
  EXPECT_EQ(failure.retry_after().seconds(), 600);  // the window opens 10 minutes later
  EXPECT_EQ(h.Control("GET", "/_sandbox/stats")["accounts"]["x/acme_x"]["throttled"], 1);
}

TEST(XAdapterTest, ExpiredTokenIsRefreshedOnceAndTheRequestResent) {
  Harness h;
  h.Control("POST", "/_sandbox/tokens/expire", {{"network", "x"}, {"account", "acme_x"}});
  absl::StatusOr<Json> out = h.Run("x", "publish", {{"text", "after refresh"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(h.Posts("x").size(), 1u);
  const std::string token = h.credentials().Get("acme_x")->Get("access_token");
  EXPECT_EQ(token.rfind("sbxa_x_acme_x_", 0), 0u) << token;
  EXPECT_FALSE(h.credentials().Get("acme_x")->Get("token_expires_at").empty());
}

TEST(XAdapterTest, RevokedRefreshTokenIsAuthExpiredWithoutSecrets) {
  Harness h;
  h.Control("POST", "/_sandbox/tokens/expire",
            {{"network", "x"}, {"account", "acme_x"}, {"revoke_refresh", true}});
  absl::StatusOr<Json> out = h.Run("x", "publish", {{"text", "no luck"}});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_AUTH_EXPIRED);
  const std::string message(out.status().message());
  EXPECT_EQ(message.find("sbx_x_acme_x"), std::string::npos) << message;
  EXPECT_EQ(message.find("sbxr_x_acme_x"), std::string::npos) << message;
  EXPECT_EQ(message.find("sandbox-client-secret"), std::string::npos) << message;
}

TEST(XAdapterTest, DroppedTweetIsReconciledByText) {
  Harness h;
  h.Control("POST", "/_sandbox/faults", {{"network", "x"}, {"drop_next", 1}});
  absl::StatusOr<Json> out = h.Run("x", "publish", {{"text", "lost answer"}});
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  absl::StatusOr<Json> settled = h.Run("x", "publish", {{"text", "lost answer"}}, "", true);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ((*settled)["post_id"], h.Posts("x")[0]["id"]);
  absl::StatusOr<Json> missing = h.Run("x", "publish", {{"text", "nothing"}}, "", true);
  EXPECT_EQ(TypeOf(missing.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
}

TEST(XAdapterTest, AdsApiBoostBudgetPauseAndStatsInMicros) {
  Harness h;
  absl::StatusOr<Json> post = h.Run("x", "publish", {{"text", "promote me"}});
  ASSERT_TRUE(post.ok());
  absl::StatusOr<Json> boost = h.Run("x", "boost", {{"post_id", (*post)["post_id"]},
                                                    {"daily_budget", 30}, {"duration", "7d"}});
  ASSERT_TRUE(boost.ok()) << boost.status();
  EXPECT_EQ((*boost)["budget_micros"], 30'000'000);
  h.clock().Advance(absl::Hours(24));
  absl::StatusOr<Json> m = h.Run("x", "insights", {{"ad_id", (*boost)["ad_id"]}, {"window", "24h"}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_GT((*m)["spend_micros"].get<int64_t>(), 0);
  EXPECT_LE((*m)["spend_micros"].get<int64_t>(), 30'000'000);
  absl::StatusOr<Json> budget = h.Run("x", "set_budget", {{"ad_set_id", (*boost)["ad_set_id"]},
                                                          {"daily_budget", 45.5}});
  ASSERT_TRUE(budget.ok()) << budget.status();
  EXPECT_EQ((*budget)["previous_budget_micros"], 30'000'000);
  EXPECT_EQ((*budget)["budget_micros"], 45'500'000);
  absl::StatusOr<Json> paused = h.Run("x", "pause", {{"ad_id", (*boost)["ad_id"]}});
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_EQ((*paused)["status"], "paused");
}

}  // namespace
}  // namespace fanfare::workers::testing
