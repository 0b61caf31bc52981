#include "workers/content/content_generator.h"

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/workers/content/content_test_util.h"
#include "workers/content/post_layout.h"
#include "workers/content/text_length.h"
#include "workers/content/utm.h"

namespace fanfare::workers::content {
namespace {

using test::At;
using test::ErrorOf;
using test::Generate;
using test::Input;
using test::NumberAt;
using test::StringAt;
using test::StringsAt;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr absl::string_view kBody =
    "Faster, lighter, and ready for your next mission. Meet the rocket we built for makers.";

// The launch brief from examples/launch.yaml, for every network.
std::string LaunchInput(absl::string_view extra = "") {
  return absl::StrCat(R"json({"brief": {"product": "Acme Rocket", "headline": "Launch day is here",
      "body": ")json",
                      kBody, R"json(", "link": "https://acme.example/rocket",
      "hashtags": ["launch", "rocket"], "call_to_action": "Pre-order now"},
      "utm": {"campaign": "rocket-launch"})json",
                      extra, "}");
}

std::string TaggedLink(absl::string_view network) {
  return absl::StrCat("https://acme.example/rocket?utm_source=", network,
                      "&utm_medium=social&utm_campaign=rocket-launch");
}

TEST(GenerateContentTest, WritesEverySupportedNetworkByDefaultInOrder) {
  const google::protobuf::Value out = Generate(LaunchInput());
  const std::vector<std::string> all = {"facebook", "instagram", "x",
                                        "linkedin", "youtube",   "tiktok"};
  EXPECT_EQ(StringsAt(out, "networks"), all);
  ASSERT_EQ(At(out, "variant_list").list_value().values_size(), 6);
  for (size_t i = 0; i < all.size(); ++i) {
    // for_each over variant_list keys each item by its `id`: publish[x], publish[linkedin], …
    EXPECT_EQ(StringAt(out, absl::StrCat("variant_list.", i, ".id")), all[i]);
    EXPECT_EQ(StringAt(out, absl::StrCat("variant_list.", i, ".network")), all[i]);
    EXPECT_EQ(StringAt(out, absl::StrCat("variants.", all[i], ".network")), all[i]);
  }
  EXPECT_EQ(At(out, "variants").struct_value().fields_size(), 6);
}

TEST(GenerateContentTest, XVariant) {
  const google::protobuf::Value out = Generate(LaunchInput(R"(, "networks": ["x"])"));
  EXPECT_EQ(StringAt(out, "variants.x.text"),
            absl::StrCat("Launch day is here\n\n", kBody, "\n\nPre-order now: ", TaggedLink("x"),
                         "\n\n#launch #rocket"));
  // 18 + 2 + 86 + 2 + 15 ("Pre-order now: ") + 23 (any link) + 2 + 15 ("#launch #rocket").
  EXPECT_EQ(NumberAt(out, "variants.x.length"), 163);
  EXPECT_EQ(NumberAt(out, "variants.x.limit"), 280);
  EXPECT_EQ(StringAt(out, "variants.x.length_unit"), "x_weighted");
  EXPECT_THAT(StringsAt(out, "variants.x.hashtags"), ElementsAre("#launch", "#rocket"));
  EXPECT_THAT(StringsAt(out, "variants.x.omitted_hashtags"), IsEmpty());
  EXPECT_EQ(StringAt(out, "variants.x.body_fit"), "full");
  EXPECT_FALSE(At(out, "variants.x.shortened").bool_value());
  EXPECT_EQ(StringAt(out, "variants.x.link"), TaggedLink("x"));
  EXPECT_TRUE(At(out, "variants.x.link_in_text").bool_value());
  EXPECT_EQ(StringAt(out, "variants.x.alt_text"), "");
  EXPECT_EQ(At(out, "variants.x.media").list_value().values_size(), 0);
  EXPECT_EQ(At(out, "networks").list_value().values_size(), 1);
}

