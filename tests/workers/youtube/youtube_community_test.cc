// youtube.comments and youtube.moderate against the sandbox's audience: comment threads read
// once across runs (publishedAt cursor, ties told apart by id), hide = heldForReview,
// reject, delete only one's own, a lost reply settled by reconcile, and the units each
// call costs; youtube.search over search.list.
#include <set>

#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

std::vector<Json> Comments(Harness& h, bool by_account = false) {
  std::vector<Json> out;
  const Json listed = h.Control("GET", "/_sandbox/comments?network=youtube");
  for (const Json& c : listed["comments"]) {
    if (c["by_account"].get<bool>() == by_account) out.push_back(c);
  }
  return out;
}

Json Find(Harness& h, const std::string& id) {
  for (const Json& c : Comments(h)) {
    if (c["id"] == id) return c;
  }
  return nullptr;
}

void Audience(Harness& h, int days, int per_day = 12) {
  absl::StatusOr<Json> video = h.Run("youtube", "publish",
                                     {{"video_url", h.MediaUrl(300 * 1024)},
                                      {"title", "The launch film"}});
  ASSERT_TRUE(video.ok()) << video.status();
  h.clock().Advance(absl::Minutes(1));
  ASSERT_GT(h.Control("POST", "/_sandbox/audience",
                      {{"network", "youtube"}, {"account", "acme_youtube"}, {"days", days},
                       {"per_day", per_day}})["added"],
            0);
}

int64_t Requests(Harness& h) {
  return h.Control("GET", "/_sandbox/stats")["accounts"]["youtube/acme_youtube"]["requests"];
}

TEST(YouTubeCommunityTest, ThreadsAreReadOnceAcrossRunsAndBacklogsDrain) {
  Harness h;
  Audience(h, 4, 15);
  h.clock().Advance(absl::Hours(30));
  std::string cursor;
  std::vector<std::string> ids;
  for (int round = 0; round < 3; ++round) {
    for (int n = 0; n < 50; ++n) {
      absl::StatusOr<Json> out = h.Run("youtube", "comments", {{"cursor", cursor}, {"max", 6}});
      ASSERT_TRUE(out.ok()) << out.status();
      for (const Json& c : (*out)["comments"]) ids.push_back(c["id"]);
      cursor = (*out)["cursor"];
      if ((*out)["complete"].get<bool>()) break;
    }
    if (round < 2) h.clock().Advance(absl::Hours(20));
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "a repeat";
  EXPECT_EQ(ids.size(), Comments(h).size());
}

TEST(YouTubeCommunityTest, CommentsAreNormalised) {
  Harness h;
  Audience(h, 1);
  h.clock().Advance(absl::Hours(24));
  absl::StatusOr<Json> out = h.Run("youtube", "comments", {});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)["count"].get<size_t>(), Comments(h).size());
  const Json& c = (*out)["comments"][0];
  const Json truth = Find(h, c["id"]);
  EXPECT_EQ(c["post_id"], truth["post_id"]);
  EXPECT_EQ(c["author"]["handle"], truth["author_handle"]);
  EXPECT_EQ(c["text"], truth["text"]);
  EXPECT_EQ(c["hidden"], false);
  EXPECT_EQ(c["url"], "https://www.youtube.com/watch?v=" + truth["post_id"].get<std::string>() +
                          "&lc=" + truth["id"].get<std::string>());
}

TEST(YouTubeCommunityTest, HideRejectAndTheRuleOnDeleting) {
  Harness h;
  Audience(h, 1);
  h.clock().Advance(absl::Hours(24));
  const std::vector<Json> comments = Comments(h);
  ASSERT_GE(comments.size(), 2u);
  const std::string a = comments[0]["id"], b = comments[1]["id"];
  int64_t before = Requests(h);
  ASSERT_TRUE(h.Run("youtube", "moderate", {{"comment_id", a}, {"action", "hide"}}).ok());
  EXPECT_EQ(Find(h, a)["moderation_status"], "heldForReview");
  EXPECT_EQ(Requests(h) - before, 1) << "one setModerationStatus call";
  absl::StatusOr<Json> listed = h.Run("youtube", "comments", {{"max", 500}});
  ASSERT_TRUE(listed.ok());
  for (const Json& c : (*listed)["comments"]) EXPECT_NE(c["id"], a) << "held for review";
  ASSERT_TRUE(h.Run("youtube", "moderate", {{"comment_id", a}, {"action", "unhide"}}).ok());
  EXPECT_EQ(Find(h, a)["moderation_status"], "published");

  absl::StatusOr<Json> out = h.Run("youtube", "moderate", {{"comment_id", b}, {"action", "delete"}});
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_NE(out.status().message().find("setModerationStatus"), std::string::npos) << out.status();
  out = h.Run("youtube", "moderate", {{"comment_id", b}, {"action", "reject"}, {"ban_author", "yes"}});
  EXPECT_NE(out.status().message().find("'ban_author' must be true or false"), std::string::npos);
  ASSERT_TRUE(h.Run("youtube", "moderate", {{"comment_id", b}, {"action", "reject"},
                                            {"ban_author", true}})
                  .ok());
  EXPECT_EQ(Find(h, b)["moderation_status"], "rejected");
  out = h.Run("youtube", "moderate", {{"comment_id", b}, {"action", "like"}});
  EXPECT_NE(out.status().message().find("cannot rate comments"), std::string::npos);
}

