// LinkedIn adapter against the sandbox: versioned headers, id from x-restli-id, 426 for a
// retired version, 429 without headers (own backoff), token refresh, duplicates (422),
// reconcile, and ads with {amount, currencyCode} budgets.
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

TEST(LinkedInAdapterTest, PublishTakesTheUrnFromTheHeader) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("linkedin", "publish", {{"text", "We built a rocket"},
                                                           {"link", "https://acme.example"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["post_id"].get<std::string>().rfind("urn:li:share:", 0), 0u);
  EXPECT_EQ((*out)["post_id"], h.Posts("linkedin")[0]["id"]);
}

TEST(LinkedInAdapterTest, RetiredVersionTellsTheOperatorToBumpIt) {
  Harness h;
  h.options().linkedin_version = "202201";
  absl::StatusOr<Json> out = h.Run("linkedin", "publish", {{"text", "old"}});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_EQ(ToTaskFailure(out.status()).code(), "426");
  EXPECT_NE(std::string(out.status().message()).find("--linkedin-version"), std::string::npos);
}

TEST(LinkedInAdapterTest, ThrottlingWithoutHeadersBacksOffExponentially) {
  sandbox::SandboxOptions options;
  options.linkedin_posts_per_day = 1;
  Harness h(options);
  ASSERT_TRUE(h.Run("linkedin", "publish", {{"text", "one"}}).ok());
  const v1::TaskFailure first = ToTaskFailure(h.Run("linkedin", "publish", {{"text", "two"}}).status());
  const v1::TaskFailure second = ToTaskFailure(h.Run("linkedin", "publish", {{"text", "two"}}).status());
  EXPECT_EQ(first.type(), v1::ERROR_TYPE_THROTTLED);
  EXPECT_EQ(first.retry_after().seconds(), 60);
  EXPECT_EQ(second.retry_after().seconds(), 120);
}

TEST(LinkedInAdapterTest, DuplicateAndRefresh) {
  Harness h;
  h.Control("POST", "/_sandbox/tokens/expire", {{"network", "linkedin"}, {"account", "acme_linkedin"}});
  ASSERT_TRUE(h.Run("linkedin", "publish", {{"text", "same"}}).ok());  // refreshed on the way
  absl::StatusOr<Json> again = h.Run("linkedin", "publish", {{"text", "same"}});
  EXPECT_EQ(TypeOf(again.status()), v1::ERROR_TYPE_DUPLICATE);
  EXPECT_EQ(h.Posts("linkedin").size(), 1u);
}

TEST(LinkedInAdapterTest, DroppedPostIsReconciled) {
  Harness h;
  h.Control("POST", "/_sandbox/faults", {{"network", "linkedin"}, {"drop_next", 1}});
  EXPECT_EQ(TypeOf(h.Run("linkedin", "publish", {{"text", "dropped"}}).status()),
            v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  absl::StatusOr<Json> settled = h.Run("linkedin", "publish", {{"text", "dropped"}}, "", true);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ((*settled)["post_id"], h.Posts("linkedin")[0]["id"]);
}

TEST(LinkedInAdapterTest, AdsUseDecimalStringBudgets) {
  Harness h;
  absl::StatusOr<Json> post = h.Run("linkedin", "publish", {{"text", "sponsor me"}});
  ASSERT_TRUE(post.ok());
  absl::StatusOr<Json> boost = h.Run("linkedin", "boost", {{"post_id", (*post)["post_id"]},
                                                           {"daily_budget", "12.50"},
                                                           {"duration", "14d"}});
  ASSERT_TRUE(boost.ok()) << boost.status();
  EXPECT_EQ((*boost)["budget_micros"], 12'500'000);
  h.clock().Advance(absl::Hours(30));
  absl::StatusOr<Json> m = h.Run("linkedin", "insights", {{"ad_id", (*boost)["ad_id"]},
                                                          {"window", "24h"}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_GT((*m)["spend_micros"].get<int64_t>(), 0);
  EXPECT_EQ((*m)["budget_micros"], 12'500'000);
  absl::StatusOr<Json> budget = h.Run("linkedin", "set_budget",
                                      {{"ad_set_id", (*boost)["ad_set_id"]}, {"daily_budget", 20}});
  ASSERT_TRUE(budget.ok()) << budget.status();
  EXPECT_EQ((*budget)["previous_budget_micros"], 12'500'000);
  absl::StatusOr<Json> paused = h.Run("linkedin", "pause", {{"ad_id", (*boost)["ad_id"]}});
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_EQ((*paused)["status"], "paused");
}

}  // namespace
}  // namespace fanfare::workers::testing