TEST(GenerateContentTest, XCountsEveryLinkAsTwentyThreeWhateverItsLength) {
  const std::string path(400, 'r');
  const google::protobuf::Value out = Generate(absl::StrCat(
      R"json({"networks": ["x"], "brief": {"headline": "Launch",
      "link": "https://acme.example/)json",
      path, R"json(", "body": "More at https://acme.example/specs/)json", path, R"json(."}})json"));
  const std::string text = StringAt(out, "variants.x.text");
  EXPECT_GT(text.size(), 800u);
  // "Launch" 6 + 2 + "More at " 8 + 23 + "." 1 + 2 + 23.
  EXPECT_EQ(NumberAt(out, "variants.x.length"), 65);
  EXPECT_EQ(StringAt(out, "variants.x.body_fit"), "full");
  // Elsewhere the same links count in full.
  const google::protobuf::Value linkedin = Generate(absl::StrCat(
      R"json({"networks": ["linkedin"], "brief": {"headline": "Launch",
      "link": "https://acme.example/)json",
      path, R"json("}})json"));
  EXPECT_EQ(NumberAt(linkedin, "variants.linkedin.length"), 6 + 2 + 21 + 400);
}

TEST(GenerateContentTest, InstagramSaysLinkInBioAndStillReturnsTheTaggedLink) {
  const google::protobuf::Value out = Generate(LaunchInput(R"(, "networks": ["instagram"])"));
  EXPECT_EQ(StringAt(out, "variants.instagram.text"),
            absl::StrCat("Launch day is here\n\n", kBody,
                         "\n\nPre-order now: link in bio\n\n#launch #rocket"));
  EXPECT_EQ(NumberAt(out, "variants.instagram.length"), 18 + 2 + 86 + 2 + 26 + 2 + 15);
  EXPECT_EQ(NumberAt(out, "variants.instagram.limit"), 2200);
  EXPECT_EQ(StringAt(out, "variants.instagram.link"), TaggedLink("instagram"));
  EXPECT_FALSE(At(out, "variants.instagram.link_in_text").bool_value());
}

TEST(GenerateContentTest, TikTokSaysLinkInBioEvenWithoutCallToAction) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["tiktok"],
      "brief": {"headline": "Launch day", "link": "https://acme.example/rocket"}})json");
  EXPECT_EQ(StringAt(out, "variants.tiktok.text"), "Launch day\n\nLink in bio");
  EXPECT_EQ(StringAt(out, "variants.tiktok.link"), "https://acme.example/rocket");
  EXPECT_EQ(StringAt(out, "variants.tiktok.length_unit"), "utf16_units");
}

TEST(GenerateContentTest, YouTubeHeadlineIsTheTitleAndTextTheDescription) {
  const google::protobuf::Value out = Generate(LaunchInput(R"(, "networks": ["youtube"])"));
  EXPECT_EQ(StringAt(out, "variants.youtube.title"), "Launch day is here");
  EXPECT_EQ(NumberAt(out, "variants.youtube.title_length"), 18);
  const std::string description =
      absl::StrCat(kBody, "\n\nPre-order now: ", TaggedLink("youtube"), "\n\n#launch #rocket");
  EXPECT_EQ(StringAt(out, "variants.youtube.text"), description);
  EXPECT_EQ(NumberAt(out, "variants.youtube.length"), static_cast<double>(description.size()));
  EXPECT_EQ(StringAt(out, "variants.youtube.length_unit"), "utf8_bytes");
  EXPECT_EQ(NumberAt(out, "variants.youtube.limit"), 5000);
}

TEST(GenerateContentTest, OnlyYouTubeHasATitle) {
  const google::protobuf::Value out = Generate(LaunchInput());
  for (const char* network : {"facebook", "instagram", "x", "linkedin", "tiktok"}) {
    EXPECT_EQ(At(out, absl::StrCat("variants.", network)).struct_value().fields().count("title"),
              0u)
        << network;
  }
}

// For each network: a post exactly at its limit is left alone; one character more and the
// body (a single word here, so cut between characters) ends with "…" at the limit exactly.
struct LimitCase {
  const char* network;
  size_t limit;
  size_t fixed;  // what the post holds besides the body: "H\n\n", or nothing on YouTube
};

class NetworkLimitTest : public ::testing::TestWithParam<LimitCase> {};

