// SpendLedger: what each campaign has committed to spend, learnt from its workers' outputs,
// and the guardrails that keep it (and each account) under its caps.
//
// Commitments come from outputs: a boost or set_budget commits the ad's daily budget
// (`budget_micros`), pause and resume take it out and put it back; insights measure spend
// (`lifetime_spend_micros`, or successive windows of `spend_micros`).
//
// Before a boost, set_budget or resume goes out, Check() compares what it would commit
// with the caps and allows it, clips its daily budget, or refuses it:
//   - budget.daily_max: the campaign's active daily budgets together;
//   - budget.total:     spend measured so far plus one day of active budgets (so that the
//                       cap holds even if nothing is measured for a day);
//   - account caps:     every campaign's active daily budgets on that account.
// When measured spend plus one day of budgets passes the total, Record() says so and the
// coordinator pauses the campaign's ads (a guard run) and refuses further spend.
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
#include "engine/dispatch/quota_config.h"
#include "fanfare/internal/records.pb.h"
#include "fanfare/v1/campaign.pb.h"
#include "fanfare/v1/coordinator.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::coordinator {

// True for the verbs that move money: their inputs are checked and their outputs recorded.
bool MovesMoney(absl::string_view verb);

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
  // Whether `verb` with `input` may go for campaign (`ns`, `campaign`) under `budget`.
  Verdict Check(const std::string& ns, const std::string& campaign, const v1::Budget& budget,
                const std::string& network, const std::string& account, absl::string_view verb,
                const google::protobuf::Struct& input) const;

  // Records the output of a successful action. Returns true when the campaign's total cap
  // has just been reached: its ads must be paused.
  bool Record(const std::string& ns, const std::string& campaign, const v1::Budget& budget,
              const std::string& network, const std::string& account, absl::string_view verb,
              const google::protobuf::Struct& input, const google::protobuf::Value& output);

  // The campaign's active ads, as the guard run's items: {id, network, account, ad_id,
  // ad_set_id}.
  google::protobuf::ListValue ActiveAds(const std::string& ns, const std::string& campaign) const;
  void MarkCapped(const std::string& ns, const std::string& campaign);

  v1::SpendStatus Status(const std::string& ns, const std::string& campaign,
                         const v1::Budget& budget) const;

  // Campaigns changed since the last call, keyed "ns/campaign".
  std::vector<std::pair<std::string, internal::SpendRecord>> TakeDirty();
  void Restore(const internal::SpendRecord& record);

  static std::string Key(absl::string_view ns, absl::string_view campaign);

 private:
  // The committed daily budgets a check compares against, without the ad being changed.
  struct Commitments {
    int64_t campaign = 0;
    int64_t account = 0;
    int64_t spent = 0;
  };
  Commitments Committed(const std::string& ns, const std::string& campaign,
                        const std::string& network, const std::string& account,
                        const std::string& excluded_ad_set) const;
  internal::AdSpend* FindAd(internal::SpendRecord& record, const std::string& network,
                            const std::string& ad_id, const std::string& ad_set_id);
  const internal::SpendRecord* Find(const std::string& ns, const std::string& campaign) const;
  bool TotalReached(const internal::SpendRecord& record, const v1::Budget& budget) const;

  const dispatch::QuotaConfig& caps_;
  std::map<std::string, internal::SpendRecord> campaigns_;
  std::vector<std::string> dirty_;
};

// The public view of a campaign's spend record against its budget.
v1::SpendStatus SpendStatusOf(const internal::SpendRecord& record, const v1::Budget& budget);

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_SPEND_LEDGER_H_
