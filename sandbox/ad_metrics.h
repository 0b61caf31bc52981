// Deterministic synthetic ad and post metrics, driven by budget, audience, creative, objective
// and (virtual) time — never by the wall clock or a random source other than the seed.
//
// An ad's profile comes from its traits: creative quality from the promoted post's format (a
// creative that shows an image or a video: 0.9; a text or link post: 0.25), moved by up to
// ±5% by (seed, ad key); base CPM and CTR (4.00 per mille, 10%) likewise by ±5%, scaled by the
// objective (awareness buys cheap impressions and few clicks, …). The model is then integrated
// hour by hour from the ad's first delivery point:
//
//   spend      daily_budget × 0.96 / 24 per active hour (a day never spends its whole budget);
//              nothing while paused or after the end time;
//   pressure   d = daily spend / (0.2 × audience × base CPM / 1000): how hard the budget pushes
//              on the share of the audience that can be served in a day;
//   CPM        base_cpm × (1 + saturation) × (1 + 0.5 d), saturation = reach / audience;
//   CTR        base_ctr × quality × learning / (1 + wear × (frequency − 1)) / (1 + d),
//              wear = 3 × (1.1 / quality − 1): weak creatives tire fast, strong ones barely;
//   learning   1 − 0.3 × e^(−hours / 18) since the ad started or its budget last changed by
//              20% or more (the delivery system relearns after a significant edit);
//   reach      audience × (1 − e^(−impressions / audience)), frequency = impressions / reach;
//   clicks     impressions × CTR; conversions clicks × conversion rate.
//
// So CPC = CPM / (1000 × CTR) rises over the days for every ad, fast for a weak creative;
// and more budget buys more clicks only up to a point: past it, clicks fall while CPC climbs.
// With a 40/day budget and a 50 000-person audience a text/link creative starts near 0.70 per
// click and passes 1.50 within about three days; an image creative gets 50+ clicks per six
// hours below 0.20 per click until budget increases and saturation push it up (docs/networks.md,
// "Synthetic ad metrics", has the whole story of examples/launch.yaml).
#ifndef FANFARE_SANDBOX_AD_METRICS_H_
#define FANFARE_SANDBOX_AD_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::sandbox {

// What the creative shows: an image or video, or only text (and a link preview).
enum class CreativeFormat { kVisual, kText };

// What the campaign buys. Networks name these differently; see ObjectiveFromName.
enum class Objective { kTraffic, kAwareness, kEngagement, kSales };

// "OUTCOME_AWARENESS", "REACH", "BRAND_AWARENESS", "IMPRESSIONS" → awareness; "…ENGAGEMENT…"
// → engagement; "…SALES…", "…CONVERSION…", "PIXEL_PURCHASE" → sales; anything else → traffic.
Objective ObjectiveFromName(absl::string_view name);

// What the model knows about an ad.
struct AdTraits {
  std::string key;  // stable per ad (its name, else its id): picks the ±5% variations
  int64_t audience = 50'000;
  CreativeFormat format = CreativeFormat::kVisual;
  Objective objective = Objective::kTraffic;
  std::string currency = "USD";  // base CPM is scaled to the currency's rough value
};

struct AdProfile {
  double quality = 0.9;          // 0.01 … 1
  int64_t audience = 50'000;     // people the targeting can reach
  double base_cpm_micros = 4e6;  // cost per 1000 impressions before saturation and pressure
  double base_ctr = 0.10;        // before quality, learning, wear and pressure
  double conversion_rate = 0.04;
};

// The profile of an ad with these traits under `seed`. `quality_override` (from
// POST /_sandbox/ads/quality) replaces the creative's quality, unvaried.
AdProfile ProfileFor(uint64_t seed, const AdTraits& traits,
                     std::optional<double> quality_override);
// A visual traffic ad in USD keyed by `key`.
AdProfile ProfileFor(uint64_t seed, absl::string_view key, int64_t audience,
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
// Adjacent windows add up exactly (counts are differences of floored running totals).
AdMetrics MetricsBetween(const AdProfile& profile, const std::vector<BudgetPoint>& timeline,
                         absl::Time end, absl::Time since, absl::Time until);

// The metrics of each interval [boundaries[i], boundaries[i + 1]) in one pass; `boundaries`
// must be sorted. Equal to calling MetricsBetween per interval.
std::vector<AdMetrics> MetricsSeries(const AdProfile& profile,
                                     const std::vector<BudgetPoint>& timeline, absl::Time end,
                                     const std::vector<absl::Time>& boundaries);

// Organic metrics of a post, up to `now`: impressions grow towards a ceiling derived from
// (seed, post id) with a one-day time constant.
AdMetrics OrganicMetrics(uint64_t seed, absl::string_view post_id, absl::Time created,
                         absl::Time now);

// A stable 64-bit hash (FNV-1a) mixed with the seed.
uint64_t StableHash(uint64_t seed, absl::string_view text);

}  // namespace fanfare::sandbox

#endif  // FANFARE_SANDBOX_AD_METRICS_H_