TEST_P(NetworkLimitTest, FitsExactlyAndShortensOneOver) {
  const LimitCase& c = GetParam();
  for (size_t extra : {0, 1}) {
    const std::string body(c.limit - c.fixed + extra, 'a');
    const google::protobuf::Value out = Generate(absl::StrCat(
        R"json({"networks": [")json", c.network,
        R"json("], "brief": {"headline": "H", "body": ")json", body, R"json("}})json"));
    const std::string prefix = absl::StrCat("variants.", c.network, ".");
    EXPECT_EQ(NumberAt(out, prefix + "limit"), c.limit);
    EXPECT_EQ(NumberAt(out, prefix + "length"), c.limit) << "extra " << extra;
    EXPECT_EQ(At(out, prefix + "shortened").bool_value(), extra == 1);
    EXPECT_EQ(StringAt(out, prefix + "body_fit"), extra == 0 ? "full" : "ellipsized");
    if (extra == 1) {
      EXPECT_THAT(StringAt(out, prefix + "text"), ::testing::EndsWith("a…"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllNetworks, NetworkLimitTest,
                         ::testing::Values(LimitCase{"x", 280, 3}, LimitCase{"linkedin", 3000, 3},
                                           LimitCase{"instagram", 2200, 3},
                                           LimitCase{"facebook", 63206, 3},
                                           LimitCase{"youtube", 5000, 0},
                                           LimitCase{"tiktok", 2200, 3}),
                         [](const auto& info) { return std::string(info.param.network); });

TEST(GenerateContentTest, CountsUnicodeInEachNetworksUnit) {
  const google::protobuf::Value out =
      Generate(absl::StrCat(R"json({"brief": {"headline": "Caf\u00e9 \ud83d\ude80", "body": ")json",
                            R"json(\u00dcn\u00efc\u00f6d\u00e9 \u2014 \u65e5\u672c\u8a9e )json",
                            R"json(\ud83d\udc4d\ud83c\udffd."}})json"));
  // "Café 🚀\n\nÜnïcödé — 日本語 👍🏽." is 25 code points.
  EXPECT_EQ(NumberAt(out, "variants.linkedin.length"), 25);
  EXPECT_EQ(NumberAt(out, "variants.facebook.length"), 25);
  EXPECT_EQ(NumberAt(out, "variants.instagram.length"), 25);
  // X: the rocket, the three kanji and the thumb and its skin tone weigh 2 each.
  EXPECT_EQ(NumberAt(out, "variants.x.length"), 31);
  // TikTok: the three emoji code points are surrogate pairs.
  EXPECT_EQ(NumberAt(out, "variants.tiktok.length"), 28);
  // YouTube: the description is the body alone, in UTF-8 bytes; the title in code points.
  EXPECT_EQ(NumberAt(out, "variants.youtube.length"), 35);
  EXPECT_EQ(NumberAt(out, "variants.youtube.title_length"), 6);
}

TEST(GenerateContentTest, InstagramKeepsAtMostThirtyHashtags) {
  std::vector<std::string> tags;
  for (int i = 1; i <= 35; ++i) tags.push_back(absl::StrCat("\"tag", i, "\""));
  const std::string input = absl::StrCat(
      R"json({"networks": ["instagram", "linkedin"], "brief": {"headline": "Launch",
      "hashtags": [)json",
      absl::StrJoin(tags, ", "), "]}}");
  const google::protobuf::Value out = Generate(input);
  const std::vector<std::string> kept = StringsAt(out, "variants.instagram.hashtags");
  ASSERT_EQ(kept.size(), 30u);
  EXPECT_EQ(kept.front(), "#tag1");
  EXPECT_EQ(kept.back(), "#tag30");
  EXPECT_THAT(StringsAt(out, "variants.instagram.omitted_hashtags"),
              ElementsAre("#tag31", "#tag32", "#tag33", "#tag34", "#tag35"));
  EXPECT_TRUE(At(out, "variants.instagram.shortened").bool_value());
  EXPECT_THAT(StringAt(out, "variants.instagram.text"), ::testing::EndsWith("#tag29 #tag30"));
  // LinkedIn has no cap.
  EXPECT_EQ(StringsAt(out, "variants.linkedin.hashtags").size(), 35u);
}

