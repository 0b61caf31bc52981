// The moderation rules of docs/community.md, as `when:` expressions, over a sandbox audience:
// every spam and abuse comment is caught, no praise, question or complaint is.
#include <map>

#include "absl/synchronization/mutex.h"
#include "engine/expr/expression.h"
#include "gtest/gtest.h"
#include "sandbox/audience.h"

namespace fanfare::community {
namespace {

constexpr absl::string_view kHideRule =
    "c.text.isLinkOnly() || c.text.isAllCaps() || c.text.sentiment() < -0.75 || "
    "(c.text.hasLink() && c.author.followers < 100)";
constexpr absl::string_view kQuestionRule =
    "c.text.contains('?') && !c.text.hasLink() && c.text.sentiment() > -0.2";

bool Holds(const expr::Expression& rule, const sandbox::CommentRecord& comment) {
  expr::Activation vars;
  vars.Set("c", expr::Value::MakeMap(
                    {{"text", expr::Value::String(comment.text)},
                     {"author", expr::Value::MakeMap({{"followers", expr::Value::Int(
                                                                        comment.author_followers)}})}}));
  const expr::Value v = rule.Evaluate(vars);
  EXPECT_TRUE(v.is_bool()) << v.DebugString();
  return v.is_bool() && v.bool_value();
}

TEST(AudienceRulesTest, TheDocumentedRulesSortTheAudience) {
  absl::StatusOr<expr::Expression> hide = expr::Expression::Parse(kHideRule);
  absl::StatusOr<expr::Expression> question = expr::Expression::Parse(kQuestionRule);
  ASSERT_TRUE(hide.ok() && question.ok());
  for (uint64_t seed : {1, 2, 3}) {
    ManualClock clock;
    sandbox::SandboxState state({.seed = seed, .clock = &clock});
    std::map<std::string, int> seen;
    absl::MutexLock lock(&state.mu);
    sandbox::GrowAudience(state, {.network = "x", .account = "acme_x", .days = 14, .per_day = 20});
    for (const sandbox::CommentRecord& c : state.Comments()) {
      ++seen[c.intent];
      const bool hidden = Holds(*hide, c);
      const bool answered = Holds(*question, c);
      EXPECT_EQ(hidden, c.intent == "spam" || c.intent == "abuse") << c.intent << ": " << c.text;
      EXPECT_EQ(answered, c.intent == "question") << c.intent << ": " << c.text;
    }
    for (const char* intent : {"praise", "question", "complaint", "spam", "abuse"}) {
      EXPECT_GT(seen[intent], 5) << intent;
    }
  }
}

}  // namespace
}  // namespace fanfare::community
