// Scheduler: the rules by which a run's step instances move through their states.
//
// The Scheduler is plain code over a RunState and an injected Clock: it decides what becomes
// ready when something finishes, expands for_each steps, evaluates `when`, applies retry
// policies and timeouts, runs the built-in kinds (wait, approval, signal, repeat) and decides
// when a run is over. It does no I/O: what it needs from the outside (queueing an instance
// for workers, telling a worker to stop, new task ids) it asks of its SchedulerHost, and
// every change it makes is left in the RunState for the coordinator to write.
//
// Semantics (docs/campaign-language.md is the user-facing account):
//  - A step becomes eligible when each of its needs is terminal. If a need was skipped or
//    failed with continue_on_failure, a step without `when` is skipped too (skips
//    propagate); a step with `when` decides for itself.
//  - `when` false skips the instance; an error in it fails the instance (not retried).
//  - A failed step fails the run unless it has continue_on_failure; the run's other
//    unfinished instances are then cancelled and workers holding them are told to stop.
//  - A lost attempt (lease or start_to_close expired) of an idempotent action is retried per
//    the retry policy; of a non-idempotent action it becomes UNKNOWN and is reconciled.
//  - Fencing: an attempt that was lost, whose worker reported its outcome unknown, or that was
//    cancelled while leased may still be acting (a write in flight, a worker that has not yet
//    noticed). The next attempt of the instance — retry, reconcile, or a rerun's — waits until
//    the old one cannot act any more: the lost lease's deadline plus `fence_margin`, or the
//    report plus `fence_margin` (instance.unsettled_until). A rerun reconciles a
//    non-idempotent instance still in doubt before executing it again. The worker
//    runtime stops writing once it cannot renew its lease (sdk/worker/worker.h), so the
//    margin only has to cover clock-rate drift and a write the network already received;
//    docs/architecture.md gives the whole argument.
//  - A reconcile settles an UNKNOWN instance: success is the action's outcome; failure with
//    OUTCOME_UNKNOWN and code "not_found" means the action never took effect and it is
//    executed again; any other failure (the lookup failed, its answer was lost) is followed by
//    another reconcile, never by a new execution.
//
// Thread safety: none; one engine thread drives a Scheduler and its RunStates.
#ifndef FANFARE_ENGINE_SCHEDULER_SCHEDULER_H_
#define FANFARE_ENGINE_SCHEDULER_SCHEDULER_H_

#include <cstdint>
#include <string>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "engine/expr/expression.h"
#include "engine/scheduler/run_state.h"
#include "fanfare/v1/worker.pb.h"

namespace fanfare::scheduler {

// What the scheduler needs from the coordinator.
class SchedulerHost {
 public:
  virtual ~SchedulerHost() = default;
  // `instance` is now queued (READY, or UNKNOWN awaiting reconcile): offer it to workers.
  virtual void Enqueue(RunState& run, StepInstance& instance) = 0;
  // The leased attempt of `instance` must stop: tell the worker holding it.
  virtual void CancelAttempt(RunState& run, const StepInstance& instance) = 0;
  // A new instance was created: give it a task id never used before
  // (instance.task_id) and remember it.
  virtual void Register(RunState& run, StepInstance& instance) = 0;
  // The instance is about to be dropped (a compacted repeat iteration): forget it.
  virtual void Forget(const StepInstance& instance) = 0;
  // The instance has just reached a terminal state (succeeded, failed, skipped, cancelled).
  // If an attempt of it may still act (instance.in_doubt()), it may until
  // instance.unsettled_until: whatever it reserved must count until then.
  virtual void Ended(RunState& run, const StepInstance& instance) = 0;
  // `run` has expansions deferred to a later cycle: call ContinueDeferred(run) then.
  virtual void Deferred(RunState& run) = 0;
  // The timer of `instance` (timer_at) must fire when due, although it has not changed (its
  // run was paused, and is resumed).
  virtual void Rearm(RunState& run, StepInstance& instance) = 0;
};

struct SchedulerOptions {
  // Lease of an attempt whose step sets no heartbeat timeout; workers' heartbeats extend it.
  absl::Duration lease_ttl = absl::Seconds(30);
  // How long after a lost attempt's lease deadline (or after a worker reported an attempt's
  // outcome unknown) its next attempt may start. Covers the drift between the coordinator's
  // and the worker's clock rates over one lease and a write the network had already
  // received when the worker stopped; it defaults to a network request's timeout.
  absl::Duration fence_margin = absl::Seconds(30);
  // Largest serialized output a step may return.
  size_t max_output_bytes = 256 * 1024;
  // Repeat iterations kept in full; older ones are compacted into the repeat's output.
  int keep_iterations = 3;
  // Step instances created per engine cycle (between BeginCycle calls), so that no cycle
  // holds the engine thread for long: once they are spent, steps whose needs are met wait
  // for the next cycle, and a fan-out goes on creating its instances there. An expansion
  // always creates at least one. 0: no limit.
  int max_new_instances_per_cycle = 0;
};

class Scheduler {
 public:
  Scheduler(const Clock& clock, absl::BitGenRef random, SchedulerHost& host,
            SchedulerOptions options = {});