TEST(GenerateContentTest, InstagramCapCountsHashtagsAlreadyInTheText) {
  std::vector<std::string> tags;
  for (int i = 1; i <= 30; ++i) tags.push_back(absl::StrCat("\"tag", i, "\""));
  const google::protobuf::Value out = Generate(absl::StrCat(
      R"json({"networks": ["instagram"], "brief": {"headline": "Launch #makers",
      "body": "Built for #space. See https://acme.example/r#specs", "hashtags": [)json",
      absl::StrJoin(tags, ", "), "]}}"));
  // #makers and #space are two of the 30; the link's #specs is not a hashtag.
  EXPECT_EQ(StringsAt(out, "variants.instagram.hashtags").size(), 28u);
  EXPECT_THAT(StringsAt(out, "variants.instagram.omitted_hashtags"),
              ElementsAre("#tag29", "#tag30"));
}

TEST(GenerateContentTest, YouTubeKeepsAtMostSixtyHashtags) {
  std::vector<std::string> tags;
  for (int i = 1; i <= 61; ++i) tags.push_back(absl::StrCat("\"t", i, "\""));
  const google::protobuf::Value out = Generate(absl::StrCat(
      R"json({"networks": ["youtube"], "brief": {"headline": "Launch", "hashtags": [)json",
      absl::StrJoin(tags, ", "), "]}}"));
  EXPECT_EQ(StringsAt(out, "variants.youtube.hashtags").size(), 60u);
  EXPECT_THAT(StringsAt(out, "variants.youtube.omitted_hashtags"), ElementsAre("#t61"));
}

TEST(GenerateContentTest, HashtagsAreNormalisedWithoutDuplicates) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["linkedin"],
      "brief": {"headline": "New #Rocket", "hashtags": ["#Launch", "launch", "rocket launch",
      "Launch-Day!", "rocket", "LAUNCH"]}})json");
  // "rocket" is already in the headline, as #Rocket.
  EXPECT_THAT(StringsAt(out, "variants.linkedin.hashtags"),
              ElementsAre("#Launch", "#RocketLaunch", "#LaunchDay"));
  EXPECT_EQ(StringAt(out, "variants.linkedin.text"),
            "New #Rocket\n\n#Launch #RocketLaunch #LaunchDay");
}

// S1 49 + S2 36 + S3 125 code points.
constexpr absl::string_view kLongBody =
    "Faster, lighter, and ready for your next mission. Meet the rocket we built for makers. It "
    "carries twelve kilos to low orbit, lands itself on a barge, and flies again the next "
    "morning with no refurbishment at all.";

TEST(ShorteningTest, DropsHashtagsFromTheEndFirst) {
  // Without " at all" the full post is 282: dropping #rocket is enough.
  std::string body(kLongBody);
  body.resize(body.size() - std::string(" at all.").size());
  body += ".";
  const google::protobuf::Value out = Generate(absl::StrCat(
      R"json({"networks": ["x"], "brief": {"headline": "Launch day is here", "body": ")json", body,
      R"json(", "link": "https://acme.example/rocket", "call_to_action": "Pre-order now",
      "hashtags": ["launch", "rocket"]}})json"));
  EXPECT_EQ(StringAt(out, "variants.x.body_fit"), "full");
  EXPECT_THAT(StringsAt(out, "variants.x.hashtags"), ElementsAre("#launch"));
  EXPECT_THAT(StringsAt(out, "variants.x.omitted_hashtags"), ElementsAre("#rocket"));
  EXPECT_EQ(NumberAt(out, "variants.x.length"), 274);
  EXPECT_TRUE(At(out, "variants.x.shortened").bool_value());
}

