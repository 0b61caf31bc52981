// Workers: stream sessions, long-polls, outcomes with fencing, heartbeats, task assignment,
// and lifting the account holds their 429s cause.
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/proto_time.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/namespaces.h"
#include "engine/expr/proto_value.h"

namespace fanfare::coordinator {
namespace {

// Longer failure messages (a network's whole error body, say) are cut to this.
constexpr size_t kMaxErrorMessage = 2048;

v1::OutcomeAck Ack(const v1::TaskOutcome& outcome, v1::OutcomeAck::Status status,
                   std::string message = "") {
  v1::OutcomeAck ack;
  ack.set_task_id(outcome.task_id());
  ack.set_attempt(outcome.attempt());
  ack.set_status(status);
  ack.set_message(std::move(message));
  return ack;
}

std::string StateName(v1::StepState state) {
  return std::string(absl::StripPrefix(v1::StepState_Name(state), "STEP_STATE_"));
}

}  // namespace

void Engine::Connect(const std::string& session_id, v1::WorkerHello hello,
                     std::shared_ptr<dispatch::SessionSink> sink) {
  auto session = std::make_unique<dispatch::WorkerSession>(
      session_id, std::move(hello), dispatch::Transport::kStream, std::move(sink), clock_->Now());
  v1::WorkerWelcome& welcome = *session->outbox().mutable_welcome();
  welcome.set_worker_id(session->worker_id());
  *welcome.mutable_heartbeat_interval() = ToProtoDuration(options_.heartbeat_interval);
  dispatcher_.AddSession(std::move(session));
}

void Engine::OnWorkerMessage(const std::string& session_id, v1::WorkerMessage message) {
  dispatch::WorkerSession* session = dispatcher_.FindSession(session_id);
  if (session == nullptr) return;  // disconnected meanwhile
  for (const v1::TaskOutcome& outcome : message.outcomes()) {
    *session->outbox().add_acks() = ApplyOutcome(outcome);
  }
  for (const v1::TaskRef& ref : message.heartbeats()) {
    const std::optional<absl::Duration> granted = ExtendLease(ref);
    if (!granted.has_value()) {
      *session->outbox().add_lost_leases() = ref;
      continue;
    }
    // Sent after the commit that makes the extension durable, like every session message.
    v1::LeaseRenewal& renewal = *session->outbox().add_renewals();
    *renewal.mutable_task() = ref;
    *renewal.mutable_heartbeat_sent_at() = message.heartbeats_sent_at();
    *renewal.mutable_granted() = ToProtoDuration(*granted);
  }
  if (message.credit() > 0) session->Grant(message.credit());
  if (message.drain()) session->set_draining();
}

void Engine::Disconnect(const std::string& session_id, SessionEnd how) {
  // After kClosed, attempts the worker held keep their leases: they expire at their
  // deadlines unless the worker reconnects and reports or heartbeats them first.
  const std::unique_ptr<dispatch::WorkerSession> session = dispatcher_.RemoveSession(session_id);
  if (session == nullptr || how == SessionEnd::kClosed) return;
  for (const uint64_t task_id : session->running()) {
    const ActiveRuns::Task* task = active_.FindInstance(task_id);
    if (task == nullptr) continue;
    scheduler::StepInstance& instance = *task->instance;
    if (!instance.leased() || instance.worker_id != session->worker_id()) continue;
    // The lease is given up now; the doubt still runs to its deadline plus the fence margin,
    // since the worker may act until then by its own copy of the lease.
    scheduler_.LeaseExpired(*task->run, instance);
  }
}

void Engine::Poll(const std::string& session_id, v1::PollTasksRequest request,
                  std::shared_ptr<dispatch::SessionSink> sink) {
  v1::WorkerHello hello;
  hello.set_worker_id(request.worker_id());
  hello.set_namespace_(NamespaceOr(request.namespace_()));
  *hello.mutable_queues() = request.queues();
  *hello.mutable_actions() = request.actions();
  hello.set_max_concurrency(std::max(1, request.max_tasks()));
  auto session = std::make_unique<dispatch::WorkerSession>(
      session_id, std::move(hello), dispatch::Transport::kPoll, std::move(sink), clock_->Now());
  session->Grant(session->hello().max_concurrency());
  const absl::Duration wait = request.has_wait() ? FromProtoDuration(request.wait())
                                                 : absl::Seconds(30);
  session->poll_deadline = clock_->Now() + std::clamp(wait, absl::ZeroDuration(),
                                                      options_.max_poll_wait);
  dispatcher_.AddSession(std::move(session));
}

void Engine::FlushSessions() {
  const absl::Time now = clock_->Now();
  std::vector<std::string> finished_polls;
  for (const auto& [id, session] : dispatcher_.sessions()) {
    const bool poll = session->transport() == dispatch::Transport::kPoll;
    const bool answer = poll ? session->outbox().tasks_size() > 0 || now >= session->poll_deadline
                             : session->has_outbox();
    if (!answer) continue;
    AfterCommit([sink = session->sink(), message = session->TakeOutbox()]() mutable {
      sink->Deliver(std::move(message));
    });
    if (poll) finished_polls.push_back(id);
  }
  for (const std::string& id : finished_polls) dispatcher_.RemoveSession(id);
}

bool Engine::AssignTask(uint64_t task_id, dispatch::WorkerSession& session) {
  const ActiveRuns::Task* found = active_.FindInstance(task_id);
  if (found == nullptr || !found->instance->queued()) return false;
  scheduler::RunState& run = *found->run;
  scheduler::StepInstance& instance = *found->instance;
  if (!WithinBudget(run, instance)) return false;
  limiter_.Consume(run.ns(), instance.queue, instance.account, EndpointClassOf(instance),
                   clock_->Now());
  *session.outbox().add_tasks() = scheduler_.Lease(run, instance, session.worker_id());
  dispatcher_.Started(task_id, session);
  return true;
}

v1::OutcomeAck Engine::ApplyOutcome(const v1::TaskOutcome& outcome) {
  if (!outcome.has_success() && !outcome.has_failure()) {
    return Ack(outcome, v1::OutcomeAck::STATUS_INVALID,
               "the outcome has neither `success` nor `failure`");
  }
  const ActiveRuns::Task* task = active_.FindInstance(outcome.task_id());
  if (task == nullptr) {
    return Ack(outcome, v1::OutcomeAck::STATUS_UNKNOWN_TASK,
               absl::StrCat("no active task ", outcome.task_id(), "; its run may have ended"));
  }
  scheduler::RunState& run = *task->run;
  scheduler::StepInstance& instance = *task->instance;
  dispatcher_.Stopped(outcome.task_id());
  const bool current = instance.leased() && instance.attempt == outcome.attempt();
  // A late success of a lost non-idempotent attempt settles its unknown outcome.
  const bool settles = !instance.leased() && instance.state == v1::STEP_STATE_UNKNOWN &&
                       instance.attempt == outcome.attempt() && outcome.has_success();
  if (current || settles) {
    if (outcome.has_success()) {
      RecordSpend(run, instance, outcome.success().output());
      scheduler_.Succeed(run, instance, expr::FromProto(outcome.success().output()),
                         outcome.success().output().ByteSizeLong());
    } else {
      v1::TaskFailure failure = outcome.failure();
      if (failure.type() == v1::ERROR_TYPE_UNSPECIFIED) failure.set_type(v1::ERROR_TYPE_INTERNAL);
      if (failure.message().size() > kMaxErrorMessage) {
        failure.mutable_message()->resize(kMaxErrorMessage);
        failure.mutable_message()->append("…");
      }
      if (failure.has_retry_after()) {
        // The one place a worker's retry_after is bounded: the hold and the retry's wait both
        // read this, so neither is negative or longer than kMaxHold (request_checks refused
        // malformed ones).
        *failure.mutable_retry_after() =
            ToProtoDuration(dispatch::ClampHold(FromProtoDuration(failure.retry_after())));
      }
      if (failure.type() == v1::ERROR_TYPE_THROTTLED && failure.has_retry_after()) {
        // The network said so: nothing more for this account until then.
        limiter_.Hold(run.ns(), instance.queue, instance.account, clock_->Now(),
                      FromProtoDuration(failure.retry_after()),
                      absl::StrCat("held after a 429: ", failure.message()));
      }
      scheduler_.Fail(run, instance, failure);
    }
    return Ack(outcome, v1::OutcomeAck::STATUS_ACCEPTED,
               settles ? "settled the unknown outcome of this attempt" : "");
  }
  if (instance.terminal() && instance.attempt == outcome.attempt()) {
    return Ack(outcome, v1::OutcomeAck::STATUS_DUPLICATE, "already recorded");
  }
  if (outcome.attempt() > instance.attempt || outcome.attempt() < 1) {
    return Ack(outcome, v1::OutcomeAck::STATUS_INVALID,
               absl::StrCat("attempt ", outcome.attempt(), " of task ", outcome.task_id(),
                            " was never delivered"));
  }
  return Ack(outcome, v1::OutcomeAck::STATUS_STALE,
             absl::StrCat("attempt ", outcome.attempt(), " is no longer current: step ",
                          instance.key, " is ", StateName(instance.state), " at attempt ",
                          instance.attempt));
}

void Engine::ReportOutcome(const std::string& worker_id, v1::TaskOutcome outcome,
                           Reply<v1::OutcomeAck> reply) {
  ReplyAfterCommit<v1::OutcomeAck>(std::move(reply), ApplyOutcome(outcome));
}

std::optional<absl::Duration> Engine::ExtendLease(const v1::TaskRef& ref) {
  const ActiveRuns::Task* task = active_.FindInstance(ref.task_id());
  if (task == nullptr) return std::nullopt;
  scheduler::StepInstance& instance = *task->instance;
  if (!instance.leased() || instance.attempt != ref.attempt()) return std::nullopt;
  scheduler_.ExtendLease(instance);
  task->run->Touch(instance);
  return instance.lease_deadline - clock_->Now();
}

void Engine::ReleaseHold(const v1::ReleaseHoldRequest& request,
                         Reply<v1::ReleaseHoldResponse> reply) {
  const std::string& ns = NamespaceOr(request.namespace_());
  std::vector<dispatch::RateLimiter::ReleasedHold> released =
      limiter_.Release(ns, request.network(), request.account(), clock_->Now());
  if (released.empty()) {
    const std::string account = request.account().empty() ? "(default)" : request.account();
    ReplyAfterCommit<v1::ReleaseHoldResponse>(
        std::move(reply),
        absl::NotFoundError(absl::StrCat(
            "no hold on account '", account, "'",
            request.network().empty() ? "" : absl::StrCat(" of ", request.network()),
            " in namespace ", ns, "; `fanfare workers` shows the holds in force")));
    return;
  }
  v1::ReleaseHoldResponse response;
  for (dispatch::RateLimiter::ReleasedHold& hold : released) {
    v1::ReleaseHoldResponse::Hold& out = *response.add_released();
    out.set_network(hold.network);
    out.set_account(request.account());
    *out.mutable_held_until() = ToProtoTime(hold.until);
    out.set_detail(std::move(hold.detail));
    WakeThrottled(ns, hold.network, request.account());
  }
  ReplyAfterCommit<v1::ReleaseHoldResponse>(std::move(reply), std::move(response));
}

void Engine::WakeThrottled(const std::string& ns, const std::string& network,
                           const std::string& account) {
  for (const auto& [key, run] : active_.runs()) {
    if (run->ns() != ns) continue;
    for (const auto& instance : run->instances()) {
      // Waits for a rate limit are backoff timers (Scheduler::Throttle, WaitToRetry); firing
      // one early only queues the task again, and dispatch asks the limiter anew.
      if (instance->queue == network && instance->account == account &&
          instance->waiting.kind() == v1::WaitingReason::KIND_RATE_LIMIT &&
          instance->timer_kind == scheduler::TimerKind::kBackoff) {
        scheduler_.TimerFired(*run, *instance);
      }
    }
  }
}

void Engine::Heartbeat(const v1::HeartbeatRequest& request, Reply<v1::HeartbeatResponse> reply) {
  v1::HeartbeatResponse response;
  absl::Duration granted = absl::InfiniteDuration();
  for (const v1::TaskRef& ref : request.tasks()) {
    const std::optional<absl::Duration> extended = ExtendLease(ref);
    if (!extended.has_value()) {
      *response.add_lost() = ref;
      continue;
    }
    granted = std::min(granted, *extended);
  }
  if (granted == absl::InfiniteDuration()) granted = absl::ZeroDuration();
  *response.mutable_lease_deadline() = ToProtoTime(clock_->Now() + granted);
  *response.mutable_granted() = ToProtoDuration(granted);
  ReplyAfterCommit<v1::HeartbeatResponse>(std::move(reply), std::move(response));
}

}  // namespace fanfare::coordinator
