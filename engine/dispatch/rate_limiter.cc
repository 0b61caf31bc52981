#include "engine/dispatch/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/durations.h"
#include "base/proto_time.h"

namespace fanfare::dispatch {
namespace {

using Kind = LimitSpec::Kind;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::LoadTimeZone(name, &zone);
  return zone;
}

// The day (as days since the epoch) a daily limit counts `now` in.
int64_t DayOf(const LimitSpec& spec, absl::Time now) {
  const absl::CivilDay day =
      absl::ToCivilDay(now - absl::Minutes(spec.reset_minutes), Zone(spec.timezone));
  return day - absl::CivilDay(1970, 1, 1);
}

int64_t WindowOf(const LimitSpec& spec, absl::Time now) {
  return absl::ToUnixMicros(now) / absl::ToInt64Microseconds(spec.period);
}

std::string Describe(const LimitSpec& spec) {
  switch (spec.kind) {
    case Kind::kDaily: return absl::StrCat(spec.name, " ", spec.limit, " per day (", spec.timezone, ")");
    case Kind::kBucket:
      return absl::StrCat(spec.name, " ", spec.limit, " per ", fanfare::FormatDuration(spec.period));
    default:
      return absl::StrCat(spec.name, " ", spec.limit, " per ", fanfare::FormatDuration(spec.period));
  }
}

}  // namespace

absl::Duration ClampHold(absl::Duration retry_after) {
  return std::clamp(retry_after, absl::ZeroDuration(), kMaxHold);
}

std::string RateLimiter::Key(absl::string_view ns, absl::string_view network,
                             absl::string_view account) {
  return absl::StrCat(ns, "/", network, "/", account);
}

RateLimiter::Account* RateLimiter::Find(const std::string& ns, const std::string& network,
                                        const std::string& account, bool create) {
  const std::string key = Key(ns, network, account);
  auto it = accounts_.find(key);
  if (it != accounts_.end()) return &it->second;
  if (!create) return nullptr;
  Account& created = accounts_[key];
  created.ns = ns;
  created.network = network;
  created.account = account;
  auto limits = config_.networks.find(network);
  if (limits != config_.networks.end()) created.limits.resize(limits->second.size());
  return &created;
}

double RateLimiter::Available(const LimitSpec& spec, LimitState& state, absl::Time now) const {
  switch (spec.kind) {
    case Kind::kWindow:
    case Kind::kDaily: {
      const int64_t window = spec.kind == Kind::kDaily ? DayOf(spec, now) : WindowOf(spec, now);
      if (window != state.window) {
        state.window = window;
        state.used = 0;
      }
      return static_cast<double>(spec.limit - state.used);
    }
    case Kind::kRolling: {
      while (!state.events.empty() && state.events.front().first <= now - spec.period) {
        state.used -= state.events.front().second;
        state.events.pop_front();
      }
      return static_cast<double>(spec.limit - state.used);
    }
    case Kind::kBucket: {
      if (state.tokens < 0) {
        state.tokens = static_cast<double>(spec.limit);
      } else if (now > state.refilled) {
        state.tokens = std::min<double>(
            spec.limit, state.tokens + absl::FDivDuration(now - state.refilled, spec.period) * spec.limit);
      }
      state.refilled = now;
      return state.tokens;
    }
  }
  return 0;
}

absl::Time RateLimiter::WhenAvailable(const LimitSpec& spec, const LimitState& state,
                                      int64_t cost, absl::Time now) const {
  switch (spec.kind) {
    case Kind::kWindow:
      return absl::FromUnixMicros((state.window + 1) * absl::ToInt64Microseconds(spec.period));
    case Kind::kDaily: {
      const absl::TimeZone zone = Zone(spec.timezone);
      const absl::CivilDay next = absl::CivilDay(1970, 1, 1) + (state.window + 1);
      return absl::FromCivil(absl::CivilMinute(next) + spec.reset_minutes, zone);
    }
    case Kind::kRolling: {
      int64_t must_free = state.used + cost - spec.limit;
      for (const auto& [at, c] : state.events) {
        must_free -= c;
        if (must_free <= 0) return at + spec.period;
      }
      return now + spec.period;
    }
    case Kind::kBucket: {
      const double deficit = static_cast<double>(cost) - state.tokens;
      return now + spec.period * (deficit / static_cast<double>(spec.limit));
    }
  }
  return now;
}

