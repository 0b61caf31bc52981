// ItemKey: how for_each instances are named.
#include "engine/definition/item_key.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace fanfare::definition {
namespace {

using expr::Value;

TEST(ItemKeyTest, StringsAndIntegersAreTheirOwnKey) {
  EXPECT_EQ(ItemKey(Value::String("facebook"), 3), "facebook");
  EXPECT_EQ(ItemKey(Value::String(""), 3), "");
  EXPECT_EQ(ItemKey(Value::Int(42), 0), "42");
  EXPECT_EQ(ItemKey(Value::Int(-7), 0), "-7");
  // A whole double reads as the integer.
  EXPECT_EQ(ItemKey(Value::Double(5.0), 0), "5");
}

TEST(ItemKeyTest, MapsUseTheirStringId) {
  EXPECT_EQ(ItemKey(Value::MakeMap({{"id", Value::String("spring")}, {"n", Value::Int(1)}}), 2),
            "spring");
  // An id that is not a string does not count.
  EXPECT_EQ(ItemKey(Value::MakeMap({{"id", Value::Int(9)}}), 2), "2");
  EXPECT_EQ(ItemKey(Value::MakeMap({{"name", Value::String("x")}}), 4), "4");
}

TEST(ItemKeyTest, EverythingElseIsItsIndex) {
  EXPECT_EQ(ItemKey(Value::Double(2.5), 1), "1");
  EXPECT_EQ(ItemKey(Value::Bool(true), 6), "6");
  EXPECT_EQ(ItemKey(Value::Null(), 0), "0");
  EXPECT_EQ(ItemKey(Value::MakeList({Value::Int(1)}), 3), "3");
}

TEST(ItemKeyTest, DoublesOutsideTheIntegerRangeAreIndexedNotConverted) {
  EXPECT_EQ(ItemKey(Value::Double(1e300), 1), "1");
  EXPECT_EQ(ItemKey(Value::Double(-1e19), 2), "2");
  EXPECT_EQ(ItemKey(Value::Double(std::numeric_limits<double>::infinity()), 3), "3");
  EXPECT_EQ(ItemKey(Value::Double(std::nan("")), 4), "4");
}

}  // namespace
}  // namespace fanfare::definition
