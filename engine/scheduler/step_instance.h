// StepInstance: the runtime state of one instance of a step in one run.
#ifndef FANFARE_ENGINE_SCHEDULER_STEP_INSTANCE_H_
#define FANFARE_ENGINE_SCHEDULER_STEP_INSTANCE_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/expr/value.h"
#include "engine/scheduler/compiled_campaign.h"
#include "fanfare/v1/run.pb.h"
#include "fanfare/v1/worker.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::scheduler {

// What an instance's timer is for. An instance has at most one timer at a time.
enum class TimerKind : int {
  kNone = 0,
  kBackoff = 1,          // retry after a failed attempt
  kWait = 2,             // a wait step's end
  kDecisionTimeout = 3,  // an approval or signal giving up
  kScheduleToStart = 4,  // a READY instance not picked up in time
  kNextIteration = 5,    // a repeat block's next iteration
  kFence = 6,            // a lost attempt's fence: the next attempt waits until it has passed
};

// The key of an instance: "publish", "publish[facebook]", "optimize/measure[x]#3".
std::string InstanceKey(const Scope& scope, const StepDef& def, absl::string_view item_key,
                        bool fans_out, int iteration);

// The key a worker passes to a network so that no attempt of an instance acts twice:
// "namespace/run_id/instance_key". Workers derive every client reference and boost name
// from it, and reconciliation finds an earlier attempt's work by it, so tasks, GetRun and
// stored runs all show this one.
std::string IdempotencyKey(absl::string_view ns, absl::string_view run_id,
                           absl::string_view instance_key);

bool IsTerminal(v1::StepState state);
bool IsTerminal(v1::RunStatus status);

// One instance. Owned by its RunState; mutated only by the Scheduler (which marks it dirty).
struct StepInstance {
  std::string key;
  const Scope* scope = nullptr;
  const StepDef* def = nullptr;
  // Repeat iteration (1-based) for instances in a repeat block, else 0.
  int iteration = 0;
  // For for_each instances: the item, its key and its position.
  expr::Value item;
  std::string item_key;
  int item_index = -1;
  // The first instance of a fan-out created over several engine cycles holds every item of
  // the fan-out until the last instance exists (null otherwise), so that a restart goes on
  // where it stopped.
  expr::Value fan_out_items;

  v1::StepState state = v1::STEP_STATE_PENDING;
  // Attempts made so far; the current attempt's number while RUNNING.
  int attempt = 0;
  uint64_t task_id = 0;
  // EXECUTE, or RECONCILE while settling an UNKNOWN outcome.
  v1::TaskPurpose purpose = v1::TASK_PURPOSE_EXECUTE;

  // Resolved when the instance first becomes ready.
  std::string queue;
  std::string action;
  std::string account;
  // The version of the held account whose token the current attempt carried (in memory
  // only: 0 after a restart, which makes a refused token count as an old one).
  int64_t granted_account_version = 0;
  // The rendered `with`, as sent to workers.
  google::protobuf::Struct input;
  bool idempotent = true;
  // Attempts that were reconciles (settling an UNKNOWN outcome); they do not count against
  // the retry policy's max_attempts.
  int reconcile_attempts = 0;
  // Attempts made before the run was last retried (RetryRun): the retry policy counts only
  // the attempts since.
  int attempts_before_rerun = 0;

  absl::Time ready_at = absl::InfinitePast();
  absl::Time started_at = absl::InfinitePast();
  absl::Time ended_at = absl::InfinitePast();
  // While an attempt is leased: when the lease runs out unless extended by a heartbeat,
  // and when the attempt must be finished (start_to_close).
  absl::Time lease_deadline = absl::InfiniteFuture();
  absl::Time attempt_deadline = absl::InfiniteFuture();
  absl::Time timer_at = absl::InfiniteFuture();
  TimerKind timer_kind = TimerKind::kNone;
  // Set while an attempt's outcome is in doubt (lost, reported unknown, or cancelled while
  // leased) and not yet settled: the moment after which that attempt cannot act any more
  // (its lease or report plus the fence margin). InfinitePast when nothing is in doubt.
  absl::Time unsettled_until = absl::InfinitePast();
  std::string worker_id;
  // Who took the current (or last) attempt's lease (auth::Principal::Key of its worker):
  // only the same principal may report its outcome or extend it. Empty: anyone serving the
  // namespace (a lease taken before leases were bound).
  std::string lease_holder;

  expr::Value output;
  v1::StepError last_error;
  v1::WaitingReason waiting;
  // Who decided an approval last, or sent a signal.
  std::string decided_by;
  // An approval step's approvals so far, from distinct people, each with the digest of what
  // it approved.
  std::vector<v1::Approval> approvals;
  // Waiting (KIND_APPROVAL) because an approval upstream of it must be given (again) before
  // it may start: prepared again when that approval ends.
  bool held_for_approval = false;

  // The coordinator's bookkeeping, not the scheduler's: the lease deadline and timer this
  // instance has in the coordinator's due heaps (InfiniteFuture when none), so that each flush
  // arms only what changed.
  struct ArmedDeadlines {
    absl::Time lease = absl::InfiniteFuture();
    absl::Time timer = absl::InfiniteFuture();
  };
  ArmedDeadlines armed;

  bool leased() const { return lease_deadline != absl::InfiniteFuture(); }
  bool in_doubt() const { return unsettled_until != absl::InfinitePast(); }
  // An attempt's outcome is in doubt: it may act until `until` (or a later doubt's end).
  void DoubtUntil(absl::Time until) { unsettled_until = std::max(unsettled_until, until); }
  // The outcome is known: nothing of this instance can act any more.
  void Settle() { unsettled_until = absl::InfinitePast(); }
  bool terminal() const { return IsTerminal(state); }
  // Waiting in a dispatch queue: READY, or UNKNOWN and not yet leased for reconciling (an
  // UNKNOWN instance waiting on a timer — a fence or a backoff — is not queued until it fires).
  bool queued() const {
    if (leased() || queue.empty()) return false;
    return state == v1::STEP_STATE_READY ||
           (state == v1::STEP_STATE_UNKNOWN && timer_kind == TimerKind::kNone);
  }
};

}  // namespace fanfare::scheduler

#endif  // FANFARE_ENGINE_SCHEDULER_STEP_INSTANCE_H_
