// RateLimiter: the coordinator's central count of every (namespace, network, account)'s API
// use against the network's limits (QuotaConfig), so that however many workers run, no
// account is sent more than its network allows. A worker that meets a 429 anyway reports
// `retry_after`, and the account is then held until that time, for at most kMaxHold.
//
// The dispatcher asks Check() before it leases a task and Consume()s after; a task that may
// not go waits (WAITING, rate limit) until the time Check() names. State changes are
// durable: the coordinator flushes dirty accounts with every cycle and loads them at start.
//
// Not thread-safe: owned by the engine thread.
#ifndef FANFARE_ENGINE_DISPATCH_RATE_LIMITER_H_
#define FANFARE_ENGINE_DISPATCH_RATE_LIMITER_H_

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/dispatch/quota_config.h"
#include "fanfare/internal/records.pb.h"
#include "fanfare/v1/coordinator.pb.h"

namespace fanfare::dispatch {

// The longest a worker's retry_after may hold an account. A network (or a broken worker) that
// asks for longer gets this much; `fanfare workers release` lifts a hold sooner. Keeps every
// hold a time that the store, a Timestamp and JSON can all represent.
inline constexpr absl::Duration kMaxHold = absl::Hours(24);

// A worker-reported retry_after as the coordinator honours it: within [0, kMaxHold].
absl::Duration ClampHold(absl::Duration retry_after);

class RateLimiter {
 public:
  // `config` must outlive the limiter.
  explicit RateLimiter(const QuotaConfig* config) : config_(*config) {}

  struct Decision {
    bool allowed = true;
    // When to ask again, if not allowed.
    absl::Time retry_at = absl::InfinitePast();
    // Which limit (or hold) stands in the way, for people.
    std::string detail;
  };
  Decision Check(const std::string& ns, const std::string& network, const std::string& account,
                 absl::string_view endpoint_class, absl::Time now);
  // Counts one task. REQUIRES: Check() allowed it at `now`.
  void Consume(const std::string& ns, const std::string& network, const std::string& account,
               absl::string_view endpoint_class, absl::Time now);
  // Holds the account from `now` for `retry_after` (a worker's), clamped by ClampHold. A
  // longer hold already in force stays.
  void Hold(const std::string& ns, const std::string& network, const std::string& account,
            absl::Time now, absl::Duration retry_after, std::string detail);

  // A hold lifted by Release().
  struct ReleasedHold {
    std::string network;
    absl::Time until;
    std::string detail;
  };
  // Lifts the holds in force at `now` on `account` of `ns`: on `network`, or on every network
  // if it is empty. Returns what was lifted, by network; empty if nothing was held.
  std::vector<ReleasedHold> Release(const std::string& ns, absl::string_view network,
                                    const std::string& account, absl::Time now);

  // Accounts changed since the last call, as records to store (key: ns/network/account).
  std::vector<std::pair<std::string, internal::LimiterRecord>> TakeDirty();
  // Restores an account's state from its record. A stored hold ending more than kMaxHold
  // after `now` (written before holds were clamped) is cut to `now + kMaxHold`, and the
  // account marked dirty so that the corrected record is written back.
  void Restore(const std::string& key, const internal::LimiterRecord& record, absl::Time now);

  // What `fanfare workers` shows: every tracked account of `ns`.
  std::vector<v1::DispatchState::RateLimit> Snapshot(const std::string& ns, absl::Time now);

  // "ns/network/account"
  static std::string Key(absl::string_view ns, absl::string_view network,
                         absl::string_view account);

 private:
  struct LimitState {
    double tokens = -1;  // bucket: -1 until first use (full)
    absl::Time refilled = absl::InfinitePast();
    int64_t window = 0;  // window: which window `used` counts; daily: which day
    int64_t used = 0;    // window, daily: in `window`; rolling: the sum of `events`' costs
    std::deque<std::pair<absl::Time, int64_t>> events;  // rolling: (time, cost), oldest first
  };
  struct Account {
    std::string ns, network, account;
    absl::Time hold_until = absl::InfinitePast();
    std::string hold_detail;
    std::vector<LimitState> limits;  // parallel to the network's LimitSpecs
  };

  Account* Find(const std::string& ns, const std::string& network, const std::string& account,
                bool create);
  // A rolling limit keeps at most this many entries (CountRolling).
  static constexpr int kRollingSlots = 64;
  // Counts `cost` against a rolling limit at `now`.
  static void CountRolling(const LimitSpec& spec, LimitState& state, int64_t cost, absl::Time now);
  // How much of `spec` is left at `now`, after bringing `state` up to date.
  double Available(const LimitSpec& spec, LimitState& state, absl::Time now) const;
  absl::Time WhenAvailable(const LimitSpec& spec, const LimitState& state, int64_t cost,
                           absl::Time now) const;

  const QuotaConfig& config_;
  std::map<std::string, Account> accounts_;
  std::vector<std::string> dirty_;
};

}  // namespace fanfare::dispatch

#endif  // FANFARE_ENGINE_DISPATCH_RATE_LIMITER_H_
