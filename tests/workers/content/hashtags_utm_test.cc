#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workers/content/hashtags.h"
#include "workers/content/utm.h"

namespace fanfare::workers::content {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(HashtagTest, OneWordIsKeptAsGiven) {
  EXPECT_EQ(NormaliseHashtag("launch"), "#launch");
  EXPECT_EQ(NormaliseHashtag("#Launch"), "#Launch");
  EXPECT_EQ(NormaliseHashtag("##launch"), "#launch");
  EXPECT_EQ(NormaliseHashtag("  launch  "), "#launch");
  EXPECT_EQ(NormaliseHashtag("launch_day"), "#launch_day");
  EXPECT_EQ(NormaliseHashtag("café"), "#café");
  EXPECT_EQ(NormaliseHashtag("東京"), "#東京");
}

TEST(HashtagTest, SeveralWordsBecomeCamelCase) {
  EXPECT_EQ(NormaliseHashtag("rocket launch"), "#RocketLaunch");
  EXPECT_EQ(NormaliseHashtag("#rocket launch"), "#RocketLaunch");
  EXPECT_EQ(NormaliseHashtag("Launch-Day!"), "#LaunchDay");
  EXPECT_EQ(NormaliseHashtag("made for makers."), "#MadeForMakers");
  EXPECT_EQ(NormaliseHashtag("iPhone 15"), "#iPhone15");  // a word with capitals is kept
  EXPECT_EQ(NormaliseHashtag("rocket🚀"), "#rocket");
  EXPECT_EQ(NormaliseHashtag("rocket—launch"), "#RocketLaunch");  // em dash separates
}

TEST(HashtagTest, NothingUsableIsEmpty) {
  EXPECT_EQ(NormaliseHashtag(""), "");
  EXPECT_EQ(NormaliseHashtag("#"), "");
  EXPECT_EQ(NormaliseHashtag("!!! 🚀"), "");
}

TEST(HashtagTest, DigitsOnlyHaveNoLetter) {
  EXPECT_FALSE(HashtagHasLetter("#2026"));
  EXPECT_FALSE(HashtagHasLetter("#20_26"));
  EXPECT_TRUE(HashtagHasLetter("#launch2026"));
  EXPECT_TRUE(HashtagHasLetter("#東京"));
}

TEST(HashtagTest, KeyFoldsAsciiCase) {
  EXPECT_EQ(HashtagKey("#Launch"), HashtagKey("#launch"));
  EXPECT_NE(HashtagKey("#launch"), HashtagKey("#launches"));
}

TEST(HashtagTest, FindsHashtagsInTextButNotInLinks) {
  EXPECT_THAT(HashtagsInText("New #Rocket! See https://acme.example/r#specs and C#, #2026 #launch"),
              ElementsAre("#rocket", "#launch"));
  EXPECT_THAT(HashtagsInText("no tags here"), IsEmpty());
  EXPECT_THAT(HashtagsInText("#東京 #café"), ElementsAre("#東京", "#café"));
}

TEST(UtmTest, AppendsToALinkWithoutQuery) {
  const UtmParams utm = {{"utm_source", "x"}, {"utm_medium", "social"}};
  EXPECT_EQ(AddUtm("https://acme.example/rocket", utm),
            "https://acme.example/rocket?utm_source=x&utm_medium=social");
}

TEST(UtmTest, KeepsQueryAndFragment) {
  const UtmParams utm = {{"utm_source", "x"}, {"utm_campaign", "rocket-launch"}};
  EXPECT_EQ(
      AddUtm("https://acme.example/rocket?ref=mail&size=xl#buy", utm),
      "https://acme.example/rocket?ref=mail&size=xl&utm_source=x&utm_campaign=rocket-launch#buy");
  EXPECT_EQ(AddUtm("https://acme.example/#/app/route", utm),
            "https://acme.example/?utm_source=x&utm_campaign=rocket-launch#/app/route");
  EXPECT_EQ(AddUtm("https://acme.example/r?", utm),
            "https://acme.example/r?utm_source=x&utm_campaign=rocket-launch");
}

TEST(UtmTest, ReplacesExistingUtmParametersInPlaceWithoutDuplicates) {
  const UtmParams utm = {{"utm_source", "x"}, {"utm_medium", "social"}};
  EXPECT_EQ(AddUtm("https://acme.example/r?UTM_SOURCE=newsletter&ref=1&utm_source=old#top", utm),
            "https://acme.example/r?utm_source=x&ref=1&utm_medium=social#top");
}

TEST(UtmTest, IsIdempotent) {
  const UtmParams utm = {{"utm_source", "x"}, {"utm_medium", "social"}};
  const std::string once = AddUtm("https://acme.example/r?ref=1#top", utm);
  EXPECT_EQ(AddUtm(once, utm), once);
}

TEST(UtmTest, EncodesValues) {
  EXPECT_EQ(EncodeQueryValue("rocket launch/2026&more"), "rocket%20launch%2F2026%26more");
  EXPECT_EQ(EncodeQueryValue("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(EncodeQueryValue("é"), "%C3%A9");
  EXPECT_EQ(AddUtm("https://acme.example", {{"utm_campaign", "spring sale"}}),
            "https://acme.example?utm_campaign=spring%20sale");
}

TEST(UtmTest, ResolvesNetworkPlaceholderAndDropsEmptyValues) {
  const UtmParams utm = UtmForNetwork(
      {{"utm_source", "{network}"}, {"utm_medium", ""}, {"utm_content", "{network}-post"}}, "x");
  EXPECT_THAT(utm, ElementsAre(std::pair<std::string, std::string>("utm_source", "x"),
                               std::pair<std::string, std::string>("utm_content", "x-post")));
}

TEST(UtmTest, TagsEveryPlainLinkInText) {
  const UtmParams utm = {{"utm_source", "x"}};
  EXPECT_EQ(AddUtmToLinksInText("See https://a.example/1. And https://b.example/2?q=1#f!", utm),
            "See https://a.example/1?utm_source=x. And https://b.example/2?q=1&utm_source=x#f!");
  // A link this code cannot see the end of is left as written, not broken.
  EXPECT_EQ(AddUtmToLinksInText("https://a.example/ロケット", utm), "https://a.example/ロケット");
  // Bare domains are text, not links to rewrite.
  EXPECT_EQ(AddUtmToLinksInText("Visit acme.com", utm), "Visit acme.com");
  EXPECT_EQ(AddUtmToLinksInText("https://a.example", {}), "https://a.example");
}

}  // namespace
}  // namespace fanfare::workers::content
