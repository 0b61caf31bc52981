// The community shapes: reading a newest-first listing exactly once across runs (ties on a
// key told apart by id, a backlog drained in runs of `max` while new comments arrive), the
// cursor's validation, and the moderation input.
#include "workers/common/community.h"

#include <algorithm>
#include <random>
#include <set>

#include "gtest/gtest.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers {
namespace {

// A listing as the network holds it: (key, id) pairs, served newest first in pages of 4.
class Listing {
 public:
  void Add(int64_t key, const std::string& id) { items_.push_back({key, id}); }

  CommentPageFn Pages() {
    return [this](const std::string& token) -> absl::StatusOr<CommentPage> {
      std::vector<std::pair<int64_t, std::string>> sorted = items_;
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      const size_t offset = token.empty() ? 0 : std::stoul(token);
      CommentPage page;
      for (size_t i = offset; i < sorted.size() && i < offset + 4; ++i) {
        ListedComment item;
        item.key = sorted[i].first;
        item.comment.id = sorted[i].second;
        item.comment.created_at = absl::FromUnixSeconds(sorted[i].first);
        page.items.push_back(std::move(item));
      }
      if (offset + 4 < sorted.size()) page.next = std::to_string(offset + 4);
      ++pages_read;
      return page;
    };
  }

  int pages_read = 0;

 private:
  std::vector<std::pair<int64_t, std::string>> items_;
};

TaskInput Input(const Json& json) {
  return TaskInput("x.comments", ToValue(json).struct_value());
}

// Runs until complete; appends what each run returned to `ids`.
void Drain(Listing& listing, std::string& cursor, int max, std::vector<std::string>& ids) {
  for (int n = 0; n < 100; ++n) {
    absl::StatusOr<CommentCursor> decoded = DecodeCursor(Input({{"cursor", cursor}}));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    absl::StatusOr<Json> out = DrainComments(listing.Pages(), *decoded, max, 50);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_LE((*out)["count"].get<int>(), max);
    for (const Json& c : (*out)["comments"]) ids.push_back(c["id"]);
    cursor = (*out)["cursor"];
    if ((*out)["complete"].get<bool>()) return;
  }
  FAIL() << "never complete";
}

void ExpectEachOnce(const std::vector<std::string>& ids, size_t total) {
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "a repeat";
  EXPECT_EQ(ids.size(), total) << "a comment was skipped";
}

TEST(CommunityDrainTest, TiesOnAKeyAreToldApartByIdAcrossRuns) {
  Listing listing;
  for (int i = 0; i < 9; ++i) listing.Add(100, "t" + std::to_string(i));  // one second
  listing.Add(99, "early");
  std::string cursor;
  std::vector<std::string> ids;
  Drain(listing, cursor, 3, ids);  // the backlog ends inside the tie, run after run
  ExpectEachOnce(ids, 10);
  // More in the same second, and later: only those are new.
  listing.Add(100, "t-late");
  listing.Add(101, "next");
  listing.Add(101, "next2");
  Drain(listing, cursor, 2, ids);
  ExpectEachOnce(ids, 13);
  Drain(listing, cursor, 2, ids);
  ExpectEachOnce(ids, 13);
}

TEST(CommunityDrainTest, CommentsArrivingWhileABacklogDrainsAreReadAfterIt) {
  Listing listing;
  for (int i = 0; i < 20; ++i) listing.Add(i * 10, "c" + std::to_string(i));
  std::string cursor;
  std::vector<std::string> ids;
  for (int n = 0; n < 3; ++n) {  // three runs of a backlog of 20, 5 at a time
    absl::StatusOr<Json> out =
        DrainComments(listing.Pages(), *DecodeCursor(Input({{"cursor", cursor}})), 5, 50);
    ASSERT_TRUE(out.ok());
    EXPECT_FALSE((*out)["complete"].get<bool>());
    for (const Json& c : (*out)["comments"]) ids.push_back(c["id"]);
    cursor = (*out)["cursor"];
    listing.Add(1000 + n, "new" + std::to_string(n));
  }
  Drain(listing, cursor, 5, ids);
  Drain(listing, cursor, 5, ids);
  ExpectEachOnce(ids, 23);
}

// Many seeds of the same story: comments (often several in one second) keep arriving
// between runs of random sizes; in the end each was read exactly once.
TEST(CommunityDrainTest, RandomArrivalsAndRunSizesReadEachCommentOnce) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    Listing listing;
    std::string cursor;
    std::vector<std::string> ids;
    int64_t now = 0;
    int total = 0;
    for (int run = 0; run < 30; ++run) {
      for (int k = static_cast<int>(rng() % 6); k > 0; --k) {
        now += static_cast<int64_t>(rng() % 3);  // 0: the same second as the last one
        listing.Add(now, "c" + std::to_string(total++));
      }
      absl::StatusOr<Json> out = DrainComments(
          listing.Pages(), *DecodeCursor(Input({{"cursor", cursor}})), 1 + rng() % 4, 50);
      ASSERT_TRUE(out.ok());
      for (const Json& c : (*out)["comments"]) ids.push_back(c["id"]);
      cursor = (*out)["cursor"];
    }
    Drain(listing, cursor, 4, ids);
    ExpectEachOnce(ids, total);
  }
}

