#include "workers/content/text_length.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workers/content/links.h"

namespace fanfare::workers::content {
namespace {

using ::testing::IsEmpty;

TEST(TextLengthTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("hello"), 5u);
  EXPECT_EQ(CountCodePoints("héllo"), 5u);  // é is two bytes, one code point
  EXPECT_EQ(std::string("héllo").size(), 6u);
  EXPECT_EQ(CountCodePoints("e\u0301"), 2u);   // decomposed é: e + combining acute
  EXPECT_EQ(CountCodePoints("日本語"), 3u);    // nine bytes
  EXPECT_EQ(CountCodePoints("🚀"), 1u);         // four bytes
  EXPECT_EQ(CountCodePoints("👍🏽"), 2u);  // emoji + skin tone modifier
}

TEST(TextLengthTest, EveryUnitForTheSameText) {
  const std::string text = "Café 🚀 日本";
  EXPECT_EQ(TextLength(text, LengthUnit::kCodePoints), 9u);
  EXPECT_EQ(TextLength(text, LengthUnit::kUtf16Units), 10u);  // the rocket is a surrogate pair
  EXPECT_EQ(TextLength(text, LengthUnit::kUtf8Bytes), 5u + 1 + 4 + 1 + 6);
  // C a f é and the two spaces weigh 1; the rocket and the two kanji weigh 2.
  EXPECT_EQ(TextLength(text, LengthUnit::kXWeighted), 6u + 2 + 4);
}

TEST(TextLengthTest, InvalidUtf8CountsOneCodePointPerBadByte) {
  EXPECT_EQ(CountCodePoints("a\xff"
                            "b"),
            3u);
  EXPECT_EQ(CountCodePoints("\xe6\x97"), 2u);      // truncated three-byte sequence
  EXPECT_EQ(CountCodePoints("\xc0\xaf"), 2u);      // overlong "/"
  EXPECT_EQ(CountCodePoints("\xed\xa0\x80"), 3u);  // a UTF-16 surrogate, not allowed
  const std::vector<CodePoint> cps = DecodeUtf8("a\xff");
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[1].value, 0xFFFDu);
  EXPECT_EQ(cps[1].offset, 1u);
  EXPECT_EQ(cps[1].size, 1u);
}

TEST(XWeightTest, RangesFromTwitterTextV3) {
  EXPECT_EQ(XCodePointWeight('a'), 1);
  EXPECT_EQ(XCodePointWeight(0x00E9), 1);   // é
  EXPECT_EQ(XCodePointWeight(0x0416), 1);   // Cyrillic Ж
  EXPECT_EQ(XCodePointWeight(0x10FF), 1);   // the last of the first range
  EXPECT_EQ(XCodePointWeight(0x1100), 2);   // Hangul Jamo: past it
  EXPECT_EQ(XCodePointWeight(0x2014), 1);   // em dash
  EXPECT_EQ(XCodePointWeight(0x201C), 1);   // left double quotation mark
  EXPECT_EQ(XCodePointWeight(0x2026), 2);   // … is outside the light ranges
  EXPECT_EQ(XCodePointWeight(0x2032), 1);   // prime
  EXPECT_EQ(XCodePointWeight(0x65E5), 2);   // 日
  EXPECT_EQ(XCodePointWeight(0xAC00), 2);   // 가
  EXPECT_EQ(XCodePointWeight(0x1F680), 2);  // 🚀
  EXPECT_EQ(XCodePointWeight(0x0958), 2);   // क़: NFC splits it into two light code points
}

TEST(XWeightTest, WeighsCjkAndEmojiAsTwo) {
  EXPECT_EQ(XWeightedLength("hello"), 5u);
  EXPECT_EQ(XWeightedLength("こんにちは"), 10u);
  EXPECT_EQ(XWeightedLength("Go 🚀"), 5u);
  EXPECT_EQ(XWeightedLength("naïve café"), 10u);
  // A sequence counts as the sum of its code points: X itself counts 👍🏽 as 2, so this errs
  // on the side of a shorter post.
  EXPECT_EQ(XWeightedLength("👍🏽"), 4u);
}

