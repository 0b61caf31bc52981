#include "base/durations.h"

#include <cstdint>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace fanfare {
namespace {

constexpr absl::string_view kForms = "write e.g. 90s, 15m, 6h, 2d or 1h30m";

struct Unit {
  absl::string_view name;
  absl::Duration size;
};

// Longest names first so that "ms" is not read as "m".
constexpr Unit kUnits[] = {
    {"ms", absl::Milliseconds(1)}, {"d", absl::Hours(24)}, {"h", absl::Hours(1)},
    {"m", absl::Minutes(1)},       {"s", absl::Seconds(1)},
};

// Reads the unit at the start of `text`; returns its index in kUnits, or -1.
int ReadUnit(absl::string_view text) {
  for (int i = 0; i < static_cast<int>(std::size(kUnits)); ++i) {
    if (text.substr(0, kUnits[i].name.size()) == kUnits[i].name) return i;
  }
  return -1;
}

absl::Status BadDuration(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid duration \"", text, "\": ", why, "; ", kForms));
}

}  // namespace

absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  if (rest.empty()) return BadDuration(text, "it is empty");
  bool negative = false;
  if (rest.front() == '-') {
    negative = true;
    rest.remove_prefix(1);
    if (rest.empty()) return BadDuration(text, "expected a number after '-'");
  }
  if (rest == "0") return absl::ZeroDuration();
  absl::Duration total = absl::ZeroDuration();
  absl::Duration previous_unit = absl::InfiniteDuration();
  while (!rest.empty()) {
    int64_t amount = 0;
    size_t digits = 0;
    while (digits < rest.size() && absl::ascii_isdigit(rest[digits])) {
      if (amount > (std::numeric_limits<int64_t>::max() - 9) / 10) {
        return BadDuration(text, "the number is too large");
      }
      amount = amount * 10 + (rest[digits] - '0');
      ++digits;
    }
    if (digits == 0) return BadDuration(text, "expected a number");
    rest.remove_prefix(digits);
    const int unit = ReadUnit(rest);
    if (unit < 0) return BadDuration(text, "expected a unit (d, h, m, s or ms) after the number");
    if (kUnits[unit].size >= previous_unit) {
      return BadDuration(text, "units must go from largest to smallest, each at most once");
    }
    previous_unit = kUnits[unit].size;
    rest.remove_prefix(kUnits[unit].name.size());
    total += amount * kUnits[unit].size;
    if (total > absl::Hours(24 * 365 * 100)) return BadDuration(text, "it is over 100 years");
  }
  return negative ? -total : total;
}

std::string FormatDuration(absl::Duration d) {
  if (d == absl::ZeroDuration()) return "0s";
  if (d == absl::InfiniteDuration()) return "inf";
  if (d == -absl::InfiniteDuration()) return "-inf";
  std::string out;
  if (d < absl::ZeroDuration()) {
    out = "-";
    d = -d;
  }
  // Milliseconds, then the largest units first; kUnits lists "ms" first, so walk it from 1.
  for (size_t i = 1; i < std::size(kUnits); ++i) {
    const int64_t n = absl::IDivDuration(d, kUnits[i].size, &d);
    if (n > 0) absl::StrAppend(&out, n, kUnits[i].name);
  }
  const int64_t ms = absl::ToInt64Milliseconds(d);
  if (ms > 0) absl::StrAppend(&out, ms, "ms");
  // Under a millisecond nothing was written (not even after a "-"): it rounds to zero.
  if (out.empty() || out == "-") return "0s";
  return out;
}

}  // namespace fanfare
