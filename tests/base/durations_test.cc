#include "base/durations.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare {
namespace {

using ::testing::HasSubstr;

absl::Duration Parsed(absl::string_view text) {
  absl::StatusOr<absl::Duration> d = ParseDuration(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status();
  return d.ok() ? *d : absl::InfiniteDuration();
}

std::string ErrorOf(absl::string_view text) {
  absl::StatusOr<absl::Duration> d = ParseDuration(text);
  if (d.ok()) return "<parsed>";
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(d.status().message());
}

TEST(ParseDurationTest, SingleUnits) {
  EXPECT_EQ(Parsed("90s"), absl::Seconds(90));
  EXPECT_EQ(Parsed("15m"), absl::Minutes(15));
  EXPECT_EQ(Parsed("6h"), absl::Hours(6));
  EXPECT_EQ(Parsed("2d"), absl::Hours(48));
  EXPECT_EQ(Parsed("500ms"), absl::Milliseconds(500));
  EXPECT_EQ(Parsed("0s"), absl::ZeroDuration());
  EXPECT_EQ(Parsed("0"), absl::ZeroDuration());
}

TEST(ParseDurationTest, CombinedUnitsAndSign) {
  EXPECT_EQ(Parsed("1h30m"), absl::Minutes(90));
  EXPECT_EQ(Parsed("1d2h3m4s5ms"), absl::Hours(26) + absl::Minutes(3) + absl::Seconds(4) +
                                       absl::Milliseconds(5));
  EXPECT_EQ(Parsed("-15m"), absl::Minutes(-15));
  EXPECT_EQ(Parsed("-0"), absl::ZeroDuration());
  EXPECT_EQ(Parsed("  6h "), absl::Hours(6));
  EXPECT_EQ(Parsed("1m500ms"), absl::Seconds(60) + absl::Milliseconds(500));
}

TEST(ParseDurationTest, Errors) {
  EXPECT_EQ(ErrorOf(""), "invalid duration \"\": it is empty; write e.g. 90s, 15m, 6h, 2d or 1h30m");
  EXPECT_EQ(ErrorOf("6"), "invalid duration \"6\": expected a unit (d, h, m, s or ms) after the "
                          "number; write e.g. 90s, 15m, 6h, 2d or 1h30m");
  EXPECT_THAT(ErrorOf("6x"), HasSubstr("expected a unit"));
  EXPECT_THAT(ErrorOf("h"), HasSubstr("expected a number"));
  EXPECT_THAT(ErrorOf("1.5h"), HasSubstr("expected a unit"));
  EXPECT_THAT(ErrorOf("30m1h"), HasSubstr("units must go from largest to smallest"));
  EXPECT_THAT(ErrorOf("1h1h"), HasSubstr("units must go from largest to smallest"));
  EXPECT_THAT(ErrorOf("1h 30m"), HasSubstr("expected a number"));
  EXPECT_THAT(ErrorOf("--1h"), HasSubstr("expected a number"));
  EXPECT_THAT(ErrorOf("+1h"), HasSubstr("expected a number"));
  EXPECT_EQ(ErrorOf("-"), "invalid duration \"-\": expected a number after '-'; write e.g. 90s, "
                         "15m, 6h, 2d or 1h30m");
  EXPECT_THAT(ErrorOf("36501d"), HasSubstr("over 100 years"));
  EXPECT_THAT(ErrorOf("99999999999999999999h"), HasSubstr("too large"));
  EXPECT_THAT(ErrorOf("9223372036854775807d"), HasSubstr("too large"));
  EXPECT_THAT(ErrorOf("1000000000000d"), HasSubstr("over 100 years"));
}

TEST(FormatDurationTest, LargestUnitsFirst) {
  EXPECT_EQ(fanfare::FormatDuration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(fanfare::FormatDuration(absl::Hours(48)), "2d");
  EXPECT_EQ(fanfare::FormatDuration(absl::Minutes(90)), "1h30m");
  EXPECT_EQ(fanfare::FormatDuration(absl::Seconds(90)), "1m30s");
  EXPECT_EQ(fanfare::FormatDuration(absl::Milliseconds(250)), "250ms");
  EXPECT_EQ(fanfare::FormatDuration(-absl::Minutes(15)), "-15m");
  EXPECT_EQ(fanfare::FormatDuration(absl::Hours(25) + absl::Milliseconds(1)), "1d1h1ms");
  // Below a millisecond is dropped: the format is for whole milliseconds.
  EXPECT_EQ(fanfare::FormatDuration(absl::Microseconds(1500)), "1ms");
  EXPECT_EQ(fanfare::FormatDuration(absl::Microseconds(500)), "0s");
  EXPECT_EQ(fanfare::FormatDuration(-absl::Microseconds(500)), "0s");
  EXPECT_EQ(fanfare::FormatDuration(absl::InfiniteDuration()), "inf");
  EXPECT_EQ(fanfare::FormatDuration(-absl::InfiniteDuration()), "-inf");
}

TEST(FormatDurationTest, RoundTripsThroughParse) {
  for (absl::Duration d : {absl::Seconds(1), absl::Hours(24 * 365), absl::Milliseconds(86399999),
                           -absl::Minutes(61), absl::Hours(6) + absl::Seconds(5)}) {
    EXPECT_EQ(Parsed(fanfare::FormatDuration(d)), d) << fanfare::FormatDuration(d);
  }
}

}  // namespace
}  // namespace fanfare