RateLimiter::Decision RateLimiter::Check(const std::string& ns, const std::string& network,
                                         const std::string& account,
                                         absl::string_view endpoint_class, absl::Time now) {
  Decision decision;
  Account* state = Find(ns, network, account, /*create=*/false);
  if (state != nullptr && state->hold_until > now) {
    decision.allowed = false;
    decision.retry_at = state->hold_until;
    decision.detail = state->hold_detail;
  }
  auto limits = config_.networks.find(network);
  if (limits == config_.networks.end()) return decision;
  if (state == nullptr) state = Find(ns, network, account, /*create=*/true);
  for (size_t i = 0; i < limits->second.size(); ++i) {
    const LimitSpec& spec = limits->second[i];
    const int64_t cost = spec.CostOf(endpoint_class);
    if (cost == 0 || Available(spec, state->limits[i], now) >= static_cast<double>(cost)) continue;
    const absl::Time at = cost > spec.limit ? absl::InfiniteFuture()
                                            : WhenAvailable(spec, state->limits[i], cost, now);
    if (decision.allowed || at > decision.retry_at) {
      decision.retry_at = at;
      decision.detail = absl::StrCat(network, "/", account.empty() ? "(default)" : account, ": ",
                                     Describe(spec), " used up");
    }
    decision.allowed = false;
  }
  return decision;
}

void RateLimiter::Consume(const std::string& ns, const std::string& network,
                          const std::string& account, absl::string_view endpoint_class,
                          absl::Time now) {
  auto limits = config_.networks.find(network);
  if (limits == config_.networks.end()) return;
  Account* state = Find(ns, network, account, /*create=*/true);
  bool changed = false;
  for (size_t i = 0; i < limits->second.size(); ++i) {
    const LimitSpec& spec = limits->second[i];
    const int64_t cost = spec.CostOf(endpoint_class);
    if (cost == 0) continue;
    LimitState& limit = state->limits[i];
    Available(spec, limit, now);
    switch (spec.kind) {
      case Kind::kWindow:
      case Kind::kDaily: limit.used += cost; break;
      case Kind::kRolling: CountRolling(spec, limit, cost, now); break;
      case Kind::kBucket: limit.tokens -= static_cast<double>(cost); break;
    }
    changed = true;
  }
  if (changed) dirty_.push_back(Key(ns, network, account));
}

void RateLimiter::CountRolling(const LimitSpec& spec, LimitState& state, int64_t cost,
                               absl::Time now) {
  // Time is cut into fixed slots of period/kRollingSlots; tasks in the same slot share an
  // entry, which takes the latest task's time. The window then frees their cost at most one
  // slot late (never early), and an account's state stays at most kRollingSlots + 1
  // entries, whatever its limit.
  const int64_t slot_us = std::max<int64_t>(1, absl::ToInt64Microseconds(spec.period / kRollingSlots));
  const auto slot = [slot_us](absl::Time t) { return absl::ToUnixMicros(t) / slot_us; };
  if (!state.events.empty() && slot(state.events.back().first) == slot(now)) {
    state.events.back().first = now;
    state.events.back().second += cost;
  } else {
    state.events.emplace_back(now, cost);
  }
  state.used += cost;
}

void RateLimiter::Hold(const std::string& ns, const std::string& network,
                       const std::string& account, absl::Time now, absl::Duration retry_after,
                       std::string detail) {
  const absl::Time until = now + ClampHold(retry_after);
  Account* state = Find(ns, network, account, /*create=*/true);
  if (until <= state->hold_until) return;
  state->hold_until = until;
  state->hold_detail = std::move(detail);
  dirty_.push_back(Key(ns, network, account));
}

std::vector<RateLimiter::ReleasedHold> RateLimiter::Release(const std::string& ns,
                                                            absl::string_view network,
                                                            const std::string& account,
                                                            absl::Time now) {
  std::vector<ReleasedHold> released;
  for (auto& [key, state] : accounts_) {
    if (state.ns != ns || state.account != account || state.hold_until <= now ||
        (!network.empty() && state.network != network)) {
      continue;
    }
    released.push_back({state.network, state.hold_until, std::move(state.hold_detail)});
    state.hold_until = absl::InfinitePast();
    state.hold_detail.clear();
    dirty_.push_back(key);
  }
  return released;
}

