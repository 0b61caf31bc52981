// The daily watch in `fanfare summary`: per-day counts of what was read and done, sentiment,
// spikes against the week before, new ambassadors, the most active authors and the list.
#include "cli/community_digest.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace fanfare::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kDay0 = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 9, 0, 0), absl::UTCTimeZone());

google::protobuf::Value Json(const std::string& json) {
  google::protobuf::Value value;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &value).ok()) << json;
  return value;
}

// `n` comments by `handle` with `text`, as a comments step outputs them.
google::protobuf::Value Read(int n, const std::string& handle, const std::string& text) {
  std::string list;
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&list, i ? "," : "", R"({"id":"c)", i, R"(","text":")", text,
                    R"(","author":{"id":"1","handle":")", handle, R"("}})");
  }
  return Json(absl::StrCat(R"({"comments":[)", list, "]}"));
}

TEST(CommunityDigestTest, DaysCountsSpikesAndAmbassadors) {
  CommunityDigest digest;
  EXPECT_EQ(digest.Render(), "") << "no community steps, no section";
  for (int day = 0; day < 4; ++day) {
    digest.AddRead(kDay0 + absl::Hours(24) * day, Read(4, "ana", "Love this"));
  }
  digest.AddRead(kDay0 + absl::Hours(24 * 4), Read(9, "troll", "WORST COMPANY EVER, TOTAL GARBAGE"));
  digest.AddRead(kDay0 + absl::Hours(24 * 4), Read(1, "ana", "How much is it?"));
  for (const char* action : {"hide", "hide", "reply", "like", "reshare"}) {
    digest.AddModeration(kDay0 + absl::Hours(24 * 4 + 1),
                         Json(absl::StrCat(R"({"comment_id":"c1","action":")", action, R"("})")));
  }
  digest.AddAmbassadors(
      kDay0 + absl::Hours(24 * 4 + 2),
      Json(R"({"new_ambassadors":[{"handle":"ana"}],
               "ambassadors":[{"handle":"ana","score":31.5,"reasons":["praised 4 distinct posts"]}]})"));
  const std::string out = digest.Render();
  EXPECT_THAT(out, HasSubstr("Community (26 comments read over 5 days)"));
  // Four calm days of 4, then 10: over twice the mean of the days before.
  EXPECT_THAT(out, HasSubstr("2026-12-05  10    -0.76      90%       2       1        1      1  "
                             "       spike (2.5x the week); new ambassador @ana"));
  EXPECT_THAT(out, HasSubstr("2026-12-01  4     +0.46      0%        0       0        0      0"));
  EXPECT_THAT(out, Not(HasSubstr("2026-12-04  4     +0.46      0%        0       0        0      0         spike")));
  EXPECT_THAT(out, HasSubstr("Most active: @ana (17), @troll (9)"));
  EXPECT_THAT(out, HasSubstr("@ana                  score  31.50  praised 4 distinct posts"));

  const nlohmann::json json = digest.ToJson();
  ASSERT_EQ(json["days"].size(), 5u);
  const nlohmann::json& spike = json["days"][4];
  EXPECT_EQ(spike["date"], "2026-12-05");
  EXPECT_EQ(spike["read"], 10);
  EXPECT_EQ(spike["negative"], 9);
  EXPECT_EQ(spike["hidden"], 2);
  EXPECT_EQ(spike["replied"], 1);
  EXPECT_EQ(spike["reshared"], 1);
  EXPECT_EQ(spike["spike"], true);
  EXPECT_EQ(spike["spike_ratio"], 2.5);
  EXPECT_EQ(spike["new_ambassadors"], nlohmann::json::array({"ana"}));
  EXPECT_EQ(json["days"][0]["spike"], false);
  EXPECT_EQ(json["most_active"][0], nlohmann::json({{"handle", "ana"}, {"comments", 17}}));
  EXPECT_EQ(json["ambassadors"][0]["handle"], "ana");
  EXPECT_TRUE(CommunityDigest().ToJson().is_null());
}

TEST(CommunityDigestTest, TopPostsByCommentsWithTheirMood) {
  CommunityDigest digest;
  digest.AddRead(kDay0, Json(R"({"comments":[
      {"id":"1","post_id":"p1","text":"Love this","author":{"handle":"a"}},
      {"id":"2","post_id":"p1","text":"Love this","author":{"handle":"b"}},
      {"id":"3","post_id":"p2","text":"Terrible","author":{"handle":"c"}},
      {"id":"4","post_id":"","text":"a mention","author":{"handle":"d"}}]})"));
  digest.AddRead(kDay0 + absl::Hours(24), Json(R"({"comments":[
      {"id":"5","post_id":"p1","text":"ok","author":{"handle":"e"}}]})"));
  EXPECT_THAT(digest.Render(), HasSubstr("Top posts: p1 (3 comments, +0.31), p2 (1 comment, -0.46)"));
  const nlohmann::json json = digest.ToJson();
  ASSERT_EQ(json["top_posts"].size(), 2u) << "a mention is on no post";
  EXPECT_EQ(json["top_posts"][0],
            nlohmann::json({{"post_id", "p1"}, {"comments", 3}, {"mean_sentiment", 0.31}}));
}

TEST(CommunityDigestTest, NoSpikeBeforeThreeDaysAndOddShapesAreIgnored) {
  CommunityDigest digest;
  digest.AddRead(kDay0, Read(1, "a", "ok"));
  digest.AddRead(kDay0 + absl::Hours(24), Read(50, "a", "ok"));
  digest.AddRead(kDay0 + absl::Hours(48), Json(R"({"comments":"not a list"})"));
  digest.AddModeration(kDay0, Json(R"(["not", "a", "map"])"));
  digest.AddAmbassadors(kDay0, Json(R"({"ambassadors":7})"));
  const std::string out = digest.Render();
  EXPECT_THAT(out, Not(HasSubstr("spike")));
  EXPECT_THAT(out, HasSubstr("(51 comments read over 3 days)"));
  EXPECT_THAT(out, Not(HasSubstr("Ambassadors")));
}

}  // namespace
}  // namespace fanfare::cli