TEST(CommunityDrainTest, OutputIsOldestFirstAndReadingStopsAtTheCursor) {
  Listing listing;
  for (int i = 0; i < 12; ++i) listing.Add(i, "c" + std::to_string(i));
  std::string cursor;
  std::vector<std::string> ids;
  Drain(listing, cursor, 100, ids);
  EXPECT_EQ(ids.front(), "c0");
  EXPECT_EQ(ids.back(), "c11");
  listing.Add(50, "fresh");
  listing.pages_read = 0;
  Drain(listing, cursor, 100, ids);
  EXPECT_EQ(ids.back(), "fresh");
  EXPECT_EQ(listing.pages_read, 1) << "the first page already reaches the cursor";
}

TEST(CommunityDrainTest, ABadCursorIsRejectedNamingTheField) {
  for (const char* bad : {"12345", "{}", "{\"after\":[1,[]]}", "{\"after\":[1,[2]],\"top\":[1,[]]}",
                          "{\"after\":[1,[]],\"top\":[1,[]],\"before\":7}"}) {
    absl::StatusOr<CommentCursor> cursor = DecodeCursor(Input({{"cursor", bad}}));
    ASSERT_FALSE(cursor.ok()) << bad;
    EXPECT_EQ(ErrorTypeOf(cursor.status()), v1::ERROR_TYPE_REJECTED_INPUT);
    EXPECT_NE(cursor.status().message().find("'cursor'"), std::string::npos) << bad;
  }
  EXPECT_TRUE(DecodeCursor(Input(Json::object())).ok());
  // A key is a time or an id: a negative one is a hand-made cursor.
  CommentCursor made;
  made.source = "x.comments";
  made.after.key = 5;
  made.top.key = 5;
  const std::string good = EncodeCursor(made);
  ASSERT_TRUE(DecodeCursor(Input({{"cursor", good}})).ok()) << good;
  std::string negative = good;
  for (size_t at = negative.find("[5,"); at != std::string::npos; at = negative.find("[5,")) {
    negative.replace(at, 3, "[-5,");
  }
  EXPECT_FALSE(DecodeCursor(Input({{"cursor", negative}})).ok()) << negative;
  // A cursor is the string a run returned, never a structure written by hand.
  const absl::StatusOr<CommentCursor> map = DecodeCursor(Input({{"cursor", Json::parse(good)}}));
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.status().message().find("'cursor' must be a string"), std::string::npos)
      << map.status();
}

