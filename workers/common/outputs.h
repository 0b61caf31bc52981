// The normalised outputs every adapter returns, so that one campaign rule works on any
// network (e.g. `when: steps.measure.output.cpc > 2.0`). Money appears twice: as a double
// in currency units for people and expressions, and as exact int64 micros for the
// coordinator's spend guardrails.
//
//   publish     {"network", "post_id", "url", "published_at"}
//   insights    {"impressions", "reach", "clicks", "spend", "spend_micros", "currency", "ctr",
//                "cpc", "cpm", "conversions", "window": {"since", "until"}}
//               + for an ad: "status" ("active" | "paused"), "daily_budget", "budget_micros",
//                 "ad_id", "ad_set_id" (AdInsightsOutput)
//               + for a post: "post_id", "window": {"lifetime": true, "until"}
//   boost       ids created + {"daily_budget", "budget_micros", "currency", "status"}
//   set_budget  {"daily_budget", "budget_micros", "previous_budget_micros", "currency"}
//   pause/resume {"status"}
#ifndef FANFARE_WORKERS_COMMON_OUTPUTS_H_
#define FANFARE_WORKERS_COMMON_OUTPUTS_H_

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
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
  // The span actually measured; with `lifetime`, totals since the post was made until
  // `window.until` ("window": {"lifetime": true, "until"}).
  TimeWindow window;
  bool lifetime = false;
};

// Every field is always a number, so that rules stay total: ctr = clicks / impressions and
// cpm = spend per 1000 impressions, both 0 without impressions; cpc = spend / clicks, 0 when
// there were no clicks (a rule that must catch an ad spending without clicks tests
// `clicks == 0 && spend > x`).
Json InsightsOutput(const Metrics& metrics);

// The insights of an organic post, the same on every network. Organic metrics are lifetime
// totals (no network reports them per window), so the output says so — "window":
// {"lifetime": true, "until": now}, "period": "lifetime" — rather than pretend to the window
// asked for; nothing was spent (0 in `currency`). `metrics` brings the counts.
Json PostInsightsOutput(Metrics metrics, absl::string_view post_id, absl::Time now,
                        absl::string_view currency);

// An ad's state at measuring time, the same fields on every network.
struct AdState {
  std::string ad_id;
  std::string ad_set_id;  // the budget holder, as boost returned it
  bool active = false;    // the ad and everything above it deliver
  Money daily_budget;
};

// InsightsOutput + {"status": "active" | "paused", "daily_budget", "budget_micros",
// "ad_id", "ad_set_id"}; "currency" is the budget's.
Json AdInsightsOutput(const Metrics& metrics, const AdState& state);

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

// For APIs that report whole hours (X and Snapchat stats, Meta's and TikTok's hourly
// breakdowns): [since, until) with both ends rounded down to the hour (until no later than
// now's hour), and at least the one hour before until. Successive measurements of a window
// as long as their period tile time exactly: no hour is counted twice or skipped.
// Hours are those of `zone` (Meta buckets them in the ad account's time zone).
TimeWindow WholeHours(const TimeWindow& window, absl::Time now,
                      absl::TimeZone zone = absl::UTCTimeZone());
// True when both ends of `window` are midnights in `zone`.
bool IsWholeDays(const TimeWindow& window, absl::TimeZone zone);

// Lower-case normalised status for pause/resume/boost: "active" or "paused".
inline constexpr absl::string_view kActive = "active";
inline constexpr absl::string_view kPaused = "paused";

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_OUTPUTS_H_
