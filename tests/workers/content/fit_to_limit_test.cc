#include "workers/content/fit_to_limit.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workers/content/post_layout.h"
#include "workers/content/post_template.h"

namespace fanfare::workers::content {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Sentences(absl::string_view body) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end : SentenceEnds(body)) {
    out.emplace_back(absl::StripLeadingAsciiWhitespace(body.substr(start, end - start)));
    start = end;
  }
  return out;
}

TEST(SentenceEndsTest, SplitsAtSentenceMarksFollowedBySpace) {
  EXPECT_THAT(Sentences("One. Two! Three? Four… Five"),
              ElementsAre("One.", "Two!", "Three?", "Four…", "Five"));
  EXPECT_THAT(Sentences("He said \"Go.\" Then left."),
              ElementsAre("He said \"Go.\"", "Then left."));
  EXPECT_THAT(Sentences("Wait... what?"), ElementsAre("Wait...", "what?"));
  EXPECT_THAT(Sentences("First line\nSecond line"), ElementsAre("First line", "Second line"));
  EXPECT_THAT(Sentences("発売です。今すぐ予約！"), ElementsAre("発売です。", "今すぐ予約！"));
  EXPECT_THAT(Sentences(""), IsEmpty());
}

TEST(SentenceEndsTest, DoesNotSplitInsideLinksOrNumbers) {
  EXPECT_THAT(Sentences("See https://acme.example/rocket.html now. Costs 3.5 kg."),
              ElementsAre("See https://acme.example/rocket.html now.", "Costs 3.5 kg."));
}

TEST(EllipsisTest, CutsAtWordEnds) {
  const std::string sentence = "Faster, lighter, and ready.";
  const std::vector<size_t> cuts = EllipsisCuts(sentence);
  std::vector<std::string> forms;
  for (size_t cut : cuts) forms.push_back(Ellipsize(sentence, cut));
  EXPECT_THAT(forms, ElementsAre("Faster…", "Faster, lighter…", "Faster, lighter, and…"));
}

TEST(EllipsisTest, TextWithoutSpacesIsCutBetweenCharacters) {
  const std::string sentence = "今すぐ予約";
  std::vector<std::string> forms;
  for (size_t cut : EllipsisCuts(sentence)) forms.push_back(Ellipsize(sentence, cut));
  EXPECT_THAT(forms, ElementsAre("今…", "今す…", "今すぐ…", "今すぐ予…"));
}

TEST(EllipsisTest, NeverKeepsOnlyPunctuation) {
  const std::string sentence = "— and then";
  std::vector<std::string> forms;
  for (size_t cut : EllipsisCuts(sentence)) forms.push_back(Ellipsize(sentence, cut));
  EXPECT_THAT(forms, ElementsAre("— and…"));
}

// A default-layout post: "H" headline, the body, "CTA", hashtags #a #b #c, in code points.
class FitTest : public ::testing::Test {
 protected:
  std::optional<FittedPost> Fit(absl::string_view body, size_t limit) {
    auto compose = [this](absl::string_view part, size_t count) {
      PostFields fields;
      fields.headline = "H";
      fields.body = std::string(part);
      fields.call_to_action = "CTA";
      fields.hashtags =
          absl::StrJoin(hashtags_.begin(), hashtags_.begin() + static_cast<long>(count), " ");
      return ComposePost(PostLayout{}, fields);
    };
    return FitToLimit(compose, body, hashtags_.size(), LengthUnit::kCodePoints, limit);
  }

  std::vector<std::string> hashtags_ = {"#a", "#b", "#c"};
};

// "H\n\nOne two. Three four.\n\nCTA\n\n#a #b #c" is 1+2+20+2+3+2+8 = 38 code points.
constexpr absl::string_view kBody = "One two. Three four.";

TEST_F(FitTest, EverythingFits) {
  std::optional<FittedPost> post = Fit(kBody, 38);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->text, "H\n\nOne two. Three four.\n\nCTA\n\n#a #b #c");
  EXPECT_EQ(post->length, 38u);
  EXPECT_EQ(post->hashtags_kept, 3u);
  EXPECT_EQ(post->body_fit, BodyFit::kFull);
}

TEST_F(FitTest, Step1DropsHashtagsFromTheEnd) {
  std::optional<FittedPost> post = Fit(kBody, 37);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->text, "H\n\nOne two. Three four.\n\nCTA\n\n#a #b");
  EXPECT_EQ(post->body_fit, BodyFit::kFull);
  post = Fit(kBody, 32);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->text, "H\n\nOne two. Three four.\n\nCTA\n\n#a");
}

