// Totality: every limit holds, and no input crashes the parser or the evaluator.
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/expr/test_util.h"

namespace fanfare::expr {
namespace {

using ::fanfare::expr::testing::Eval;
using ::fanfare::expr::testing::EvalError;
using ::fanfare::expr::testing::List;
using ::fanfare::expr::testing::Map;
using ::fanfare::expr::testing::ParseFailureOf;
using ::fanfare::expr::testing::Str;
using ::testing::HasSubstr;

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

Value IntRange(int n) {
  Value::List items;
  for (int i = 0; i < n; ++i) items.push_back(Value::Int(i));
  return Value::MakeList(std::move(items));
}

TEST(LimitsTest, SourceLength) {
  const std::string longest = "1" + Repeat(" ", kMaxSourceLength - 1);
  EXPECT_EQ(Eval(longest), Value::Int(1));
  const testing::ParseFailure failure = ParseFailureOf(longest + " ");
  EXPECT_EQ(failure.message, "expression is too long (8193 characters; the limit is 8192)");
  EXPECT_EQ(failure.offset, kMaxSourceLength);
}

TEST(LimitsTest, DeepNestingIsRejectedWithoutRecursingDeeply) {
  const std::string too_deep = "expression is nested too deeply (more than 64 levels); split it up";
  for (absl::string_view prefix : {"(", "!", "-", "[", "{'a':", "size(", "a[", "x ? 1 : "}) {
    const std::string source = Repeat(prefix, 8000 / static_cast<int>(prefix.size()));
    const testing::ParseFailure failure = ParseFailureOf(source);
    EXPECT_EQ(failure.message, too_deep) << prefix;
    EXPECT_LT(failure.offset, 70 * prefix.size()) << prefix;
  }
  // Past the source limit, 10,000 parentheses fail on length before any recursion.
  EXPECT_THAT(ParseFailureOf(Repeat("(", 10000)).message, HasSubstr("too long"));
}

TEST(LimitsTest, DeepTreesFromFlatSourceAreRejected) {
  // Left-associative chains build deep trees without deep recursion in the parser; the
  // evaluator must not have to recurse that deep either.
  EXPECT_EQ(Eval("1" + Repeat(" + 1", 60)), Value::Int(61));
  EXPECT_THAT(ParseFailureOf("1" + Repeat(" + 1", 100)).message, HasSubstr("nested too deeply"));
  EXPECT_THAT(ParseFailureOf("a" + Repeat(".b", 100)).message, HasSubstr("nested too deeply"));
  EXPECT_THAT(ParseFailureOf("a" + Repeat("[0]", 100)).message, HasSubstr("nested too deeply"));
  EXPECT_THAT(ParseFailureOf("true" + Repeat(" && true", 100)).message,
              HasSubstr("nested too deeply"));
  EXPECT_EQ(ParseFailureOf("1" + Repeat(" + 1", 100)).offset, 2 + 4 * 63u);
}

TEST(LimitsTest, StringSize) {
  Activation vars;
  vars.Set("half", Str(std::string(kMaxValueSize / 2, 'x')));
  vars.Set("big", Str(std::string(kMaxValueSize / 2 + 1, 'x')));
  EXPECT_EQ(Eval("size(half + half)", vars), Value::Int(kMaxValueSize));
  EXPECT_EQ(EvalError("half + big", vars),
            "string too long: concatenating would make 1048577 bytes (the limit is 1048576)");
  EXPECT_EQ(EvalError("[half, big].join()", vars), "join() would build a string over 1048576 bytes");
}

TEST(LimitsTest, HugeStringsBuiltInAMacroExhaustTheWorkBudget) {
  Activation vars;
  vars.Set("s", Str(std::string(400'000, 'x')));
  vars.Set("xs", IntRange(1000));
  // Each iteration builds 800 KB; without a budget this would hold 800 MB.
  EXPECT_THAT(EvalError("xs.map(x, s + s).size()", vars), HasSubstr("does too much work"));
  EXPECT_THAT(EvalError("xs.map(x, (s + s).size()).size() > 0 || true", vars),
              HasSubstr("does too much work"));
}

TEST(LimitsTest, ListSize) {
  Activation vars;
  vars.Set("big", IntRange(60'000));
  EXPECT_EQ(EvalError("big + big", vars),
            "list too long: concatenating would make 120000 items (the limit is 100000)");
  vars.Set("huge", IntRange(150'000));
  EXPECT_EQ(EvalError("huge.map(x, x)", vars), "map() would build a list over 100000 items");
  EXPECT_EQ(Eval("huge.size()", vars), Value::Int(150'000));  // reading is fine
}

TEST(LimitsTest, MacroIterations) {
  Activation vars;
  vars.Set("xs", IntRange(2000));
  EXPECT_EQ(EvalError("xs.exists(a, xs.exists(b, false))", vars),
            "the expression's macros ran over 1000000 iterations; iterate over smaller lists");
  // An exhausted budget is not absorbed by || or &&.
  EXPECT_EQ(EvalError("xs.exists(a, xs.exists(b, false)) || true", vars),
            "the expression's macros ran over 1000000 iterations; iterate over smaller lists");
  EXPECT_EQ(EvalError("true || xs.all(a, xs.all(b, true))", vars),
            "<no error: true>");  // never evaluated
  EXPECT_EQ(Eval("xs.exists(a, a == 1999)", vars), Value::Bool(true));
}

TEST(LimitsTest, WorkBudgetBoundsWideExpressionsInNestedMacros) {
  Activation vars;
  vars.Set("xs", IntRange(1000));
  // 1,000,000 iterations (just within the iteration limit) of a body with many nodes.
  const std::string body = "[b, b, b, b, b, b, b, b, b, b].size() > 100";
  EXPECT_THAT(EvalError(absl::StrCat("xs.exists(a, xs.exists(b, ", body, "))"), vars),
              HasSubstr("does too much work"));
}

TEST(LimitsTest, ComparingHugeValuesCountsAsWork) {
  Activation vars;
  vars.Set("xs", IntRange(100'000));
  vars.Set("ys", IntRange(100'000));
  EXPECT_EQ(Eval("xs == ys", vars), Value::Bool(true));
  EXPECT_THAT(EvalError("xs.exists(x, xs == ys && false)", vars), HasSubstr("does too much work"));
  EXPECT_THAT(EvalError("xs.exists(x, 99999 in ys && false)", vars),
              HasSubstr("does too much work"));
}

// Builds strings from an alphabet of tokens and characters that the language uses, so that
// many of them get deep into the parser.
std::string RandomSource(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {
      "a", "b", ".", "[", "]", "(", ")", "{", "}", ",", ":", "?", "!", "-", "+", "*", "/",
      "%", "<", "<=", "==", "!=", "&&", "||", " in ", "'s'", "\"t\"", "1", "2.5", "0x1",
      "true", "null", "size", "has", "exists", "map", "x", " ", "now()", "duration('1h')",
      "'", "\"", "\\", "9223372036854775808", "r'", "'''", "\n", "\xC3\xA9", "#", "=", "&"};
  const int length = std::uniform_int_distribution<int>(0, 30)(rng);
  std::string out;
  for (int i = 0; i < length; ++i) {
    out += kPieces[std::uniform_int_distribution<size_t>(0, kPieces.size() - 1)(rng)];
  }
  return out;
}

// Mutates a valid expression: deletes, duplicates or replaces a few bytes.
std::string Garble(std::string source, std::mt19937& rng) {
  const int edits = std::uniform_int_distribution<int>(1, 3)(rng);
  for (int i = 0; i < edits && !source.empty(); ++i) {
    const size_t at = std::uniform_int_distribution<size_t>(0, source.size() - 1)(rng);
    switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
      case 0: source.erase(at, 1); break;
      case 1: source.insert(at, 1, source[at]); break;
      default: source[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    }
  }
  return source;
}

Activation FuzzVars() {
  Activation vars;
  vars.Set("a", Map({{"b", List({Value::Int(1), Str("x")})}, {"s", Str("s")}}));
  vars.Set("b", Value::Int(3));
  vars.Set("x", List({Value::Double(1.5), Value::Null()}));
  vars.set_now(testing::LaunchTime());
  return vars;
}

// FANFARE_FUZZ_ITERATIONS=1000000 runs a longer search than the default.
int FuzzIterations() {
  const char* text = std::getenv("FANFARE_FUZZ_ITERATIONS");
  int n = 0;
  return text != nullptr && absl::SimpleAtoi(text, &n) && n > 0 ? n : 6000;
}

TEST(LimitsTest, RandomAndGarbledInputNeverCrash) {
  std::mt19937 rng(20261201);
  const std::vector<std::string> valid = {
      "steps.copy.output.text.size() > 3 && params.networks.exists(n, n == item)",
      "a.b.map(v, v == 1 ? 'one' : string(v)).join(', ')",
      "{'k': [1, 2.5, 'x'], 'm': {'n': null}}.k[1] * -2",
      "now() - timestamp('2026-01-01T00:00:00Z') > duration('6h') || !has(a.s)",
      "min(a.b.filter(v, v in [1, 2])) + max([3, b]) % 2",
      "'\\u00e9\\x41' + r'raw\\n' + \"\"\"tri\"ple\"\"\"",
  };
  const Activation vars = FuzzVars();
  int parsed = 0;
  const int iterations = FuzzIterations();
  for (int i = 0; i < iterations; ++i) {
    const std::string source = i % 2 == 0 ? RandomSource(rng)
                                          : Garble(valid[i / 2 % valid.size()], rng);
    absl::StatusOr<Expression> expression = Expression::Parse(source);
    if (!expression.ok()) {
      const std::optional<size_t> offset = ParseErrorOffset(expression.status());
      ASSERT_TRUE(offset.has_value()) << source << ": " << expression.status();
      ASSERT_LE(*offset, source.size()) << source;
      ASSERT_FALSE(expression.status().message().empty()) << source;
      continue;
    }
    ++parsed;
    const Value result = expression->Evaluate(vars);
    if (result.is_error()) {
      ASSERT_FALSE(result.error_message().empty()) << source;
    }
    for (const Reference& reference : expression->references()) {
      ASSERT_LT(reference.offset, source.size()) << source;
      ASSERT_FALSE(reference.path.empty()) << source;
    }
  }
  EXPECT_GT(parsed, iterations / 50);  // the generators do reach the evaluator
}

TEST(LimitsTest, RandomTemplatesNeverCrash) {
  std::mt19937 rng(7);
  const Activation vars = FuzzVars();
  const int iterations = FuzzIterations();
  for (int i = 0; i < iterations; ++i) {
    std::string text = RandomSource(rng);
    // Sprinkle template delimiters.
    for (int j = std::uniform_int_distribution<int>(0, 3)(rng); j > 0; --j) {
      const size_t at = std::uniform_int_distribution<size_t>(0, text.size())(rng);
      text.insert(at, std::uniform_int_distribution<int>(0, 1)(rng) == 0 ? "{{" : "}}");
    }
    absl::StatusOr<Template> parsed = Template::Parse(text);
    if (!parsed.ok()) {
      const std::optional<size_t> offset = ParseErrorOffset(parsed.status());
      ASSERT_TRUE(offset.has_value()) << text << ": " << parsed.status();
      ASSERT_LE(*offset, text.size()) << text;
      continue;
    }
    const Value rendered = parsed->Render(vars);
    if (!parsed->is_single_expression() && !rendered.is_error()) {
      ASSERT_TRUE(rendered.is_string()) << text;
    }
    for (const Reference& reference : parsed->references()) {
      ASSERT_LT(reference.offset, text.size()) << text;
    }
  }
}

}  // namespace
}  // namespace fanfare::expr
