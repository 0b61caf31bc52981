// Attempts: leasing to workers, outcomes, retries with backoff, lost leases, timers.
#include <algorithm>
#include <cmath>

#include "absl/random/distributions.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/durations.h"
#include "engine/scheduler/scheduler.h"
#include "base/proto_time.h"

namespace fanfare::scheduler {
namespace {

// The code of a reconcile's "never happened" answer (worker.proto, TASK_PURPOSE_RECONCILE).
constexpr absl::string_view kReconcileNotFound = "not_found";

// "rejected_input" for ERROR_TYPE_REJECTED_INPUT: the name retry.non_retryable_errors uses.
std::string TypeName(v1::ErrorType type) {
  return absl::AsciiStrToLower(absl::StripPrefix(v1::ErrorType_Name(type), "ERROR_TYPE_"));
}

bool NeverRetried(v1::ErrorType type) {
  switch (type) {
    case v1::ERROR_TYPE_REJECTED_INPUT:
    case v1::ERROR_TYPE_AUTH_EXPIRED:
    case v1::ERROR_TYPE_DUPLICATE:
    case v1::ERROR_TYPE_INVALID:
    case v1::ERROR_TYPE_BUDGET_EXCEEDED:
      return true;
    default:
      return false;
  }
}

}  // namespace

void Scheduler::Lease(RunState& run, StepInstance& instance, const std::string& worker_id,
                      v1::Task& task) {
  const absl::Time now = clock_.Now();
  const TimeoutSettings& timeouts = instance.def->timeouts;
  ClearTimer(instance);
  ++instance.attempt;
  if (instance.purpose == v1::TASK_PURPOSE_RECONCILE) ++instance.reconcile_attempts;
  if (instance.state == v1::STEP_STATE_READY) instance.state = v1::STEP_STATE_RUNNING;
  instance.started_at = now;
  instance.worker_id = worker_id;
  instance.waiting.Clear();
  instance.attempt_deadline = now + timeouts.start_to_close;
  ExtendLease(instance);
  run.Touch(instance);
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_STEP_STARTED, now, &instance);
  event.set_actor(worker_id);
  if (instance.purpose == v1::TASK_PURPOSE_RECONCILE) event.set_message("reconcile");

  task.set_task_id(instance.task_id);
  task.set_attempt(instance.attempt);
  task.set_idempotency_key(IdempotencyKey(run.ns(), run.run_id(), instance.key));
  task.set_namespace_(run.ns());
  task.set_run_id(run.run_id());
  task.set_step_key(instance.key);
  task.set_action(instance.action);
  task.set_account(instance.account);
  *task.mutable_input() = instance.input;
  *task.mutable_lease_deadline() = ToProtoTime(instance.lease_deadline);
  *task.mutable_lease_ttl() = ToProtoDuration(instance.lease_deadline - now);
  *task.mutable_deadline() = ToProtoTime(instance.attempt_deadline);
  if (timeouts.heartbeat != absl::InfiniteDuration()) {
    *task.mutable_heartbeat_timeout() =
        ToProtoDuration(timeouts.heartbeat);
  }
  task.set_purpose(instance.purpose);
  *task.mutable_ready_at() = ToProtoTime(instance.ready_at);
}

void Scheduler::ExtendLease(StepInstance& instance) {
  const absl::Duration heartbeat = instance.def->timeouts.heartbeat;
  const absl::Duration ttl =
      heartbeat == absl::InfiniteDuration() ? options_.lease_ttl : heartbeat;
  instance.lease_deadline = std::min(instance.attempt_deadline, clock_.Now() + ttl);
}

void Scheduler::ClearLease(StepInstance& instance) {
  instance.lease_deadline = absl::InfiniteFuture();
  instance.attempt_deadline = absl::InfiniteFuture();
}

void Scheduler::SetTimer(RunState& run, StepInstance& instance, TimerKind kind, absl::Time at) {
  instance.timer_kind = kind;
  instance.timer_at = at;
  run.Touch(instance);
}