TEST(ShorteningTest, ThenDropsBodySentencesFromTheEndKeepingOneHashtag) {
  const google::protobuf::Value out = Generate(absl::StrCat(
      R"json({"networks": ["x"], "brief": {"headline": "Launch day is here", "body": ")json",
      kLongBody, R"json(", "link": "https://acme.example/rocket", "call_to_action": "Pre-order now",
      "hashtags": ["launch", "rocket"]}})json"));
  // With one hashtag the whole body needs 281; two sentences fit.
  EXPECT_EQ(StringAt(out, "variants.x.text"),
            absl::StrCat("Launch day is here\n\n", kBody,
                         "\n\nPre-order now: https://acme.example/rocket\n\n#launch"));
  EXPECT_EQ(NumberAt(out, "variants.x.length"), 155);
  EXPECT_EQ(StringAt(out, "variants.x.body_fit"), "sentences_dropped");
  EXPECT_THAT(StringsAt(out, "variants.x.omitted_hashtags"), ElementsAre("#rocket"));
}

TEST(ShorteningTest, ThenEllipsizesTheFirstSentenceAtAWord) {
  const std::string headline(200, 'H');
  const google::protobuf::Value out = Generate(absl::StrCat(
      R"json({"networks": ["x"], "brief": {"headline": ")json", headline, R"json(", "body": ")json",
      kBody, R"json(", "link": "https://acme.example/rocket", "hashtags": ["launch"]}})json"));
  // 200 + 2 + body + 2 + 23 + 2 + 7 ("#launch") leaves 44 for the body: the first sentence
  // (49) does not fit, "Faster, lighter, and ready for your next…" (42, with "…" weighing 2)
  // does.
  EXPECT_EQ(StringAt(out, "variants.x.text"),
            absl::StrCat(headline, "\n\nFaster, lighter, and ready for your next…\n\n",
                         "https://acme.example/rocket\n\n#launch"));
  EXPECT_EQ(StringAt(out, "variants.x.body_fit"), "ellipsized");
  EXPECT_EQ(NumberAt(out, "variants.x.length"), 278);
}

TEST(ShorteningTest, ThenDropsTheLastHashtagThenTheBody) {
  const google::protobuf::Value without_hashtag = Generate(
      absl::StrCat(R"json({"networks": ["x"], "brief": {"headline": ")json", std::string(243, 'H'),
                   R"json(", "body": "Faster rockets. Now.", "link": "https://acme.example/rocket",
      "hashtags": ["launch"]}})json"));
  // 243 + 2 + 23 = 268 required, 12 to spare: "Faster…" takes 10 with its blank line and
  // "#launch" 9, not both; the hashtag goes and "Faster…" stays.
  EXPECT_EQ(StringAt(without_hashtag, "variants.x.text"),
            absl::StrCat(std::string(243, 'H'), "\n\nFaster…\n\nhttps://acme.example/rocket"));
  EXPECT_THAT(StringsAt(without_hashtag, "variants.x.omitted_hashtags"), ElementsAre("#launch"));
  EXPECT_EQ(StringAt(without_hashtag, "variants.x.body_fit"), "ellipsized");

  const google::protobuf::Value without_body = Generate(
      absl::StrCat(R"json({"networks": ["x"], "brief": {"headline": ")json", std::string(250, 'H'),
                   R"json(", "body": "Faster rockets. Now.", "link": "https://acme.example/rocket",
      "hashtags": ["launch"]}})json"));
  EXPECT_EQ(StringAt(without_body, "variants.x.text"),
            absl::StrCat(std::string(250, 'H'), "\n\nhttps://acme.example/rocket"));
  EXPECT_EQ(StringAt(without_body, "variants.x.body_fit"), "dropped");
  EXPECT_EQ(NumberAt(without_body, "variants.x.length"), 275);
}

TEST(UtmTest, TagsTheLinkPerNetworkKeepingQueryAndFragment) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["x", "facebook"],
      "brief": {"headline": "Launch",
                "link": "https://acme.example/rocket?ref=mail&utm_source=newsletter#buy"},
      "utm": {"source": "{network}", "medium": "social", "campaign": "rocket launch"}})json");
  const std::string x_link =
      "https://acme.example/rocket?ref=mail&utm_source=x&utm_medium=social"
      "&utm_campaign=rocket%20launch#buy";
  EXPECT_EQ(StringAt(out, "variants.x.link"), x_link);
  EXPECT_EQ(StringAt(out, "variants.x.text"), "Launch\n\n" + x_link);
  EXPECT_THAT(StringAt(out, "variants.facebook.link"),
              StartsWith("https://acme.example/rocket?ref=mail&utm_source=facebook&"));
}

