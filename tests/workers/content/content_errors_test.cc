// Every error content.generate reports names the field (or part) to fix and says how.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/workers/content/content_test_util.h"

namespace fanfare::workers::content {
namespace {

using test::ErrorOf;
using test::Generate;
using test::StringAt;
using ::testing::HasSubstr;

constexpr absl::string_view kAll = "facebook, instagram, x, linkedin, youtube, tiktok";

TEST(RequiredPartsTest, XHeadlineTooLong) {
  // 272 + 2 + "Pre-order now: " 15 + the link 23 = 312.
  const std::string input =
      absl::StrCat(R"json({"brief": {"headline": ")json", std::string(272, 'H'), R"json(",
      "body": "Short.", "link": "https://acme.example/rocket",
      "call_to_action": "Pre-order now"}})json");
  EXPECT_EQ(ErrorOf(input),
            "content.generate: x variant needs 312 characters for its required parts (headline, "
            "link, call_to_action) but x allows 280; shorten 'brief.headline'");
}

TEST(RequiredPartsTest, NamesTheLongestPart) {
  const std::string input = absl::StrCat(
      R"json({"networks": ["x"], "brief": {"headline": "Launch", "call_to_action": ")json",
      std::string(300, 'C'), R"json("}})json");
  EXPECT_EQ(ErrorOf(input),
            "content.generate: x variant needs 308 characters for its required parts (headline, "
            "call_to_action) but x allows 280; shorten 'brief.call_to_action'");
}

TEST(RequiredPartsTest, XWeighsCjkInTheRequiredParts) {
  // 141 kanji weigh 282.
  std::string headline;
  for (int i = 0; i < 141; ++i) headline += "日";
  EXPECT_EQ(
      ErrorOf(absl::StrCat(R"json({"networks": ["x", "linkedin"], "brief": {"headline": ")json",
                           headline, R"json("}})json")),
      "content.generate: x variant needs 282 characters for its required parts (headline) "
      "but x allows 280; shorten 'brief.headline'");
}

TEST(RequiredPartsTest, TemplateTextCountsAsRequired) {
  const std::string input = absl::StrCat(
      R"json({"networks": ["x"], "brief": {"headline": "Launch", "link": "https://acme.example/r"},
      "template": "{headline} )json",
      std::string(260, 'T'), R"json( {link}"})json");
  EXPECT_EQ(ErrorOf(input),
            "content.generate: x variant needs 291 characters for its required parts (template, "
            "headline, link) but x allows 280; shorten 'template'");
}

TEST(RequiredPartsTest, YouTubeDescriptionInBytes) {
  // 2,500 "é" are 2,500 characters but 5,000 bytes; with " " and the link (22) it is too long.
  std::string action;
  for (int i = 0; i < 2500; ++i) action += "é";
  const std::string input = absl::StrCat(
      R"json({"networks": ["youtube"], "brief": {"headline": "Launch", "call_to_action": ")json",
      action, R"json(", "link": "https://acme.example/r"}})json");
  EXPECT_EQ(ErrorOf(input),
            "content.generate: youtube variant needs 5023 bytes for its required parts (link, "
            "call_to_action) but youtube allows 5000; shorten 'brief.call_to_action'");
  // LinkedIn counts the same call to action as 2,500 characters, within its 3,000.
  EXPECT_EQ(StringAt(Generate(absl::StrCat(R"json({"networks": ["linkedin"], "brief":
      {"headline": "Launch", "call_to_action": ")json",
                                           action, R"json("}})json")),
                     "variants.linkedin.body_fit"),
            "absent");
}

TEST(RequiredPartsTest, YouTubeTitle) {
  EXPECT_EQ(ErrorOf(absl::StrCat(R"json({"networks": ["youtube"], "brief": {"headline": ")json",
                                 std::string(101, 'T'), R"json("}})json")),
            "content.generate: youtube title needs 101 characters but youtube allows 100; shorten "
            "'brief.headline'");
  EXPECT_EQ(ErrorOf(R"json({"networks": ["youtube"], "template": "{body}",
                            "brief": {"body": "Two minutes."}})json"),
            "content.generate: 'brief.headline' is required for youtube: it is the video's title");
}

