// The ambassador score over a ledger handed from run to run: regulars who praise distinct
// posts become ambassadors, fans who praise once do not, a recent complaint excludes, each
// new ambassador is recognised once per period, comments count once, and bad input is
// refused naming the field.
#include "workers/community/ambassadors.h"

#include "gtest/gtest.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/task_input.h"

namespace fanfare::workers::community {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'796'000'000);

Json Comment(const std::string& id, const std::string& author, const std::string& post,
             const std::string& text, absl::Time at, int64_t followers = 1000) {
  return {{"id", id}, {"post_id", post}, {"text", text}, {"created_at", Rfc3339(at)},
          {"author", {{"id", author}, {"handle", author + "_h"}, {"followers", followers}}}};
}

Json Score(const Json& ledger, const Json& comments, absl::Time now, Json extra = Json::object()) {
  extra["ledger"] = ledger;
  extra["comments"] = comments;
  absl::StatusOr<Json> out = ScoreAmbassadors(extra, now);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : Json();
}

std::vector<std::string> Ids(const Json& list) {
  std::vector<std::string> ids;
  for (const Json& a : list) ids.push_back(a["id"]);
  return ids;
}

TEST(AmbassadorsTest, RegularsOnDistinctPostsBecomeAmbassadorsOnceAcrossRuns) {
  Json ledger = Json::object();
  Json out;
  for (int day = 0; day < 6; ++day) {
    const absl::Time t = kStart + absl::Hours(24) * day;
    Json comments = Json::array({
        Comment("r" + std::to_string(day), "regular", "post" + std::to_string(day),
                "Love this, best purchase", t, 20'000),
        Comment("s" + std::to_string(day), "samepost", "post0", "Amazing quality, thank you", t),
    });
    if (day == 0) comments.push_back(Comment("f0", "fan", "post0", "Brilliant work", t));
    out = Score(ledger, comments, t + absl::Hours(1));
    ledger = out["ledger"];
    if (day < 2) EXPECT_TRUE(out["ambassadors"].empty()) << "fewer than 3 distinct posts";
    if (day == 2) EXPECT_EQ(Ids(out["new_ambassadors"]), std::vector<std::string>{"regular"});
    if (day > 2) EXPECT_TRUE(out["new_ambassadors"].empty()) << "recognised once per period";
  }
  EXPECT_EQ(Ids(out["ambassadors"]), std::vector<std::string>{"regular"})
      << "samepost praised one post six times; fan once";
  const Json& card = out["ambassadors"][0];
  EXPECT_EQ(card["posts"], 6);
  EXPECT_EQ(card["comment_id"], "r5") << "their latest praise, to answer";
  EXPECT_EQ(card["reasons"][0], "praised 6 distinct posts in the last 30 days");
  EXPECT_EQ(out["authors"], 3);
  // The formula: 10 · Σ 0.5^(age/7d) · (1+s)/2 + log10(1+followers).
  EXPECT_GT(card["score"].get<double>(), 30);

  // A period later, an ambassador still is one and is recognised again.
  const absl::Time later = kStart + absl::Hours(24 * 33);  // recognised on day 2
  out = Score(ledger, Json::array({Comment("r9", "regular", "post9", "Love it", later, 20'000),
                                 Comment("r10", "regular", "post10", "Great", later, 20'000),
                                 Comment("r11", "regular", "post11", "Excellent", later, 20'000)}),
            later);
  EXPECT_EQ(Ids(out["new_ambassadors"]), std::vector<std::string>{"regular"});
}

TEST(AmbassadorsTest, ARecentComplaintExcludesAndCommentsCountOnce) {
  Json ledger = Json::object();
  Json comments = Json::array();
  for (int i = 0; i < 4; ++i) {
    comments.push_back(Comment("c" + std::to_string(i), "sour", "p" + std::to_string(i),
                               "Love this", kStart + absl::Hours(i)));
  }
  Json out = Score(ledger, comments, kStart + absl::Hours(5));
  EXPECT_EQ(Ids(out["ambassadors"]), std::vector<std::string>{"sour"});
  ledger = out["ledger"];
  out = Score(ledger, Json::array({Comment("bad", "sour", "p9", "Disappointed, it broke",
                                         kStart + absl::Hours(6))}),
            kStart + absl::Hours(7));
  EXPECT_TRUE(out["ambassadors"].empty()) << "a complaint this week excludes";
  ledger = out["ledger"];
  out = Score(ledger, comments, kStart + absl::Hours(8));  // the same comments delivered again
  EXPECT_EQ(out["ledger"]["authors"]["sour"]["comments"], 5) << "each comment counts once";
  out = Score(out["ledger"], Json::array(), kStart + absl::Hours(6 + 24 * 8));
  EXPECT_EQ(Ids(out["ambassadors"]), std::vector<std::string>{"sour"})
      << "a week after the complaint, an ambassador again";
}

TEST(AmbassadorsTest, RetentionForgetsAuthorsUnseenForNinetyDays) {
  Json out = Score(Json::object(), Json::array({Comment("c", "gone", "p", "Love it", kStart)}),
                 kStart);
  EXPECT_EQ(out["authors"], 1);
  out = Score(out["ledger"], Json::array(), kStart + absl::Hours(24 * 91));
  EXPECT_EQ(out["authors"], 0);
}

TEST(AmbassadorsTest, BadInputIsRefusedNamingTheField) {
  auto message = [](const Json& input) {
    absl::StatusOr<Json> out = ScoreAmbassadors(input, kStart);
    EXPECT_FALSE(out.ok());
    EXPECT_EQ(ErrorTypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
    return std::string(out.status().message());
  };
  EXPECT_NE(message({{"comments", "x"}}).find("'comments'"), std::string::npos);
  EXPECT_NE(message({{"comments", Json::array()}, {"ledger", 3}}).find("'ledger'"),
            std::string::npos);
  EXPECT_NE(message({{"comments", Json::array()}, {"min_posts", 0}}).find("'min_posts'"),
            std::string::npos);
  EXPECT_NE(message({{"comments", Json::array()}, {"top", 500}}).find("'top'"),
            std::string::npos);
  for (const Json& bad : {Json{{"authors", {{"u1", 5}}}},
                          Json{{"authors", {{"u1", {{"posts", {{"p", "x"}}}}}}}},
                          Json{{"seen", "x"}}}) {
    EXPECT_NE(message({{"comments", Json::array()}, {"ledger", bad}}).find("'ledger'"),
              std::string::npos)
        << bad;
  }
}

// A ledger near its bounds, and numbers that are not finite, cost bounded work and change
// nothing they should not.
TEST(AmbassadorsTest, BigAndOddLedgersAreBounded) {
  Json authors = Json::object();
  for (int i = 0; i < 1000; ++i) {
    authors["a" + std::to_string(i)] = {{"handle", "h"}, {"last_seen", Rfc3339(kStart)},
                                        {"followers", "nan"}, {"comments", 1e300}};
  }
  const absl::Time start = absl::Now();
  Json out = Score({{"authors", authors}}, Json::array(), kStart);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(out["authors"], 500) << "the cap";
  Json many = Json::object();
  for (int i = 0; i < 1001; ++i) many["a" + std::to_string(i)] = Json::object();
  EXPECT_FALSE(ScoreAmbassadors({{"comments", Json::array()}, {"ledger", {{"authors", many}}}}, kStart).ok());
}

}  // namespace
}  // namespace fanfare::workers::community
