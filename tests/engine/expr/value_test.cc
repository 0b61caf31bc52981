#include "engine/expr/value.h"

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace fanfare::expr {
namespace {

TEST(ValueTest, KindsAndAccessors) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value::Null().is_null());
  EXPECT_TRUE(Value::Bool(true).bool_value());
  EXPECT_EQ(Value::Int(-7).int_value(), -7);
  EXPECT_EQ(Value::Double(2.5).double_value(), 2.5);
  EXPECT_EQ(Value::String("hi").string_value(), "hi");
  EXPECT_EQ(Value::MakeList({Value::Int(1)}).list().size(), 1u);
  EXPECT_EQ(Value::MakeMap({{"a", Value::Int(1)}}).map().size(), 1u);
  const absl::Time t = absl::FromUnixSeconds(1000);
  EXPECT_EQ(Value::Timestamp(t).timestamp_value(), t);
  EXPECT_EQ(Value::Duration(absl::Hours(2)).duration_value(), absl::Hours(2));
  EXPECT_EQ(Value::Error("boom").error_message(), "boom");

  EXPECT_TRUE(Value::Int(1).is_number());
  EXPECT_TRUE(Value::Double(1).is_number());
  EXPECT_FALSE(Value::String("1").is_number());
  EXPECT_EQ(Value::Int(3).number_value(), 3.0);
  EXPECT_EQ(Value::Double(3.5).number_value(), 3.5);
}

TEST(ValueTest, KindNames) {
  EXPECT_EQ(Value().kind_name(), "null");
  EXPECT_EQ(Value::Bool(false).kind_name(), "bool");
  EXPECT_EQ(Value::Int(0).kind_name(), "int");
  EXPECT_EQ(Value::Double(0).kind_name(), "double");
  EXPECT_EQ(Value::String("").kind_name(), "string");
  EXPECT_EQ(Value::MakeList({}).kind_name(), "list");
  EXPECT_EQ(Value::MakeMap({}).kind_name(), "map");
  EXPECT_EQ(Value::Timestamp(absl::UnixEpoch()).kind_name(), "timestamp");
  EXPECT_EQ(Value::Duration(absl::ZeroDuration()).kind_name(), "duration");
  EXPECT_EQ(Value::Error("x").kind_name(), "error");
}

TEST(ValueTest, FindLooksUpMapKeysOnly) {
  const Value map = Value::MakeMap({{"cpc", Value::Double(1.7)}, {"clicks", Value::Int(42)}});
  ASSERT_NE(map.Find("cpc"), nullptr);
  EXPECT_EQ(map.Find("cpc")->double_value(), 1.7);
  EXPECT_EQ(map.Find("ctr"), nullptr);
  EXPECT_EQ(Value::String("cpc").Find("cpc"), nullptr);
  EXPECT_EQ(Value::MakeList({Value::String("cpc")}).Find("cpc"), nullptr);
}

TEST(ValueTest, CopiesShareStorage) {
  const Value list = Value::MakeList({Value::String("a"), Value::String("b")});
  const Value copy = list;
  EXPECT_EQ(&copy.list(), &list.list());
  const Value s = Value::String("text");
  const Value s2 = s;
  EXPECT_EQ(&s.string_value(), &s2.string_value());
}

TEST(ValueTest, EqualityIsStructural) {
  EXPECT_EQ(Value(), Value::Null());
  EXPECT_EQ(Value::Int(1), Value::Double(1.0));
  EXPECT_EQ(Value::Double(1.0), Value::Int(1));
  EXPECT_NE(Value::Int(1), Value::Double(1.5));
  EXPECT_NE(Value::Int(1), Value::String("1"));
  EXPECT_NE(Value::Bool(true), Value::Int(1));
  EXPECT_NE(Value::Null(), Value::Bool(false));
  EXPECT_EQ(Value::MakeList({Value::Int(1), Value::String("a")}),
            Value::MakeList({Value::Double(1), Value::String("a")}));
  EXPECT_NE(Value::MakeList({Value::Int(1)}), Value::MakeList({Value::Int(1), Value::Int(2)}));
  EXPECT_EQ(Value::MakeMap({{"a", Value::Int(1)}}), Value::MakeMap({{"a", Value::Int(1)}}));
  EXPECT_NE(Value::MakeMap({{"a", Value::Int(1)}}), Value::MakeMap({{"b", Value::Int(1)}}));
  EXPECT_NE(Value::MakeMap({{"a", Value::Int(1)}}), Value::MakeMap({{"a", Value::Int(2)}}));
  EXPECT_EQ(Value::Timestamp(absl::FromUnixSeconds(5)), Value::Timestamp(absl::FromUnixSeconds(5)));
  EXPECT_EQ(Value::Duration(absl::Minutes(60)), Value::Duration(absl::Hours(1)));
  EXPECT_NE(Value::Duration(absl::Seconds(1)), Value::Int(1));
}

TEST(ValueTest, ErrorsEqualNothing) {
  const Value error = Value::Error("x");
  EXPECT_NE(error, error);
  EXPECT_NE(error, Value::Error("x"));
  EXPECT_NE(Value::MakeList({error}), Value::MakeList({error}));
}