  const SchedulerOptions& options() const { return options_; }

  // Starts a run whose record is SCHEDULED or RUNNING: its root steps become eligible.
  void Start(RunState& run);

  // Leases a queued instance's next attempt to `worker_id` and writes the task to send into
  // `task` (empty; the session's outgoing message, so that the task is built in place).
  // REQUIRES: instance.queued().
  void Lease(RunState& run, StepInstance& instance, const std::string& worker_id, v1::Task& task);
  // Extends the current lease after a heartbeat. REQUIRES: instance.leased().
  void ExtendLease(StepInstance& instance);

  // Outcomes of the current attempt. REQUIRES: instance.leased() (the caller fences).
  // `output_bytes` is the serialized size of `output`, checked against max_output_bytes.
  void Succeed(RunState& run, StepInstance& instance, expr::Value output, size_t output_bytes);
  // A reported OUTCOME_UNKNOWN failure fences the next attempt (see the file comment).
  void Fail(RunState& run, StepInstance& instance, const v1::TaskFailure& failure);
  // The lease or the attempt deadline passed. REQUIRES: instance.leased().
  void LeaseExpired(RunState& run, StepInstance& instance);
  // Skips a queued instance that must not go (a spend guardrail refused it); dependents
  // treat it as any skipped step.
  void Skip(RunState& run, StepInstance& instance, std::string reason);
  // A queued instance may not go yet (its account's rate limit): it waits until `until`,
  // then is queued again. Not an attempt: nothing was sent.
  void Throttle(RunState& run, StepInstance& instance, absl::Time until, std::string detail);
  // The account `instance` acts through is not usable now (it needs a person, or its token is
  // being renewed): the instance — queued, or its attempt just refused by the network (which
  // did not act: the attempt is settled) — waits (KIND_ACCOUNT, no timer) until AccountReady.
  // Called again while it waits, it records the new `detail`. REQUIRES: purpose EXECUTE.
  void WaitForAccount(RunState& run, StepInstance& instance, std::string detail);
  // The account is usable again: an instance waiting for it is queued.
  void AccountReady(RunState& run, StepInstance& instance);
  // instance.timer_at passed. REQUIRES: instance.timer_kind != kNone.
  void TimerFired(RunState& run, StepInstance& instance);

  // A person's decision on an approval step.
  struct Decision {
    bool approve = false;
    // Who vouches for `subject`: "fanfare" (an API token), a JWT's issuer, "none".
    std::string issuer;
    // The decider's verified name. People are told apart by name alone, whoever vouches.
    std::string subject;
    std::string comment;
    // The approval digest the decider reviewed; empty: whatever the step asks now.
    std::string digest;
  };
  // Records a decision on an approval instance (approvals.cc). An approval succeeds the step
  // once it has `min_approvers` from distinct people; one rejection fails it. The same
  // decision made again by the same person is OK and changes nothing. FailedPrecondition if
  // the step is not waiting for a decision or now asks to approve something else than
  // `digest`; PermissionDenied if the decider is not among its approvers, or started the run
  // and the step has separation_of_duties.
  absl::Status Decide(RunState& run, StepInstance& instance, const Decision& decision);
  // Delivers a signal to the run's WAITING signal instances of that name and returns how
  // many received it. When none waits, the signal is buffered (in the run record) for the
  // first signal step of that name to wait, and 0 is returned.
  int Signal(RunState& run, const std::string& name, const expr::Value& payload,
             const std::string& identity);

