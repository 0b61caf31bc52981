// CronSchedule: parsing every field form, next fire times, and daylight-saving changes.
#include "engine/definition/cron.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::definition {
namespace {

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

CronSchedule Cron(absl::string_view expression) {
  absl::StatusOr<CronSchedule> cron = CronSchedule::Parse(expression);
  EXPECT_TRUE(cron.ok()) << expression << ": " << cron.status();
  return cron.ok() ? *cron : *CronSchedule::Parse("* * * * *");
}

// The next `n` fire times after `after`, formatted in `zone` as "2026-03-02 Mon 09:00".
std::vector<std::string> Fires(absl::string_view expression, absl::Time after, int n,
                               absl::TimeZone zone = absl::UTCTimeZone()) {
  const CronSchedule cron = Cron(expression);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    after = cron.Next(after, zone);
    if (after == absl::InfiniteFuture()) {
      out.push_back("never");
      break;
    }
    out.push_back(absl::FormatTime("%Y-%m-%d %a %H:%M", after, zone));
  }
  return out;
}

std::string ParseError(absl::string_view expression) {
  absl::StatusOr<CronSchedule> cron = CronSchedule::Parse(expression);
  return cron.ok() ? "<parsed>" : std::string(cron.status().message());
}

// 2026-03-01 is a Sunday.
const absl::Time kSundayMidnight = Utc(2026, 3, 1, 0, 0);

TEST(CronTest, PlainValues) {
  EXPECT_THAT(Fires("0 9 * * MON", kSundayMidnight, 2),
              ::testing::ElementsAre("2026-03-02 Mon 09:00", "2026-03-09 Mon 09:00"));
  EXPECT_THAT(Fires("30 14 15 6 *", kSundayMidnight, 2),
              ::testing::ElementsAre("2026-06-15 Mon 14:30", "2027-06-15 Tue 14:30"));
}

TEST(CronTest, NextIsStrictlyAfter) {
  const CronSchedule cron = Cron("0 9 * * *");
  EXPECT_EQ(cron.Next(Utc(2026, 3, 2, 9, 0), absl::UTCTimeZone()), Utc(2026, 3, 3, 9, 0));
  EXPECT_EQ(cron.Next(Utc(2026, 3, 2, 8, 59), absl::UTCTimeZone()), Utc(2026, 3, 2, 9, 0));
  // Seconds within the minute do not matter.
  EXPECT_EQ(cron.Next(Utc(2026, 3, 2, 8, 59) + absl::Seconds(59), absl::UTCTimeZone()),
            Utc(2026, 3, 2, 9, 0));
}

TEST(CronTest, RangesStepsAndLists) {
  EXPECT_THAT(Fires("*/20 9-10 * * *", kSundayMidnight, 7),
              ::testing::ElementsAre("2026-03-01 Sun 09:00", "2026-03-01 Sun 09:20",
                                     "2026-03-01 Sun 09:40", "2026-03-01 Sun 10:00",
                                     "2026-03-01 Sun 10:20", "2026-03-01 Sun 10:40",
                                     "2026-03-02 Mon 09:00"));
  // a-b/n, and v/n meaning from v to the end.
  EXPECT_THAT(Fires("0 1-9/4 * * *", kSundayMidnight, 4),
              ::testing::ElementsAre("2026-03-01 Sun 01:00", "2026-03-01 Sun 05:00",
                                     "2026-03-01 Sun 09:00", "2026-03-02 Mon 01:00"));
  EXPECT_THAT(Fires("0 20/2 * * *", kSundayMidnight, 3),
              ::testing::ElementsAre("2026-03-01 Sun 20:00", "2026-03-01 Sun 22:00",
                                     "2026-03-02 Mon 20:00"));
  EXPECT_THAT(Fires("15,45 8,17 * * *", kSundayMidnight, 5),
              ::testing::ElementsAre("2026-03-01 Sun 08:15", "2026-03-01 Sun 08:45",
                                     "2026-03-01 Sun 17:15", "2026-03-01 Sun 17:45",
                                     "2026-03-02 Mon 08:15"));
}

