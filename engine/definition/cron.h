// CronSchedule: a standard 5-field cron expression, read in a time zone.
//
//   ASSIGN_OR_RETURN(CronSchedule cron, CronSchedule::Parse("0 9 * * MON"));
//   absl::TimeZone paris;
//   absl::LoadTimeZone("Europe/Paris", &paris);
//   absl::Time next = cron.Next(now, paris);   // next Monday 09:00 Paris time
//
// Fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC), day of
// week (0-7 or SUN-SAT; 0 and 7 are Sunday). Each field is `*`, a value, a range `a-b`, a
// step `*/n` or `a-b/n`, or a comma-separated list of these. As in Vixie cron, when both
// day fields are restricted a day matches if either does. Shortcuts: @yearly (@annually),
// @monthly, @weekly, @daily (@midnight), @hourly.
//
// Daylight-saving: a fire time inside a skipped hour fires at the same offset after the
// transition (02:30 → 03:30); in a repeated hour it fires once, at the first occurrence.
#ifndef FANFARE_ENGINE_DEFINITION_CRON_H_
#define FANFARE_ENGINE_DEFINITION_CRON_H_

#include <bitset>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::definition {

// A parsed cron expression. Immutable; safe for concurrent use.
class CronSchedule {
 public:
  // InvalidArgument naming the field and what is wrong with it.
  static absl::StatusOr<CronSchedule> Parse(absl::string_view expression);

  // The first fire time strictly after `after`, in `zone`; absl::InfiniteFuture() if the
  // expression never fires (e.g. "0 0 30 2 *").
  absl::Time Next(absl::Time after, absl::TimeZone zone) const;

 private:
  CronSchedule() = default;
  bool DayMatches(const absl::CivilDay& day) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 0 unused
  std::bitset<13> months_;         // bit 0 unused
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
};

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_CRON_H_