TEST(CommunityDrainTest, ACursorBelongsToTheActionThatWroteIt) {
  Listing listing;
  listing.Add(1, "a");
  absl::StatusOr<Json> out = DrainComments(listing.Pages(), *DecodeCursor(Input({})), 5, 5);
  ASSERT_TRUE(out.ok());
  const std::string cursor = (*out)["cursor"];
  EXPECT_TRUE(DecodeCursor(Input({{"cursor", cursor}})).ok());
  absl::StatusOr<CommentCursor> other = DecodeCursor(
      TaskInput("youtube.comments", ToValue({{"cursor", cursor}}).struct_value()));
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("written by x.comments, not youtube.comments"),
            std::string::npos)
      << other.status();
}

// A listing that shifts between pages (a comment appears at the top) lists one item twice.
TEST(CommunityDrainTest, AnItemListedTwiceInOneRunIsTakenOnce) {
  int calls = 0;
  CommentPageFn shifting = [&calls](const std::string& token) -> absl::StatusOr<CommentPage> {
    CommentPage page;
    auto add = [&page](int64_t key, const std::string& id) {
      ListedComment item;
      item.key = key;
      item.comment.id = id;
      page.items.push_back(item);
    };
    if (token.empty()) {
      add(3, "c3");
      add(2, "c2");
      page.next = "2";
    } else {
      add(2, "c2");  // shifted down by one
      add(1, "c1");
    }
    ++calls;
    return page;
  };
  absl::StatusOr<Json> out = DrainComments(shifting, *DecodeCursor(Input({})), 10, 5);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["count"], 3);
  EXPECT_EQ(calls, 2);
}

// Ten pages of new comments above a backlog: the run cannot reach the backlog, so it gives
// it up instead of returning nothing forever.
TEST(CommunityDrainTest, ABacklogBeyondThePagesIsGivenUpNotReadForever) {
  Listing listing;
  for (int i = 0; i < 10; ++i) listing.Add(i, "old" + std::to_string(i));
  absl::StatusOr<Json> out = DrainComments(listing.Pages(), *DecodeCursor(Input({})), 2, 50);
  ASSERT_TRUE(out.ok());
  ASSERT_FALSE((*out)["complete"].get<bool>());
  for (int i = 0; i < 12; ++i) listing.Add(100 + i, "new" + std::to_string(i));  // 3 pages
  out = DrainComments(listing.Pages(), *DecodeCursor(Input({{"cursor", (*out)["cursor"]}})), 2,
                      /*max_pages=*/3);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["count"], 0);
  EXPECT_EQ((*out)["backlog_abandoned"], true);
  // The next run reads what came after the abandoned backlog's top: the new comments.
  std::string cursor = (*out)["cursor"];
  std::vector<std::string> ids;
  Drain(listing, cursor, 5, ids);
  EXPECT_EQ(ids.size(), 12u);
}

TEST(CommunityModerationTest, InputIsChecked) {
  EXPECT_TRUE(ReadModeration(Input({{"comment_id", "1"}, {"action", "hide"}})).ok());
  auto message = [](const Json& input) {
    return std::string(ReadModeration(Input(input)).status().message());
  };
  EXPECT_NE(message({{"action", "hide"}}).find("'comment_id' is required"), std::string::npos);
  EXPECT_NE(message({{"comment_id", "1"}, {"action", "ban"}}).find("'action' must be one of"),
            std::string::npos);
  EXPECT_NE(message({{"comment_id", "1"}, {"action", "reply"}, {"text", "  "}})
                .find("'text' is required to reply"),
            std::string::npos);
  EXPECT_NE(message({{"comment_id", std::string(200, '9')}, {"action", "hide"}}).find("128"),
            std::string::npos);
  EXPECT_NE(message({{"comment_id", "1"}, {"action", "reply"}, {"text", std::string(10'001, 'a')}})
                .find("10000 bytes"),
            std::string::npos);
}

TEST(CommunityModerationTest, RepliesAreRecognisedDespiteTidiedWhitespace) {
  EXPECT_TRUE(SameReplyText("Thanks  for\nasking!", "Thanks for asking!"));
  EXPECT_TRUE(SameReplyText(" Thanks for asking! ", "Thanks for asking!"));
  EXPECT_FALSE(SameReplyText("Thanks for asking", "Thanks for asking!"));
}

}  // namespace
}  // namespace fanfare::workers
