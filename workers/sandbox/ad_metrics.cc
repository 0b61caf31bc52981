#include "workers/sandbox/ad_metrics.h"

#include <algorithm>
#include <cmath>

namespace fanfare::sandbox {
namespace {

constexpr double kPacing = 0.96;

struct Cumulative {
  double impressions = 0;
  double clicks = 0;
  double spend_micros = 0;

  double Reach(int64_t audience) const {
    const double a = static_cast<double>(audience);
    return a * (1.0 - std::exp(-impressions / a));
  }
};

double Unit(uint64_t h) { return static_cast<double>(h % 1'000'000) / 1'000'000.0; }

// Delivers `hours` of spend at `rate_micros_per_hour`, in steps of at most one hour.
void Deliver(const AdProfile& p, double hours, double rate, Cumulative& c) {
  while (hours > 1e-9) {
    const double step = std::min(1.0, hours);
    hours -= step;
    const double reach = c.Reach(p.audience);
    const double saturation = reach / static_cast<double>(p.audience);
    const double frequency = reach > 1 ? c.impressions / reach : 1.0;
    const double cpm = p.base_cpm_micros * (1.0 + 2.5 * saturation);
    const double ctr = p.base_ctr * p.quality / (1.0 + 0.5 * std::max(0.0, frequency - 1.0));
    const double spend = rate * step;
    const double impressions = spend / cpm * 1000.0;
    c.spend_micros += spend;
    c.impressions += impressions;
    c.clicks += impressions * ctr;
  }
}

Cumulative CumulativeAt(const AdProfile& p, const std::vector<BudgetPoint>& timeline,
                        absl::Time end, absl::Time t) {
  Cumulative c;
  const absl::Time stop = std::min(t, end);
  for (size_t i = 0; i < timeline.size(); ++i) {
    const absl::Time from = timeline[i].at;
    if (from >= stop) break;
    absl::Time to = i + 1 < timeline.size() ? timeline[i + 1].at : stop;
    to = std::min(to, stop);
    if (to <= from || !timeline[i].active) continue;
    const double rate = static_cast<double>(timeline[i].daily_budget_micros) * kPacing / 24.0;
    Deliver(p, absl::ToDoubleHours(to - from), rate, c);
  }
  return c;
}

}  // namespace

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

AdProfile ProfileFor(uint64_t seed, absl::string_view ad_id, int64_t audience,
                     std::optional<double> quality_override) {
  const uint64_t h = StableHash(seed, ad_id);
  AdProfile p;
  p.quality = quality_override.value_or(0.25 + 0.75 * Unit(h));
  p.audience = std::max<int64_t>(audience, 1000);
  p.base_cpm_micros = (6.0 + 6.0 * Unit(h >> 20)) * 1e6;
  p.base_ctr = 0.010 + 0.006 * Unit(h >> 40);
  return p;
}

AdMetrics MetricsBetween(const AdProfile& profile, const std::vector<BudgetPoint>& timeline,
                         absl::Time end, absl::Time since, absl::Time until) {
  if (until <= since || timeline.empty()) return {};
  const Cumulative a = CumulativeAt(profile, timeline, end, since);
  const Cumulative b = CumulativeAt(profile, timeline, end, until);
  AdMetrics m;
  // Floors of cumulative values, differenced: windows add up exactly.
  m.spend_micros = static_cast<int64_t>(std::floor(b.spend_micros)) -
                   static_cast<int64_t>(std::floor(a.spend_micros));
  m.impressions = static_cast<int64_t>(std::floor(b.impressions)) -
                  static_cast<int64_t>(std::floor(a.impressions));
  m.clicks = static_cast<int64_t>(std::floor(b.clicks)) -
             static_cast<int64_t>(std::floor(a.clicks));
  m.conversions = static_cast<int64_t>(std::floor(b.clicks * profile.conversion_rate)) -
                  static_cast<int64_t>(std::floor(a.clicks * profile.conversion_rate));
  const double audience = static_cast<double>(profile.audience);
  m.reach = static_cast<int64_t>(
      std::floor(audience * (1.0 - std::exp(-static_cast<double>(m.impressions) / audience))));
  return m;
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
