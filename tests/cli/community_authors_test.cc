// `fanfare community`'s pieces: the coordinator's authors read as content.ambassadors' ledger
// and scored as of the coordinator's clock, and the tables.
#include "cli/community_authors.h"

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "gtest/gtest.h"

namespace fanfare::cli {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// An author who praised `praised` posts over the last days (sentiment 0.6), with a negative
// comment `negative_ago` ago if given.
v1::CommunityAuthor Author(const std::string& handle, int praised, int64_t followers,
                           absl::Duration negative_ago = absl::InfiniteDuration()) {
  v1::CommunityAuthor a;
  a.set_id("id_" + handle);
  a.set_handle(handle);
  a.set_followers(followers);
  *a.mutable_first_seen() = ToProtoTime(kNow - absl::Hours(24 * 10));
  *a.mutable_last_seen() = ToProtoTime(kNow - absl::Hours(1));
  a.set_comments(praised);
  a.set_positive(praised);
  for (int i = 0; i < praised; ++i) {
    v1::CommunityAuthor::Post& p = *a.add_posts();
    p.set_post_id(absl::StrCat("post", i));
    p.set_comments(1);
    p.set_sentiment(0.6);
    *p.mutable_last() = ToProtoTime(kNow - absl::Hours(24 * (i + 1)));
    p.set_comment_id(absl::StrCat("c_", handle, i));
  }
  if (negative_ago != absl::InfiniteDuration()) {
    a.set_negative(1);
    *a.mutable_last_negative() = ToProtoTime(kNow - negative_ago);
  }
  return a;
}

v1::ListCommunityAuthorsResponse Authors() {
  v1::ListCommunityAuthorsResponse response;
  *response.add_authors() = Author("rosa", 4, 30'000);
  *response.add_authors() = Author("pia", 3, 10'000);
  *response.add_authors() = Author("sour", 5, 20'000, absl::Hours(24));   // negative yesterday
  *response.add_authors() = Author("fan", 2, 50'000);                     // too few posts
  *response.mutable_as_of() = ToProtoTime(kNow);
  return response;
}

TEST(CommunityAuthorsTest, AmbassadorsAreScoredAsContentAmbassadorsDoes) {
  absl::StatusOr<nlohmann::json> scored = Ambassadors(Authors(), 5, 3);
  ASSERT_TRUE(scored.ok()) << scored.status();
  const nlohmann::json& listed = (*scored)["ambassadors"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["handle"], "rosa") << "more praised posts, more followers: first";
  EXPECT_EQ(listed[1]["handle"], "pia");
  EXPECT_EQ(listed[0]["posts"], 4);
  EXPECT_EQ(listed[0]["comment_id"], "c_rosa0") << "their latest praise";
  EXPECT_EQ((*scored)["authors"], 4);
  EXPECT_EQ((*scored)["as_of"], "2027-01-15T08:00:00Z");
  // 10·Σ 0.5^(age/7d)·0.8 + log10(1 + followers), ages 1..4 days.
  double expected = 0;
  for (int d = 1; d <= 4; ++d) expected += 10 * std::pow(0.5, d / 7.0) * (1 + 0.6) / 2;
  expected += std::log10(1 + 30'000.0);
  EXPECT_NEAR(listed[0]["score"].get<double>(), expected, 0.01);

  scored = Ambassadors(Authors(), 5, 2);
  ASSERT_TRUE(scored.ok());
  EXPECT_EQ((*scored)["ambassadors"].size(), 3u) << "with two posts, the fan too";
}

TEST(CommunityAuthorsTest, TablesNameTheAuthorsAndTheReasons) {
  const std::string authors = RenderAuthors(Authors());
  EXPECT_NE(authors.find("@rosa"), std::string::npos) << authors;
  EXPECT_NE(authors.find("AUTHOR"), std::string::npos);
  EXPECT_EQ(RenderAuthors(v1::ListCommunityAuthorsResponse()),
            "No authors known on this account yet.\n");
  absl::StatusOr<nlohmann::json> scored = Ambassadors(Authors(), 5, 3);
  ASSERT_TRUE(scored.ok());
  const std::string table = RenderAmbassadors(*scored);
  EXPECT_NE(table.find("@rosa"), std::string::npos) << table;
  EXPECT_NE(table.find("praised 4 distinct posts in the last 30 days"), std::string::npos) << table;
  EXPECT_EQ(table.find("@sour"), std::string::npos) << table;
}

}  // namespace
}  // namespace fanfare::cli
