// SpendGuard: the engine's money rules, applied to the tasks of running campaigns.
//
//   - Before a money-moving task (boost, set_budget, resume) goes, Admit() asks the ledger:
//     the task goes, goes with its daily budget clipped to what the caps leave, or is skipped;
//     a clip or a refusal leaves a BUDGET_GUARDRAIL event in the run's history.
//   - When a money-moving or measuring task succeeds, RecordSuccess() records what it
//     committed or measured. If that reaches the campaign's total budget, the campaign is
//     capped (no further spend is admitted) and the ads it has live are returned, for the
//     engine to start the run that pauses them (PauseRunFor); PauseStarted() or PauseFailed()
//     records in the run's history that it did, or could not.
//   - When a money-moving step ends, Ended() releases its reservation at the moment after
//     which no attempt of it can still act.
//
// The ledger's counters and reservations (spend_ledger.h) are what make this hold across
// concurrent tasks and restarts; the engine writes its dirty records in every cycle's batch.
//
// Not thread-safe: owned by the engine thread.
#ifndef FANFARE_ENGINE_COORDINATOR_SPEND_GUARD_H_
#define FANFARE_ENGINE_COORDINATOR_SPEND_GUARD_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "engine/coordinator/spend_ledger.h"
#include "engine/dispatch/quota_config.h"
#include "engine/scheduler/scheduler.h"
#include "fanfare/v1/coordinator.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::coordinator {

class SpendGuard {
 public:
  // `caps`, `clock` and `scheduler` must outlive the guard.
  SpendGuard(const dispatch::QuotaConfig* caps, const Clock* clock,
             scheduler::Scheduler* scheduler)
      : ledger_(caps), clock_(clock), scheduler_(scheduler) {}

  // True if `instance` may go now, its input perhaps clipped; false if it was refused and
  // skipped. Tasks that move no money, and reconciles (which keep their execution's
  // reservation), always go.
  bool Admit(scheduler::RunState& run, scheduler::StepInstance& instance);

  // Records a successful outcome. Returns the campaign's live ads when this success reached
  // its total budget and some are live; nullopt otherwise.
  std::optional<google::protobuf::ListValue> RecordSuccess(
      scheduler::RunState& run, const scheduler::StepInstance& instance,
      const google::protobuf::Value& output);

  // A step ended (SchedulerHost::Ended): releases a money-moving step's reservation.
  void Ended(const scheduler::RunState& run, const scheduler::StepInstance& instance);

  // The built-in campaign that pauses a capped campaign's ads, and the run of it for `ads`.
  struct PauseRun {
    v1::ApplyCampaignRequest apply;
    v1::StartRunRequest start;
  };
  static absl::StatusOr<PauseRun> PauseRunFor(const std::string& ns, const std::string& campaign,
                                              google::protobuf::ListValue ads);
  // Records at `instance` (whose spend reached the cap) that the pause run `pause_run`
  // started.
  void PauseStarted(scheduler::RunState& run, const scheduler::StepInstance& instance,
                    const std::string& pause_run);
  // Records at `instance` (whose spend reached the cap) that the pause run did not start.
  void PauseFailed(scheduler::RunState& run, const scheduler::StepInstance& instance,
                   const absl::Status& why);

  // The counters, for recovery (Restore) and the engine's flush (TakeDirty).
  SpendLedger& ledger() { return ledger_; }
  const SpendLedger& ledger() const { return ledger_; }

 private:
  SpendLedger ledger_;
  const Clock* clock_;
  scheduler::Scheduler* scheduler_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_SPEND_GUARD_H_
