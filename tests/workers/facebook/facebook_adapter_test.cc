// Facebook adapter against the in-process sandbox: publish, duplicates (code 506), expired
// and malformed tokens (auth_expired, never refreshed, token redacted), throttling with the
// business-use-case retry_after, accept-then-drop with reconcile, and the Marketing API
// (boost, set_budget, pause, insights) with exact money.
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

const Json kPost = {{"text", "Acme Rocket is here"}, {"link", "https://acme.example/rocket"}};

TEST(FacebookAdapterTest, PublishReturnsNormalisedOutputAndIsRecorded) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("facebook", "publish", kPost);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["network"], "facebook");
  EXPECT_EQ((*out)["published_at"], "2026-12-01T00:00:00Z");
  const std::vector<Json> posts = h.Posts("facebook");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ((*out)["post_id"], posts[0]["id"]);
  EXPECT_EQ((*out)["url"], posts[0]["url"]);
}

TEST(FacebookAdapterTest, MissingTextIsRejectedNamingTheField) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("facebook", "publish", {{"link", "https://a.example"}});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_EQ(out.status().message(), "facebook.publish: 'text' is required");
}

TEST(FacebookAdapterTest, RepeatedPostIsDuplicate) {
  Harness h;
  ASSERT_TRUE(h.Run("facebook", "publish", kPost).ok());
  absl::StatusOr<Json> again = h.Run("facebook", "publish", kPost);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(TypeOf(again.status()), v1::ERROR_TYPE_DUPLICATE);
  EXPECT_EQ(ToTaskFailure(again.status()).code(), "506");
  EXPECT_EQ(h.Posts("facebook").size(), 1u);
}

TEST(FacebookAdapterTest, MalformedTokenIsAuthExpiredAndNeverLeaks) {
  const std::string secret = "EAAB-not-a-sandbox-token-7f3a9c";
  AccountCredentials broken{.alias = "broken_fb", .network = "facebook"};
  broken.fields = {{"network", "facebook"}, {"access_token", secret}, {"page_id", "1001"}};
  Harness h({}, {broken});
  absl::StatusOr<Json> out = h.Run("facebook", "publish", kPost, "broken_fb");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_AUTH_EXPIRED);
  // The sandbox, like Graph, echoes a malformed token in its message: it must be redacted.
  EXPECT_EQ(std::string(out.status().message()).find(secret), std::string::npos)
      << out.status().message();
  EXPECT_NE(std::string(out.status().message()).find("[redacted]"), std::string::npos);
}

TEST(FacebookAdapterTest, ExpiredTokenIsAuthExpiredBecauseMetaCannotRefresh) {
  Harness h;
  h.Control("POST", "/_sandbox/tokens/expire", {{"network", "facebook"}, {"account", "acme_facebook"}});
  absl::StatusOr<Json> out = h.Run("facebook", "publish", kPost);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_AUTH_EXPIRED);
  EXPECT_EQ(ToTaskFailure(out.status()).code(), "190");
}

TEST(FacebookAdapterTest, RateLimitIsThrottledWithRetryAfter) {
  sandbox::SandboxOptions options;
  options.facebook_calls_per_hour = 1;
  Harness h(options);
  ASSERT_TRUE(h.Run("facebook", "publish", kPost).ok());
  absl::StatusOr<Json> out = h.Run("facebook", "publish", {{"text", "second"}});
  ASSERT_FALSE(out.ok());
  const v1::TaskFailure failure = ToTaskFailure(out.status());
  EXPECT_EQ(failure.type(), v1::ERROR_TYPE_THROTTLED);
  EXPECT_EQ(failure.code(), "32");
  EXPECT_GT(failure.retry_after().seconds(), 0);
  EXPECT_EQ(h.Control("GET", "/_sandbox/stats")["accounts"]["facebook/acme_facebook"]["throttled"],
            1);
}

