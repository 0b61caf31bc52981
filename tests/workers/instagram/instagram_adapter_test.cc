// Instagram adapter against the sandbox: container → poll → media_publish, the 24-hour
// publishing limit, container errors, accept-then-drop on media_publish with reconcile, and
// boosts through the Meta Marketing API.
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

Json Post(const std::string& text, const std::string& media = "https://cdn.acme.example/a.jpg") {
  return {{"text", text}, {"media", Json::array({{{"url", media}, {"type", "image"},
                                                  {"alt_text", "a rocket"}}})}};
}

TEST(InstagramAdapterTest, PublishPollsTheContainerThenPublishes) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("instagram", "publish", Post("Lift-off"));
  ASSERT_TRUE(out.ok()) << out.status();
  const std::vector<Json> posts = h.Posts("instagram");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ((*out)["post_id"], posts[0]["id"]);
  EXPECT_EQ((*out)["url"], posts[0]["url"]);
  EXPECT_EQ((*out)["network"], "instagram");
}

TEST(InstagramAdapterTest, MediaIsRequired) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("instagram", "publish", {{"text", "no picture"}});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_NE(std::string(out.status().message()).find("'media'"), std::string::npos);
}

TEST(InstagramAdapterTest, ContainerErrorIsRejectedInput) {
  Harness h;
  absl::StatusOr<Json> out =
      h.Run("instagram", "publish", Post("broken", "https://cdn.acme.example/sandbox-error.jpg"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_TRUE(h.Posts("instagram").empty());
}

TEST(InstagramAdapterTest, PublishingLimitIsThrottled) {
  sandbox::SandboxOptions options;
  options.instagram_posts_per_day = 2;
  Harness h(options);
  ASSERT_TRUE(h.Run("instagram", "publish", Post("one")).ok());
  ASSERT_TRUE(h.Run("instagram", "publish", Post("two")).ok());
  absl::StatusOr<Json> third = h.Run("instagram", "publish", Post("three"));
  ASSERT_FALSE(third.ok());
  const v1::TaskFailure failure = ToTaskFailure(third.status());
  EXPECT_EQ(failure.type(), v1::ERROR_TYPE_THROTTLED);
  EXPECT_GT(failure.retry_after().seconds(), 0);
  h.clock().Advance(absl::Hours(25));  // the rolling window moves on
  EXPECT_TRUE(h.Run("instagram", "publish", Post("three")).ok());
}

TEST(InstagramAdapterTest, DroppedMediaPublishIsReconciled) {
  Harness h;
  h.Control("POST", "/_sandbox/faults",
            {{"network", "instagram"}, {"drop_next", 1}, {"drop_path", "media_publish"}});
  absl::StatusOr<Json> out = h.Run("instagram", "publish", Post("Dropped"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  ASSERT_EQ(h.Posts("instagram").size(), 1u);
  absl::StatusOr<Json> settled = h.Run("instagram", "publish", Post("Dropped"), "", true);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ((*settled)["post_id"], h.Posts("instagram")[0]["id"]);
  absl::StatusOr<Json> missing = h.Run("instagram", "publish", Post("Never"), "", true);
  EXPECT_EQ(TypeOf(missing.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
}

TEST(InstagramAdapterTest, BoostThroughTheMarketingApi) {
  Harness h;
  absl::StatusOr<Json> post = h.Run("instagram", "publish", Post("Boost me"));
  ASSERT_TRUE(post.ok());
  absl::StatusOr<Json> boost = h.Run("instagram", "boost", {{"post_id", (*post)["post_id"]},
                                                            {"daily_budget", "25.00"},
                                                            {"duration", "7d"}});
  ASSERT_TRUE(boost.ok()) << boost.status();
  EXPECT_EQ((*boost)["budget_micros"], 25'000'000);
  h.clock().Advance(absl::Hours(6));
  absl::StatusOr<Json> m = h.Run("instagram", "insights", {{"ad_id", (*boost)["ad_id"]},
                                                           {"window", "6h"}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_GT((*m)["spend_micros"].get<int64_t>(), 0);
  EXPECT_LE((*m)["spend_micros"].get<int64_t>(), 25'000'000 / 4);
}

}  // namespace
}  // namespace fanfare::workers::testing
