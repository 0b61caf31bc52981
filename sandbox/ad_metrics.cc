#include "sandbox/ad_metrics.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace fanfare::sandbox {
namespace {

// The model's constants; ad_metrics.h explains each.
constexpr double kPacing = 0.96;
constexpr double kServableShare = 0.2;
constexpr double kSaturationCpm = 1.0;
constexpr double kPressureCpm = 0.5;
constexpr double kPressureCtr = 1.0;
constexpr double kLearningDip = 0.3;
constexpr double kLearningHours = 18.0;
constexpr double kWear = 3.0;
constexpr double kSignificantBudgetChange = 0.2;
constexpr double kVisualQuality = 0.9;
constexpr double kTextQuality = 0.25;
constexpr double kBaseCpmUsd = 4.0;
constexpr double kBaseCtr = 0.10;
constexpr double kConversionRate = 0.04;

double Unit(uint64_t h) { return static_cast<double>(h % 1'000'000) / 1'000'000.0; }

// Roughly how many units of `currency` a US dollar buys, so that a ¥6000 budget behaves like
// a $40 one.
double UnitsPerUsd(absl::string_view currency) {
  if (currency == "JPY") return 150;
  if (currency == "KRW") return 1350;
  if (currency == "INR") return 83;
  if (currency == "EUR") return 0.92;
  if (currency == "GBP") return 0.79;
  return 1;
}

struct Totals {
  double impressions = 0;
  double clicks = 0;
  double spend_micros = 0;
};

// Hourly rates of an ad with `c` delivered so far, spending `daily_budget_micros` a day,
// `hours_learning` after its last learning reset.
Totals Rates(const AdProfile& p, const Totals& c, double daily_budget_micros,
             double hours_learning) {
  const double audience = static_cast<double>(p.audience);
  const double reach = audience * (1.0 - std::exp(-c.impressions / audience));
  const double saturation = reach / audience;
  const double frequency = reach > 1 ? c.impressions / reach : 1.0;
  const double daily = daily_budget_micros * kPacing;
  const double pressure = daily / (kServableShare * audience * p.base_cpm_micros / 1000.0);
  const double cpm =
      p.base_cpm_micros * (1.0 + kSaturationCpm * saturation) * (1.0 + kPressureCpm * pressure);
  const double learning = 1.0 - kLearningDip * std::exp(-hours_learning / kLearningHours);
  const double wear = kWear * std::max(0.0, 1.1 / p.quality - 1.0);
  const double ctr = p.base_ctr * p.quality * learning /
                     (1.0 + wear * std::max(0.0, frequency - 1.0)) /
                     (1.0 + kPressureCtr * pressure);
  Totals rate;
  rate.spend_micros = daily / 24.0;
  rate.impressions = rate.spend_micros / cpm * 1000.0;
  rate.clicks = rate.impressions * ctr;
  return rate;
}

Totals Plus(const Totals& c, const Totals& rate, double hours) {
  return {c.impressions + rate.impressions * hours, c.clicks + rate.clicks * hours,
          c.spend_micros + rate.spend_micros * hours};
}

bool SignificantChange(int64_t before, int64_t after) {
  if (before <= 0) return after > 0;
  return std::abs(static_cast<double>(after - before)) / static_cast<double>(before) >=
         kSignificantBudgetChange;
}

// Running totals at each of `times` (sorted). Delivery is integrated in one-hour steps from
// each timeline point, with the rates of the step's start: the step grid does not depend on
// `times`, so any two calls agree.
std::vector<Totals> TotalsAt(const AdProfile& p, const std::vector<BudgetPoint>& timeline,
                             absl::Time end, const std::vector<absl::Time>& times) {
  std::vector<Totals> out(times.size());
  size_t next = 0;
  Totals c;
  absl::Time reset = timeline.empty() ? absl::InfinitePast() : timeline[0].at;
  for (size_t i = 0; i < timeline.size() && next < times.size(); ++i) {
    const BudgetPoint& point = timeline[i];
    while (next < times.size() && times[next] < point.at) out[next++] = c;
    if (i > 0 && SignificantChange(timeline[i - 1].daily_budget_micros,
                                   point.daily_budget_micros)) {
      reset = point.at;
    }
    const absl::Time segment_end =
        i + 1 < timeline.size() ? timeline[i + 1].at : absl::InfiniteFuture();
    for (absl::Time s = point.at; s < segment_end && s < end && next < times.size();
         s += absl::Hours(1)) {
      const absl::Time e = std::min({s + absl::Hours(1), segment_end, end});
      Totals rate;
      if (point.active && point.daily_budget_micros > 0) {
        rate = Rates(p, c, static_cast<double>(point.daily_budget_micros),
                     absl::ToDoubleHours(s - reset) + absl::ToDoubleHours(e - s) / 2);
      }
      while (next < times.size() && times[next] < e) {
        out[next] = Plus(c, rate, absl::ToDoubleHours(std::max(times[next], s) - s));
        ++next;
      }
      c = Plus(c, rate, absl::ToDoubleHours(e - s));
    }
  }
  while (next < times.size()) out[next++] = c;
  return out;
}

int64_t Floor(double v) { return static_cast<int64_t>(std::floor(v)); }

}  // namespace