  // Re-executes a FAILED or CANCELED run: from its failed and cancelled instances (keeping
  // every succeeded output), or — with `from_step`, a top-level step id — from that step and
  // everything downstream of it, plus the failed and cancelled instances elsewhere.
  // Retried instances get a fresh retry budget; their attempt numbers keep counting up.
  // FailedPrecondition if the run is not failed or cancelled, NotFound for an unknown step.
  absl::Status Rerun(RunState& run, const std::string& from_step, const std::string& identity);

  // Ends the run as CANCELED. Idempotent; a terminal run is left as it is.
  void Cancel(RunState& run, const std::string& reason, const std::string& identity);
  // Holds `run`: nothing more of it is dispatched and none of its timers fires (the host
  // checks the status); attempts already running finish and report. Recorded with who did it
  // and why; pausing a paused run changes nothing.
  void Pause(RunState& run, const std::string& identity, const std::string& reason);
  // Releases a paused run: its queued instances are offered again (host Enqueue) and its
  // timers armed again (host Rearm), so those that came due meanwhile fire at once. Resuming
  // a run that is not paused changes nothing.
  void Resume(RunState& run, const std::string& identity);

  // --- Work spread over engine cycles.
  // Starts a new cycle's budget of new instances (max_new_instances_per_cycle).
  void BeginCycle() { created_this_cycle_ = 0; }
  // Goes on with `run`'s deferred expansions while the cycle's budget lasts. True if some
  // are left for a later cycle.
  bool ContinueDeferred(RunState& run);
  // Defers again whatever expansion a run had pending: steps whose needs are met but that
  // were not expanded, and fan-outs created in part. For a run loaded after a restart, and
  // after a rerun.
  void ResumeDeferred(RunState& run);

  // The variables the expressions of `reader` see, for `instance` (null when evaluating for
  // the step as a whole, e.g. its for_each). `steps` holds the steps `reader` reads
  // (StepDef::reads), or every step when `reader` is null.
  expr::Activation MakeActivation(const RunState& run, const Scope& scope, int iteration,
                                  const StepInstance* instance, const StepDef* reader) const;

 private:
  // Eligibility and expansion (scheduler.cc).
  void StartScope(RunState& run, const Scope& scope, int iteration);
  void TryStart(RunState& run, const Scope& scope, int step_index, int iteration);
  void Expand(RunState& run, const Scope& scope, const StepDef& def, int iteration,
              bool propagate_skip);
  // A new instance of `def` (counted against the cycle's budget), registered with the host.
  StepInstance& Create(RunState& run, const Scope& scope, const StepDef& def, int iteration,
                       absl::string_view item_key, bool fanned);
  // Creates and prepares the next instances of a fan-out over `items`, as many as the
  // cycle's budget allows (at least one), deferring the rest.
  void ContinueFanOut(RunState& run, const Scope& scope, const StepDef& def, int iteration,
                      const expr::Value& items);
  void Defer(RunState& run, const Scope& scope, int step_index, int iteration);
  // New instances this cycle may still create; at least 1 when unlimited.
  size_t Budget() const;
  // True if the steps of (scope, iteration) may still start: the top scope, or the current
  // iteration of a running repeat block.
  bool ScopeLive(const RunState& run, const Scope& scope, int iteration) const;
  void ResumeScope(RunState& run, const Scope& scope, int iteration);
  void Prepare(RunState& run, StepInstance& instance);
  bool PrepareAction(RunState& run, StepInstance& instance, const expr::Activation& vars);
  void Finish(RunState& run, StepInstance& instance, v1::StepState state);
  void AfterGroupChange(RunState& run, const Scope& scope, int step_index, int iteration);
  void ScopeDone(RunState& run, const Scope& scope, int iteration);
  void EndRun(RunState& run, v1::RunStatus status, const v1::StepError& error,
              const std::string& identity);
  void FailInstance(RunState& run, StepInstance& instance, v1::ErrorType type,
                    std::string message);
  // Rerun (rerun.cc).
  void ResetForRerun(RunState& run, StepInstance& instance);
  // Cancels the unfinished instances of one scope iteration, or of the whole run if `scope`
  // is null, telling workers holding their attempts to stop. Does not propagate.
  void CancelUnfinished(RunState& run, const Scope* scope, int iteration);