TEST(CronTest, MonthAndDayNames) {
  EXPECT_THAT(Fires("0 9 * * mon-wed", kSundayMidnight, 4),
              ::testing::ElementsAre("2026-03-02 Mon 09:00", "2026-03-03 Tue 09:00",
                                     "2026-03-04 Wed 09:00", "2026-03-09 Mon 09:00"));
  EXPECT_THAT(Fires("0 0 1 JAN,Jul *", kSundayMidnight, 2),
              ::testing::ElementsAre("2026-07-01 Wed 00:00", "2027-01-01 Fri 00:00"));
  // 0 and 7 are both Sunday.
  EXPECT_EQ(Fires("0 12 * * 7", kSundayMidnight, 1), Fires("0 12 * * 0", kSundayMidnight, 1));
  EXPECT_THAT(Fires("0 12 * * 7", kSundayMidnight, 1),
              ::testing::ElementsAre("2026-03-01 Sun 12:00"));
}

TEST(CronTest, Shortcuts) {
  EXPECT_THAT(Fires("@hourly", kSundayMidnight, 2),
              ::testing::ElementsAre("2026-03-01 Sun 01:00", "2026-03-01 Sun 02:00"));
  EXPECT_THAT(Fires("@daily", kSundayMidnight, 1), ::testing::ElementsAre("2026-03-02 Mon 00:00"));
  EXPECT_EQ(Fires("@midnight", kSundayMidnight, 3), Fires("@daily", kSundayMidnight, 3));
  EXPECT_THAT(Fires("@weekly", kSundayMidnight, 1), ::testing::ElementsAre("2026-03-08 Sun 00:00"));
  EXPECT_THAT(Fires("@monthly", kSundayMidnight, 1),
              ::testing::ElementsAre("2026-04-01 Wed 00:00"));
  EXPECT_THAT(Fires("@yearly", kSundayMidnight, 1), ::testing::ElementsAre("2027-01-01 Fri 00:00"));
  EXPECT_EQ(Fires("@annually", kSundayMidnight, 2), Fires("@yearly", kSundayMidnight, 2));
  EXPECT_THAT(Fires("  @daily ", kSundayMidnight, 1),
              ::testing::ElementsAre("2026-03-02 Mon 00:00"));
}

TEST(CronTest, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // Friday the 13th style: the 13th of any month, and every Friday.
  EXPECT_THAT(Fires("0 0 13 * FRI", kSundayMidnight, 4),
              ::testing::ElementsAre("2026-03-06 Fri 00:00", "2026-03-13 Fri 00:00",
                                     "2026-03-20 Fri 00:00", "2026-03-27 Fri 00:00"));
  EXPECT_THAT(Fires("0 0 10 * FRI", kSundayMidnight, 3),
              ::testing::ElementsAre("2026-03-06 Fri 00:00", "2026-03-10 Tue 00:00",
                                     "2026-03-13 Fri 00:00"));
  // Only one restricted: both must hold (the other is *).
  EXPECT_THAT(Fires("0 0 10 * *", kSundayMidnight, 1),
              ::testing::ElementsAre("2026-03-10 Tue 00:00"));
  EXPECT_THAT(Fires("0 0 * * FRI", kSundayMidnight, 1),
              ::testing::ElementsAre("2026-03-06 Fri 00:00"));
}

TEST(CronTest, LeapDay) {
  EXPECT_THAT(Fires("0 0 29 2 *", kSundayMidnight, 2),
              ::testing::ElementsAre("2028-02-29 Tue 00:00", "2032-02-29 Sun 00:00"));
}

TEST(CronTest, NeverFires) {
  const CronSchedule cron = Cron("0 0 30 2 *");
  EXPECT_EQ(cron.Next(kSundayMidnight, absl::UTCTimeZone()), absl::InfiniteFuture());
  EXPECT_EQ(Cron("0 0 31 4,6,9,11 *").Next(kSundayMidnight, absl::UTCTimeZone()),
            absl::InfiniteFuture());
}