void Scheduler::ClearTimer(StepInstance& instance) {
  instance.timer_kind = TimerKind::kNone;
  instance.timer_at = absl::InfiniteFuture();
}

void Scheduler::MakeReady(RunState& run, StepInstance& instance) {
  const absl::Time now = clock_.Now();
  instance.state = v1::STEP_STATE_READY;
  instance.purpose = v1::TASK_PURPOSE_EXECUTE;
  instance.ready_at = now;
  instance.waiting.Clear();
  ClearTimer(instance);
  const absl::Duration limit = instance.def->timeouts.schedule_to_start;
  if (limit != absl::InfiniteDuration()) {
    SetTimer(run, instance, TimerKind::kScheduleToStart, now + limit);
  }
  run.Touch(instance);
  host_.Enqueue(run, instance);
}

void Scheduler::QueueForReconcile(RunState& run, StepInstance& instance) {
  const absl::Time now = clock_.Now();
  const absl::Time fence = instance.unsettled_until;
  instance.state = v1::STEP_STATE_UNKNOWN;
  instance.purpose = v1::TASK_PURPOSE_RECONCILE;
  run.Touch(instance);
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_STEP_UNKNOWN, now, &instance);
  event.set_message(absl::StrCat(instance.action, " is not idempotent and the outcome of attempt ",
                                 instance.attempt, " is unknown; reconciling with the network"));
  if (fence > now) {
    HoldUntilFence(run, instance, fence);
    return;
  }
  instance.ready_at = now;
  host_.Enqueue(run, instance);
}

void Scheduler::HoldUntilFence(RunState& run, StepInstance& instance, absl::Time fence) {
  instance.waiting.set_kind(v1::WaitingReason::KIND_FENCE);
  *instance.waiting.mutable_until() = ToProtoTime(fence);
  instance.waiting.set_detail(absl::StrCat(
      "attempt ", instance.attempt, " may still be acting; the next attempt waits until ",
      "its fence passes (", fanfare::FormatDuration(fence - clock_.Now()), ")"));
  SetTimer(run, instance, TimerKind::kFence, fence);
}

void Scheduler::Succeed(RunState& run, StepInstance& instance, expr::Value output,
                        size_t output_bytes) {
  if (output_bytes > options_.max_output_bytes) {
    v1::TaskFailure failure;
    failure.set_type(v1::ERROR_TYPE_INVALID);
    failure.set_message(absl::StrCat("the output is ", output_bytes / 1024, " KiB; the limit is ",
                                     options_.max_output_bytes / 1024,
                                     " KiB: return ids and figures, not whole objects"));
    Fail(run, instance, failure);
    return;
  }
  instance.output = std::move(output);
  instance.purpose = v1::TASK_PURPOSE_EXECUTE;
  instance.Settle();
  instance.last_error.Clear();
  Finish(run, instance, v1::STEP_STATE_SUCCEEDED);
}

bool Scheduler::IsRetryable(const StepInstance& instance, const v1::TaskFailure& failure) const {
  if (NeverRetried(failure.type())) return false;
  const std::vector<std::string>& listed = instance.def->retry.non_retryable;
  const auto in_list = [&](const std::string& name) {
    return !name.empty() && std::find(listed.begin(), listed.end(), name) != listed.end();
  };
  return !in_list(TypeName(failure.type())) && !in_list(failure.custom_type());
}

absl::Duration Scheduler::Backoff(const StepInstance& instance) const {
  const RetrySettings& retry = instance.def->retry;
  const int failures = std::max(
      1, instance.attempt - instance.reconcile_attempts - instance.attempts_before_rerun);
  const double base = absl::ToDoubleSeconds(retry.initial_backoff) *
                      std::pow(retry.multiplier, failures - 1);
  const double capped = std::min(base, absl::ToDoubleSeconds(retry.max_backoff));
  absl::BitGenRef random = random_;
  const double spread = retry.jitter * (2 * absl::Uniform<double>(random, 0.0, 1.0) - 1);
  return std::min(absl::Seconds(capped * (1 + spread)), retry.max_backoff);
}