TEST(ValueTest, NumbersCompareExactlyAcrossIntAndDouble) {
  // 2^53 + 1 is not representable as a double; the int must not be rounded to compare.
  const int64_t big = (int64_t{1} << 53) + 1;
  EXPECT_NE(Value::Int(big), Value::Double(static_cast<double>(big)));
  EXPECT_EQ(Value::Int(int64_t{1} << 53), Value::Double(9007199254740992.0));
  EXPECT_NE(Value::Int(std::numeric_limits<int64_t>::max()), Value::Double(9223372036854775808.0));
  EXPECT_NE(Value::Double(std::nan("")), Value::Double(std::nan("")));
  EXPECT_NE(Value::Int(0), Value::Double(std::nan("")));
}

TEST(ValueTest, DebugStringIsJsonLike) {
  const Value v = Value::MakeMap({
      {"cpc", Value::Double(1.7)},
      {"tags", Value::MakeList({Value::String("a"), Value::Null(), Value::Bool(true)})},
      {"n", Value::Int(-3)},
  });
  EXPECT_EQ(v.DebugString(), R"({"cpc": 1.7, "n": -3, "tags": ["a", null, true]})");
  EXPECT_EQ(Value::String("say \"hi\"\n").DebugString(), R"("say \"hi\"\n")");
  EXPECT_EQ(Value::Error("boom").DebugString(), "<error: boom>");
  EXPECT_EQ(Value::MakeList({}).DebugString(), "[]");
  EXPECT_EQ(Value::MakeMap({}).DebugString(), "{}");
}

TEST(ValueTest, DoublesRenderShortestRoundTrip) {
  EXPECT_EQ(Value::Double(2.0).DebugString(), "2");
  EXPECT_EQ(Value::Double(0.1).DebugString(), "0.1");
  EXPECT_EQ(Value::Double(0.1 + 0.2).DebugString(), "0.30000000000000004");
  EXPECT_EQ(Value::Double(1e21).DebugString(), "1e+21");
  EXPECT_EQ(Value::Double(-1.5).DebugString(), "-1.5");
  EXPECT_EQ(Value::Double(std::nan("")).DebugString(), "NaN");
  EXPECT_EQ(Value::Double(INFINITY).DebugString(), "Infinity");
  EXPECT_EQ(Value::Double(-INFINITY).DebugString(), "-Infinity");
}

TEST(ValueTest, TimesRenderAsRfc3339AndDurationsAsFanfareDurations) {
  const absl::Time t = absl::FromUnixSeconds(1796115600);  // 2026-12-01T09:00:00Z
  EXPECT_EQ(Value::Timestamp(t).DebugString(), "2026-12-01T09:00:00Z");
  EXPECT_EQ(Value::Timestamp(t + absl::Milliseconds(250)).DebugString(),
            "2026-12-01T09:00:00.25Z");
  EXPECT_EQ(Value::Duration(absl::Minutes(90)).DebugString(), "1h30m");
  EXPECT_EQ(Value::Duration(-absl::Seconds(5)).DebugString(), "-5s");
  EXPECT_EQ(Value::Duration(absl::InfiniteDuration()).DebugString(), "inf");
}

TEST(ValueTest, ToTextLeavesStringsUnquoted) {
  EXPECT_EQ(Value::String("plain \"text\"").ToText(), "plain \"text\"");
  EXPECT_EQ(Value::Int(42).ToText(), "42");
  EXPECT_EQ(Value::Null().ToText(), "null");
  EXPECT_EQ(Value::MakeList({Value::String("a")}).ToText(), R"(["a"])");
}

TEST(ValueTest, DeepValuesRenderAndCompareWithoutOverflowingTheStack) {
  Value deep = Value::Int(1);
  for (int i = 0; i < 5000; ++i) deep = Value::MakeList({deep});
  const std::string text = deep.DebugString();
  EXPECT_NE(text.find("..."), std::string::npos);
  Value other = Value::Int(1);
  for (int i = 0; i < 5000; ++i) other = Value::MakeList({other});
  EXPECT_TRUE(deep == deep);    // same storage
  EXPECT_FALSE(deep == other);  // too deep to look inside
  // Tear down iteratively-built values without recursion trouble at this depth.
}

TEST(ValueTest, AssigningAPartOfItselfIsSafe) {
  Value v = Value::MakeList({Value::MakeMap({{"k", Value::String("leaf")}})});
  v = v.list()[0];
  EXPECT_TRUE(v.is_map());
  v = *v.Find("k");
  EXPECT_EQ(v.string_value(), "leaf");
  Value w = Value::MakeList({Value::Error("inner")});
  w = w.list()[0];  // a different kind: the list is released only after the copy
  EXPECT_EQ(w.error_message(), "inner");
}

TEST(ValueTest, MovedFromValuesAreNull) {
  Value a = Value::String("text");
  Value b = std::move(a);
  EXPECT_TRUE(a.is_null());  // NOLINT(bugprone-use-after-move): the documented state
  EXPECT_EQ(b.string_value(), "text");
  Value c;
  c = std::move(b);
  EXPECT_TRUE(b.is_null());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.string_value(), "text");
}

TEST(ValueTest, ConcurrentReadsAreSafe) {
  const Value shared = Value::MakeMap({{"a", Value::MakeList({Value::String("x")})}});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([shared] {
      for (int i = 0; i < 1000; ++i) {
        Value copy = shared;
        ASSERT_EQ(copy.Find("a")->list()[0].string_value(), "x");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace
}  // namespace fanfare::expr