  // Attempts (attempts.cc).
  void ClearLease(StepInstance& instance);
  bool IsRetryable(const StepInstance& instance, const v1::TaskFailure& failure) const;
  absl::Duration Backoff(const StepInstance& instance) const;
  void SetTimer(RunState& run, StepInstance& instance, TimerKind kind, absl::Time at);
  void ClearTimer(StepInstance& instance);
  // Fails the current attempt; its next attempt (if any) starts no earlier than
  // instance.unsettled_until (the fence of an attempt in doubt, if any).
  void FailAttempt(RunState& run, StepInstance& instance, const v1::TaskFailure& failure);
  // The instance becomes UNKNOWN; its reconcile is queued at instance.unsettled_until (at once
  // if that has passed).
  void QueueForReconcile(RunState& run, StepInstance& instance);
  // The next try of a failed attempt: after its backoff (or the network's retry_after), and
  // not before instance.unsettled_until.
  void WaitToRetry(RunState& run, StepInstance& instance, const v1::TaskFailure& failure);
  // Holds an instance on a kFence timer until `fence`.
  void HoldUntilFence(RunState& run, StepInstance& instance, absl::Time fence);
  void MakeReady(RunState& run, StepInstance& instance);

  // Approvals (approvals.cc).
  // The digest of what `approval` asks to approve: the run's campaign version and params,
  // its item, and the views of every step it depends on.
  std::string ApprovalDigest(const RunState& run, const StepInstance& approval) const;
  // Whether `instance` may start as far as the approvals upstream of it go: each has been
  // given, for what it would use now. One whose subject changed is asked for again; while
  // any is waiting, `instance` is held (false). A held instance whose approval then ended
  // without being given is skipped (false), unless its `when` decides.
  bool ApprovalsHold(RunState& run, StepInstance& instance);
  // A SUCCEEDED approval whose subject changed waits for a decision again.
  void Reopen(RunState& run, StepInstance& approval);
  // Prepares again the instances held for an approval (after one ended).
  void ResumeHeld(RunState& run);
  // The approval step starts waiting for decisions.
  void AwaitDecisions(RunState& run, StepInstance& instance, const expr::Activation& vars);
  absl::Status MayDecide(const RunState& run, const StepInstance& instance,
                         const Decision& decision) const;
  void Approve(RunState& run, StepInstance& instance, const Decision& decision);
  void Reject(RunState& run, StepInstance& instance, const Decision& decision);

  // Built-in kinds (builtins.cc).
  void PrepareBuiltin(RunState& run, StepInstance& instance, const expr::Activation& vars);
  void BuiltinTimerFired(RunState& run, StepInstance& instance, TimerKind kind);
  int DeliverSignal(RunState& run, const std::string& name, const expr::Value& payload,
                    const std::string& identity);
  // Completes a signal step that starts waiting with a signal that arrived earlier.
  bool TakeBufferedSignal(RunState& run, StepInstance& instance);
  void StartIteration(RunState& run, StepInstance& repeat);
  void IterationDone(RunState& run, const Scope& block, int iteration);
  void CompactIterations(RunState& run, StepInstance& repeat);

  const Clock& clock_;
  absl::BitGenRef random_;
  SchedulerHost& host_;
  SchedulerOptions options_;
  int created_this_cycle_ = 0;
};

// What `steps` holds for the steps of one scope in one iteration, and nothing else.
expr::Value StepsView(const RunState& run, const Scope& scope, int iteration);

// {"steps": what `steps` holds for every step `instance` depends on, directly or not, in its
// scope and iteration} and, for an instance in a repeat block, {"outer_steps": the same for
// every step the block depends on}.
expr::Value UpstreamView(const RunState& run, const StepInstance& instance);

// How a finished group of instances counts for its dependents.
enum class GroupOutcome { kPending, kSucceeded, kSkipped, kFailedTolerated, kFailed, kCanceled };
GroupOutcome OutcomeOf(const StepGroup& group, const StepDef& def);

}  // namespace fanfare::scheduler

#endif  // FANFARE_ENGINE_SCHEDULER_SCHEDULER_H_