void Scheduler::Fail(RunState& run, StepInstance& instance, const v1::TaskFailure& failure) {
  if (failure.type() == v1::ERROR_TYPE_OUTCOME_UNKNOWN && failure.code() != kReconcileNotFound) {
    // The worker has stopped the attempt, but a write it sent before saying "unknown" may
    // still land: whatever comes next waits out the margin.
    instance.DoubtUntil(clock_.Now() + options_.fence_margin);
  } else if (instance.purpose == v1::TASK_PURPOSE_EXECUTE) {
    instance.Settle();  // the attempt said how it ended
  }
  FailAttempt(run, instance, failure);
}

void Scheduler::FailAttempt(RunState& run, StepInstance& instance, const v1::TaskFailure& failure) {
  const absl::Time now = clock_.Now();
  ClearLease(instance);
  instance.last_error.set_type(failure.type());
  instance.last_error.set_code(failure.code());
  instance.last_error.set_message(failure.message());
  run.Touch(instance);
  const bool unknown = failure.type() == v1::ERROR_TYPE_OUTCOME_UNKNOWN;
  bool reconciling = instance.purpose == v1::TASK_PURPOSE_RECONCILE;
  if (reconciling && unknown && failure.code() == kReconcileNotFound) {
    // The lookup completed and found no trace of the action: it never took effect, and may
    // be executed again. (Any other failure of a reconcile is reconciled again below.)
    instance.purpose = v1::TASK_PURPOSE_EXECUTE;
    instance.state = v1::STEP_STATE_RUNNING;
    instance.Settle();
    reconciling = false;
  } else if (!reconciling && unknown && !instance.idempotent) {
    run.AddEvent(v1::EVENT_TYPE_STEP_ATTEMPT_FAILED, now, &instance)
        .mutable_error()->CopyFrom(instance.last_error);
    QueueForReconcile(run, instance);
    return;
  }
  const int executions =
      instance.attempt - instance.reconcile_attempts - instance.attempts_before_rerun;
  const bool retry = IsRetryable(instance, failure) &&
                     (reconciling || executions < instance.def->retry.max_attempts);
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_STEP_ATTEMPT_FAILED, now, &instance);
  *event.mutable_error() = instance.last_error;
  event.mutable_detail()->mutable_struct_value()->mutable_fields()->operator[]("will_retry")
      .set_bool_value(retry);
  if (!retry) {
    Finish(run, instance, v1::STEP_STATE_FAILED);
    return;
  }
  if (!reconciling) instance.state = v1::STEP_STATE_WAITING;
  WaitToRetry(run, instance, failure);
}

void Scheduler::WaitToRetry(RunState& run, StepInstance& instance,
                            const v1::TaskFailure& failure) {
  const absl::Time now = clock_.Now();
  const absl::Time fence = instance.unsettled_until;
  absl::Duration delay = Backoff(instance);
  const bool throttled = failure.type() == v1::ERROR_TYPE_THROTTLED;
  if (throttled && failure.has_retry_after()) {
    delay = std::max(delay, FromProtoDuration(failure.retry_after()));
  }
  if (fence > now + delay) {
    HoldUntilFence(run, instance, fence);
    return;
  }
  instance.waiting.set_kind(throttled ? v1::WaitingReason::KIND_RATE_LIMIT
                                      : v1::WaitingReason::KIND_BACKOFF);
  *instance.waiting.mutable_until() = ToProtoTime(now + delay);
  instance.waiting.set_detail(absl::StrCat("retry in ", fanfare::FormatDuration(delay),
                                           " after: ", failure.message()));
  SetTimer(run, instance, TimerKind::kBackoff, now + delay);
}

void Scheduler::Skip(RunState& run, StepInstance& instance, std::string reason) {
  instance.waiting.Clear();
  instance.waiting.set_detail(std::move(reason));
  Finish(run, instance, v1::STEP_STATE_SKIPPED);
}