TEST(NetworkRulesTest, YouTubeRejectsAngleBrackets) {
  EXPECT_EQ(ErrorOf(R"json({"networks": ["x", "youtube"],
                            "brief": {"headline": "Launch", "body": "Now <b>faster</b>."}})json"),
            "content.generate: youtube does not accept '<' or '>' in a title or description; "
            "remove them from 'brief.body'");
}

TEST(NetworkRulesTest, InstagramRejectsCopyThatAlreadyHasTooManyHashtags) {
  std::string body;
  for (int i = 1; i <= 31; ++i) absl::StrAppend(&body, " #t", i);
  EXPECT_EQ(ErrorOf(absl::StrCat(R"json({"networks": ["linkedin", "instagram"],
      "brief": {"headline": "Launch", "body": ")json", body, R"json("}})json")),
            "content.generate: instagram allows at most 30 hashtags in a caption but the brief's "
            "text already has 31; remove some from 'brief.body' (or the headline, call to action "
            "or template)");
}

TEST(AltTextTest, MediaWithoutAltTextIsRejected) {
  const std::string message =
      "is required: every image and video needs alt text that describes it for people using "
      "screen readers (the accessibility policy); write it there, or give 'alt_text' to use "
      "for all media";
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"},
                            "media": [{"url": "https://cdn.acme.example/r.jpg",
                                       "type": "image"}]})json"),
            absl::StrCat("content.generate: 'media[0].alt_text' ", message));
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"},
                            "media": [{"url": "https://cdn.acme.example/r.jpg",
                                       "alt_text": "A rocket"},
                                      {"url": "https://cdn.acme.example/s.jpg",
                                       "alt_text": "  "}]})json"),
            absl::StrCat("content.generate: 'media[1].alt_text' ", message));
}

TEST(AltTextTest, XLimitsAltTextToAThousandCharacters) {
  const std::string input = absl::StrCat(
      R"json({"networks": ["linkedin", "x"], "brief": {"headline": "Launch"},
      "media": [{"url": "https://cdn.acme.example/r.jpg", "alt_text": ")json",
      std::string(1001, 'a'), R"json("}]})json");
  EXPECT_EQ(ErrorOf(input),
            "content.generate: 'media[0].alt_text' has 1001 characters but x allows 1000 for alt "
            "text; shorten it");
}

TEST(InputTypeTest, Networks) {
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "networks": "x"})json"),
            "content.generate: 'networks' must be a list of network names such as [x, linkedin], "
            "got a string");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "networks": {"x": true}})json"),
            "content.generate: 'networks' must be a list of network names such as [x, linkedin], "
            "got a map");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "networks": ["x", 3]})json"),
            "content.generate: 'networks[1]' must be a network name, got a number");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "networks": []})json"),
            absl::StrCat("content.generate: 'networks' is empty; list the networks to write for, "
                         "or leave it out for all of ",
                         kAll));
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "networks": ["x", "x"]})json"),
            "content.generate: 'networks[1]' repeats 'x'; list each network once");
}

TEST(InputTypeTest, UnknownNetworks) {
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "networks": ["linkdin"]})json"),
            absl::StrCat("content.generate: 'networks[0]' is 'linkdin', which content.generate "
                         "does not write for (did you mean 'linkedin'?); it writes for ",
                         kAll));
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "networks": ["x", "twitter"]})json"),
            absl::StrCat("content.generate: 'networks[1]' is 'twitter', which content.generate "
                         "does not write for (X was Twitter: write 'x'); it writes for ",
                         kAll));
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "networks": ["snapchat"]})json"),
            absl::StrCat("content.generate: 'networks[0]' is 'snapchat', which content.generate "
                         "does not write for; it writes for ",
                         kAll));
}

