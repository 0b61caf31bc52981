#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/expr/test_util.h"

namespace fanfare::expr {
namespace {

using ::fanfare::expr::testing::List;
using ::fanfare::expr::testing::Map;
using ::fanfare::expr::testing::Str;
using ::testing::ElementsAre;

Activation Vars() {
  Activation vars;
  vars.Set("params", Map({{"product", Str("Lumen")},
                          {"budget", Value::Int(100)},
                          {"networks", List({Str("facebook"), Str("tiktok")})},
                          {"cpc", Value::Double(0.1 + 0.2)}}));
  vars.Set("item", Str("tiktok"));
  return vars;
}

Value Render(absl::string_view text, const Activation& vars = Vars()) {
  absl::StatusOr<Template> t = Template::Parse(text);
  if (!t.ok()) return Value::Error(absl::StrCat("PARSE: ", t.status().message()));
  return t->Render(vars);
}

TEST(TemplateTest, HasExpressions) {
  EXPECT_TRUE(Template::HasExpressions("a {{ b }}"));
  EXPECT_TRUE(Template::HasExpressions("{{"));
  EXPECT_FALSE(Template::HasExpressions("plain { text } }}"));
}

TEST(TemplateTest, LiteralText) {
  absl::StatusOr<Template> t = Template::Parse("Just text, with } and }} and {.");
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->is_single_expression());
  EXPECT_EQ(t->Render(Vars()), Str("Just text, with } and }} and {."));
  EXPECT_TRUE(t->references().empty());
  EXPECT_EQ(Render(""), Str(""));
}

TEST(TemplateTest, SingleExpressionKeepsItsType) {
  absl::StatusOr<Template> t = Template::Parse("  {{ params.networks }}\n");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->is_single_expression());
  EXPECT_EQ(t->Render(Vars()), List({Str("facebook"), Str("tiktok")}));
  EXPECT_EQ(Render("{{ params.budget * 2 }}"), Value::Int(200));
  EXPECT_EQ(Render("{{params.budget > 50}}"), Value::Bool(true));
  EXPECT_EQ(Render("{{ null }}"), Value::Null());
  EXPECT_EQ(Render("{{ params.product }}"), Str("Lumen"));
}

TEST(TemplateTest, MixedTextRendersEachValueAsText) {
  EXPECT_EQ(Render("New: {{ params.product }}!"), Str("New: Lumen!"));
  EXPECT_EQ(Render("{{ params.product }} on {{ item }}"), Str("Lumen on tiktok"));
  EXPECT_EQ(Render("Budget {{ params.budget }}, CPC {{ round(params.cpc, 2) }}"),
            Str("Budget 100, CPC 0.3"));
  EXPECT_EQ(Render("raw {{ params.cpc }}"), Str("raw 0.30000000000000004"));
  EXPECT_EQ(Render("on {{ params.networks }}"), Str("on [\"facebook\", \"tiktok\"]"));
  EXPECT_EQ(Render("{{ params.networks.join(' & ') }}!"), Str("facebook & tiktok!"));
  EXPECT_EQ(Render("{{ 1 }}{{ 2 }}"), Str("12"));
  EXPECT_EQ(Render("x {{ null }} y"), Str("x null y"));
}

TEST(TemplateTest, BracesInsideTheExpression) {
  EXPECT_EQ(Render("{{ {'a': {'b': 1}}.a.b }}"), Value::Int(1));
  EXPECT_EQ(Render("{{ '}}' }}"), Str("}}"));
  EXPECT_EQ(Render("{{ \"{{\" }} literal"), Str("{{ literal"));  // the documented escape
  EXPECT_EQ(Render("a{{ 'x' + \"}\" }}b"), Str("ax}b"));
  EXPECT_EQ(Render("{{ r'\\' }}"), Str("\\"));
}

TEST(TemplateTest, ErrorsArePrefixedWithTheExpression) {
  EXPECT_EQ(Render("Hello {{ params.name }}!").error_message(),
            "{{ params.name }}: no key \"name\" in params (keys: budget, cpc, networks, "
            "product)");
  EXPECT_EQ(Render("{{ 1 / 0 }}").error_message(), "{{ 1 / 0 }}: division by zero");
  // The first failing part is reported.
  EXPECT_EQ(Render("{{ params.budget }} {{ nope }} {{ 1 / 0 }}").error_message(),
            "{{ nope }}: unknown variable \"nope\"; the variables are item, params");
}

TEST(TemplateTest, ParseErrorsCarryOffsetsIntoTheText) {
  struct Case {
    const char* text;
    const char* message;
    size_t offset;
  };
  const Case cases[] = {
      {"Hi {{ params.product", "unterminated '{{' (close the expression with '}}')", 3},
      {"ok {{ a }} then {{ b", "unterminated '{{' (close the expression with '}}')", 16},
      {"Hi {{ }}", "empty expression", 6},
      {"Hi {{ 1 + }}", "unexpected end of expression (expected an operand)", 10},
      {"Hi {{ a b }}", "unexpected 'b' (expected an operator or the end of the expression)", 8},
      {"x {{ 'open }}", "unterminated string (close it with a matching quote)", 5},
      {"{{ sise(x) }}", "unknown function 'sise' (did you mean 'size'?)", 3},
      {"{{ {'a': 1 }}", "unterminated '{{' (close the expression with '}}')", 0},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Template> t = Template::Parse(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(t.status().message(), c.message) << c.text;
    EXPECT_EQ(ParseErrorOffset(t.status()), c.offset) << c.text;
  }
}

TEST(TemplateTest, ReferencesAreRelativeToTheText) {
  absl::StatusOr<Template> t =
      Template::Parse("{{ params.product }} on {{ steps.copy.output.variants[item].text }}");
  ASSERT_TRUE(t.ok());
  const std::vector<Reference> refs = t->references();
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_THAT(refs[0].path, ElementsAre("params", "product"));
  EXPECT_EQ(refs[0].offset, 3u);
  EXPECT_THAT(refs[1].path, ElementsAre("steps", "copy", "output", "variants"));
  EXPECT_EQ(refs[1].offset, 27u);
  EXPECT_THAT(refs[2].path, ElementsAre("item"));
  EXPECT_EQ(refs[2].offset, 54u);
}

TEST(TemplateTest, RenderedTextIsBounded) {
  Activation vars;
  vars.Set("s", Str(std::string(kMaxValueSize / 2 + 10, 'x')));
  EXPECT_EQ(Render("{{ s }}{{ s }}", vars).error_message(),
            "the template renders to over 1048576 bytes");
}

TEST(TemplateTest, LongTextWithShortExpressionsIsFine) {
  const std::string text = std::string(20000, 'a') + "{{ 1 }}";
  EXPECT_EQ(Render(text), Str(std::string(20000, 'a') + "1"));
}

}  // namespace
}  // namespace fanfare::expr