TEST(UtmTest, TagsLinksInTheBodyToo) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["linkedin"],
      "brief": {"headline": "Launch", "body": "Specs at https://acme.example/specs."},
      "utm": {"campaign": "rocket-launch", "content": "{network}-post"}})json");
  EXPECT_EQ(StringAt(out, "variants.linkedin.text"),
            "Launch\n\nSpecs at https://acme.example/specs?utm_source=linkedin&utm_medium=social"
            "&utm_campaign=rocket-launch&utm_content=linkedin-post.");
}

TEST(UtmTest, WithoutUtmLinksAreLeftAlone) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["x"],
      "brief": {"headline": "Launch", "link": "https://acme.example/rocket?ref=1"}})json");
  EXPECT_EQ(StringAt(out, "variants.x.link"), "https://acme.example/rocket?ref=1");
}

TEST(UtmTest, AnEmptyUtmFieldIsLeftOut) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["x"],
      "brief": {"headline": "Launch", "link": "https://acme.example/rocket"},
      "utm": {"source": "", "medium": "paid"}})json");
  EXPECT_EQ(StringAt(out, "variants.x.link"), "https://acme.example/rocket?utm_medium=paid");
}

TEST(TemplateTest, LaysOutThePost) {
  const google::protobuf::Value out = Generate(LaunchInput(
      R"(, "networks": ["x", "instagram"],
          "template": "{headline} \ud83d\ude80 {link}\n{hashtags}")"));
  EXPECT_EQ(StringAt(out, "variants.x.text"),
            absl::StrCat("Launch day is here 🚀 ", TaggedLink("x"), "\n#launch #rocket"));
  EXPECT_EQ(NumberAt(out, "variants.x.length"), 18 + 1 + 2 + 1 + 23 + 1 + 15);
  EXPECT_EQ(StringAt(out, "variants.instagram.text"),
            "Launch day is here 🚀 link in bio\n#launch #rocket");
}

TEST(TemplateTest, HashtagsAndBodyAppearOnlyWhereTheTemplateSays) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["linkedin"],
      "brief": {"headline": "Launch", "body": "Big news.", "hashtags": ["launch"]},
      "template": "{headline} on {network}"})json");
  EXPECT_EQ(StringAt(out, "variants.linkedin.text"), "Launch on linkedin");
  EXPECT_THAT(StringsAt(out, "variants.linkedin.hashtags"), IsEmpty());
  EXPECT_THAT(StringsAt(out, "variants.linkedin.omitted_hashtags"), IsEmpty());
  EXPECT_EQ(StringAt(out, "variants.linkedin.body_fit"), "absent");
  EXPECT_FALSE(At(out, "variants.linkedin.shortened").bool_value());
}

TEST(TemplateTest, EmptyOptionalFieldsLeaveNoGaps) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["linkedin"],
      "brief": {"headline": "Launch"},
      "template": "{headline}   {body}\n\n\n\n{hashtags}\nEnd  "})json");
  EXPECT_EQ(StringAt(out, "variants.linkedin.text"), "Launch\n\nEnd");
}

TEST(TemplateTest, ShortensTheBodyInATemplate) {
  const google::protobuf::Value out = Generate(absl::StrCat(
      R"json({"networks": ["x"], "brief": {"headline": ")json", std::string(200, 'H'),
      R"json(", "body": ")json", kBody, R"json("}, "template": "{headline}: {body}"})json"));
  // 200 + 2 + 86 is too long; 200 + 2 + 49 (the first sentence) fits.
  EXPECT_EQ(StringAt(out, "variants.x.text"),
            absl::StrCat(std::string(200, 'H'), ": ", kBody.substr(0, 49)));
  EXPECT_EQ(StringAt(out, "variants.x.body_fit"), "sentences_dropped");
}

TEST(TemplateTest, YouTubeTitleFallsBackToTheProduct) {
  const google::protobuf::Value out = Generate(R"json({"networks": ["youtube"],
      "brief": {"product": "Acme Rocket", "body": "Two minutes on the launch."},
      "template": "{body}"})json");
  EXPECT_EQ(StringAt(out, "variants.youtube.title"), "Acme Rocket");
  EXPECT_EQ(StringAt(out, "variants.youtube.text"), "Two minutes on the launch.");
}

