// Core semantics: literals, variables, access, operators, logic, macros, references.
#include "engine/expr/expression.h"

#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/expr/test_util.h"

namespace fanfare::expr {
namespace {

using ::fanfare::expr::testing::Eval;
using ::fanfare::expr::testing::EvalError;
using ::fanfare::expr::testing::List;
using ::fanfare::expr::testing::Map;
using ::fanfare::expr::testing::Str;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Activation CampaignVars() {
  Activation vars;
  vars.Set("params", Map({{"product", Str("Lumen")},
                          {"max_cpc", Value::Double(2.0)},
                          {"budget", Value::Int(100)},
                          {"networks", List({Str("facebook"), Str("tiktok")})}}));
  vars.Set("steps",
           Map({{"measure", Map({{"output", Map({{"cpc", Value::Double(2.5)},
                                                 {"clicks", Value::Int(40)},
                                                 {"impressions", Value::Int(1000)}})}})},
                {"copy", Map({{"output", Map({{"text", Str("Hello")}})}})}}));
  vars.Set("item", Str("tiktok"));
  vars.Set("index", Value::Int(1));
  return vars;
}

TEST(ExpressionTest, Literals) {
  EXPECT_EQ(Eval("null"), Value::Null());
  EXPECT_EQ(Eval("true"), Value::Bool(true));
  EXPECT_EQ(Eval("false"), Value::Bool(false));
  EXPECT_TRUE(Eval("42").is_int());
  EXPECT_EQ(Eval("42").int_value(), 42);
  EXPECT_EQ(Eval("0x1F").int_value(), 31);
  EXPECT_TRUE(Eval("2.5").is_double());
  EXPECT_EQ(Eval("2.5").double_value(), 2.5);
  EXPECT_EQ(Eval("1e3").double_value(), 1000.0);
  EXPECT_EQ(Eval("1.5E-1").double_value(), 0.15);
  EXPECT_EQ(Eval("-9223372036854775808").int_value(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Eval("9223372036854775807").int_value(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Eval("-2.5").double_value(), -2.5);
}

TEST(ExpressionTest, StringLiteralsAndEscapes) {
  EXPECT_EQ(Eval(R"("double")"), Str("double"));
  EXPECT_EQ(Eval("'single'"), Str("single"));
  EXPECT_EQ(Eval(R"("it's")"), Str("it's"));
  EXPECT_EQ(Eval(R"('say "hi"')"), Str("say \"hi\""));
  EXPECT_EQ(Eval(R"("a\nb\tc\\d\"e\'f")"), Str("a\nb\tc\\d\"e'f"));
  EXPECT_EQ(Eval(R"("\x41\101\u00e9\U0001F600")"), Str("AA\xC3\xA9\xF0\x9F\x98\x80"));
  EXPECT_EQ(Eval(R"(r"raw\n")"), Str("raw\\n"));
  EXPECT_EQ(Eval("'''multi\nline'''"), Str("multi\nline"));
  EXPECT_EQ(Eval(R"("""has "quotes" inside""")"), Str("has \"quotes\" inside"));
  EXPECT_EQ(Eval(R"("")"), Str(""));
  EXPECT_EQ(Eval("\"caf\xC3\xA9\""), Str("caf\xC3\xA9"));
}

TEST(ExpressionTest, ListAndMapLiterals) {
  EXPECT_EQ(Eval("[]"), List({}));
  EXPECT_EQ(Eval("[1, 'a', [true],]"), List({Value::Int(1), Str("a"), List({Value::Bool(true)})}));
  EXPECT_EQ(Eval("{}"), Map({}));
  EXPECT_EQ(Eval(R"({"k": 1, 'j': [2]})"),
            Map({{"k", Value::Int(1)}, {"j", List({Value::Int(2)})}}));
  Activation vars = CampaignVars();
  EXPECT_EQ(Eval("[item, index + 1]", vars), List({Str("tiktok"), Value::Int(2)}));
  EXPECT_EQ(Eval("{item: index, 'fixed': params.budget}", vars),
            Map({{"tiktok", Value::Int(1)}, {"fixed", Value::Int(100)}}));
}

TEST(ExpressionTest, CommentsAndWhitespace) {
  EXPECT_EQ(Eval("1 + // one\n 2"), Value::Int(3));
  EXPECT_EQ(Eval("\n\t 7 \n"), Value::Int(7));
}

TEST(ExpressionTest, VariablesAndFieldAccess) {
  const Activation vars = CampaignVars();
  EXPECT_EQ(Eval("item", vars), Str("tiktok"));
  EXPECT_EQ(Eval("params.product", vars), Str("Lumen"));
  EXPECT_EQ(Eval("steps.measure.output.cpc", vars), Value::Double(2.5));
  EXPECT_EQ(Eval("steps['measure'].output[\"clicks\"]", vars), Value::Int(40));
  EXPECT_EQ(Eval("params.networks[1]", vars), Str("tiktok"));
  EXPECT_EQ(Eval("params.networks[index]", vars), Str("tiktok"));
  EXPECT_EQ(Eval("{'a': {'b': [10, 20]}}.a.b[0]", vars), Value::Int(10));
  EXPECT_EQ(Eval("(params).budget", vars), Value::Int(100));
}

TEST(ExpressionTest, KeywordsCanBeFieldNames) {
  Activation vars;
  vars.Set("m", Map({{"in", Value::Int(1)}, {"null", Value::Int(2)}, {"true", Value::Int(3)}}));
  EXPECT_EQ(Eval("m.in + m.null + m.true", vars), Value::Int(6));
}

TEST(ExpressionTest, IntArithmetic) {
  EXPECT_EQ(Eval("1 + 2 * 3"), Value::Int(7));
  EXPECT_EQ(Eval("(1 + 2) * 3"), Value::Int(9));
  EXPECT_EQ(Eval("10 - 4 - 3"), Value::Int(3));
  EXPECT_EQ(Eval("7 / 2"), Value::Int(3));
  EXPECT_EQ(Eval("-7 / 2"), Value::Int(-3));  // truncates toward zero, like CEL
  EXPECT_EQ(Eval("7 % 3"), Value::Int(1));
  EXPECT_EQ(Eval("-7 % 3"), Value::Int(-1));
  EXPECT_EQ(Eval("-(3)"), Value::Int(-3));
  EXPECT_EQ(Eval("--3"), Value::Int(3));
  EXPECT_TRUE(Eval("7 / 2").is_int());
}

TEST(ExpressionTest, DoubleAndMixedArithmetic) {
  EXPECT_EQ(Eval("7.0 / 2"), Value::Double(3.5));
  EXPECT_EQ(Eval("7 / 2.0"), Value::Double(3.5));
  EXPECT_TRUE(Eval("1 + 1.0").is_double());
  EXPECT_EQ(Eval("1.5 * 2"), Value::Double(3.0));
  EXPECT_EQ(Eval("0.5 - 1"), Value::Double(-0.5));
  EXPECT_EQ(Eval("-(1.5)"), Value::Double(-1.5));
  const Activation vars = CampaignVars();
  EXPECT_EQ(Eval("params.budget * 1.25", vars), Value::Double(125.0));
}

TEST(ExpressionTest, IntOverflowAndDivisionByZeroAreErrors) {
  EXPECT_EQ(EvalError("9223372036854775807 + 1"),
            "integer overflow: 9223372036854775807 + 1 does not fit in an int");
  EXPECT_EQ(EvalError("-9223372036854775808 - 1"),
            "integer overflow: -9223372036854775808 - 1 does not fit in an int");
  EXPECT_EQ(EvalError("4611686018427387904 * 2"),
            "integer overflow: 4611686018427387904 * 2 does not fit in an int");
  EXPECT_EQ(EvalError("-9223372036854775808 / -1"),
            "integer overflow: -9223372036854775808 / -1 does not fit in an int");
  EXPECT_EQ(EvalError("-9223372036854775808 % -1"),
            "integer overflow: -9223372036854775808 % -1 does not fit in an int");
  EXPECT_EQ(EvalError("-(-9223372036854775808)"),
            "integer overflow: -(-9223372036854775808) does not fit in an int");
  EXPECT_EQ(EvalError("1 / 0"), "division by zero");
  EXPECT_EQ(EvalError("1.5 / 0"), "division by zero");
  EXPECT_EQ(EvalError("1 / 0.0"), "division by zero");
  EXPECT_EQ(EvalError("1 % 0"), "modulo by zero");
  EXPECT_EQ(EvalError("5.5 % 2"), "% needs two ints, not doubles; convert with int(x)");
}

TEST(ExpressionTest, StringAndListConcatenation) {
  EXPECT_EQ(Eval("'ab' + \"cd\""), Str("abcd"));
  EXPECT_EQ(Eval("[1] + [2, 3]"), List({Value::Int(1), Value::Int(2), Value::Int(3)}));
  EXPECT_EQ(Eval("[] + []"), List({}));
  EXPECT_EQ(EvalError("'n=' + 1"),
            "cannot apply + to string and int; convert the number with string(x)");
  EXPECT_EQ(EvalError("[1] + 1"), "cannot apply + to list and int");
  EXPECT_EQ(EvalError("'a' - 'b'"), "cannot apply - to string and string");
  EXPECT_EQ(EvalError("null + 1"), "cannot apply + to null and int; a value is missing (null)");
}

TEST(ExpressionTest, TimeArithmetic) {
  Activation vars;
  vars.set_now(testing::LaunchTime());
  EXPECT_EQ(Eval("now() + duration('6h')", vars),
            Value::Timestamp(testing::LaunchTime() + absl::Hours(6)));
  EXPECT_EQ(Eval("duration('1h') + now()", vars),
            Value::Timestamp(testing::LaunchTime() + absl::Hours(1)));
  EXPECT_EQ(Eval("now() - duration('1d')", vars),
            Value::Timestamp(testing::LaunchTime() - absl::Hours(24)));
  EXPECT_EQ(Eval("timestamp('2026-12-01T12:00:00Z') - now()", vars),
            Value::Duration(absl::Hours(3)));
  EXPECT_EQ(Eval("duration('1h') + duration('30m')"), Value::Duration(absl::Minutes(90)));
  EXPECT_EQ(Eval("duration('1h') - duration('90m')"), Value::Duration(absl::Minutes(-30)));
  EXPECT_EQ(Eval("duration('1h') * 3"), Value::Duration(absl::Hours(3)));
  EXPECT_EQ(Eval("2 * duration('1h')"), Value::Duration(absl::Hours(2)));
  EXPECT_EQ(Eval("duration('1h') * 1.5"), Value::Duration(absl::Minutes(90)));
  EXPECT_EQ(Eval("duration('1h') / 4"), Value::Duration(absl::Minutes(15)));
  EXPECT_EQ(Eval("duration('1h') / 0.5"), Value::Duration(absl::Hours(2)));
  EXPECT_EQ(Eval("duration('3h') / duration('1h')"), Value::Double(3.0));
  EXPECT_EQ(Eval("-duration('1h')"), Value::Duration(absl::Hours(-1)));
  EXPECT_EQ(EvalError("duration('1h') / 0"), "division by zero");
  EXPECT_EQ(EvalError("duration('1h') / duration('0s')"), "division by zero");
  EXPECT_EQ(EvalError("now() + now()", vars), "cannot apply + to timestamp and timestamp");
  EXPECT_EQ(EvalError("now() + 1", vars), "cannot apply + to timestamp and int");
  EXPECT_EQ(EvalError("timestamp('9999-12-31T00:00:00Z') + duration('2d')"),
            "timestamp out of range (years 1 to 9999)");
}

TEST(ExpressionTest, Comparisons) {
  EXPECT_EQ(Eval("1 < 2"), Value::Bool(true));
  EXPECT_EQ(Eval("2 <= 2"), Value::Bool(true));
  EXPECT_EQ(Eval("3 > 2.5"), Value::Bool(true));
  EXPECT_EQ(Eval("2.5 >= 3"), Value::Bool(false));
  EXPECT_EQ(Eval("1 == 1.0"), Value::Bool(true));
  EXPECT_EQ(Eval("1 != 1.0"), Value::Bool(false));
  EXPECT_EQ(Eval("'apple' < 'banana'"), Value::Bool(true));
  EXPECT_EQ(Eval("'b' > 'abc'"), Value::Bool(true));
  EXPECT_EQ(Eval("false < true"), Value::Bool(true));
  EXPECT_EQ(Eval("duration('90m') > duration('1h')"), Value::Bool(true));
  EXPECT_EQ(Eval("timestamp('2026-01-01T00:00:00Z') < timestamp('2026-01-02T00:00:00Z')"),
            Value::Bool(true));
  EXPECT_EQ(Eval("9007199254740993 > 9007199254740992.0"), Value::Bool(true));
}

TEST(ExpressionTest, EqualityAcrossKindsIsFalseNotAnError) {
  EXPECT_EQ(Eval("1 == '1'"), Value::Bool(false));
  EXPECT_EQ(Eval("1 != '1'"), Value::Bool(true));
  EXPECT_EQ(Eval("null == null"), Value::Bool(true));
  EXPECT_EQ(Eval("null == false"), Value::Bool(false));
  EXPECT_EQ(Eval("[1, 'a'] == [1.0, 'a']"), Value::Bool(true));
  EXPECT_EQ(Eval("{'a': [1]} == {'a': [1]}"), Value::Bool(true));
  EXPECT_EQ(Eval("{'a': 1} != {'a': 2}"), Value::Bool(true));
  EXPECT_EQ(Eval("duration('60s') == duration('1m')"), Value::Bool(true));
}

TEST(ExpressionTest, OrderingAcrossKindsIsAnError) {
  EXPECT_EQ(EvalError("1 < '2'"), "cannot compare int and string with <");
  EXPECT_EQ(EvalError("[1] <= [2]"), "cannot compare list and list with <=");
  EXPECT_EQ(EvalError("null > 1"), "cannot compare null and int with >");
  EXPECT_EQ(EvalError("now() >= duration('1h')"), "cannot compare timestamp and duration with >=");
}

TEST(ExpressionTest, Logic) {
  EXPECT_EQ(Eval("true && true"), Value::Bool(true));
  EXPECT_EQ(Eval("true && false"), Value::Bool(false));
  EXPECT_EQ(Eval("false || true"), Value::Bool(true));
  EXPECT_EQ(Eval("false || false"), Value::Bool(false));
  EXPECT_EQ(Eval("!true"), Value::Bool(false));
  EXPECT_EQ(Eval("!!true"), Value::Bool(true));
  EXPECT_EQ(Eval("true || false && false"), Value::Bool(true));  // && binds tighter
  EXPECT_EQ(Eval("!false && 1 < 2"), Value::Bool(true));
}

TEST(ExpressionTest, LogicAbsorbsErrorsOnEitherSide) {
  EXPECT_EQ(Eval("false && 1 / 0 == 1"), Value::Bool(false));
  EXPECT_EQ(Eval("1 / 0 == 1 && false"), Value::Bool(false));
  EXPECT_EQ(Eval("true || missing"), Value::Bool(true));
  EXPECT_EQ(Eval("missing || true"), Value::Bool(true));
  EXPECT_EQ(Eval("'text' || true"), Value::Bool(true));
  EXPECT_EQ(EvalError("true && 1 / 0 == 1"), "division by zero");
  EXPECT_EQ(EvalError("1 / 0 == 1 || false"), "division by zero");
  EXPECT_EQ(EvalError("true && 'yes'"), "&& needs bools, but 'yes' is a string");
  EXPECT_EQ(EvalError("1 || false"), "|| needs bools, but 1 is an int");
  EXPECT_EQ(EvalError("!1"), "! needs a bool, but 1 is an int");
  // The first error wins when neither side settles the result.
  EXPECT_EQ(EvalError("1 / 0 == 1 && 'x' < 1"), "division by zero");
}

TEST(ExpressionTest, Membership) {
  const Activation vars = CampaignVars();
  EXPECT_EQ(Eval("item in params.networks", vars), Value::Bool(true));
  EXPECT_EQ(Eval("'x' in params.networks", vars), Value::Bool(false));
  EXPECT_EQ(Eval("1 in [1.0, 2]"), Value::Bool(true));
  EXPECT_EQ(Eval("'budget' in params", vars), Value::Bool(true));
  EXPECT_EQ(Eval("'cost' in params", vars), Value::Bool(false));
  EXPECT_EQ(Eval("1 in {'1': true}"), Value::Bool(false));
  EXPECT_EQ(Eval("!('a' in ['b'])"), Value::Bool(true));
  EXPECT_EQ(EvalError("'ell' in 'hello'"),
            "the right side of 'in' must be a list or map, not a string; for text write "
            "s.contains(t)");
}

TEST(ExpressionTest, Conditional) {
  const Activation vars = CampaignVars();
  EXPECT_EQ(Eval("item == 'tiktok' ? 'vertical' : 'square'", vars), Str("vertical"));
  EXPECT_EQ(Eval("false ? 1 : true ? 2 : 3"), Value::Int(2));  // right-associative
  EXPECT_EQ(Eval("true ? 1 : 1 / 0"), Value::Int(1));          // the other branch is not run
  EXPECT_EQ(EvalError("1 ? 2 : 3"), "the condition of ?: must be a bool, but 1 is an int");
  EXPECT_EQ(EvalError("1 / 0 > 1 ? 2 : 3"), "division by zero");
}

TEST(ExpressionTest, PrecedenceFollowsCel) {
  EXPECT_EQ(Eval("1 + 2 == 3 && 2 * 3 > 5 ? 'y' : 'n'"), Str("y"));
  EXPECT_EQ(Eval("-2 * 3"), Value::Int(-6));
  EXPECT_EQ(Eval("2 - -2"), Value::Int(4));
  EXPECT_EQ(Eval("1 + 2 in [3]"), Value::Bool(true));
  EXPECT_EQ(Eval("!(1 > 2) == true"), Value::Bool(true));
}

TEST(ExpressionTest, HasMacro) {
  const Activation vars = CampaignVars();
  EXPECT_EQ(Eval("has(params.budget)", vars), Value::Bool(true));
  EXPECT_EQ(Eval("has(params.cost)", vars), Value::Bool(false));
  EXPECT_EQ(Eval("has(steps.measure.output.cpc)", vars), Value::Bool(true));
  EXPECT_EQ(Eval("has({'a': null}.a)"), Value::Bool(true));
  EXPECT_EQ(Eval("has(null.a)"), Value::Bool(false));
  EXPECT_EQ(Eval("has(params.cost) ? params.cost : 0", vars), Value::Int(0));
  EXPECT_EQ(EvalError("has(params.product.size)", vars),
            "has() needs a map, but params.product is a string");
  EXPECT_EQ(EvalError("has(steps.nope.output)", vars),
            "no key \"nope\" in steps (keys: copy, measure)");
}

TEST(ExpressionTest, ExistsAndAll) {
  const Activation vars = CampaignVars();
  EXPECT_EQ(Eval("[1, 2, 3].exists(x, x > 2)"), Value::Bool(true));
  EXPECT_EQ(Eval("[1, 2, 3].exists(x, x > 3)"), Value::Bool(false));
  EXPECT_EQ(Eval("[].exists(x, x > 3)"), Value::Bool(false));
  EXPECT_EQ(Eval("[1, 2, 3].all(x, x > 0)"), Value::Bool(true));
  EXPECT_EQ(Eval("[1, 2, 3].all(x, x > 1)"), Value::Bool(false));
  EXPECT_EQ(Eval("[].all(x, false)"), Value::Bool(true));
  EXPECT_EQ(Eval("params.networks.exists(n, n == item)", vars), Value::Bool(true));
  EXPECT_EQ(Eval("{'a': 1, 'b': 2}.all(k, k in ['a', 'b'])"), Value::Bool(true));
}

TEST(ExpressionTest, QuantifiersAbsorbErrorsLikeCel) {
  // One decisive item settles it even if another item errs.
  EXPECT_EQ(Eval("[0, 2].exists(x, 4 / x == 2)"), Value::Bool(true));
  EXPECT_EQ(Eval("[0, 2].all(x, 4 / x == 1)"), Value::Bool(false));
  EXPECT_EQ(EvalError("[0, 4].exists(x, 4 / x == 2)"), "division by zero");
  EXPECT_EQ(EvalError("[0, 4].all(x, 4 / x == 1)"), "division by zero");
  EXPECT_EQ(EvalError("[1].exists(x, x)"), "the condition of exists() must be a bool, but x is "
                                           "an int");
}

TEST(ExpressionTest, MapAndFilter) {
  EXPECT_EQ(Eval("[1, 2, 3].map(x, x * 10)"),
            List({Value::Int(10), Value::Int(20), Value::Int(30)}));
  EXPECT_EQ(Eval("[1, 2, 3, 4].filter(x, x % 2 == 0)"), List({Value::Int(2), Value::Int(4)}));
  EXPECT_EQ(Eval("{'b': 2, 'a': 1}.map(k, k + '!')"), List({Str("a!"), Str("b!")}));
  EXPECT_EQ(Eval("{'b': 2, 'a': 1}.filter(k, k == 'b')"), List({Str("b")}));
  EXPECT_EQ(Eval("[[1, 2], [3]].map(xs, xs.map(x, x + 1))"),
            List({List({Value::Int(2), Value::Int(3)}), List({Value::Int(4)})}));
  EXPECT_EQ(Eval("[1, 2].map(x, [3, 4].map(y, x * y))"),
            List({List({Value::Int(3), Value::Int(4)}), List({Value::Int(6), Value::Int(8)})}));
  EXPECT_EQ(EvalError("[1, 0].map(x, 1 / x)"), "division by zero");
  EXPECT_EQ(EvalError("[1].filter(x, 'yes')"),
            "the condition of filter() must be a bool, but 'yes' is a string");
  EXPECT_EQ(EvalError("'abc'.map(c, c)"), "map() needs a list or map, but 'abc' is a string");
}

TEST(ExpressionTest, MacroVariablesShadowAndStayLocal) {
  Activation vars;
  vars.Set("x", Value::Int(100));
  EXPECT_EQ(Eval("[1, 2].map(x, x) + [x]", vars),
            List({Value::Int(1), Value::Int(2), Value::Int(100)}));
  EXPECT_EQ(Eval("[1].map(x, [2].map(x, x))", vars), List({List({Value::Int(2)})}));
  // The body can read the enclosing macro's variable.
  EXPECT_EQ(Eval("[1, 2].exists(a, [2, 3].exists(b, a == b))"), Value::Bool(true));
  // Outside the macro the name is the Activation's again.
  EXPECT_EQ(EvalError("[1].map(y, y) + [y]"), "unknown variable \"y\" (no variables are set here)");
}

TEST(ExpressionTest, ReferencesListStaticPaths) {
  absl::StatusOr<Expression> e = Expression::Parse(
      "steps.copy.output.text + steps['measure'].output[\"cpc\"] + params[item].x");
  ASSERT_TRUE(e.ok()) << e.status();
  const std::vector<Reference>& refs = e->references();
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_THAT(refs[0].path, ElementsAre("steps", "copy", "output", "text"));
  EXPECT_EQ(refs[0].offset, 0u);
  EXPECT_THAT(refs[1].path, ElementsAre("steps", "measure", "output", "cpc"));
  EXPECT_EQ(refs[1].offset, 25u);
  EXPECT_THAT(refs[2].path, ElementsAre("params"));
  EXPECT_EQ(refs[2].offset, 58u);
  EXPECT_THAT(refs[3].path, ElementsAre("item"));
  EXPECT_EQ(refs[3].offset, 65u);
}

TEST(ExpressionTest, ReferencesSkipMacroVariablesAndStopAtCalls) {
  absl::StatusOr<Expression> e = Expression::Parse(
      "params.library.filter(p, steps.measure.outputs[p.id].ctr >= params.min_ctr)"
      ".size() > size(steps.copy.output.text) && has(params.flag)");
  ASSERT_TRUE(e.ok()) << e.status();
  std::vector<std::vector<std::string>> paths;
  for (const Reference& ref : e->references()) paths.push_back(ref.path);
  EXPECT_THAT(paths, ElementsAre(ElementsAre("params", "library"),
                                 ElementsAre("steps", "measure", "outputs"),
                                 ElementsAre("params", "min_ctr"),
                                 ElementsAre("steps", "copy", "output", "text"),
                                 ElementsAre("params", "flag")));
}

TEST(ExpressionTest, ReferencesStopAtIntIndexesAndKeepOrder) {
  absl::StatusOr<Expression> e = Expression::Parse("x ? steps.a.output.items[0].name : y.z");
  ASSERT_TRUE(e.ok()) << e.status();
  const std::vector<Reference>& refs = e->references();
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_THAT(refs[0].path, ElementsAre("x"));
  EXPECT_THAT(refs[1].path, ElementsAre("steps", "a", "output", "items"));
  EXPECT_EQ(refs[1].offset, 4u);
  EXPECT_THAT(refs[2].path, ElementsAre("y", "z"));
  EXPECT_EQ(refs[2].offset, 35u);
  EXPECT_TRUE(Expression::Parse("[1].map(x, x + 1)")->references().empty());
}

TEST(ExpressionTest, SourceIsKept) {
  absl::StatusOr<Expression> e = Expression::Parse(" a + 1 ");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->source(), " a + 1 ");
}

TEST(ExpressionTest, EvaluatesConcurrently) {
  absl::StatusOr<Expression> e = Expression::Parse(
      "steps.measure.output.cpc > params.max_cpc && params.networks.exists(n, n == item)");
  ASSERT_TRUE(e.ok());
  const Activation vars = CampaignVars();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) ASSERT_EQ(e->Evaluate(vars), Value::Bool(true));
    });
  }
  for (std::thread& thread : threads) thread.join();
}

TEST(ExpressionTest, CopiesOfAnExpressionShareTheParse) {
  absl::StatusOr<Expression> e = Expression::Parse("1 + 1");
  ASSERT_TRUE(e.ok());
  const Expression copy = *e;
  EXPECT_EQ(&copy.source(), &e->source());
  EXPECT_EQ(copy.Evaluate(Activation()), Value::Int(2));
}

}  // namespace
}  // namespace fanfare::expr
