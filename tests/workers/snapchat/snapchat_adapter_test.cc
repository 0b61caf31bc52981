// Snapchat adapter against the sandbox: publish = media + creative named by the client
// reference, reconcile by that name, micros budgets, full-object PUT updates, refresh.
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

Json Snap(Harness& h, const std::string& headline) {
  return {{"text", headline}, {"link", "https://acme.example/rocket"},
          {"media", Json::array({{{"url", h.MediaUrl(64 * 1024)}, {"type", "video"}}})}};
}

TEST(SnapchatAdapterTest, PublishCreatesANamedCreative) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("snapchat", "publish", Snap(h, "Meet the rocket"), "", false,
                                   "default/run-7/publish[snapchat]");
  ASSERT_TRUE(out.ok()) << out.status();
  const std::vector<Json> posts = h.Posts("snapchat");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["client_ref"], ClientReference("default/run-7/publish[snapchat]"));
}

TEST(SnapchatAdapterTest, LongHeadlineIsRejected) {
  Harness h;
  absl::StatusOr<Json> out =
      h.Run("snapchat", "publish", Snap(h, "A headline that is far too long for a Snap Ad"));
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
}

TEST(SnapchatAdapterTest, DroppedCreativeIsReconciledByClientReference) {
  Harness h;
  h.Control("POST", "/_sandbox/faults", {{"network", "snapchat"}, {"drop_next", 1},
                                         {"drop_path", "creatives"}});
  EXPECT_EQ(TypeOf(h.Run("snapchat", "publish", Snap(h, "dropped"), "", false, "k/1").status()),
            v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  absl::StatusOr<Json> settled = h.Run("snapchat", "publish", Snap(h, "dropped"), "", true, "k/1");
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ((*settled)["post_id"], h.Posts("snapchat")[0]["id"]);
  EXPECT_EQ(TypeOf(h.Run("snapchat", "publish", Snap(h, "dropped"), "", true, "k/2").status()),
            v1::ERROR_TYPE_OUTCOME_UNKNOWN);
}

TEST(SnapchatAdapterTest, BoostInMicros) {
  Harness h;
  h.Control("POST", "/_sandbox/tokens/expire", {{"network", "snapchat"}, {"account", "acme_snapchat"}});
  absl::StatusOr<Json> post = h.Run("snapchat", "publish", Snap(h, "boost me"));
  ASSERT_TRUE(post.ok()) << post.status();
  absl::StatusOr<Json> boost = h.Run("snapchat", "boost", {{"post_id", (*post)["post_id"]},
                                                           {"daily_budget", 20}});
  ASSERT_TRUE(boost.ok()) << boost.status();
  EXPECT_EQ((*boost)["budget_micros"], 20'000'000);
  h.clock().Advance(absl::Hours(10));
  absl::StatusOr<Json> m = h.Run("snapchat", "insights", {{"ad_id", (*boost)["ad_id"]},
                                                          {"window", "10h"}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_GT((*m)["spend_micros"].get<int64_t>(), 0);
  EXPECT_LE((*m)["spend_micros"].get<int64_t>(), 20'000'000 * 10 / 24);
  absl::StatusOr<Json> budget = h.Run("snapchat", "set_budget",
                                      {{"ad_set_id", (*boost)["ad_set_id"]}, {"daily_budget", 25}});
  ASSERT_TRUE(budget.ok()) << budget.status();
  EXPECT_EQ((*budget)["previous_budget_micros"], 20'000'000);
  EXPECT_EQ((*h.Run("snapchat", "resume", {{"ad_id", (*boost)["ad_id"]}}))["status"], "active");
}

}  // namespace
}  // namespace fanfare::workers::testing