TEST(MediaTest, AltTextIsCarriedToEveryVariant) {
  const google::protobuf::Value out = Generate(LaunchInput(R"(, "networks": ["x", "instagram"],
      "media": [{"url": "https://cdn.acme.example/rocket.jpg", "type": "image",
                 "alt_text": "A white rocket on a launch pad at dawn"},
                {"url": "https://cdn.acme.example/crew.jpg", "type": "image"}],
      "alt_text": "The launch crew")"));
  for (const char* network : {"x", "instagram"}) {
    const std::string prefix = absl::StrCat("variants.", network, ".");
    EXPECT_EQ(StringAt(out, prefix + "alt_text"), "A white rocket on a launch pad at dawn");
    EXPECT_EQ(StringAt(out, prefix + "media.0.url"), "https://cdn.acme.example/rocket.jpg");
    EXPECT_EQ(StringAt(out, prefix + "media.0.type"), "image");
    EXPECT_EQ(StringAt(out, prefix + "media.1.alt_text"), "The launch crew");
  }
}

TEST(MediaTest, TopLevelAltTextWithoutMediaIsStillCarried) {
  const google::protobuf::Value out = Generate(
      R"json({"networks": ["x"], "brief": {"headline": "Launch"}, "alt_text": "A rocket"})json");
  EXPECT_EQ(StringAt(out, "variants.x.alt_text"), "A rocket");
}

TEST(DeterminismTest, SameInputSameOutput) {
  const std::string input = LaunchInput(R"(, "media": [{"url": "https://cdn.acme.example/r.jpg",
      "alt_text": "A rocket"}])");
  const google::protobuf::Value first = Generate(input);
  const google::protobuf::Value second = Generate(input);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, second));
  std::string a, b;
  google::protobuf::io::StringOutputStream a_stream(&a), b_stream(&b);
  {
    google::protobuf::io::CodedOutputStream a_coded(&a_stream), b_coded(&b_stream);
    a_coded.SetSerializationDeterministic(true);
    b_coded.SetSerializationDeterministic(true);
    first.SerializeToCodedStream(&a_coded);
    second.SerializeToCodedStream(&b_coded);
  }
  EXPECT_EQ(a, b);
  // The order fields are written in does not matter either.
  const google::protobuf::Value reordered = Generate(absl::StrCat(
      R"json({"utm": {"campaign": "rocket-launch"}, "media": [{"alt_text": "A rocket",
      "url": "https://cdn.acme.example/r.jpg"}], "brief": {"call_to_action": "Pre-order now",
      "hashtags": ["launch", "rocket"], "link": "https://acme.example/rocket", "body": ")json",
      kBody, R"json(", "headline": "Launch day is here", "product": "Acme Rocket"}})json"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, reordered));
}

