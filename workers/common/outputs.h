// The normalised outputs every adapter returns, so that one campaign rule works on any
// network (e.g. `when: steps.measure.output.cpc > 2.0`). Money appears twice: as a double
// in currency units for people and expressions, and as exact int64 micros for the
// coordinator's spend guardrails.
//
//   publish     {"network", "post_id", "url", "published_at"}
//   insights    {"impressions", "reach", "clicks", "spend", "spend_micros", "currency", "ctr",
//                "cpc", "cpm", "conversions", "window": {"since", "until"}}
//               (+ "daily_budget", "budget_micros", "status" when measuring an ad)
//   boost       ids created + {"daily_budget", "budget_micros", "currency", "status"}
//   set_budget  {"daily_budget", "budget_micros", "previous_budget_micros", "currency"}
//   pause/resume {"status"}
#ifndef FANFARE_WORKERS_COMMON_OUTPUTS_H_
#define FANFARE_WORKERS_COMMON_OUTPUTS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "workers/common/json_value.h"
#include "workers/common/money.h"
#include "workers/common/task_input.h"

namespace fanfare::workers {

Json PublishOutput(absl::string_view network, absl::string_view post_id, absl::string_view url,
                   absl::Time published_at);

struct Metrics {
  int64_t impressions = 0;
  int64_t reach = 0;
  int64_t clicks = 0;
  int64_t conversions = 0;
  Money spend;  // its currency is the output's
  TimeWindow window;
};

// ctr = clicks / impressions (0 without impressions); cpm = spend per 1000 impressions (0
// without impressions); cpc = spend / clicks, and spend / 1 when there were no clicks — an
// ad that spends without a single click must look expensive to a `cpc > x` rule, not free.
Json InsightsOutput(const Metrics& metrics);

// {"daily_budget": 40.0, "budget_micros": 40000000, "currency": "USD"}
Json BudgetOutput(const Money& daily_budget);

// For APIs that report whole UTC days (Meta, LinkedIn, TikTok): the days covering `window`,
// and the span actually measured (first day's start to the end of the last, capped at now).
struct DaySpan {
  absl::CivilDay first;
  absl::CivilDay last;
  TimeWindow measured;
};
DaySpan DaysCovering(const TimeWindow& window, absl::Time now);

// Lower-case normalised status for pause/resume/boost: "active" or "paused".
inline constexpr absl::string_view kActive = "active";
inline constexpr absl::string_view kPaused = "paused";

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_OUTPUTS_H_
