#include "workers/common/outputs.h"

#include <algorithm>

namespace fanfare::workers {

Json PublishOutput(absl::string_view network, absl::string_view post_id, absl::string_view url,
                   absl::Time published_at) {
  return Json{{"network", std::string(network)},
              {"post_id", std::string(post_id)},
              {"url", std::string(url)},
              {"published_at", Rfc3339(published_at)}};
}

Json InsightsOutput(const Metrics& m) {
  const double spend = m.spend.units();
  const double impressions = static_cast<double>(m.impressions);
  Json out = {
      {"impressions", m.impressions},
      {"reach", m.reach},
      {"clicks", m.clicks},
      {"conversions", m.conversions},
      {"spend", spend},
      {"spend_micros", m.spend.micros},
      {"currency", m.spend.currency},
      {"ctr", m.impressions > 0 ? static_cast<double>(m.clicks) / impressions : 0.0},
      {"cpc", m.clicks > 0 ? spend / static_cast<double>(m.clicks) : 0.0},
      {"cpm", m.impressions > 0 ? spend * 1000.0 / impressions : 0.0},
  };
  if (m.lifetime) {
    out["window"] = {{"lifetime", true}, {"until", Rfc3339(m.window.until)}};
  } else {
    out["window"] = {{"since", Rfc3339(m.window.since)}, {"until", Rfc3339(m.window.until)}};
  }
  return out;
}

Json PostInsightsOutput(Metrics metrics, absl::string_view post_id, absl::Time now,
                        absl::string_view currency) {
  metrics.spend = MoneyFromMicros(0, currency);
  metrics.window.until = now;
  metrics.lifetime = true;
  Json out = InsightsOutput(metrics);
  out["post_id"] = std::string(post_id);
  out["period"] = "lifetime";
  return out;
}

Json AdInsightsOutput(const Metrics& metrics, const AdState& state) {
  Json out = InsightsOutput(metrics);
  out.update(BudgetOutput(state.daily_budget));
  out["status"] = std::string(state.active ? kActive : kPaused);
  out["ad_id"] = state.ad_id;
  out["ad_set_id"] = state.ad_set_id;
  return out;
}

namespace {

absl::Time FloorHour(absl::Time t, absl::TimeZone zone) {
  return absl::FromCivil(absl::ToCivilHour(t, zone), zone);
}

}  // namespace

TimeWindow WholeHours(const TimeWindow& window, absl::Time now, absl::TimeZone zone) {
  TimeWindow hours;
  hours.until = std::min(FloorHour(window.until, zone), FloorHour(now, zone));
  hours.since = std::min(FloorHour(window.since, zone), hours.until - absl::Hours(1));
  return hours;
}

bool IsWholeDays(const TimeWindow& window, absl::TimeZone zone) {
  auto midnight = [&zone](absl::Time t) {
    return absl::FromCivil(absl::ToCivilDay(t, zone), zone) == t;
  };
  return midnight(window.since) && midnight(window.until);
}

DaySpan DaysCovering(const TimeWindow& window, absl::Time now) {
  DaySpan span;
  span.first = absl::ToCivilDay(window.since, absl::UTCTimeZone());
  span.last = absl::ToCivilDay(window.until - absl::Nanoseconds(1), absl::UTCTimeZone());
  span.measured.since = absl::FromCivil(span.first, absl::UTCTimeZone());
  span.measured.until = std::min(absl::FromCivil(span.last + 1, absl::UTCTimeZone()), now);
  return span;
}

Json BudgetOutput(const Money& daily_budget) {
  return Json{{"daily_budget", daily_budget.units()},
              {"budget_micros", daily_budget.micros},
              {"currency", daily_budget.currency}};
}

}  // namespace fanfare::workers
