// TikTok adapter against the sandbox: creator info → init → chunk upload → status polling,
// init rate limit, refresh, reconcile by caption, and Marketing API boosts.
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

Json Video(Harness& h, const std::string& caption) {
  return {{"video_url", h.MediaUrl(300 * 1024)}, {"caption", caption}};
}

TEST(TikTokAdapterTest, PublishUploadsAndPollsUntilComplete) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("tiktok", "publish", Video(h, "Lift-off #rocket"));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(h.Posts("tiktok").size(), 1u);
  EXPECT_EQ((*out)["post_id"], h.Posts("tiktok")[0]["id"]);
}

TEST(TikTokAdapterTest, InitRateLimitIsThrottled) {
  sandbox::SandboxOptions options;
  options.tiktok_inits_per_minute = 1;
  Harness h(options);
  ASSERT_TRUE(h.Run("tiktok", "publish", Video(h, "one")).ok());
  const v1::TaskFailure failure = ToTaskFailure(h.Run("tiktok", "publish", Video(h, "two")).status());
  EXPECT_EQ(failure.type(), v1::ERROR_TYPE_THROTTLED);
  EXPECT_EQ(failure.code(), "rate_limit_exceeded");
}

TEST(TikTokAdapterTest, ProcessingThatNeverEndsIsUnknownAndReconcileSettlesIt) {
  sandbox::SandboxOptions options;
  options.processing_polls = 1000;
  options.processing_time = absl::Hours(1);
  Harness h(options);
  h.Control("POST", "/_sandbox/tokens/expire", {{"network", "tiktok"}, {"account", "acme_tiktok"}});
  absl::StatusOr<Json> out = h.Run("tiktok", "publish", Video(h, "slow one"));
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << out.status();
  absl::StatusOr<Json> early = h.Run("tiktok", "publish", Video(h, "slow one"), "", true);
  EXPECT_EQ(TypeOf(early.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
}

TEST(TikTokAdapterTest, BoostWithDecimalBudget) {
  Harness h;
  absl::StatusOr<Json> post = h.Run("tiktok", "publish", Video(h, "boost me"));
  ASSERT_TRUE(post.ok());
  absl::StatusOr<Json> boost = h.Run("tiktok", "boost", {{"post_id", (*post)["post_id"]},
                                                         {"daily_budget", 60}, {"duration", "7d"}});
  ASSERT_TRUE(boost.ok()) << boost.status();
  EXPECT_EQ((*boost)["budget_micros"], 60'000'000);
  h.clock().Advance(absl::Hours(24));
  absl::StatusOr<Json> m = h.Run("tiktok", "insights", {{"ad_id", (*boost)["ad_id"]},
                                                        {"ad_set_id", (*boost)["ad_set_id"]},
                                                        {"window", "24h"}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_GT((*m)["spend_micros"].get<int64_t>(), 0);
  EXPECT_EQ((*m)["budget_micros"], 60'000'000);
  absl::StatusOr<Json> budget = h.Run("tiktok", "set_budget", {{"ad_set_id", (*boost)["ad_set_id"]},
                                                               {"daily_budget", 75.25}});
  ASSERT_TRUE(budget.ok()) << budget.status();
  EXPECT_EQ((*budget)["previous_budget_micros"], 60'000'000);
  EXPECT_EQ((*budget)["budget_micros"], 75'250'000);
  EXPECT_EQ((*h.Run("tiktok", "pause", {{"ad_id", (*boost)["ad_id"]}}))["status"], "paused");
  absl::StatusOr<Json> low = h.Run("tiktok", "set_budget", {{"ad_set_id", (*boost)["ad_set_id"]},
                                                            {"daily_budget", 5}});
  EXPECT_EQ(TypeOf(low.status()), v1::ERROR_TYPE_REJECTED_INPUT);
}

}  // namespace
}  // namespace fanfare::workers::testing