Objective ObjectiveFromName(absl::string_view name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  auto has = [&upper](absl::string_view word) { return absl::StrContains(upper, word); };
  if (has("AWARENESS") || has("REACH") || has("IMPRESSION")) return Objective::kAwareness;
  if (has("ENGAGEMENT")) return Objective::kEngagement;
  if (has("SALES") || has("CONVERSION") || has("PURCHASE")) return Objective::kSales;
  return Objective::kTraffic;
}

uint64_t StableHash(uint64_t seed, absl::string_view text) {
  uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

AdProfile ProfileFor(uint64_t seed, const AdTraits& traits,
                     std::optional<double> quality_override) {
  const uint64_t h = StableHash(seed, traits.key);
  AdProfile p;
  const double base_quality =
      traits.format == CreativeFormat::kVisual ? kVisualQuality : kTextQuality;
  p.quality = quality_override.has_value()
                  ? std::clamp(*quality_override, 0.01, 1.0)
                  : std::min(1.0, base_quality * (0.95 + 0.1 * Unit(h)));
  p.audience = std::max<int64_t>(traits.audience, 1000);
  p.base_cpm_micros =
      kBaseCpmUsd * UnitsPerUsd(traits.currency) * (0.95 + 0.1 * Unit(h >> 20)) * 1e6;
  p.base_ctr = kBaseCtr * (0.95 + 0.1 * Unit(h >> 40));
  p.conversion_rate = kConversionRate;
  switch (traits.objective) {
    case Objective::kTraffic: break;
    case Objective::kAwareness:
      p.base_cpm_micros *= 0.6;
      p.base_ctr *= 0.5;
      p.conversion_rate *= 0.5;
      break;
    case Objective::kEngagement:
      p.base_cpm_micros *= 0.9;
      p.base_ctr *= 0.8;
      p.conversion_rate *= 0.7;
      break;
    case Objective::kSales:
      p.base_cpm_micros *= 1.2;
      p.base_ctr *= 0.9;
      p.conversion_rate *= 2.0;
      break;
  }
  return p;
}

AdProfile ProfileFor(uint64_t seed, absl::string_view key, int64_t audience,
                     std::optional<double> quality_override) {
  return ProfileFor(seed, AdTraits{.key = std::string(key), .audience = audience},
                    quality_override);
}

std::vector<AdMetrics> MetricsSeries(const AdProfile& profile,
                                     const std::vector<BudgetPoint>& timeline, absl::Time end,
                                     const std::vector<absl::Time>& boundaries) {
  std::vector<AdMetrics> out;
  if (boundaries.size() < 2) return out;
  const std::vector<Totals> totals = TotalsAt(profile, timeline, end, boundaries);
  const double audience = static_cast<double>(profile.audience);
  for (size_t i = 0; i + 1 < totals.size(); ++i) {
    const Totals& a = totals[i];
    const Totals& b = totals[i + 1];
    AdMetrics m;
    if (boundaries[i + 1] > boundaries[i]) {
      // Floors of running totals, differenced: windows add up exactly.
      m.spend_micros = Floor(b.spend_micros) - Floor(a.spend_micros);
      m.impressions = Floor(b.impressions) - Floor(a.impressions);
      m.clicks = Floor(b.clicks) - Floor(a.clicks);
      m.conversions = Floor(b.clicks * profile.conversion_rate) -
                      Floor(a.clicks * profile.conversion_rate);
      m.reach = Floor(audience *
                      (1.0 - std::exp(-static_cast<double>(m.impressions) / audience)));
    }
    out.push_back(m);
  }
  return out;
}

AdMetrics MetricsBetween(const AdProfile& profile, const std::vector<BudgetPoint>& timeline,
                         absl::Time end, absl::Time since, absl::Time until) {
  if (until <= since || timeline.empty()) return {};
  return MetricsSeries(profile, timeline, end, {since, until})[0];
}

AdMetrics OrganicMetrics(uint64_t seed, absl::string_view post_id, absl::Time created,
                         absl::Time now) {
  if (now <= created) return {};
  const uint64_t h = StableHash(seed, post_id);
  const double ceiling = 500.0 + static_cast<double>(h % 5000);
  const double days = absl::ToDoubleHours(now - created) / 24.0;
  AdMetrics m;
  m.impressions = static_cast<int64_t>(std::floor(ceiling * (1.0 - std::exp(-days))));
  m.reach = m.impressions * 4 / 5;
  m.clicks = static_cast<int64_t>(std::floor(static_cast<double>(m.impressions) *
                                             (0.005 + 0.02 * Unit(h >> 24))));
  return m;
}

}  // namespace fanfare::sandbox