TEST(YouTubeCommunityTest, ALostReplyIsFoundByReconcileAndNeverSentTwice) {
  Harness h;
  Audience(h, 1);
  h.clock().Advance(absl::Hours(24));
  const std::string parent = Comments(h)[0]["id"];
  const Json input = {{"comment_id", parent}, {"action", "reply"},
                      {"text", "Thank you, we are glad you like it!"}};
  h.Control("POST", "/_sandbox/faults", {{"network", "youtube"}, {"drop_next", 1},
                                         {"drop_path", "/v3/comments$"}, {"drop_method", "POST"}});
  absl::StatusOr<Json> out = h.Run("youtube", "moderate", input, "", false, "default/r/reply");
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << out.status();
  out = h.Run("youtube", "moderate", input, "", /*reconcile=*/true, "default/r/reply");
  ASSERT_TRUE(out.ok()) << out.status();
  const std::vector<Json> replies = Comments(h, /*by_account=*/true);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ((*out)["reply_id"], replies[0]["id"]);
  EXPECT_EQ(replies[0]["parent_id"], parent);

  // Deleting one's own reply twice (the first answer lost) is deleting it once.
  for (int n = 0; n < 2; ++n) {
    absl::StatusOr<Json> deleted = h.Run("youtube", "moderate", {{"comment_id", replies[0]["id"]},
                                                                 {"action", "delete"}});
    EXPECT_TRUE(deleted.ok()) << deleted.status();
  }

  // Another text under the same comment is another reply: reconcile does not claim it.
  out = h.Run("youtube", "moderate", {{"comment_id", parent}, {"action", "reply"},
                                      {"text", "Something else"}},
              "", true, "default/r/other");
  EXPECT_EQ(ToTaskFailure(out.status()).code(), "not_found");
}

// A reply, like every moderation, costs 50 units, a page of threads 1: with a few units
// left, reading still works and replying is refused until Pacific midnight.
TEST(YouTubeCommunityTest, AReplyCostsFiftyUnitsAndTheQuotaHolds) {
  sandbox::SandboxOptions options;
  options.youtube_units_per_day = 1600 + 10;  // the upload, and a few reads
  Harness h(options);
  Audience(h, 1, 48);
  h.clock().Advance(absl::Hours(6));  // the same Pacific day
  absl::StatusOr<Json> out = h.Run("youtube", "comments", {});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_GT((*out)["count"], 0);
  out = h.Run("youtube", "moderate", {{"comment_id", (*out)["comments"][0]["id"]},
                                      {"action", "reply"}, {"text", "Thanks!"}});
  const v1::TaskFailure failure = ToTaskFailure(out.status());
  EXPECT_EQ(failure.type(), v1::ERROR_TYPE_THROTTLED) << out.status();
  EXPECT_EQ(failure.code(), "quotaExceeded");
  EXPECT_TRUE(Comments(h, /*by_account=*/true).empty());
}

// Publishes a video titled `title` as acme_youtube; its id.
std::string PublishVideo(Harness& h, const std::string& title, const std::string& description,
                         const std::string& privacy = "public") {
  absl::StatusOr<Json> video = h.Run("youtube", "publish",
                                     {{"video_url", h.MediaUrl(1024)}, {"title", title},
                                      {"description", description}, {"privacy", privacy}});
  EXPECT_TRUE(video.ok()) << video.status();
  return video.ok() ? (*video)["post_id"].get<std::string>() : "";
}

