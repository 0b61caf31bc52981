// The built-in functions, one test each.
#include <cstdint>
#include <limits>

#include "gtest/gtest.h"
#include "tests/engine/expr/test_util.h"

namespace fanfare::expr {
namespace {

using ::fanfare::expr::testing::Eval;
using ::fanfare::expr::testing::EvalError;
using ::fanfare::expr::testing::LaunchTime;
using ::fanfare::expr::testing::List;
using ::fanfare::expr::testing::Map;
using ::fanfare::expr::testing::Str;

TEST(FunctionsTest, Size) {
  EXPECT_EQ(Eval("size('hello')"), Value::Int(5));
  EXPECT_EQ(Eval("'hello'.size()"), Value::Int(5));
  EXPECT_EQ(Eval("size('caf\xC3\xA9')"), Value::Int(4));  // characters, not bytes
  EXPECT_EQ(Eval("size('')"), Value::Int(0));
  EXPECT_EQ(Eval("[1, 2, 3].size()"), Value::Int(3));
  EXPECT_EQ(Eval("size({'a': 1})"), Value::Int(1));
  EXPECT_EQ(EvalError("size(5)"), "size() needs a string, list or map, not an int");
  EXPECT_EQ(EvalError("size(null)"), "size() needs a string, list or map, not null");
}

TEST(FunctionsTest, Now) {
  Activation vars;
  vars.set_now(LaunchTime());
  EXPECT_EQ(Eval("now()", vars), Value::Timestamp(LaunchTime()));
  EXPECT_EQ(Eval("now()"), Value::Timestamp(absl::UnixEpoch()));
}

TEST(FunctionsTest, Duration) {
  EXPECT_EQ(Eval("duration('6h')"), Value::Duration(absl::Hours(6)));
  EXPECT_EQ(Eval("duration('1h30m')"), Value::Duration(absl::Minutes(90)));
  EXPECT_EQ(Eval("duration('-15m')"), Value::Duration(absl::Minutes(-15)));
  EXPECT_EQ(Eval("duration(duration('2d'))"), Value::Duration(absl::Hours(48)));
  Activation vars;
  vars.Set("wait", Str("6x"));
  EXPECT_EQ(EvalError("duration(wait)", vars),
            "invalid duration \"6x\": expected a unit (d, h, m, s or ms) after the number; "
            "write e.g. 90s, 15m, 6h, 2d or 1h30m");
  EXPECT_EQ(EvalError("duration(6)"), "duration() needs a string such as \"6h\", not an int");
}

TEST(FunctionsTest, Timestamp) {
  EXPECT_EQ(Eval("timestamp('2026-12-01T09:00:00Z')"), Value::Timestamp(LaunchTime()));
  EXPECT_EQ(Eval("timestamp('2026-12-01T10:00:00+01:00')"), Value::Timestamp(LaunchTime()));
  EXPECT_EQ(Eval("timestamp('2026-12-01T09:00:00.5Z')"),
            Value::Timestamp(LaunchTime() + absl::Milliseconds(500)));
  EXPECT_EQ(Eval("timestamp(1796115600)"), Value::Timestamp(LaunchTime()));
  EXPECT_EQ(Eval("timestamp(timestamp('2026-12-01T09:00:00Z'))"), Value::Timestamp(LaunchTime()));
  Activation vars;
  vars.Set("at", Str("2026-12-01 09:00"));
  EXPECT_EQ(EvalError("timestamp(at)", vars),
            "invalid timestamp \"2026-12-01 09:00\": write RFC 3339 such as "
            "\"2026-12-01T09:00:00Z\" or \"2026-12-01T09:00:00+01:00\"");
  EXPECT_EQ(EvalError("timestamp(true)"),
            "timestamp() needs an RFC 3339 string or Unix seconds, not a bool");
  EXPECT_EQ(EvalError("timestamp(-99999999999999)"),
            "timestamp -99999999999999 is out of range (years 1 to 9999)");
}

TEST(FunctionsTest, Int) {
  EXPECT_EQ(Eval("int(3)"), Value::Int(3));
  EXPECT_EQ(Eval("int(3.9)"), Value::Int(3));
  EXPECT_EQ(Eval("int(-3.9)"), Value::Int(-3));
  EXPECT_EQ(Eval("int('42')"), Value::Int(42));
  EXPECT_EQ(Eval("int('-7')"), Value::Int(-7));
  EXPECT_EQ(Eval("int(timestamp('2026-12-01T09:00:00Z'))"), Value::Int(1796115600));
  EXPECT_EQ(Eval("int(duration('1m30s'))"), Value::Int(90));
  EXPECT_EQ(EvalError("int('4.5')"), "int() cannot read \"4.5\" as an int");
  EXPECT_EQ(EvalError("int('99999999999999999999')"),
            "int() cannot read \"99999999999999999999\" as an int");
  EXPECT_EQ(EvalError("int(1e19)"), "int(1e+19) does not fit in an int");
  EXPECT_EQ(EvalError("int(true)"),
            "int() needs a number, string, timestamp or duration, not a bool");
}

TEST(FunctionsTest, Double) {
  EXPECT_EQ(Eval("double(3)"), Value::Double(3.0));
  EXPECT_TRUE(Eval("double(3)").is_double());
  EXPECT_EQ(Eval("double(2.5)"), Value::Double(2.5));
  EXPECT_EQ(Eval("double('2.5')"), Value::Double(2.5));
  EXPECT_EQ(Eval("double(duration('1m30s'))"), Value::Double(90.0));
  EXPECT_EQ(EvalError("double('abc')"), "double() cannot read \"abc\" as a number");
  EXPECT_EQ(EvalError("double('nan')"), "double() cannot read \"nan\" as a number");
  EXPECT_EQ(EvalError("double([])"), "double() needs a number, string or duration, not a list");
}

TEST(FunctionsTest, String) {
  EXPECT_EQ(Eval("string('s')"), Str("s"));
  EXPECT_EQ(Eval("string(42)"), Str("42"));
  EXPECT_EQ(Eval("string(2.0)"), Str("2"));
  EXPECT_EQ(Eval("string(0.25)"), Str("0.25"));
  EXPECT_EQ(Eval("string(true)"), Str("true"));
  EXPECT_EQ(Eval("string(null)"), Str("null"));
  EXPECT_EQ(Eval("string(duration('90m'))"), Str("1h30m"));
  EXPECT_EQ(Eval("string(timestamp('2026-12-01T10:00:00+01:00'))"), Str("2026-12-01T09:00:00Z"));
  EXPECT_EQ(Eval("string(['a', 1])"), Str("[\"a\", 1]"));
  EXPECT_EQ(Eval("string({'k': 'v'})"), Str("{\"k\": \"v\"}"));
  EXPECT_EQ(Eval("'n=' + string(3)"), Str("n=3"));
}

TEST(FunctionsTest, MinAndMax) {
  EXPECT_EQ(Eval("min(3, 1, 2)"), Value::Int(1));
  EXPECT_EQ(Eval("max(3, 1, 2)"), Value::Int(3));
  EXPECT_EQ(Eval("min(5)"), Value::Int(5));
  EXPECT_EQ(Eval("min(2, 1.5)"), Value::Double(1.5));
  EXPECT_TRUE(Eval("max(2, 1.5)").is_int());  // the winner keeps its kind
  EXPECT_EQ(Eval("max([4, 9, 2])"), Value::Int(9));
  EXPECT_EQ(Eval("min(['b', 'a', 'c'])"), Str("a"));
  EXPECT_EQ(Eval("max(duration('1h'), duration('2h'))"), Value::Duration(absl::Hours(2)));
  EXPECT_EQ(EvalError("min([])"), "min() of an empty list");
  EXPECT_EQ(EvalError("max(1, 'a')"), "max() cannot compare string and int");
  EXPECT_EQ(EvalError("max([1], [2])"), "max() cannot compare list and list");
}

TEST(FunctionsTest, Abs) {
  EXPECT_EQ(Eval("abs(-3)"), Value::Int(3));
  EXPECT_EQ(Eval("abs(3)"), Value::Int(3));
  EXPECT_EQ(Eval("abs(-2.5)"), Value::Double(2.5));
  EXPECT_EQ(Eval("abs(-duration('1h'))"), Value::Duration(absl::Hours(1)));
  EXPECT_EQ(EvalError("abs(-9223372036854775808)"),
            "integer overflow: abs(-9223372036854775808) does not fit in an int");
  EXPECT_EQ(EvalError("abs('x')"), "abs() needs a number or a duration, not a string");
}

TEST(FunctionsTest, Round) {
  EXPECT_EQ(Eval("round(2.5)"), Value::Int(3));
  EXPECT_EQ(Eval("round(-2.5)"), Value::Int(-3));  // half away from zero
  EXPECT_EQ(Eval("round(2.4)"), Value::Int(2));
  EXPECT_EQ(Eval("round(7)"), Value::Int(7));
  EXPECT_TRUE(Eval("round(2.5)").is_int());
  EXPECT_EQ(Eval("round(1.23456, 2)"), Value::Double(1.23));
  EXPECT_EQ(Eval("round(0.1 + 0.2, 2)"), Value::Double(0.3));
  EXPECT_EQ(Eval("round(5, 2)"), Value::Double(5.0));
  EXPECT_EQ(Eval("round(1e300, 2)"), Value::Double(1e300));
  EXPECT_EQ(EvalError("round(1e300)"), "round(1e+300) does not fit in an int");
  EXPECT_EQ(EvalError("round(1.5, 16)"), "round(x, digits) needs digits to be an int from 0 to 15");
  EXPECT_EQ(EvalError("round('1')"), "round() needs a number, not a string");
}

TEST(FunctionsTest, StringTests) {
  EXPECT_EQ(Eval("'hello world'.contains('o w')"), Value::Bool(true));
  EXPECT_EQ(Eval("'hello'.contains('')"), Value::Bool(true));
  EXPECT_EQ(Eval("'hello'.contains('z')"), Value::Bool(false));
  EXPECT_EQ(Eval("'hello'.startsWith('he')"), Value::Bool(true));
  EXPECT_EQ(Eval("'hello'.startsWith('lo')"), Value::Bool(false));
  EXPECT_EQ(Eval("'hello'.endsWith('lo')"), Value::Bool(true));
  EXPECT_EQ(Eval("'hello'.endsWith('he')"), Value::Bool(false));
  EXPECT_EQ(EvalError("['a'].contains('a')"), "contains() is for strings; for a list write "
                                              "`x in list`");
  EXPECT_EQ(EvalError("'a'.startsWith(1)"), "startsWith() needs a string to search for, not an int");
  EXPECT_EQ(EvalError("1.endsWith('a')"), "endsWith() needs a string to search in, not an int");
}

TEST(FunctionsTest, LowerAndUpper) {
  EXPECT_EQ(Eval("'Hello'.lower()"), Str("hello"));
  EXPECT_EQ(Eval("'Hello'.upper()"), Str("HELLO"));
  EXPECT_EQ(Eval("'caf\xC3\xA9'.upper()"), Str("CAF\xC3\xA9"));  // ASCII only
  EXPECT_EQ(EvalError("1.lower()"), "lower() needs a string, not an int");
}

TEST(FunctionsTest, Join) {
  EXPECT_EQ(Eval("['a', 'b', 'c'].join(', ')"), Str("a, b, c"));
  EXPECT_EQ(Eval("['a', 'b'].join()"), Str("ab"));
  EXPECT_EQ(Eval("[].join('-')"), Str(""));
  EXPECT_EQ(Eval("[1, 2].map(x, string(x)).join('+')"), Str("1+2"));
  EXPECT_EQ(EvalError("['a', 2].join(',')"),
            "join() needs a list of strings, but item 1 is an int; convert with "
            "list.map(x, string(x)).join()");
  EXPECT_EQ(EvalError("'ab'.join(',')"), "join() needs a list of strings, not a string");
  EXPECT_EQ(EvalError("['a'].join(1)"), "join() needs a string separator, not an int");
}

TEST(FunctionsTest, TimestampParts) {
  Activation vars;
  vars.set_now(LaunchTime());  // Tuesday 2026-12-01 09:00:00 UTC
  EXPECT_EQ(Eval("now().year()", vars), Value::Int(2026));
  EXPECT_EQ(Eval("now().month()", vars), Value::Int(12));
  EXPECT_EQ(Eval("now().day()", vars), Value::Int(1));
  EXPECT_EQ(Eval("now().hour()", vars), Value::Int(9));
  EXPECT_EQ(Eval("(now() + duration('1m30s')).minute()", vars), Value::Int(1));
  EXPECT_EQ(Eval("(now() + duration('1m30s')).second()", vars), Value::Int(30));
  EXPECT_EQ(Eval("now().dayOfWeek()", vars), Value::Int(2));
  EXPECT_EQ(Eval("now().hour('America/New_York')", vars), Value::Int(4));
  EXPECT_EQ(Eval("(now() - duration('10h')).dayOfWeek('Asia/Tokyo')", vars), Value::Int(2));
  EXPECT_EQ(Eval("(now() - duration('10h')).dayOfWeek()", vars), Value::Int(1));
  EXPECT_EQ(EvalError("now().hour('Mars/Base')", vars),
            "unknown time zone \"Mars/Base\": use an IANA name such as \"America/New_York\"");
  EXPECT_EQ(EvalError("'2026-12-01T09:00:00Z'.hour()"),
            "hour() needs a timestamp (convert a string with timestamp(s)), not a string");
}

TEST(FunctionsTest, CommunityTextSignals) {
  Activation vars;
  vars.Set("item", Map({{"text", Str("@acme_x THIS BRAND IS A SCAM AND YOU ARE ALL IDIOTS")}}));
  EXPECT_EQ(Eval("item.text.isAllCaps()", vars), Value::Bool(true));
  EXPECT_EQ(Eval("sentiment(item.text) < -0.75", vars), Value::Bool(true));
  EXPECT_EQ(Eval("item.text.sentiment() == sentiment(item.text)", vars), Value::Bool(true));
  EXPECT_EQ(Eval("item.text.containsAny(['scam', 'fraud'])", vars), Value::Bool(true));
  EXPECT_EQ(Eval("item.text.containsAny('fraud')", vars), Value::Bool(false));
  EXPECT_EQ(Eval("item.text.hasLink() || item.text.isLinkOnly()", vars), Value::Bool(false));
  EXPECT_EQ(Eval("'https://spam.example'.isLinkOnly()"), Value::Bool(true));
  EXPECT_EQ(Eval("sentiment('How much is shipping?')"), Value::Double(0));
  EXPECT_EQ(EvalError("sentiment(3)"), "sentiment() needs a string, not an int");
  EXPECT_EQ(EvalError("'x'.containsAny([1])"),
            "containsAny() needs a list of strings, but item 0 is an int");
  EXPECT_EQ(EvalError("'x'.containsAny(3)"), "containsAny() needs a list of keywords, not an int");
}

// A keyword search costs the text's length times the keywords': a big text with big keywords
// runs out of budget instead of holding the engine thread.
TEST(FunctionsTest, ContainsAnyIsChargedForItsWork) {
  Activation vars;
  vars.Set("text", Str(std::string(500'000, 'a')));
  vars.Set("keywords", List({Str(std::string(5'000, 'a') + "b")}));
  EXPECT_NE(EvalError("text.containsAny(keywords)", vars).find("too much work"), std::string::npos);
}

}  // namespace
}  // namespace fanfare::expr
