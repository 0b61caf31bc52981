#include "engine/coordinator/worker_gateway.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "engine/coordinator/namespaces.h"
#include "engine/expr/proto_value.h"

namespace fanfare::coordinator {
namespace {

AttemptOutcome OutcomeOf(const v1::TaskOutcome& outcome) {
  if (outcome.has_success()) return AttemptOutcome::kSucceeded;
  return outcome.failure().type() == v1::ERROR_TYPE_OUTCOME_UNKNOWN ? AttemptOutcome::kUnknown
                                                                     : AttemptOutcome::kFailed;
}

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

std::string EndpointClassOf(const scheduler::StepInstance& instance) {
  // Settling an unknown outcome reads the network back, whatever the action was.
  return instance.purpose == v1::TASK_PURPOSE_RECONCILE ? "read"
                                                         : dispatch::EndpointClass(instance.def->verb);
}

// The failure as it is recorded: typed, its message bounded, its retry_after clamped.
v1::TaskFailure Bounded(v1::TaskFailure failure) {
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
  return failure;
}

void LogDisconnect(const dispatch::WorkerSession& session, WorkerGateway::SessionEnd how) {
  const bool broke = how == WorkerGateway::SessionEnd::kBrokeProtocol;
  log::Line(broke ? log::Level::kWarning : log::Level::kInfo, "workers",
            broke ? "worker disconnected: it broke the protocol" : "worker disconnected")
      .Field("namespace", session.ns())
      .Field("worker", session.worker_id())
      .Field("running", static_cast<int64_t>(session.running().size()));
}

}  // namespace

void WorkerGateway::Connect(const std::string& session_id, v1::WorkerHello hello,
                            std::string holder, std::shared_ptr<dispatch::SessionSink> sink) {
  auto session = std::make_unique<dispatch::WorkerSession>(
      session_id, std::move(hello), dispatch::Transport::kStream, std::move(sink),
      parts_.clock->Now());
  session->set_holder(std::move(holder));
  v1::WorkerWelcome& welcome = *session->outbox().mutable_welcome();
  welcome.set_worker_id(session->worker_id());
  *welcome.mutable_heartbeat_interval() = ToProtoDuration(options_.heartbeat_interval);
  log::Info("workers", "worker connected")
      .Field("namespace", session->ns())
      .Field("worker", session->worker_id())
      .Field("queues", absl::StrJoin(session->hello().queues(), ","))
      .Field("concurrency", session->hello().max_concurrency());
  parts_.dispatcher->AddSession(std::move(session));
}

void WorkerGateway::OnMessage(const std::string& session_id, const v1::WorkerMessage& message) {
  dispatch::WorkerSession* session = parts_.dispatcher->FindSession(session_id);
  if (session == nullptr) return;  // disconnected meanwhile
  const std::string& ns = session->hello().namespace_();
  const auto serves = [&ns](const std::string& task_ns) { return task_ns == ns; };
  const Reporter reporter{serves, session->holder()};
  for (const v1::TaskOutcome& outcome : message.outcomes()) {
    *session->outbox().add_acks() = ApplyOutcome(outcome, reporter);
  }
  for (const v1::TaskRef& ref : message.heartbeats()) {
    const std::optional<absl::Duration> granted = ExtendLease(ref, reporter);
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
  if (message.drain() && !session->draining()) {
    session->set_draining();
    log::Info("workers", "worker draining")
        .Field("namespace", ns)
        .Field("worker", session->worker_id())
        .Field("running", static_cast<int64_t>(session->running().size()));
  }
}

void WorkerGateway::Disconnect(const std::string& session_id, SessionEnd how) {
  // After kClosed, attempts the worker held keep their leases: they expire at their
  // deadlines unless the worker reconnects and reports or heartbeats them first.
  const std::unique_ptr<dispatch::WorkerSession> session =
      parts_.dispatcher->RemoveSession(session_id);
  if (session == nullptr) return;
  if (session->transport() == dispatch::Transport::kStream) LogDisconnect(*session, how);
  if (how == SessionEnd::kClosed) return;
  for (const uint64_t task_id : session->running()) {
    const ActiveRuns::Task* task = parts_.active->FindInstance(task_id);
    if (task == nullptr) continue;
    scheduler::StepInstance& instance = *task->instance;
    if (!instance.leased() || instance.worker_id != session->worker_id()) continue;
    parts_.metrics->AttemptEnded(instance, AttemptOutcome::kLost);
    // The lease is given up now; the doubt still runs to its deadline plus the fence margin,
    // since the worker may act until then by its own copy of the lease.
    parts_.scheduler->LeaseExpired(*task->run, instance);
  }
}

void WorkerGateway::Poll(const std::string& session_id, const v1::PollTasksRequest& request,
                         std::string holder, std::shared_ptr<dispatch::SessionSink> sink) {
  v1::WorkerHello hello;
  hello.set_worker_id(request.worker_id());
  hello.set_namespace_(NamespaceOr(request.namespace_()));
  *hello.mutable_queues() = request.queues();
  *hello.mutable_actions() = request.actions();
  hello.set_max_concurrency(std::max(1, request.max_tasks()));
  const absl::Time now = parts_.clock->Now();
  auto session = std::make_unique<dispatch::WorkerSession>(
      session_id, std::move(hello), dispatch::Transport::kPoll, std::move(sink), now);
  session->set_holder(std::move(holder));
  session->Grant(session->hello().max_concurrency());
  const absl::Duration wait = request.has_wait() ? FromProtoDuration(request.wait())
                                                 : absl::Seconds(30);
  session->poll_deadline = now + std::clamp(wait, absl::ZeroDuration(), options_.max_poll_wait);
  parts_.dispatcher->AddSession(std::move(session));
}

void WorkerGateway::FlushSessions() {
  const absl::Time now = parts_.clock->Now();
  std::vector<std::string> finished_polls;
  for (const auto& [id, session] : parts_.dispatcher->sessions()) {
    const bool poll = session->transport() == dispatch::Transport::kPoll;
    const bool answer = poll ? session->outbox().tasks_size() > 0 || now >= session->poll_deadline
                             : session->has_outbox();
    if (!answer) continue;
    host_->AfterCommit([sink = session->sink(), message = session->TakeOutbox()]() mutable {
      sink->Deliver(std::move(message));
    });
    if (poll) finished_polls.push_back(id);
  }
  for (const std::string& id : finished_polls) parts_.dispatcher->RemoveSession(id);
}

absl::Time WorkerGateway::NextPollDeadline() const {
  absl::Time due = absl::InfiniteFuture();
  for (const auto& [id, session] : parts_.dispatcher->sessions()) {
    due = std::min(due, session->poll_deadline);
  }
  return due;
}

void WorkerGateway::Dispatch() {
  parts_.dispatcher->Match(
      [&](uint64_t task_id) {
        dispatch::Dispatcher::Candidate candidate;
        const ActiveRuns::Task* task = parts_.active->FindInstance(task_id);
        // Paused runs' tasks leave the queue; ResumeRun queues them again.
        if (task == nullptr || !task->instance->queued() ||
            task->run->record().status() == v1::RUN_STATUS_PAUSED ||
            !AccountUsable(*task->run, *task->instance) ||
            !WithinRateLimit(*task->run, *task->instance)) {
          return candidate;
        }
        candidate.valid = true;
        candidate.action = task->instance->action;
        return candidate;
      },
      [&](uint64_t task_id, dispatch::WorkerSession& session) { return Assign(task_id, session); });
}

bool WorkerGateway::AccountUsable(scheduler::RunState& run, scheduler::StepInstance& instance) {
  if (instance.purpose != v1::TASK_PURPOSE_EXECUTE) return true;
  std::optional<std::string> why = host_->WhyAccountWaits(run.ns(), instance.account);
  if (!why.has_value()) return true;
  parts_.scheduler->WaitForAccount(run, instance, *std::move(why));
  return false;
}

bool WorkerGateway::WithinRateLimit(scheduler::RunState& run, scheduler::StepInstance& instance) {
  dispatch::RateLimiter::Decision decision = parts_.limiter->Check(
      run.ns(), instance.queue, instance.account, EndpointClassOf(instance), parts_.clock->Now());
  if (decision.allowed) return true;
  parts_.scheduler->Throttle(run, instance, decision.retry_at, std::move(decision.detail));
  return false;
}

bool WorkerGateway::Assign(uint64_t task_id, dispatch::WorkerSession& session) {
  const ActiveRuns::Task* found = parts_.active->FindInstance(task_id);
  if (found == nullptr || !found->instance->queued()) return false;
  scheduler::RunState& run = *found->run;
  scheduler::StepInstance& instance = *found->instance;
  if (!parts_.spend->Admit(run, instance)) return false;
  parts_.limiter->Consume(run.ns(), instance.queue, instance.account, EndpointClassOf(instance),
                          parts_.clock->Now());
  v1::Task& task = *session.outbox().add_tasks();
  parts_.metrics->AttemptStarted(instance, parts_.clock->Now() - instance.ready_at);
  parts_.scheduler->Lease(run, instance, session.worker_id(), task);
  if (ReadsComments(instance)) {
    parts_.community->PrepareTask(StreamOf(run, instance), *task.mutable_input());
  }
  instance.lease_holder = session.holder();
  if (const v1::AccountGrant* grant = host_->AccountGrantFor(run.ns(), instance.account)) {
    *task.mutable_account_grant() = *grant;
    instance.granted_account_version = grant->version();
  }
  parts_.dispatcher->Started(task_id, session);
  return true;
}

void WorkerGateway::CancelAttempt(const scheduler::StepInstance& instance) {
  dispatch::WorkerSession* session = parts_.dispatcher->RunningOn(instance.task_id);
  if (session == nullptr || session->worker_id() != instance.worker_id) return;
  v1::TaskRef* ref = session->outbox().add_cancels();
  ref->set_task_id(instance.task_id);
  ref->set_attempt(instance.attempt);
  parts_.dispatcher->Stopped(instance.task_id);
}

const ActiveRuns::Task* WorkerGateway::FindServed(uint64_t task_id,
                                                  const Reporter& reporter) const {
  const ActiveRuns::Task* task = parts_.active->FindInstance(task_id);
  if (task == nullptr || !reporter.serves(task->run->ns())) return nullptr;
  const std::string& holder = task->instance->lease_holder;
  return holder.empty() || holder == reporter.holder ? task : nullptr;
}

v1::OutcomeAck WorkerGateway::ApplyOutcome(const v1::TaskOutcome& outcome,
                                           const Reporter& reporter) {
  if (!outcome.has_success() && !outcome.has_failure()) {
    return Ack(outcome, v1::OutcomeAck::STATUS_INVALID,
               "the outcome has neither `success` nor `failure`");
  }
  const ActiveRuns::Task* task = FindServed(outcome.task_id(), reporter);
  if (task == nullptr) {
    return Ack(outcome, v1::OutcomeAck::STATUS_UNKNOWN_TASK,
               absl::StrCat("no active task ", outcome.task_id(), "; its run may have ended"));
  }
  scheduler::StepInstance& instance = *task->instance;
  parts_.dispatcher->Stopped(outcome.task_id());
  const bool current = instance.leased() && instance.attempt == outcome.attempt();
  // A late success of a lost non-idempotent attempt settles its unknown outcome.
  const bool settles = !instance.leased() && instance.state == v1::STEP_STATE_UNKNOWN &&
                       instance.attempt == outcome.attempt() && outcome.has_success();
  if (current || settles) {
    // A settled attempt was counted when its lease was lost.
    if (current) parts_.metrics->AttemptEnded(instance, OutcomeOf(outcome));
    Apply(*task->run, instance, outcome);
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

bool WorkerGateway::ReadsComments(const scheduler::StepInstance& instance) {
  return instance.purpose == v1::TASK_PURPOSE_EXECUTE && instance.def != nullptr &&
         CommunityLedger::ReadsComments(instance.def->verb);
}

StreamRef WorkerGateway::StreamOf(const scheduler::RunState& run,
                                  const scheduler::StepInstance& instance) {
  return CommunityLedger::StreamOf(run.ns(), instance.queue, instance.account, instance.action,
                                   run.campaign().name(), instance.input);
}

void WorkerGateway::Apply(scheduler::RunState& run, scheduler::StepInstance& instance,
                          const v1::TaskOutcome& outcome) {
  if (outcome.has_success()) {
    // A read's output is what the community ledger makes of it (duplicates dropped); the
    // ledger counts it only if the step can record it (Succeed refuses oversized outputs).
    AnnotatedRead annotated;
    const google::protobuf::Value* read = &outcome.success().output();
    if (ReadsComments(instance)) {
      const StreamRef stream = StreamOf(run, instance);
      const absl::Time now = parts_.clock->Now();
      const size_t max_bytes = parts_.scheduler->options().max_output_bytes;
      annotated = parts_.community->Annotate(
          stream, *read, now,
          {.max_comments = CommunityLedger::MaxOf(instance.input), .max_bytes = max_bytes});
      if (annotated.output.ByteSizeLong() <= max_bytes) {
        parts_.community->Commit(stream, annotated, now);
      }
      read = &annotated.output;
    }
    const google::protobuf::Value& output = *read;
    if (auto ads = parts_.spend->RecordSuccess(run, instance, output); ads.has_value()) {
      host_->SpendCapped(run, instance, *std::move(ads));
    }
    parts_.scheduler->Succeed(run, instance, expr::FromProto(output), output.ByteSizeLong());
    return;
  }
  const v1::TaskFailure failure = Bounded(outcome.failure());
  if (failure.type() == v1::ERROR_TYPE_AUTH_EXPIRED &&
      instance.purpose == v1::TASK_PURPOSE_EXECUTE &&
      host_->AccountGrantFor(run.ns(), instance.account) != nullptr) {
    // The coordinator holds the account: the step waits while the token is renewed, or for a
    // person to reconnect the account, instead of failing.
    instance.last_error.set_type(failure.type());
    instance.last_error.set_message(failure.message());
    const std::optional<std::string> wait = host_->TokenRefused(
        run.ns(), instance.account, instance.granted_account_version, failure.message());
    parts_.scheduler->WaitForAccount(
        run, instance,
        wait.value_or(absl::StrCat("account ", instance.account,
                                   ": its token was renewed since this attempt began")));
    if (!wait.has_value()) parts_.scheduler->AccountReady(run, instance);
    return;
  }
  if (failure.type() == v1::ERROR_TYPE_THROTTLED && failure.has_retry_after()) {
    // The network said so: nothing more for this account until then.
    parts_.limiter->Hold(run.ns(), instance.queue, instance.account, parts_.clock->Now(),
                         FromProtoDuration(failure.retry_after()),
                         absl::StrCat("held after a 429: ", failure.message()));
    log::Info("dispatch", "account held by the network's retry_after")
        .Field("namespace", run.ns())
        .Field("network", instance.queue)
        .FieldIfSet("account", instance.account)
        .Field("hold", FromProtoDuration(failure.retry_after()))
        .Field("error", failure.message());
  }
  parts_.scheduler->Fail(run, instance, failure);
}

std::optional<absl::Duration> WorkerGateway::ExtendLease(const v1::TaskRef& ref,
                                                         const Reporter& reporter) {
  const ActiveRuns::Task* task = FindServed(ref.task_id(), reporter);
  if (task == nullptr) return std::nullopt;
  scheduler::StepInstance& instance = *task->instance;
  if (!instance.leased() || instance.attempt != ref.attempt()) return std::nullopt;
  parts_.scheduler->ExtendLease(instance);
  task->run->Touch(instance);
  return instance.lease_deadline - parts_.clock->Now();
}

v1::HeartbeatResponse WorkerGateway::Heartbeat(const v1::HeartbeatRequest& request,
                                               const Reporter& reporter) {
  v1::HeartbeatResponse response;
  absl::Duration granted = absl::InfiniteDuration();
  for (const v1::TaskRef& ref : request.tasks()) {
    const std::optional<absl::Duration> extended = ExtendLease(ref, reporter);
    if (!extended.has_value()) {
      *response.add_lost() = ref;
      continue;
    }
    granted = std::min(granted, *extended);
  }
  if (granted == absl::InfiniteDuration()) granted = absl::ZeroDuration();
  *response.mutable_lease_deadline() = ToProtoTime(parts_.clock->Now() + granted);
  *response.mutable_granted() = ToProtoDuration(granted);
  return response;
}

}  // namespace fanfare::coordinator
