// Messages a campaign author reads: evaluation errors and parse errors with their offsets.
#include "gtest/gtest.h"
#include "tests/engine/expr/test_util.h"

namespace fanfare::expr {
namespace {

using ::fanfare::expr::testing::EvalError;
using ::fanfare::expr::testing::List;
using ::fanfare::expr::testing::Map;
using ::fanfare::expr::testing::ParseFailureOf;
using ::fanfare::expr::testing::Str;

Activation Vars() {
  Activation vars;
  vars.Set("params", Map({{"budget", Value::Int(100)}, {"tags", List({Str("a"), Str("b")})}}));
  vars.Set("steps", Map({{"measure", Map({{"output", Map({{"clicks", Value::Int(4)},
                                                          {"impressions", Value::Int(9)}})}})},
                         {"copy", Map({{"output", Map({{"text", Str("hi")}})}})},
                         {"empty", Map({{"output", Map({})}})},
                         {"nothing", Map({{"output", Value::Null()}})}}));
  return vars;
}

TEST(EvalErrorsTest, UnknownVariableSuggestsAName) {
  const Activation vars = Vars();
  EXPECT_EQ(EvalError("parms.budget", vars), "unknown variable \"parms\" (did you mean \"params\"?)");
  EXPECT_EQ(EvalError("item", vars), "unknown variable \"item\"; the variables are params, steps");
  EXPECT_EQ(EvalError("item"), "unknown variable \"item\" (no variables are set here)");
}

TEST(EvalErrorsTest, MissingKeyListsTheKeys) {
  const Activation vars = Vars();
  EXPECT_EQ(EvalError("steps.measure.output.cpc", vars),
            "no key \"cpc\" in steps.measure.output (keys: clicks, impressions)");
  EXPECT_EQ(EvalError("steps.measure.output.click", vars),
            "no key \"click\" in steps.measure.output (did you mean \"clicks\"? keys: clicks, "
            "impressions)");
  EXPECT_EQ(EvalError("steps.measure.output['cpc']", vars),
            "no key \"cpc\" in steps.measure.output (keys: clicks, impressions)");
  EXPECT_EQ(EvalError("steps.empty.output.x", vars), "no key \"x\" in steps.empty.output (it is empty)");
}

TEST(EvalErrorsTest, ManyKeysAreElided) {
  Value::Map entries;
  for (char c = 'a'; c <= 'p'; ++c) entries.emplace(std::string(1, c) + "_key", Value::Int(1));
  Activation vars;
  vars.Set("m", Value::MakeMap(entries));
  EXPECT_EQ(EvalError("m.zzzzzz", vars),
            "no key \"zzzzzz\" in m (keys: a_key, b_key, c_key, d_key, e_key, f_key, g_key, "
            "h_key, i_key, j_key, ... 6 more)");
}

TEST(EvalErrorsTest, FieldOfANonMap) {
  const Activation vars = Vars();
  EXPECT_EQ(EvalError("steps.copy.output.text.length", vars),
            "cannot read \"length\" of steps.copy.output.text: it is a string, not a map");
  EXPECT_EQ(EvalError("steps.nothing.output.text", vars),
            "cannot read \"text\" of steps.nothing.output: it is null");
  EXPECT_EQ(EvalError("params.tags.first", vars),
            "cannot read \"first\" of params.tags: it is a list, not a map");
}

TEST(EvalErrorsTest, Indexing) {
  const Activation vars = Vars();
  EXPECT_EQ(EvalError("params.tags[2]", vars), "index 2 is out of range: params.tags has 2 items");
  EXPECT_EQ(EvalError("params.tags[-1]", vars),
            "index -1 into params.tags: negative indexes are not allowed");
  EXPECT_EQ(EvalError("params.tags['0']", vars), "a list index must be an int, not a string");
  EXPECT_EQ(EvalError("params.tags[1.0]", vars), "a list index must be an int, not a double");
  EXPECT_EQ(EvalError("params[1]", vars), "map keys are strings; cannot look up an int in params");
  EXPECT_EQ(EvalError("params.budget[0]", vars),
            "cannot index params.budget: it is an int, not a list or map");
  EXPECT_EQ(EvalError("steps.nothing.output[0]", vars),
            "cannot index steps.nothing.output: it is null");
}

TEST(EvalErrorsTest, ErrorsPropagateThroughOperatorsAndCalls) {
  const Activation vars = Vars();
  const std::string missing = "no key \"cpc\" in steps.measure.output (keys: clicks, impressions)";
  EXPECT_EQ(EvalError("steps.measure.output.cpc > 2.0", vars), missing);
  EXPECT_EQ(EvalError("2.0 < steps.measure.output.cpc", vars), missing);
  EXPECT_EQ(EvalError("size(steps.measure.output.cpc)", vars), missing);
  EXPECT_EQ(EvalError("[steps.measure.output.cpc]", vars), missing);
  EXPECT_EQ(EvalError("{'a': steps.measure.output.cpc}", vars), missing);
  EXPECT_EQ(EvalError("-steps.measure.output.cpc", vars), missing);
  EXPECT_EQ(EvalError("!steps.measure.output.cpc", vars), missing);
  EXPECT_EQ(EvalError("steps.measure.output.cpc == 1", vars), missing);
  EXPECT_EQ(EvalError("steps.measure.output.cpc in [1]", vars), missing);
  EXPECT_EQ(EvalError("1 in steps.measure.output.cpc", vars), missing);
  EXPECT_EQ(EvalError("steps.measure.output.cpc.x", vars), missing);
  EXPECT_EQ(EvalError("params.tags[steps.measure.output.cpc]", vars), missing);
  EXPECT_EQ(EvalError("steps.measure.output.cpc.exists(x, true)", vars), missing);
  EXPECT_EQ(EvalError("steps.measure.output.cpc ? 1 : 2", vars), missing);
}

TEST(EvalErrorsTest, DynamicMapLiterals) {
  Activation vars;
  vars.Set("k", Str("a"));
  vars.Set("n", Value::Int(1));
  EXPECT_EQ(EvalError("{k: 1, 'a': 2}", vars), "duplicate key \"a\" in map");
  EXPECT_EQ(EvalError("{n: 1}", vars), "map keys must be strings, but n is an int");
}

TEST(ParseErrorsTest, OffsetsPointAtTheOffendingToken) {
  struct Case {
    const char* source;
    const char* message;
    size_t offset;
  };
  const Case cases[] = {
      {"", "empty expression", 0},
      {"   ", "empty expression", 3},
      {"1 +", "unexpected end of expression (expected an operand)", 3},
      {"(1 + 2", "unexpected end of expression (expected ')')", 6},
      {"1 + )", "unexpected ')' (expected an operand)", 4},
      {"a b", "unexpected 'b' (expected an operator or the end of the expression)", 2},
      {"a = 1", "unexpected '=' (write == to compare)", 2},
      {"a & b", "unexpected '&' (write && for 'and')", 2},
      {"a | b", "unexpected '|' (write || for 'or')", 2},
      {"a # b", "unexpected character '#'", 2},
      {"'abc", "unterminated string (close it with a matching quote)", 0},
      {"x + \"ab\ncd\"", "unterminated string (close it with a matching quote)", 4},
      {"'a\\qb'", "invalid escape '\\q' in string (write \\\\ for a backslash)", 2},
      {"'\\x4'", "invalid escape in string: expected 2 hex digits after '\\x'", 1},
      {"'\\ud800'", "invalid escape in string: U+D800 is not a Unicode character", 1},
      {"12abc", "invalid number '12abc'", 0},
      {"1 + 0x", "invalid number '0x'", 4},
      {"0x1g", "invalid number '0x1g'", 0},
      {"0x10000000000000000", "integer 0x10000000000000000 is out of range", 0},
      {"1 + 9223372036854775808", "integer 9223372036854775808 is out of range (ints are 64-bit)",
       4},
      {"99999999999999999999", "integer 99999999999999999999 is out of range", 0},
      {"1e999", "number 1e999 is out of range", 0},
      {"a.", "unexpected end of expression (expected a field name after '.')", 2},
      {"a.1", "unexpected '1' (expected a field name after '.')", 2},
      {"a[1", "unexpected end of expression (expected ']')", 3},
      {"[1 2]", "unexpected '2' (expected ',' or ']')", 3},
      {"{'a' 1}", "unexpected '1' (expected ':' after a map key)", 5},
      {"{'a': 1 'b': 2}", "unexpected 'b' (expected ',' or '}')", 8},
      {"{1: 2}", "map keys must be strings, not int", 1},
      {"{'a': 1, 'a': 2}", "duplicate key \"a\" in map", 9},
      {"f(1,)", "unknown function 'f'", 0},
      {"size(1,)", "unexpected ')' (expected an operand)", 7},
      {"true ? 1", "unexpected end of expression (expected ':' of the conditional c ? a : b)", 8},
  };
  for (const Case& c : cases) {
    const testing::ParseFailure failure = ParseFailureOf(c.source);
    EXPECT_EQ(failure.message, c.message) << "source: " << c.source;
    EXPECT_EQ(failure.offset, c.offset) << "source: " << c.source;
  }
}

TEST(ParseErrorsTest, FunctionsAreCheckedWhenParsing) {
  struct Case {
    const char* source;
    const char* message;
    size_t offset;
  };
  const Case cases[] = {
      {"sise(x)", "unknown function 'sise' (did you mean 'size'?)", 0},
      {"x.startswith('a')", "unknown function 'startswith' (did you mean 'startsWith'?)", 2},
      {"size(1, 2)", "wrong number of arguments to size(): write size(x) or x.size()", 0},
      {"now(1)", "wrong number of arguments to now(): write now()", 0},
      {"min()", "wrong number of arguments to min(): write min(a, b, ...) or min(list)", 0},
      {"'a'.contains()", "wrong number of arguments to contains(): write s.contains(t)", 4},
      {"contains('ab', 'a')", "contains() is a method: write s.contains(t)", 0},
      {"x.min(1)", "min() is not a method: write min(a, b, ...) or min(list)", 2},
      {"exists(xs, x, x)", "exists() is a method: write xs.exists(x, <condition>)", 0},
      {"x.has(y)", "has() is not a method: write has(a.b)", 2},
      {"has(x)", "has() needs a field selection such as has(params.budget); for other keys "
                 "write \"key\" in map", 4},
      {"has(x['a'])", "has() needs a field selection such as has(params.budget); for other "
                      "keys write \"key\" in map", 4},
      {"has(a.b, c)", "has() takes one field selection such as has(params.budget)", 7},
      {"xs.exists(1, true)", "exists() needs a variable name first: xs.exists(x, <condition>)",
       10},
      {"xs.map(x)", "unexpected ')' (expected ',' after the variable of xs.map(x, <expression>))",
       8},
      {"xs.all(x, true, 1)", "all() takes a variable and one expression: write xs.all(x, "
                             "<condition>)", 14},
      {"duration('6x')", "invalid duration \"6x\": expected a unit (d, h, m, s or ms) after the "
                         "number; write e.g. 90s, 15m, 6h, 2d or 1h30m", 9},
      {"now() > timestamp('tomorrow')",
       "invalid timestamp \"tomorrow\": write RFC 3339 such as \"2026-12-01T09:00:00Z\" or "
       "\"2026-12-01T09:00:00+01:00\"", 18},
  };
  for (const Case& c : cases) {
    const testing::ParseFailure failure = ParseFailureOf(c.source);
    EXPECT_EQ(failure.message, c.message) << "source: " << c.source;
    EXPECT_EQ(failure.offset, c.offset) << "source: " << c.source;
  }
}

TEST(ParseErrorsTest, OffsetIsOnlyOnParseErrors) {
  EXPECT_FALSE(ParseErrorOffset(absl::OkStatus()).has_value());
  EXPECT_FALSE(ParseErrorOffset(absl::InvalidArgumentError("x")).has_value());
  EXPECT_FALSE(ParseErrorOffset(absl::InternalError("x")).has_value());
  absl::StatusOr<Expression> e = Expression::Parse("1 +");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseErrorOffset(e.status()), 3u);
}

}  // namespace
}  // namespace fanfare::expr
