// Deterministic synthetic ad and post metrics, driven by budget, audience, quality and
// (virtual) time — never by the wall clock or a random source other than the seed.
//
// The model, integrated hour by hour from the ad's start:
//   spend     accrues at daily_budget × 0.96 / 24 per active hour (so a day never spends more
//             than its budget), and stops while paused or after the end time;
//   CPM       base_cpm × (1 + 2.5 × saturation), saturation = reach / audience: reaching the
//             last of an audience costs more;
//   reach     audience × (1 − e^(−impressions / audience));
//   CTR       base_ctr × quality / (1 + 0.5 × (frequency − 1)), frequency = impressions /
//             reach: creative fatigue;
//   clicks    impressions × CTR; conversions clicks × conversion rate.
// So CPC = CPM / (1000 × CTR) rises over time for every ad, and fastest for a poor one with
// a small audience — a `cpc > 2.0` rule catches it within days.
#ifndef FANFARE_WORKERS_SANDBOX_AD_METRICS_H_
#define FANFARE_WORKERS_SANDBOX_AD_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::sandbox {

struct AdProfile {
  double quality = 1.0;          // 0.25 … 1.0
  int64_t audience = 50'000;     // people the targeting can reach
  double base_cpm_micros = 8e6;  // cost per 1000 impressions at zero saturation
  double base_ctr = 0.012;
  double conversion_rate = 0.04;
};

// A profile derived from (seed, ad id): quality, base CPM and CTR vary per ad.
AdProfile ProfileFor(uint64_t seed, absl::string_view ad_id, int64_t audience,
                     std::optional<double> quality_override);

// From `at` on, the ad delivers against `daily_budget_micros` while `active`.
struct BudgetPoint {
  absl::Time at;
  int64_t daily_budget_micros = 0;
  bool active = true;
};

struct AdMetrics {
  int64_t impressions = 0;
  int64_t reach = 0;
  int64_t clicks = 0;
  int64_t conversions = 0;
  int64_t spend_micros = 0;
};

// Metrics delivered in [since, until), for an ad whose delivery is `timeline` (sorted by
// time; nothing before the first point) and stops at `end` (InfiniteFuture() for none).
AdMetrics MetricsBetween(const AdProfile& profile, const std::vector<BudgetPoint>& timeline,
                         absl::Time end, absl::Time since, absl::Time until);

// Organic metrics of a post, up to `now`: impressions grow towards a ceiling derived from
// (seed, post id) with a one-day time constant.
AdMetrics OrganicMetrics(uint64_t seed, absl::string_view post_id, absl::Time created,
                         absl::Time now);

// A stable 64-bit hash (FNV-1a) mixed with the seed.
uint64_t StableHash(uint64_t seed, absl::string_view text);

}  // namespace fanfare::sandbox

#endif  // FANFARE_WORKERS_SANDBOX_AD_METRICS_H_