TEST(CronTest, ReadsFieldsInTheTimeZone) {
  const absl::TimeZone paris = Zone("Europe/Paris");
  // 09:00 in Paris is 08:00 UTC in winter.
  EXPECT_EQ(Cron("0 9 * * MON").Next(kSundayMidnight, paris), Utc(2026, 3, 2, 8, 0));
  const absl::TimeZone los_angeles = Zone("America/Los_Angeles");
  EXPECT_EQ(Cron("0 9 * * MON").Next(kSundayMidnight, los_angeles), Utc(2026, 3, 2, 17, 0));
}

TEST(CronTest, SpringForwardInParisFiresAfterTheGap) {
  // 2026-03-29: at 02:00 CET the clocks go to 03:00 CEST; 02:30 does not exist that day.
  const absl::TimeZone paris = Zone("Europe/Paris");
  EXPECT_THAT(Fires("30 2 * * *", Utc(2026, 3, 28, 12, 0), 3, paris),
              ::testing::ElementsAre("2026-03-29 Sun 03:30", "2026-03-30 Mon 02:30",
                                     "2026-03-31 Tue 02:30"));
  EXPECT_EQ(Cron("30 2 * * *").Next(Utc(2026, 3, 28, 12, 0), paris), Utc(2026, 3, 29, 1, 30));
  // Hourly: 02:00 and 03:00 are the same instant that day, fired once.
  EXPECT_THAT(Fires("0 * * * *", Utc(2026, 3, 29, 0, 30), 3, paris),
              ::testing::ElementsAre("2026-03-29 Sun 03:00", "2026-03-29 Sun 04:00",
                                     "2026-03-29 Sun 05:00"));
}

TEST(CronTest, FallBackInParisFiresOnce) {
  // 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET; 02:30 happens twice.
  const absl::TimeZone paris = Zone("Europe/Paris");
  const CronSchedule cron = Cron("30 2 * * *");
  const absl::Time first = cron.Next(Utc(2026, 10, 24, 12, 0), paris);
  EXPECT_EQ(first, Utc(2026, 10, 25, 0, 30));  // 02:30 CEST, the first occurrence
  // After it — even during the repeated hour — the next fire is the next day.
  EXPECT_EQ(cron.Next(first, paris), Utc(2026, 10, 26, 1, 30));
  EXPECT_EQ(cron.Next(Utc(2026, 10, 25, 1, 15), paris), Utc(2026, 10, 26, 1, 30));
}

TEST(CronTest, ParseErrorsNameTheField) {
  EXPECT_EQ(ParseError("60 * * * *"), "cron minute field '60': out of range (allowed 0-59)");
  EXPECT_EQ(ParseError("0 24 * * *"), "cron hour field '24': out of range (allowed 0-23)");
  EXPECT_EQ(ParseError("0 0 0 * *"), "cron day of month field '0': out of range (allowed 1-31)");
  EXPECT_EQ(ParseError("0 0 * 13 *"), "cron month field '13': out of range (allowed 1-12)");
  EXPECT_EQ(ParseError("0 0 * * 8"), "cron day of week field '8': out of range (allowed 0-7)");
  EXPECT_EQ(ParseError("0 0 * * FUN"),
            "cron day of week field 'FUN': not a number or name (allowed 0-7)");
  EXPECT_EQ(ParseError("*/0 * * * *"),
            "cron minute field '*/0': the step after '/' must be a positive number (allowed "
            "0-59)");
  EXPECT_EQ(ParseError("0 17-9 * * *"),
            "cron hour field '17-9': the range goes backwards (allowed 0-23)");
  EXPECT_EQ(ParseError("0 1,,2 * * *"), "cron hour field '1,,2': empty list element (allowed 0-23)");
  EXPECT_EQ(ParseError("0 9 * *"),
            "cron expression '0 9 * *' has 4 fields; write 5: minute hour day-of-month month "
            "day-of-week, e.g. \"0 9 * * MON\"");
  EXPECT_EQ(ParseError(""),
            "cron expression '' has 0 fields; write 5: minute hour day-of-month month "
            "day-of-week, e.g. \"0 9 * * MON\"");
  EXPECT_EQ(ParseError("@every 5m"),
            "unknown cron shortcut '@every 5m'; use @yearly, @monthly, @weekly, @daily, @hourly "
            "or 5 fields");
}

}  // namespace
}  // namespace fanfare::definition