TEST(FacebookAdapterTest, AcceptThenDropIsUnknownAndReconcileFindsThePost) {
  Harness h;
  h.Control("POST", "/_sandbox/faults", {{"network", "facebook"}, {"drop_next", 1}});
  absl::StatusOr<Json> out = h.Run("facebook", "publish", kPost);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  const std::vector<Json> posts = h.Posts("facebook");
  ASSERT_EQ(posts.size(), 1u);  // it took effect

  absl::StatusOr<Json> settled = h.Run("facebook", "publish", kPost, "", /*reconcile=*/true);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ((*settled)["post_id"], posts[0]["id"]);

  absl::StatusOr<Json> other =
      h.Run("facebook", "publish", {{"text", "never posted"}}, "", /*reconcile=*/true);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(TypeOf(other.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  EXPECT_NE(std::string(other.status().message()).find("not found"), std::string::npos);
  EXPECT_EQ(h.Posts("facebook").size(), 1u);
}

TEST(FacebookAdapterTest, BoostBudgetPauseAndInsightsUseExactMoney) {
  Harness h;
  absl::StatusOr<Json> post = h.Run("facebook", "publish", kPost);
  ASSERT_TRUE(post.ok());
  absl::StatusOr<Json> boost = h.Run(
      "facebook", "boost",
      {{"post_id", (*post)["post_id"]}, {"daily_budget", 40.5}, {"currency", "USD"},
       {"duration", "14d"}, {"objective", "traffic"}, {"audience", {{"countries", {"US"}}}}});
  ASSERT_TRUE(boost.ok()) << boost.status();
  EXPECT_EQ((*boost)["budget_micros"], 40'500'000);
  EXPECT_DOUBLE_EQ((*boost)["daily_budget"].get<double>(), 40.5);
  EXPECT_EQ((*boost)["status"], "active");
  for (const char* id : {"campaign_id", "ad_set_id", "creative_id", "ad_id"}) {
    EXPECT_FALSE((*boost)[id].get<std::string>().empty()) << id;
  }

  h.clock().Advance(absl::Hours(12));
  absl::StatusOr<Json> m = h.Run("facebook", "insights", {{"ad_id", (*boost)["ad_id"]},
                                                          {"window", "12h"}});
  ASSERT_TRUE(m.ok()) << m.status();
  const int64_t spend = (*m)["spend_micros"].get<int64_t>();
  EXPECT_GT(spend, 0);
  EXPECT_LE(spend, 40'500'000 / 2);  // half a day never spends more than half the budget
  EXPECT_EQ(spend % 10'000, 0);      // Insights reports cents
  EXPECT_EQ((*m)["currency"], "USD");
  EXPECT_EQ((*m)["budget_micros"], 40'500'000);
  EXPECT_GT((*m)["impressions"].get<int64_t>(), 0);
  EXPECT_NEAR((*m)["ctr"].get<double>(),
              (*m)["clicks"].get<double>() / (*m)["impressions"].get<double>(), 1e-12);

  absl::StatusOr<Json> budget = h.Run("facebook", "set_budget",
                                      {{"ad_set_id", (*boost)["ad_set_id"]},
                                       {"daily_budget", 50.625}});
  ASSERT_TRUE(budget.ok()) << budget.status();
  EXPECT_EQ((*budget)["budget_micros"], 50'630'000);  // rounded to the cent Meta can hold
  EXPECT_EQ((*budget)["previous_budget_micros"], 40'500'000);

  absl::StatusOr<Json> paused = h.Run("facebook", "pause", {{"ad_id", (*boost)["ad_id"]}});
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_EQ((*paused)["status"], "paused");
}

TEST(FacebookAdapterTest, BoostInAnotherCurrencyThanTheAccountIsRejected) {
  Harness h;
  absl::StatusOr<Json> post = h.Run("facebook", "publish", kPost);
  ASSERT_TRUE(post.ok());
  absl::StatusOr<Json> boost = h.Run("facebook", "boost", {{"post_id", (*post)["post_id"]},
                                                           {"daily_budget", 40},
                                                           {"currency", "EUR"}});
  ASSERT_FALSE(boost.ok());
  EXPECT_EQ(TypeOf(boost.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_NE(std::string(boost.status().message()).find("'currency'"), std::string::npos);
}

}  // namespace
}  // namespace fanfare::workers::testing
