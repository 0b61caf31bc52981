// YouTube adapter against the sandbox: resumable upload in 256 KiB chunks (308 + Range),
// processing poll, quota units (403 quotaExceeded → throttled until Pacific midnight),
// refresh on 401, reconcile after a dropped final chunk, statistics.
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

Json Video(Harness& h, const std::string& title) {
  return {{"video_url", h.MediaUrl(700 * 1024)}, {"title", title},
          {"description", "Two minutes on how we built it."}, {"privacy", "public"}};
}

TEST(YouTubeAdapterTest, ResumableUploadInChunks) {
  Harness h;
  absl::StatusOr<Json> out = h.Run("youtube", "publish", Video(h, "The launch film"));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["url"], "https://www.youtube.com/watch?v=" + (*out)["post_id"].get<std::string>());
  ASSERT_EQ(h.Posts("youtube").size(), 1u);
  absl::StatusOr<Json> m = h.Run("youtube", "insights", {{"post_id", (*out)["post_id"]}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)["spend_micros"], 0);
}

TEST(YouTubeAdapterTest, QuotaExceededIsThrottledUntilPacificMidnight) {
  sandbox::SandboxOptions options;
  options.youtube_units_per_day = 2000;  // one insert (1600) and a few reads
  Harness h(options);
  ASSERT_TRUE(h.Run("youtube", "publish", Video(h, "first")).ok());
  absl::StatusOr<Json> out = h.Run("youtube", "publish", Video(h, "second"));
  const v1::TaskFailure failure = ToTaskFailure(out.status());
  EXPECT_EQ(failure.type(), v1::ERROR_TYPE_THROTTLED);
  EXPECT_EQ(failure.code(), "quotaExceeded");
  // The clock is 2026-12-01T00:00Z = 16:00 Pacific: 8 hours to go.
  EXPECT_EQ(failure.retry_after().seconds(), 8 * 3600);
}

TEST(YouTubeAdapterTest, RefreshesAnExpiredToken) {
  Harness h;
  h.Control("POST", "/_sandbox/tokens/expire", {{"network", "youtube"}, {"account", "acme_youtube"}});
  ASSERT_TRUE(h.Run("youtube", "publish", Video(h, "refreshed")).ok());
}

TEST(YouTubeAdapterTest, LostFinalChunkIsReconciled) {
  Harness h;
  h.options().youtube_chunk_bytes = 1024 * 1024;  // one chunk: the final one is dropped
  h.Control("POST", "/_sandbox/faults", {{"network", "youtube"}, {"drop_rate", 1.0},
                                         {"drop_path", "upload"}, {"drop_method", "PUT"}});
  absl::StatusOr<Json> out = h.Run("youtube", "publish", Video(h, "dropped"));
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << out.status();
  h.Control("POST", "/_sandbox/faults", {{"clear", true}});
  absl::StatusOr<Json> settled = h.Run("youtube", "publish", Video(h, "dropped"), "", true);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ((*settled)["post_id"], h.Posts("youtube")[0]["id"]);
}

TEST(YouTubeAdapterTest, HasNoAdsActions) {
  Harness h;
  std::vector<std::string> verbs;
  for (const ActionSpec& a : h.Adapter("youtube").actions()) verbs.push_back(a.verb);
  EXPECT_EQ(verbs, (std::vector<std::string>{"publish", "insights", "comments", "moderate",
                                               "search"}));
}

}  // namespace
}  // namespace fanfare::workers::testing
