// The text signals community rules read: the lexicon's sentiment on the kinds of comments
// brands get, links, shouting and keywords.
#include "engine/community/text_signals.h"

#include <cmath>

#include "gtest/gtest.h"

namespace fanfare::community {
namespace {

TEST(SentimentTest, PraiseComplaintsAndAbuseLandApart) {
  EXPECT_NEAR(Sentiment("Love this, best purchase I made this year"), 4 / std::sqrt(31.0), 1e-9);
  EXPECT_GT(Sentiment("Amazing quality as always, thank you"), 0.5);
  EXPECT_EQ(Sentiment("How much is shipping to Canada?"), 0.0);
  EXPECT_LT(Sentiment("Customer service has been slow and unhelpful"), -0.5);
  EXPECT_GT(Sentiment("Customer service has been slow and unhelpful"), -0.75);
  EXPECT_LT(Sentiment("THIS BRAND IS A SCAM AND YOU ARE ALL IDIOTS"), -0.75);
  EXPECT_LT(Sentiment("you people are pathetic losers"), -0.75);
}

TEST(SentimentTest, NegatorsFlipTheNextWordsAndPluralsCount) {
  EXPECT_LT(Sentiment("not happy"), 0);
  EXPECT_GT(Sentiment("not bad at all"), 0);
  EXPECT_LT(Sentiment("I don't love it"), 0) << "apostrophes are dropped: dont";
  EXPECT_GT(Sentiment("happy"), 0) << "a negator more than three words back no longer counts";
  EXPECT_GT(Sentiment("no, the shipping was fast and the box was great"), 0);
  EXPECT_GT(Sentiment("he loves it"), 0) << "plural/third person";
  EXPECT_EQ(Sentiment("lovesss"), 0.0) << "one final s, no more";
  EXPECT_EQ(Sentiment(std::string(1'000'000, 's')), 0.0) << "no recursion per letter";
  EXPECT_EQ(Sentiment("I want the front event"), 0.0) << "words ending in -nt are not negators";
  EXPECT_EQ(Sentiment(""), 0.0);
  EXPECT_EQ(Sentiment("Get 10k followers FREE at https://cheap-likes.example/now"), 0.0)
      << "no word in a link counts";
  EXPECT_EQ(Sentiment("@love_brand_lover what"), 0.0) << "nor in a mention";
  EXPECT_EQ(Sentiment("\xE5\xA5\xBD"), 0.0) << "other scripts: unknown";
}

TEST(LinkTest, LinksAndLinkOnlyComments) {
  EXPECT_TRUE(HasLink("Get 10k followers FREE at https://cheap-likes.example/now"));
  EXPECT_TRUE(HasLink("see www.acme.example"));
  EXPECT_FALSE(HasLink("I love https less than http"));
  EXPECT_TRUE(IsLinkOnly("https://free-followers.example/win"));
  EXPECT_TRUE(IsLinkOnly("@acme_x https://free-followers.example/win !!"));
  EXPECT_TRUE(IsLinkOnly("#win http://a.example #free"));
  EXPECT_FALSE(IsLinkOnly("Get 10k followers FREE at https://cheap-likes.example/now"));
  EXPECT_FALSE(IsLinkOnly("@acme_x !!")) << "no link";
}

TEST(AllCapsTest, ShoutingIgnoresMentionsAndLinks) {
  EXPECT_TRUE(IsAllCaps("@acme_x WORST COMPANY EVER, TOTAL GARBAGE"));
  EXPECT_TRUE(IsAllCaps("THIS IS A SCAM https://x.example/lower"));
  EXPECT_FALSE(IsAllCaps("@acme_x Love this"));
  EXPECT_FALSE(IsAllCaps("OK!!")) << "fewer than 6 letters";
  EXPECT_FALSE(IsAllCaps("I LOVE THE NEW model")) << "under 90% capitals";
}

TEST(ContainsAnyTest, WholeWordsIgnoringCase) {
  EXPECT_TRUE(ContainsAny("A SCAM!", {"scam"}));
  EXPECT_FALSE(ContainsAny("scampi for dinner", {"scam"}));
  EXPECT_TRUE(ContainsAny("Get FREE followers now", {"idiot", "free followers"}));
  EXPECT_FALSE(ContainsAny("free  followers", {"free followers"}));
  EXPECT_FALSE(ContainsAny("anything", {}));
  EXPECT_FALSE(ContainsAny("anything", {""}));
}

}  // namespace
}  // namespace fanfare::community
