// Human-friendly durations, as campaign authors write them: "90s", "15m", "6h", "2d",
// "1h30m", "500ms". One parser and one formatter for the YAML loader, the expression
// language's duration() and every message that shows a duration.
#ifndef FANFARE_BASE_DURATIONS_H_
#define FANFARE_BASE_DURATIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare {

// Parses one or more `<integer><unit>` parts, units d, h, m, s, ms (a day is 24h), in
// decreasing order, e.g. "2d", "1h30m", "90s". A leading '-' negates. "0" is zero.
// InvalidArgument with a message naming the problem and the accepted forms.
absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text);

// Call it qualified (fanfare::FormatDuration): absl has a FormatDuration too, found by ADL.
// The inverse of ParseDuration for whole milliseconds: "2d", "1h30m", "1m30s", "250ms", "0s".
// Less than a millisecond is dropped; infinite durations are "inf" and "-inf" (which do not
// parse back).
std::string FormatDuration(absl::Duration d);

}  // namespace fanfare

#endif  // FANFARE_BASE_DURATIONS_H_
