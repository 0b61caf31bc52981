// SpendLedger: what each campaign has committed to spend, learnt from its workers' outputs,
// and the guardrails that keep it (and each account) under its caps.
//
// Commitments come from outputs: a boost or set_budget commits the ad's daily budget
// (`budget_micros`), pause and resume take it out and put it back; insights measure spend
// (`lifetime_spend_micros`, or successive windows of `spend_micros`).
//
// Before a boost, set_budget or resume goes out, Reserve() compares what it would commit
// with the caps and allows it, clips its daily budget, or refuses it:
//   - budget.daily_max: the campaign's active daily budgets together;
//   - budget.total:     spend measured so far plus one day of active budgets (so that the
//                       cap holds even if nothing is measured for a day);
//   - account caps:     every campaign's active daily budgets on that account.
// When measured spend plus one day of budgets passes the total, Record() says so and the
// coordinator pauses the campaign's ads (a guard run) and refuses further spend.
//
// Reservations: what a task allowed by Reserve() may commit counts against the caps from its
// lease until its outcome is known — through retries, reconciles and restarts — so that two
// tasks checked in the same instant cannot together pass a cap. A reservation on an existing
// budget holder counts as the larger of it and the holder's current budget (only one value
// stands at a time); a boost's counts in full. Record() turns a success into the ad's
// budget; Release() ends a reservation whose step ended otherwise, at the moment after which
// no attempt of it can still act. So at every instant the network's committed daily budgets
// are at most what the ledger counts, and that is within the caps.
//
// Changes are durable: the coordinator writes dirty campaigns in every cycle's batch, so the
// counters are exactly as the acknowledged outcomes left them, also after a crash.
//
// Not thread-safe: owned by the engine thread.
#ifndef FANFARE_ENGINE_COORDINATOR_SPEND_LEDGER_H_
#define FANFARE_ENGINE_COORDINATOR_SPEND_LEDGER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/dispatch/quota_config.h"
#include "fanfare/internal/records.pb.h"
#include "fanfare/v1/campaign.pb.h"
#include "fanfare/v1/coordinator.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::coordinator {

// True for the verbs that move money: their inputs are checked and their outputs recorded.
bool MovesMoney(absl::string_view verb);

// One task of a campaign, as the ledger sees it. The strings and the input must outlive the
// call it is passed to.
struct SpendTask {
  absl::string_view ns;
  absl::string_view campaign;
  const v1::Budget* budget = nullptr;
  absl::string_view network;
  absl::string_view account;
  absl::string_view verb;
  const google::protobuf::Struct* input = nullptr;
  // The step instance's task id: the key of its reservation.
  uint64_t task_id = 0;
};

class SpendLedger {
 public:
  // `caps` (account caps) must outlive the ledger.
  explicit SpendLedger(const dispatch::QuotaConfig* caps) : caps_(*caps) {}

  struct Verdict {
    enum class Kind { kAllow, kClip, kRefuse };
    Kind kind = Kind::kAllow;
    // For kClip: the daily budget (micros) the action may set instead.
    int64_t budget_micros = 0;
    // Why, with the figures, for history.
    std::string reason;
  };
  // Whether `task` may go now under its campaign's budget and the account caps, counting
  // every reservation but its own; unless refused, reserves what it may commit (its daily
  // budget as allowed or clipped), replacing its earlier reservation (a retry).
  Verdict Reserve(const SpendTask& task, absl::Time now);

  // Records the output of a successful action, ending its reservation. Returns true when
  // the campaign's total cap has just been reached: its ads must be paused.
  bool Record(const SpendTask& task, const google::protobuf::Value& output);

  // The step of task `task_id` ended without a success to record: its reservation counts
  // until `until` (the moment after which none of its attempts can act), then lapses.
  void Release(absl::string_view ns, absl::string_view campaign, uint64_t task_id,
               absl::Time until, absl::Time now);

  // The campaign's active ads, as the guard run's items: {id, network, account, ad_id,
  // ad_set_id}.
  google::protobuf::ListValue ActiveAds(const std::string& ns, const std::string& campaign) const;
  void MarkCapped(const std::string& ns, const std::string& campaign);

  v1::SpendStatus Status(const std::string& ns, const std::string& campaign,
                         const v1::Budget& budget) const;

  // Every campaign's record, keyed "ns/campaign".
  const std::map<std::string, internal::SpendRecord>& records() const { return campaigns_; }

  // Campaigns changed since the last call, keyed "ns/campaign".
  std::vector<std::pair<std::string, internal::SpendRecord>> TakeDirty();
  void Restore(const internal::SpendRecord& record);

  static std::string Key(absl::string_view ns, absl::string_view campaign);

 private:
  // The committed daily budgets (reservations included) a check compares against, without
  // the budget holder being changed and the task's own reservation.
  struct Commitments {
    int64_t campaign = 0;
    int64_t account = 0;
    int64_t spent = 0;
  };
  Commitments Committed(const SpendTask& task, const std::string& excluded_ad_set,
                        absl::Time now) const;
  // What the task asks to commit per day (-1 if nothing to check), and the holder it sets.
  std::pair<int64_t, std::string> Requested(const SpendTask& task) const;
  Verdict Judge(const SpendTask& task, int64_t requested, const Commitments& c) const;
  void Hold(const SpendTask& task, const std::string& ad_set_id, int64_t micros, absl::Time now);
  internal::AdSpend* FindAd(internal::SpendRecord& record, const std::string& network,
                            const std::string& ad_id, const std::string& ad_set_id);
  const internal::SpendRecord* Find(absl::string_view ns, absl::string_view campaign) const;
  internal::SpendRecord& Own(const SpendTask& task);
  bool TotalReached(const internal::SpendRecord& record, const v1::Budget& budget) const;

  const dispatch::QuotaConfig& caps_;
  std::map<std::string, internal::SpendRecord> campaigns_;
  std::vector<std::string> dirty_;
};

// The public view of a campaign's spend record against its budget.
v1::SpendStatus SpendStatusOf(const internal::SpendRecord& record, const v1::Budget& budget);

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_SPEND_LEDGER_H_