TEST(DeterminismTest, SeedAndToneChangeNothing) {
  const google::protobuf::Value plain = Generate(LaunchInput());
  const google::protobuf::Value seeded =
      Generate(LaunchInput(R"(, "seed": 42, "tone": "playful")"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(plain, seeded));
}

// Random briefs (a fixed seed, so the test itself is deterministic) of words in several
// scripts, emoji, links and punctuation: every variant fits its network's limit, measures
// what it says it measures, and keeps its headline and link; or the input is rejected.
TEST(PropertyTest, GeneratedPostsAlwaysFitTheirLimits) {
  const std::vector<std::string> words = {
      "rocket",   "launch", "Ünïcödé",    "日本語",         "🚀",
      "👍🏽", "—",      "e.g.",       "acme.com",       "https://acme.example/specs?x=1#top",
      "(see",     "this)",  "naïve",      R"(\"quoted.\")", "end.",
      "wow!",     "ok?",    "発売です。", R"(\n)",          "x…",
      "#tag",     "Node.js"};
  std::mt19937 random(20261201);
  auto phrase = [&](int max_words) {
    std::string out;
    const int count = 1 + static_cast<int>(random() % max_words);
    for (int i = 0; i < count; ++i)
      absl::StrAppend(&out, i ? " " : "", words[random() % words.size()]);
    return out;
  };
  int generated = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> tags;
    for (int i = static_cast<int>(random() % 40); i > 0; --i) {
      tags.push_back(absl::StrCat("\"tag", random() % 50, "\""));
    }
    const std::string input = absl::StrCat(
        R"json({"brief": {"headline": ")json", phrase(8), R"json(", "body": ")json", phrase(900),
        R"json(", "link": "https://acme.example/r?ref=)json", round, R"json(",
        "call_to_action": ")json",
        phrase(3), R"json(", "hashtags": [)json", absl::StrJoin(tags, ","),
        R"json(]}, "utm": {"campaign": "c"}})json");
    const google::protobuf::Struct parsed = Input(input);
    const std::string headline =
        parsed.fields().at("brief").struct_value().fields().at("headline").string_value();
    absl::StatusOr<google::protobuf::Value> out = GenerateContent(parsed);
    if (!out.ok()) {
      EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
      continue;
    }
    ++generated;
    for (const auto& variant : At(*out, "variant_list").list_value().values()) {
      const std::string network = StringAt(variant, "network");
      const std::string text = StringAt(variant, "text");
      const LengthUnit unit = network == "x"         ? LengthUnit::kXWeighted
                              : network == "youtube" ? LengthUnit::kUtf8Bytes
                              : network == "tiktok"  ? LengthUnit::kUtf16Units
                                                     : LengthUnit::kCodePoints;
      EXPECT_EQ(NumberAt(variant, "length"), TextLength(text, unit)) << network << ": " << text;
      EXPECT_LE(NumberAt(variant, "length"), NumberAt(variant, "limit")) << network;
      const bool clickable = network != "instagram" && network != "tiktok";
      EXPECT_THAT(text, HasSubstr(clickable ? StringAt(variant, "link") : "ink in bio"));
      // The headline as written, but for whitespace tidying and UTM tags on its links.
      const UtmParams utm = UtmForNetwork(
          {{"utm_source", "{network}"}, {"utm_medium", "social"}, {"utm_campaign", "c"}}, network);
      if (network != "youtube") {
        EXPECT_THAT(text, StartsWith(AddUtmToLinksInText(TidyWhitespace(headline), utm)));
      }
    }
  }
  EXPECT_GT(generated, 200);  // most briefs fit; the test must not pass vacuously
}

TEST(HandlerTest, RunsAsATaskHandler) {
  v1::Task task;
  task.set_action("content.generate");
  *task.mutable_input() = Input(LaunchInput(R"(, "networks": ["x"])"));
  CancellationToken cancellation;
  TaskContext ctx(task, cancellation, Clock::System());
  const TaskHandler handler = HandleContentGenerate;
  absl::StatusOr<google::protobuf::Value> out = handler(ctx);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      *out, Generate(LaunchInput(R"(, "networks": ["x"])"))));
  // A reconcile recomputes the same output.
  task.set_purpose(v1::TASK_PURPOSE_RECONCILE);
  TaskContext reconcile(task, cancellation, Clock::System());
  absl::StatusOr<google::protobuf::Value> again = handler(reconcile);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*out, *again));
}

TEST(HandlerTest, StopsWhenCancelled) {
  v1::Task task;
  *task.mutable_input() = Input(LaunchInput());
  CancellationToken cancellation;
  cancellation.Cancel();
  TaskContext ctx(task, cancellation, Clock::System());
  EXPECT_EQ(HandleContentGenerate(ctx).status().code(), absl::StatusCode::kCancelled);
}

TEST(HandlerTest, BadInputIsRejectedInput) {
  v1::Task task;
  *task.mutable_input() = Input(R"json({"networks": "x"})json");
  CancellationToken cancellation;
  TaskContext ctx(task, cancellation, Clock::System());
  const absl::Status status = HandleContentGenerate(ctx).status();
  EXPECT_EQ(ToTaskFailure(status).type(), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_THAT(status.message(), HasSubstr("'networks'"));
}

}  // namespace
}  // namespace fanfare::workers::content