std::vector<std::pair<std::string, internal::LimiterRecord>> RateLimiter::TakeDirty() {
  std::sort(dirty_.begin(), dirty_.end());
  dirty_.erase(std::unique(dirty_.begin(), dirty_.end()), dirty_.end());
  std::vector<std::pair<std::string, internal::LimiterRecord>> out;
  for (const std::string& key : dirty_) {
    const Account& account = accounts_.at(key);
    internal::LimiterRecord record;
    record.set_namespace_(account.ns);
    record.set_network(account.network);
    record.set_account(account.account);
    if (account.hold_until != absl::InfinitePast()) {
      record.set_hold_until_us(absl::ToUnixMicros(account.hold_until));
    }
    record.set_hold_detail(account.hold_detail);
    // A hold (retry_after) can come for a network the quota file does not limit.
    auto configured = config_.networks.find(account.network);
    for (size_t i = 0; configured != config_.networks.end() && i < account.limits.size(); ++i) {
      const auto& specs = configured->second;
      const LimitState& state = account.limits[i];
      internal::LimitStateRecord& limit = *record.add_limits();
      limit.set_name(specs[i].name);
      limit.set_tokens(state.tokens);
      if (state.refilled != absl::InfinitePast()) limit.set_refilled_us(absl::ToUnixMicros(state.refilled));
      limit.set_window(state.window);
      limit.set_used(state.used);
      for (const auto& [at, cost] : state.events) {
        limit.add_event_us(absl::ToUnixMicros(at));
        limit.add_event_cost(cost);
      }
    }
    out.emplace_back(key, std::move(record));
  }
  dirty_.clear();
  return out;
}

void RateLimiter::Restore(const std::string& key, const internal::LimiterRecord& record,
                          absl::Time now) {
  Account* account = Find(record.namespace_(), record.network(), record.account(), true);
  if (record.hold_until_us() != 0) {
    account->hold_until = absl::FromUnixMicros(record.hold_until_us());
    if (account->hold_until > now + kMaxHold) {
      account->hold_until = now + kMaxHold;
      dirty_.push_back(Key(record.namespace_(), record.network(), record.account()));
    }
  }
  account->hold_detail = record.hold_detail();
  auto specs = config_.networks.find(record.network());
  if (specs == config_.networks.end()) return;
  // Limits are matched by name, so that a changed quota file keeps what still applies.
  for (const internal::LimitStateRecord& stored : record.limits()) {
    for (size_t i = 0; i < specs->second.size(); ++i) {
      if (specs->second[i].name != stored.name()) continue;
      LimitState& state = account->limits[i];
      state.tokens = stored.tokens();
      state.refilled = stored.refilled_us() == 0 ? absl::InfinitePast()
                                                 : absl::FromUnixMicros(stored.refilled_us());
      state.window = stored.window();
      state.used = stored.used();
      if (specs->second[i].kind == Kind::kRolling) state.used = 0;
      for (int e = 0; e < stored.event_us_size() && e < stored.event_cost_size(); ++e) {
        state.events.emplace_back(absl::FromUnixMicros(stored.event_us(e)), stored.event_cost(e));
        state.used += stored.event_cost(e);
      }
    }
  }
}

std::vector<v1::DispatchState::RateLimit> RateLimiter::Snapshot(const std::string& ns,
                                                                absl::Time now) {
  std::vector<v1::DispatchState::RateLimit> out;
  for (auto& [key, account] : accounts_) {
    if (account.ns != ns) continue;
    const bool held = account.hold_until > now;
    const auto add = [&](absl::string_view endpoint_class, std::string detail) {
      v1::DispatchState::RateLimit& limit = out.emplace_back();
      limit.set_namespace_(account.ns);
      limit.set_network(account.network);
      limit.set_account(account.account);
      limit.set_endpoint_class(std::string(endpoint_class));
      limit.set_detail(std::move(detail));
      if (held) {
        *limit.mutable_held_until() = ToProtoTime(account.hold_until);
        limit.set_detail(absl::StrCat(limit.detail(), limit.detail().empty() ? "" : "; ",
                                      "held: ", account.hold_detail));
      }
      return &limit;
    };
    auto specs = config_.networks.find(account.network);
    const size_t n = specs == config_.networks.end() ? 0 : specs->second.size();
    // A hold on a network the quota file does not limit still shows, as a row of its own.
    if (n == 0 && held) add("", "");
    for (size_t i = 0; i < n; ++i) {
      const LimitSpec& spec = specs->second[i];
      v1::DispatchState::RateLimit* limit = add(spec.name, Describe(spec));
      limit->set_available(std::max(0.0, Available(spec, account.limits[i], now)));
      limit->set_capacity(static_cast<double>(spec.limit));
    }
  }
  return out;
}

}  // namespace fanfare::dispatch