// youtube.search: search.list of public videos, newest first; two pages of 50 a run at
// most (100 units each), every matching video read once across runs, even a backlog of 110.
TEST(YouTubeSearchTest, VideosAreReadOnceAndEachRunReadsTwoPagesAtMost) {
  sandbox::SandboxOptions options;
  options.youtube_units_per_day = 1'000'000'000;
  Harness h(options);
  std::set<std::string> launch_films;
  for (int i = 0; i < 120; ++i) {
    const bool launch = i % 12 != 0;
    const bool refund = i % 24 == 1;
    const std::string id = PublishVideo(h, launch ? absl::StrCat("Rocket Launch film ", i) : "Unboxing",
                                        refund ? "about the launch refund" : "a film",
                                        i == 5 ? "private" : "public");
    if (launch && !refund && i != 5) launch_films.insert(id);
    h.clock().Advance(absl::Seconds(i % 3 == 0 ? 0 : 40));  // some share a second
  }
  std::vector<std::string> read;
  std::string cursor;
  // Nothing newer than 15 minutes: YouTube indexes a video for search after a while.
  absl::StatusOr<Json> out = h.Run("youtube", "search", {{"query", "rocket launch -refund"}});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_GT((*out)["count"], 0);
  for (const Json& v : (*out)["comments"]) {
    absl::Time published;
    std::string err;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, v["created_at"].get<std::string>(),
                                &published, &err));
    EXPECT_LE(published, h.clock().Now() - absl::Minutes(15)) << v["id"];
  }
  h.clock().Advance(absl::Minutes(16));
  int runs = 0;
  for (; runs < 5; ++runs) {
    const int64_t before = Requests(h);
    out = h.Run("youtube", "search", {{"query", "rocket launch -refund"}, {"cursor", cursor}});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_LE(Requests(h) - before, 2) << "two pages of search.list at most";
    for (const Json& v : (*out)["comments"]) {
      read.push_back(v["id"]);
      EXPECT_EQ(v["post_id"], "") << "a listened-to video is not the account's post";
      EXPECT_EQ(v["author"]["handle"], "acme_youtube");
      EXPECT_EQ(v["url"], "https://www.youtube.com/watch?v=" + v["id"].get<std::string>());
    }
    cursor = (*out)["cursor"];
    if ((*out)["complete"].get<bool>()) break;
  }
  EXPECT_EQ(runs, 1) << "a backlog of " << launch_films.size() << " takes two runs";
  EXPECT_EQ(std::set<std::string>(read.begin(), read.end()), launch_films)
      << "every public film but the refund ones, once";
  EXPECT_EQ(read.size(), launch_films.size()) << "a video read twice";

  // A later video is the only one the next run reads, its title as written (search.list
  // answers it HTML-escaped).
  h.clock().Advance(absl::Minutes(5));
  const std::string later = PublishVideo(h, "Rocket launch: \"day 2\" & more", "Tom's film");
  h.clock().Advance(absl::Minutes(16));
  out = h.Run("youtube", "search", {{"query", "rocket launch -refund"}, {"cursor", cursor}});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)["count"], 1);
  EXPECT_EQ((*out)["comments"][0]["id"], later);
  EXPECT_EQ((*out)["comments"][0]["text"], "Rocket launch: \"day 2\" & more\nTom's film");
  cursor = (*out)["cursor"];

  // After a quiet fortnight the cursor lies beyond the search's week: it starts a week back.
  h.clock().Advance(absl::Hours(24 * 14));
  const std::string recent = PublishVideo(h, "Rocket launch anniversary", "");
  h.clock().Advance(absl::Minutes(16));
  out = h.Run("youtube", "search", {{"query", "rocket launch -refund"}, {"cursor", cursor}});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)["count"], 1);
  EXPECT_EQ((*out)["comments"][0]["id"], recent);

  out = h.Run("youtube", "search", Json::object());
  EXPECT_NE(out.status().message().find("'query' is required"), std::string::npos);
  out = h.Run("youtube", "search", {{"query", "launch"}, {"cursor", "not a cursor"}});
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT) << out.status();
  out = h.Run("youtube", "search", {{"query", "   "}});
  EXPECT_NE(out.status().message().find("'query' must name something"), std::string::npos)
      << out.status();
  // A cursor from the future (2100) would blind the stream: no run wrote it.
  out = h.Run("youtube", "search",
              {{"query", "launch"},
               {"cursor", R"({"after":[4102444800,[]],"source":"youtube.search","top":[4102444800,[]]})"}});
  EXPECT_NE(out.status().message().find("'cursor' lies in the future"), std::string::npos)
      << out.status();
}

// Every search.list call costs 100 units: with 150 left, one search runs and the next is
// throttled until Pacific midnight.
TEST(YouTubeSearchTest, ASearchCostsOneHundredUnits) {
  sandbox::SandboxOptions options;
  options.youtube_units_per_day = 1600 + 150;
  Harness h(options);
  PublishVideo(h, "Rocket launch", "");
  h.clock().Advance(absl::Minutes(20));
  absl::StatusOr<Json> out = h.Run("youtube", "search", {{"query", "rocket"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["count"], 1);
  out = h.Run("youtube", "search", {{"query", "rocket"}});
  const v1::TaskFailure failure = ToTaskFailure(out.status());
  EXPECT_EQ(failure.type(), v1::ERROR_TYPE_THROTTLED) << out.status();
  EXPECT_EQ(failure.code(), "quotaExceeded");
}

}  // namespace
}  // namespace fanfare::workers::testing
