#include "engine/expr/proto_value.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/engine/expr/test_util.h"

namespace fanfare::expr {
namespace {

using ::fanfare::expr::testing::LaunchTime;
using ::fanfare::expr::testing::List;
using ::fanfare::expr::testing::Map;
using ::fanfare::expr::testing::Str;

google::protobuf::Value Number(double d) {
  google::protobuf::Value v;
  v.set_number_value(d);
  return v;
}

TEST(ProtoValueTest, FromProtoScalars) {
  google::protobuf::Value v;
  EXPECT_TRUE(FromProto(v).is_null());  // kind not set
  v.set_null_value(google::protobuf::NULL_VALUE);
  EXPECT_TRUE(FromProto(v).is_null());
  v.set_bool_value(true);
  EXPECT_EQ(FromProto(v), Value::Bool(true));
  v.set_string_value("hi");
  EXPECT_EQ(FromProto(v), Str("hi"));
}

TEST(ProtoValueTest, IntegralNumbersWithin2To53BecomeInts) {
  EXPECT_TRUE(FromProto(Number(42)).is_int());
  EXPECT_EQ(FromProto(Number(42)).int_value(), 42);
  EXPECT_TRUE(FromProto(Number(-7)).is_int());
  EXPECT_TRUE(FromProto(Number(0)).is_int());
  EXPECT_TRUE(FromProto(Number(9007199254740992.0)).is_int());
  EXPECT_TRUE(FromProto(Number(-9007199254740992.0)).is_int());
  EXPECT_TRUE(FromProto(Number(9007199254740994.0)).is_double());
  EXPECT_TRUE(FromProto(Number(1.5)).is_double());
  EXPECT_TRUE(FromProto(Number(1e300)).is_double());
  EXPECT_TRUE(FromProto(Number(NAN)).is_double());
  EXPECT_TRUE(FromProto(Number(INFINITY)).is_double());
}

TEST(ProtoValueTest, FromProtoStructAndList) {
  google::protobuf::Struct s;
  (*s.mutable_fields())["clicks"].set_number_value(40);
  auto* tags = (*s.mutable_fields())["tags"].mutable_list_value();
  tags->add_values()->set_string_value("a");
  tags->add_values()->mutable_struct_value();
  EXPECT_EQ(FromProto(s), Map({{"clicks", Value::Int(40)},
                               {"tags", List({Str("a"), Map({})})}}));
  EXPECT_EQ(FromProto(*tags), List({Str("a"), Map({})}));
}

TEST(ProtoValueTest, ToProtoConvertsEveryKind) {
  const Value value = Map({
      {"null", Value::Null()},
      {"bool", Value::Bool(true)},
      {"int", Value::Int(3)},
      {"double", Value::Double(2.5)},
      {"string", Str("s")},
      {"list", List({Value::Int(1)})},
      {"at", Value::Timestamp(LaunchTime())},
      {"wait", Value::Duration(absl::Minutes(90))},
  });
  absl::StatusOr<google::protobuf::Struct> s = ToProtoStruct(value);
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& f = s->fields();
  EXPECT_EQ(f.at("null").kind_case(), google::protobuf::Value::kNullValue);
  EXPECT_TRUE(f.at("bool").bool_value());
  EXPECT_EQ(f.at("int").number_value(), 3.0);
  EXPECT_EQ(f.at("double").number_value(), 2.5);
  EXPECT_EQ(f.at("string").string_value(), "s");
  EXPECT_EQ(f.at("list").list_value().values(0).number_value(), 1.0);
  EXPECT_EQ(f.at("at").string_value(), "2026-12-01T09:00:00Z");
  EXPECT_EQ(f.at("wait").string_value(), "1h30m");
}

TEST(ProtoValueTest, RoundTripsPreserveValues) {
  const Value value = Map({
      {"n", Value::Int(-12)},
      {"d", Value::Double(0.25)},
      {"nested", Map({{"xs", List({Str("a"), Value::Null(), Value::Bool(false)})}})},
      {"empty", List({})},
  });
  absl::StatusOr<google::protobuf::Value> proto = ToProto(value);
  ASSERT_TRUE(proto.ok()) << proto.status();
  EXPECT_EQ(FromProto(*proto), value);
  EXPECT_TRUE(FromProto(*proto).Find("n")->is_int());
  // Through serialization too.
  google::protobuf::Value parsed;
  ASSERT_TRUE(parsed.ParseFromString(proto->SerializeAsString()));
  EXPECT_EQ(FromProto(parsed), value);
}

TEST(ProtoValueTest, TimesComeBackAsStringsThatConvertBack) {
  absl::StatusOr<google::protobuf::Value> proto = ToProto(Value::Timestamp(LaunchTime()));
  ASSERT_TRUE(proto.ok());
  const Value back = FromProto(*proto);
  ASSERT_TRUE(back.is_string());
  Activation vars;
  vars.Set("at", back);
  EXPECT_EQ(testing::Eval("timestamp(at)", vars), Value::Timestamp(LaunchTime()));
}

TEST(ProtoValueTest, ErrorsNameTheirPath) {
  const Value value = Map({{"items", List({Value::Int(0), Value::Int(1),
                                           Value::Error("division by zero")})}});
  absl::StatusOr<google::protobuf::Value> proto = ToProto(value);
  ASSERT_FALSE(proto.ok());
  EXPECT_EQ(proto.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(proto.status().message(), "items[2] is an error: division by zero");

  const Value nested = Map({{"a", Map({{"b", Value::Error("boom")}})}});
  EXPECT_EQ(ToProtoStruct(nested).status().message(), "a.b is an error: boom");
  EXPECT_EQ(ToProto(Value::Error("boom")).status().message(), "the value is an error: boom");
}

TEST(ProtoValueTest, ToProtoStructNeedsAMap) {
  absl::StatusOr<google::protobuf::Struct> s = ToProtoStruct(List({}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(), "expected a map, got a list");
}

TEST(ProtoValueTest, DeepNestingIsAnErrorNotACrash) {
  Value deep = Value::Int(1);
  for (int i = 0; i < 1000; ++i) deep = List({deep});
  EXPECT_FALSE(ToProto(deep).ok());
  google::protobuf::Value proto;
  google::protobuf::Value* cursor = &proto;
  for (int i = 0; i < 1000; ++i) cursor = cursor->mutable_list_value()->add_values();
  Value back = FromProto(proto);
  for (int i = 0; i < 300 && back.is_list(); ++i) back = back.list()[0];
  EXPECT_TRUE(back.is_error());
}

TEST(ProtoValueTest, NonFiniteNumbersAreErrorsNotStoredValues) {
  // JSON has no Infinity or NaN: a stored value holding one could never be read back out.
  const Value infinite = Value::Double(std::numeric_limits<double>::infinity());
  absl::StatusOr<google::protobuf::Struct> s = ToProtoStruct(Value::MakeMap({{"bid", infinite}}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "bid is not a finite number (Infinity)");
  EXPECT_FALSE(ToProto(Value::Double(std::nan(""))).ok());
  EXPECT_TRUE(ToProto(Value::Double(1e300)).ok());
}

}  // namespace
}  // namespace fanfare::expr