TEST_F(FitTest, Step2DropsBodySentencesKeepingOneHashtag) {
  std::optional<FittedPost> post = Fit(kBody, 31);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->text, "H\n\nOne two.\n\nCTA\n\n#a");
  EXPECT_EQ(post->hashtags_kept, 1u);
  EXPECT_EQ(post->body_fit, BodyFit::kSentencesDropped);
}

TEST_F(FitTest, Step3EllipsizesTheFirstSentence) {
  // "H\n\nOne…\n\nCTA\n\n#a" is 1+2+4+2+3+2+2 = 16.
  std::optional<FittedPost> post = Fit(kBody, 19);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->text, "H\n\nOne…\n\nCTA\n\n#a");
  EXPECT_EQ(post->body_fit, BodyFit::kEllipsized);
}

TEST_F(FitTest, Step4DropsTheLastHashtagAndKeepsWhatBodyFits) {
  // With "#a", "One…" needs 16; without it (and its blank line), 12.
  std::optional<FittedPost> post = Fit(kBody, 15);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->text, "H\n\nOne…\n\nCTA");
  EXPECT_EQ(post->hashtags_kept, 0u);
  EXPECT_EQ(post->body_fit, BodyFit::kEllipsized);
}

TEST_F(FitTest, Step5DropsTheBody) {
  std::optional<FittedPost> post = Fit(kBody, 8);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->text, "H\n\nCTA");
  EXPECT_EQ(post->body_fit, BodyFit::kDropped);
}

TEST_F(FitTest, RequiredPartsThatCannotFitGiveNothing) { EXPECT_FALSE(Fit(kBody, 5).has_value()); }

TEST_F(FitTest, WithoutBodyOrHashtags) {
  hashtags_.clear();
  std::optional<FittedPost> post = Fit("", 6);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->text, "H\n\nCTA");
  EXPECT_EQ(post->body_fit, BodyFit::kAbsent);
}

TEST(PostLayoutTest, CallToActionLine) {
  EXPECT_EQ(CallToActionLine("Pre-order now", "https://a.example"),
            "Pre-order now: https://a.example");
  EXPECT_EQ(CallToActionLine("Pre-order now!", "https://a.example"),
            "Pre-order now! https://a.example");
  EXPECT_EQ(CallToActionLine("Pre-order now", kLinkInBio), "Pre-order now: link in bio");
  EXPECT_EQ(CallToActionLine("", kLinkInBio), "Link in bio");
  EXPECT_EQ(CallToActionLine("", "https://a.example"), "https://a.example");
  EXPECT_EQ(CallToActionLine("Pre-order now", ""), "Pre-order now");
}

TEST(PostLayoutTest, TidyWhitespace) {
  EXPECT_EQ(TidyWhitespace("  a  b \r\n\r\n\r\n\n c\t\td  \n\n"), "a b\n\nc d");
  EXPECT_EQ(TidyWhitespace("\n\nx"), "x");
}

TEST(PostTemplateTest, RendersPlaceholders) {
  absl::StatusOr<PostTemplate> t = PostTemplate::Parse("{headline} — {link} { literal } {{x}}");
  ASSERT_TRUE(t.ok()) << t.status();
  PostFields fields;
  fields.headline = "Launch";
  fields.link = "https://a.example";
  EXPECT_EQ(t->Render(fields), "Launch — https://a.example { literal } {{x}}");
  EXPECT_TRUE(t->Uses("link"));
  EXPECT_FALSE(t->Uses("body"));
  EXPECT_EQ(t->LiteralText(), " —  { literal } {{x}}");
}

TEST(PostTemplateTest, UnknownPlaceholderIsAnErrorWithSuggestion) {
  absl::StatusOr<PostTemplate> t = PostTemplate::Parse("{headlin} {link}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.status().message(),
            "content.generate: 'template' has an unknown placeholder {headlin} (did you mean "
            "'headline'?); the placeholders are {product} {headline} {body} {call_to_action} "
            "{link} {hashtags} {network}");
  EXPECT_THAT(PostTemplate::Parse("  ").status().message(), HasSubstr("'template' is empty"));
}

}  // namespace
}  // namespace fanfare::workers::content