void Scheduler::Throttle(RunState& run, StepInstance& instance, absl::Time until,
                         std::string detail) {
  // A reconcile waits as UNKNOWN; everything else as WAITING. The backoff timer queues
  // either again.
  if (instance.purpose != v1::TASK_PURPOSE_RECONCILE) instance.state = v1::STEP_STATE_WAITING;
  instance.waiting.set_kind(v1::WaitingReason::KIND_RATE_LIMIT);
  *instance.waiting.mutable_until() = ToProtoTime(until);
  instance.waiting.set_detail(std::move(detail));
  SetTimer(run, instance, TimerKind::kBackoff, until);
}

void Scheduler::WaitForAccount(RunState& run, StepInstance& instance, std::string detail) {
  const absl::Time now = clock_.Now();
  if (instance.leased()) {
    ClearLease(instance);
    instance.Settle();  // the network refused the token: nothing was done
    run.AddEvent(v1::EVENT_TYPE_STEP_ATTEMPT_FAILED, now, &instance)
        .mutable_error()
        ->CopyFrom(instance.last_error);
  }
  ClearTimer(instance);
  instance.state = v1::STEP_STATE_WAITING;
  instance.waiting.Clear();
  instance.waiting.set_kind(v1::WaitingReason::KIND_ACCOUNT);
  instance.waiting.set_detail(std::move(detail));
  run.Touch(instance);
  run.AddEvent(v1::EVENT_TYPE_STEP_WAITING, now, &instance).set_message(instance.waiting.detail());
}

void Scheduler::AccountReady(RunState& run, StepInstance& instance) {
  if (instance.state != v1::STEP_STATE_WAITING ||
      instance.waiting.kind() != v1::WaitingReason::KIND_ACCOUNT) {
    return;
  }
  MakeReady(run, instance);
}

void Scheduler::LeaseExpired(RunState& run, StepInstance& instance) {
  const absl::Time now = clock_.Now();
  // The worker stops acting by its own copy of this deadline (it can only be earlier, up to
  // clock-rate drift); a write it had already sent lands within the margin. Whatever comes
  // next — a retry, or a reconcile, which may complete a half-made boost — waits for that.
  instance.DoubtUntil(instance.lease_deadline + options_.fence_margin);
  v1::TaskFailure failure;
  failure.set_type(v1::ERROR_TYPE_TIMEOUT);
  failure.set_message(
      now >= instance.attempt_deadline
          ? absl::StrCat("attempt ", instance.attempt, " exceeded start_to_close (",
                         fanfare::FormatDuration(instance.def->timeouts.start_to_close), ")")
          : absl::StrCat("lease lost: worker '", instance.worker_id,
                         "' stopped reporting on attempt ", instance.attempt));
  host_.CancelAttempt(run, instance);
  if (!instance.idempotent && instance.purpose == v1::TASK_PURPOSE_EXECUTE) {
    ClearLease(instance);
    instance.last_error.set_type(v1::ERROR_TYPE_OUTCOME_UNKNOWN);
    instance.last_error.set_message(failure.message());
    QueueForReconcile(run, instance);
    return;
  }
  FailAttempt(run, instance, failure);
}

void Scheduler::TimerFired(RunState& run, StepInstance& instance) {
  const TimerKind kind = instance.timer_kind;
  ClearTimer(instance);
  run.Touch(instance);
  switch (kind) {
    case TimerKind::kBackoff:
    case TimerKind::kFence:
      if (instance.purpose == v1::TASK_PURPOSE_RECONCILE) {
        instance.ready_at = clock_.Now();
        host_.Enqueue(run, instance);
      } else {
        MakeReady(run, instance);
      }
      return;
    case TimerKind::kScheduleToStart:
      if (instance.queued()) {
        FailInstance(run, instance, v1::ERROR_TYPE_TIMEOUT,
                     absl::StrCat("no worker for '", instance.queue, "' picked it up within "
                                  "schedule_to_start (",
                                  fanfare::FormatDuration(instance.def->timeouts.schedule_to_start),
                                  "); is a worker serving ", instance.queue, " running?"));
      }
      return;
    default:
      BuiltinTimerFired(run, instance, kind);
      return;
  }
}

}  // namespace fanfare::scheduler