TEST(InputTypeTest, Brief) {
  EXPECT_EQ(ErrorOf(R"json({"brief": "Launch day"})json"),
            "content.generate: 'brief' must be a map (headline, body, link, …), got a string");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": ["Launch"]}})json"),
            "content.generate: 'brief.headline' must be text, got a list");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch", "body": true}})json"),
            "content.generate: 'brief.body' must be text, got true/false");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"body": "No headline."}})json"),
            "content.generate: 'brief.headline' is required (or give 'template' to lay out the "
            "post yourself)");
  EXPECT_EQ(ErrorOf(R"json({"networks": ["x"]})json"),
            "content.generate: give 'brief' (with at least 'brief.headline') or 'template'");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch", "link": "acme.example/rocket"}})json"),
            "content.generate: 'brief.link' must be an absolute http(s) URL such as "
            "https://acme.example/rocket, got 'acme.example/rocket'");
}

TEST(InputTypeTest, NumbersAndNullsAreAccepted) {
  // YAML reads `headline: 2026` as a number; a template may render to null.
  const google::protobuf::Value out =
      Generate(R"json({"networks": ["x"], "brief": {"headline": 2026, "body": null}})json");
  EXPECT_EQ(StringAt(out, "variants.x.text"), "2026");
  EXPECT_EQ(StringAt(out, "variants.x.body_fit"), "absent");
}

TEST(InputTypeTest, Hashtags) {
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch", "hashtags": "launch"}})json"),
            "content.generate: 'brief.hashtags' must be a list such as [launch, rocket], got a "
            "string");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch", "hashtags": ["a", {"b": 1}]}})json"),
            "content.generate: 'brief.hashtags[1]' must be text, got a map");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch", "hashtags": ["2026"]}})json"),
            "content.generate: 'brief.hashtags[0]' ('2026') is only digits, and networks do not "
            "link such hashtags; add a word, e.g. launch2026");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch", "hashtags": ["ok", "!!!"]}})json"),
            "content.generate: 'brief.hashtags[1]' ('!!!') has no letters or digits to make a "
            "hashtag from; remove it or write the word");
}

TEST(InputTypeTest, UtmMediaTemplateAndExtras) {
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "utm": ["social"]})json"),
            "content.generate: 'utm' must be a map such as {campaign: rocket-launch}, got a list");
  EXPECT_EQ(
      ErrorOf(R"json({"brief": {"headline": "Launch"}, "utm": {"campaign": 7, "term": []}})json"),
      "content.generate: 'utm.term' must be text, got a list");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "media": {"url": "x"}})json"),
            "content.generate: 'media' must be a list of {url, type, alt_text} maps, got a map");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "media": ["https://cdn/r.jpg"]})json"),
            "content.generate: 'media[0]' must be a map with url, type and alt_text, got a string");
  EXPECT_EQ(
      ErrorOf(R"json({"brief": {"headline": "Launch"}, "media": [{"alt_text": "A rocket"}]})json"),
      "content.generate: 'media[0].url' is required");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "template": 5})json"),
            "content.generate: 'template' must be text, got a number");
  EXPECT_EQ(
      ErrorOf(R"json({"brief": {"headline": "Launch"}, "template": "{headline} {link}"})json"),
      "content.generate: 'template' uses {link} but 'brief.link' is not given");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "seed": [1]})json"),
            "content.generate: 'seed' must be a number or a string, got a list");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "tone": {"mood": "fun"}})json"),
            "content.generate: 'tone' must be text, got a map");
}

TEST(InputTypeTest, UnknownFieldsAreNamedWithASuggestion) {
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "netwroks": ["x"]})json"),
            "content.generate: unknown field 'netwroks' (did you mean 'networks'?); the input's "
            "fields are brief, networks, utm, template, alt_text, media, tone, seed");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headlin": "Launch"}})json"),
            "content.generate: unknown field 'brief.headlin' (did you mean 'headline'?); brief's "
            "fields are product, headline, body, link, hashtags, call_to_action");
  EXPECT_EQ(ErrorOf(R"json({"brief": {"headline": "Launch"}, "utm": {"campain": "x"}})json"),
            "content.generate: unknown field 'utm.campain' (did you mean 'campaign'?); utm's "
            "fields are source, medium, campaign, term, content");
  EXPECT_THAT(ErrorOf(R"json({"brief": {"headline": "Launch"},
                              "media": [{"url": "u", "alt": "A rocket"}]})json"),
              HasSubstr("unknown field 'media[0].alt'; media[0]'s fields are url, type, alt_text"));
}

}  // namespace
}  // namespace fanfare::workers::content
