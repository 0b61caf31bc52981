#include "engine/definition/cron.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace fanfare::definition {
namespace {

struct FieldSpec {
  absl::string_view name;
  int min;
  int max;
  // Three-letter names for the values min, min+1, …; empty if the field has none.
  std::vector<absl::string_view> names;
};

const FieldSpec kMinute = {"minute", 0, 59, {}};
const FieldSpec kHour = {"hour", 0, 23, {}};
const FieldSpec kDayOfMonth = {"day of month", 1, 31, {}};
const FieldSpec kMonth = {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
                                           "AUG", "SEP", "OCT", "NOV", "DEC"}};
// 7 is accepted as Sunday and folded onto 0 by the caller.
const FieldSpec kDayOfWeek = {"day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI",
                                                    "SAT"}};

absl::Status FieldError(const FieldSpec& field, absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("cron ", field.name, " field '", text, "': ",
                                                 why, " (allowed ", field.min, "-", field.max,
                                                 ")"));
}

absl::StatusOr<int> ParseValue(const FieldSpec& field, absl::string_view text) {
  const std::string upper = absl::AsciiStrToUpper(text);
  for (size_t i = 0; i < field.names.size(); ++i) {
    if (upper == field.names[i]) return field.min + static_cast<int>(i);
  }
  int value = 0;
  if (!absl::SimpleAtoi(text, &value)) return FieldError(field, text, "not a number or name");
  if (value < field.min || value > field.max) return FieldError(field, text, "out of range");
  return value;
}

// Parses one comma-separated element: `*`, `v`, `a-b`, with an optional `/step`.
absl::Status ParseElement(const FieldSpec& field, absl::string_view element,
                          std::vector<bool>& bits) {
  std::vector<absl::string_view> parts = absl::StrSplit(element, absl::MaxSplits('/', 1));
  int step = 1;
  if (parts.size() == 2 && (!absl::SimpleAtoi(parts[1], &step) || step < 1)) {
    return FieldError(field, element, "the step after '/' must be a positive number");
  }
  int low = field.min;
  int high = field.max;
  if (parts[0] != "*") {
    std::vector<absl::string_view> range = absl::StrSplit(parts[0], absl::MaxSplits('-', 1));
    absl::StatusOr<int> first = ParseValue(field, range[0]);
    if (!first.ok()) return first.status();
    low = high = *first;
    if (range.size() == 2) {
      absl::StatusOr<int> last = ParseValue(field, range[1]);
      if (!last.ok()) return last.status();
      high = *last;
    } else if (parts.size() == 2) {
      high = field.max;  // "5/15" means from 5 to the end, every 15.
    }
    if (low > high) return FieldError(field, element, "the range goes backwards");
  }
  for (int v = low; v <= high; v += step) bits[v] = true;
  return absl::OkStatus();
}

// Parses a whole field into one bit per value; sets `restricted` unless it is `*`.
absl::Status ParseField(const FieldSpec& field, absl::string_view text, std::vector<bool>& bits,
                        bool& restricted) {
  bits.assign(field.max + 1, false);
  restricted = text != "*";
  for (absl::string_view element : absl::StrSplit(text, ',')) {
    if (element.empty()) return FieldError(field, text, "empty list element");
    if (absl::Status s = ParseElement(field, element, bits); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::string_view ExpandShortcut(absl::string_view expression) {
  if (expression == "@yearly" || expression == "@annually") return "0 0 1 1 *";
  if (expression == "@monthly") return "0 0 1 * *";
  if (expression == "@weekly") return "0 0 * * 0";
  if (expression == "@daily" || expression == "@midnight") return "0 0 * * *";
  if (expression == "@hourly") return "0 * * * *";
  return expression;
}

template <size_t N>
void CopyBits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (size_t i = 0; i < from.size() && i < N; ++i) to[i] = from[i];
}

}  // namespace

absl::StatusOr<CronSchedule> CronSchedule::Parse(absl::string_view expression) {
  const absl::string_view expanded = ExpandShortcut(absl::StripAsciiWhitespace(expression));
  if (absl::StartsWith(expanded, "@")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown cron shortcut '", expanded,
        "'; use @yearly, @monthly, @weekly, @daily, @hourly or 5 fields"));
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(expanded, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (fields.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cron expression '", expression, "' has ", fields.size(),
        " fields; write 5: minute hour day-of-month month day-of-week, e.g. \"0 9 * * MON\""));
  }
  CronSchedule cron;
  std::vector<bool> bits;
  bool restricted = false;
  const FieldSpec* specs[] = {&kMinute, &kHour, &kDayOfMonth, &kMonth, &kDayOfWeek};
  for (int i = 0; i < 5; ++i) {
    if (absl::Status s = ParseField(*specs[i], fields[i], bits, restricted); !s.ok()) return s;
    switch (i) {
      case 0: CopyBits(bits, cron.minutes_); break;
      case 1: CopyBits(bits, cron.hours_); break;
      case 2:
        CopyBits(bits, cron.days_of_month_);
        cron.day_of_month_restricted_ = restricted;
        break;
      case 3: CopyBits(bits, cron.months_); break;
      case 4:
        if (bits[7]) bits[0] = true;  // 7 is Sunday too.
        CopyBits(bits, cron.days_of_week_);
        cron.day_of_week_restricted_ = restricted;
        break;
    }
  }
  return cron;
}

bool CronSchedule::DayMatches(const absl::CivilDay& day) const {
  const bool dom = days_of_month_[day.day()];
  // absl::Weekday counts from Monday = 0; cron from Sunday = 0.
  const int weekday = (static_cast<int>(absl::GetWeekday(day)) + 1) % 7;
  const bool dow = days_of_week_[weekday];
  if (day_of_month_restricted_ && day_of_week_restricted_) return dom || dow;
  return dom && dow;
}

absl::Time CronSchedule::Next(absl::Time after, absl::TimeZone zone) const {
  absl::CivilMinute t = absl::ToCivilMinute(after, zone) + 1;
  // Eight years covers every leap-year pattern; an expression that has not fired by then
  // never will.
  const absl::CivilMinute limit = t + 60 * 24 * 366 * 8;
  while (t < limit) {
    if (!months_[t.month()]) {
      t = absl::CivilMinute(absl::CivilMonth(t) + 1);
    } else if (!DayMatches(absl::CivilDay(t))) {
      t = absl::CivilMinute(absl::CivilDay(t) + 1);
    } else if (!hours_[t.hour()]) {
      t = absl::CivilMinute(absl::CivilHour(t) + 1);
    } else if (!minutes_[t.minute()]) {
      t += 1;
    } else {
      const absl::Time fire = zone.At(t).pre;
      if (fire > after) return fire;
      t += 1;  // A repeated hour's second occurrence: already fired.
    }
  }
  return absl::InfiniteFuture();
}

}  // namespace fanfare::definition