TEST(XWeightTest, EveryLinkCountsTwentyThree) {
  EXPECT_EQ(XWeightedLength("https://a.co"), 23u);
  const std::string long_link =
      "https://acme.example/rocket/launch/day/with/a/very/long/path?utm_source=x&utm_medium="
      "social&utm_campaign=rocket-launch#buy";
  ASSERT_GT(long_link.size(), 100u);
  EXPECT_EQ(XWeightedLength(long_link), 23u);
  EXPECT_EQ(XWeightedLength("See " + long_link + " now"), 4u + 23 + 4);
  EXPECT_EQ(XWeightedLength("Two: https://a.example/1 https://b.example/2"), 5u + 23 + 1 + 23);
  // The sentence's full stop is not part of the link.
  EXPECT_EQ(XWeightedLength("Go to https://acme.example/rocket."), 6u + 23 + 1);
  // Bare domains may be wrapped by X: at least 23.
  EXPECT_EQ(XWeightedLength("Visit acme.com"), 6u + 23);
  EXPECT_EQ(XWeightedLength("shop.supercalifragilistic-rockets.com"), 37u);
  // Not links: an email address, a version number, an abbreviation.
  EXPECT_EQ(XWeightedLength("ops@acme.com"), 12u);
  EXPECT_EQ(XWeightedLength("v2.0 e.g. this"), 14u);
}

TEST(LinksTest, FindsLinksAndTrimsSentencePunctuation) {
  const std::string text =
      "Read (https://en.example/wiki/Rocket_(film)), then acme.com/buy! Mail ops@acme.com";
  const std::vector<LinkSpan> links = FindLinks(text);
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(text.substr(links[0].begin, links[0].end - links[0].begin),
            "https://en.example/wiki/Rocket_(film)");
  EXPECT_TRUE(links[0].has_scheme);
  EXPECT_TRUE(links[0].plain);
  EXPECT_EQ(text.substr(links[1].begin, links[1].end - links[1].begin), "acme.com/buy");
  EXPECT_FALSE(links[1].has_scheme);
}

TEST(LinksTest, SchemeMustStartAWordAndHostMustBeDotted) {
  EXPECT_THAT(FindLinks("xhttps://acme.example"), IsEmpty());
  EXPECT_THAT(FindLinks("http://localhost:8080/x"), IsEmpty());
  EXPECT_THAT(FindLinks("https://"), IsEmpty());
  EXPECT_THAT(FindLinks("#acme.com"), IsEmpty());
}

TEST(LinksTest, LinkCutByNonAsciiIsNotPlain) {
  const std::vector<LinkSpan> path = FindLinks("https://acme.example/ロケット");
  ASSERT_EQ(path.size(), 1u);
  EXPECT_FALSE(path[0].plain);
  // A non-ASCII space or punctuation mark ends a link cleanly.
  const std::vector<LinkSpan> spaced = FindLinks("https://acme.example/r\u3000発売");
  ASSERT_EQ(spaced.size(), 1u);
  EXPECT_TRUE(spaced[0].plain);
  const std::vector<LinkSpan> ellipsis = FindLinks("https://acme.example/r…");
  ASSERT_EQ(ellipsis.size(), 1u);
  EXPECT_TRUE(ellipsis[0].plain);
}

TEST(LinksTest, AbsoluteHttpUrl) {
  EXPECT_TRUE(IsAbsoluteHttpUrl("https://acme.example/rocket?ref=x#top"));
  EXPECT_TRUE(IsAbsoluteHttpUrl("HTTP://Acme.Example"));
  EXPECT_TRUE(IsAbsoluteHttpUrl("https://user@acme.example:8443/r"));
  EXPECT_FALSE(IsAbsoluteHttpUrl("acme.example/rocket"));
  EXPECT_FALSE(IsAbsoluteHttpUrl("ftp://acme.example"));
  EXPECT_FALSE(IsAbsoluteHttpUrl("https://localhost/x"));
  EXPECT_FALSE(IsAbsoluteHttpUrl("https://acme..example"));
  EXPECT_FALSE(IsAbsoluteHttpUrl("https://acme.example/a b"));
}

TEST(LengthUnitTest, Names) {
  EXPECT_EQ(LengthUnitName(LengthUnit::kXWeighted), "x_weighted");
  EXPECT_EQ(LengthUnitName(LengthUnit::kUtf8Bytes), "utf8_bytes");
  EXPECT_EQ(LengthUnitNoun(LengthUnit::kUtf8Bytes), "bytes");
  EXPECT_EQ(LengthUnitNoun(LengthUnit::kCodePoints), "characters");
}

}  // namespace
}  // namespace fanfare::workers::content
