#include "sdk/worker/worker.h"

#include <unistd.h>

#include <algorithm>
#include <exception>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "base/signals.h"
#include "grpcpp/grpcpp.h"
#include "sdk/client/channel.h"
#include "sdk/worker/task_errors.h"

namespace fanfare {
namespace {

// Heartbeats never come closer together than this, however short the lease.
constexpr absl::Duration kMinHeartbeatEvery = absl::Milliseconds(10);
// The writer looks at the clock at least this often: heartbeats fall due by time alone.
constexpr absl::Duration kWriterTick = absl::Milliseconds(200);
// A handler waiting in BeforeWrite looks again at least this often (real time).
constexpr absl::Duration kFenceWaitSlice = absl::Milliseconds(50);

std::string DefaultWorkerId() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

bool SameAttempt(const v1::TaskOutcome& outcome, const v1::OutcomeAck& ack) {
  return outcome.task_id() == ack.task_id() && outcome.attempt() == ack.attempt();
}

// The length of `task`'s lease, received at `now`: what the coordinator says, else (an
// older coordinator) the step's heartbeat timeout or what is left of the deadline.
absl::Duration LeaseTtl(const v1::Task& task, absl::Time now) {
  if (task.has_lease_ttl()) return FromProtoDuration(task.lease_ttl());
  if (task.has_heartbeat_timeout()) return FromProtoDuration(task.heartbeat_timeout());
  if (task.has_lease_deadline()) return FromProtoTime(task.lease_deadline()) - now;
  return absl::InfiniteDuration();
}

// How often to heartbeat an attempt whose lease lasts `lease`: three times per lease.
absl::Duration HeartbeatEvery(absl::Duration lease) {
  // A lease already over (or clocks that disagree) says nothing useful: the coordinator's
  // interval applies.
  if (lease <= absl::ZeroDuration()) return absl::InfiniteDuration();
  return std::max(lease / 3, kMinHeartbeatEvery);
}

// `backoff` spread by ±20%, so that a fleet of workers does not reconnect in step.
absl::Duration Jittered(absl::Duration backoff) {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* random = new absl::BitGen();
  absl::MutexLock lock(&mu);
  return backoff * absl::Uniform(*random, 0.8, 1.2);
}

}  // namespace

Worker::Worker(WorkerOptions options) : options_(std::move(options)) {
  if (options_.worker_id.empty()) options_.worker_id = DefaultWorkerId();
  options_.concurrency = std::max(1, options_.concurrency);
}

Worker::~Worker() { Stop(); }

void Worker::Handle(const std::string& action, TaskHandler handler) {
  handlers_[action] = std::move(handler);
}

v1::WorkerHello Worker::Hello() const {
  v1::WorkerHello hello;
  hello.set_worker_id(options_.worker_id);
  hello.set_identity(options_.identity.empty() ? options_.worker_id : options_.identity);
  hello.set_namespace_(options_.ns);
  hello.set_max_concurrency(options_.concurrency);
  absl::flat_hash_set<std::string> queues;
  for (const auto& [action, handler] : handlers_) {
    hello.add_actions(action);
    std::string queue = action.substr(0, action.find('.'));
    if (queues.insert(queue).second) hello.add_queues(std::move(queue));
  }
  return hello;
}

absl::Status Worker::Start() {
  if (handlers_.empty()) return absl::FailedPreconditionError("worker: no handlers registered");
  {
    absl::MutexLock lock(&mu_);
    if (started_) return absl::FailedPreconditionError("worker: already started");
    started_ = true;
  }
  ChannelOptions channel;
  channel.address = options_.address;
  channel.tls = options_.tls;
  channel.tls_root_certs = options_.tls_root_certs;
  channel.tls_cert_chain = options_.tls_cert_chain;
  channel.tls_private_key = options_.tls_private_key;
  channel.reconnect_initial = options_.reconnect_initial;
  channel.reconnect_max = options_.reconnect_max;
  stub_ = v1::WorkerService::NewStub(NewCoordinatorChannel(channel));
  for (int i = 0; i < options_.concurrency; ++i) {
    handler_threads_.emplace_back([this] { HandlerLoop(); });
  }
  writer_thread_ = std::thread([this] { WriterLoop(); });
  connection_thread_ = std::thread([this] { ConnectionLoop(); });
  return absl::OkStatus();
}

void Worker::ConnectionLoop() {
  absl::Duration backoff = options_.reconnect_initial;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (!Session(backoff)) {
      absl::MutexLock lock(&mu_);
      auto stop = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&stop), Jittered(backoff));
      backoff = std::min(backoff * 2, options_.reconnect_max);
    }
  }
}

// One session: connect, hello, then read until the stream ends. True if it got as far as
// the welcome (so the next attempt need not back off).
bool Worker::Session(absl::Duration& backoff) {
  auto context = std::make_shared<grpc::ClientContext>();
  AttachToken(*context, options_.token);
  // Wait for the channel's own reconnection (same backoff schedule) rather than fail at once
  // and add this loop's backoff on top: the session opens as soon as the coordinator is back.
  context->set_wait_for_ready(true);
  {
    // Published at once, so that Stop() can cancel even the hello exchange.
    absl::MutexLock lock(&mu_);
    if (stopping_) return true;
    context_ = context;
  }
  std::shared_ptr<Stream> stream(stub_->Connect(context.get()));
  v1::WorkerMessage hello;
  *hello.mutable_hello() = Hello();
  v1::CoordinatorMessage first;
  if (!stream->Write(hello) || !stream->Read(&first) || !first.has_welcome()) {
    // A stream the coordinator ended carries its reason; one that answered with something
    // other than a welcome is ours to end.
    if (!first.has_welcome() && first.ByteSizeLong() > 0) context->TryCancel();
    const grpc::Status status = stream->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
        status.error_code() != grpc::StatusCode::CANCELLED && !status.ok() &&
        options_.on_session_refused) {
      options_.on_session_refused(status);
    }
    absl::MutexLock lock(&mu_);
    context_.reset();
    ++stats_.failed_connects;
    return false;
  }
  backoff = options_.reconnect_initial;
  {
    absl::MutexLock lock(&mu_);
    ++stats_.connections;
    // Whatever the last session left unacknowledged is sent again first.
    outbox_.insert(outbox_.begin(), unacked_.begin(), unacked_.end());
    unacked_.clear();
    credit_ = draining_ ? 0
                        : std::max(0, options_.concurrency - static_cast<int>(running_.size()));
    drain_sent_ = false;
    heartbeat_interval_ = FromProtoDuration(first.welcome().heartbeat_interval());
    if (heartbeat_interval_ <= absl::ZeroDuration()) heartbeat_interval_ = absl::Seconds(10);
    // The leases of the attempts still held ran on while the worker was away; renewals
    // asked for on the last session will never come.
    last_heartbeat_ = absl::InfinitePast();
    for (auto& [task_id, running] : running_) running.renewal_pending = false;
    if (stopping_) context->TryCancel();
    stream_ = stream;
    writer_cv_.Signal();
  }
  Accept(first);
  ReadLoop(*stream);
  {
    absl::MutexLock lock(&mu_);
    context_.reset();
    stream_.reset();
    context->TryCancel();
    auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !writing_; };
    mu_.Await(absl::Condition(&idle));
  }
  stream->Finish().ok();
  return true;
}

void Worker::ReadLoop(Stream& stream) {
  v1::CoordinatorMessage message;
  while (stream.Read(&message)) Accept(message);
}

void Worker::Accept(const v1::CoordinatorMessage& message) {
  absl::MutexLock lock(&mu_);
  for (const v1::Task& task : message.tasks()) Take(task);
  for (const v1::LeaseRenewal& renewal : message.renewals()) Renew(renewal);
  for (const v1::OutcomeAck& ack : message.acks()) {
    unacked_.erase(std::remove_if(unacked_.begin(), unacked_.end(),
                                  [&](const v1::TaskOutcome& o) { return SameAttempt(o, ack); }),
                   unacked_.end());
  }
  for (const auto* refs : {&message.cancels(), &message.lost_leases()}) {
    for (const v1::TaskRef& ref : *refs) {
      auto it = running_.find(ref.task_id());
      if (it != running_.end() && it->second.attempt == ref.attempt()) {
        it->second.cancellation->Cancel();
        fence_cv_.SignalAll();
      }
    }
  }
}

void Worker::Renew(const v1::LeaseRenewal& renewal) {
  auto it = running_.find(renewal.task().task_id());
  if (it == running_.end() || it->second.attempt != renewal.task().attempt()) return;
  Running& running = it->second;
  running.renewal_pending = false;
  if (running.cancellation->cancelled()) return;  // a lapsed lease stays lapsed
  const absl::Time until =
      FromProtoTime(renewal.heartbeat_sent_at()) + FromProtoDuration(renewal.granted());
  if (until > running.confirmed_until) {
    running.confirmed_until = until;
    fence_cv_.SignalAll();  // handlers waiting in BeforeWrite
  }
}

void Worker::Take(const v1::Task& task) {
  if (draining_ || stopping_) {
    // Sent before the coordinator saw the drain; it has not started, so it goes back.
    GiveBack(task.task_id(), task.attempt(),
             Retryable("the worker is draining; the task was handed back unstarted"));
    return;
  }
  Running& running = running_[task.task_id()];
  // A newer attempt of a task still held: the coordinator took the older one back.
  if (running.cancellation != nullptr) {
    running.cancellation->Cancel();
    fence_cv_.SignalAll();
  }
  const absl::Time now = options_.clock->Now();
  const absl::Duration lease = LeaseTtl(task, now);
  running = Running{.attempt = task.attempt(),
                    .purpose = task.purpose(),
                    .cancellation = std::make_shared<CancellationToken>(),
                    .started = false,
                    .heartbeat_every = HeartbeatEvery(lease),
                    .confirmed_until = absl::InfinitePast(),
                    .arrival_lease_end = now + lease};
  ready_.push_back(task);
  ready_cv_.Signal();
}

void Worker::GiveBack(uint64_t task_id, int32_t attempt, const absl::Status& why) {
  v1::TaskOutcome& outcome = outbox_.emplace_back();
  outcome.set_task_id(task_id);
  outcome.set_attempt(attempt);
  *outcome.mutable_failure() = ToTaskFailure(why);
  ++stats_.handed_back;
  writer_cv_.Signal();
}

void Worker::HandlerLoop() {
  while (true) {
    v1::Task task;
    std::shared_ptr<CancellationToken> cancellation;
    {
      absl::MutexLock lock(&mu_);
      // CondVars rather than Conditions: with a handler thread per slot, conditions would
      // be re-evaluated for every waiter on every unlock.
      while (!stopping_ && ready_.empty()) ready_cv_.Wait(&mu_);
      if (stopping_) return;
      task = std::move(ready_.front());
      ready_.pop_front();
      auto it = running_.find(task.task_id());
      if (it == running_.end() || it->second.attempt != task.attempt()) {
        // Superseded by a newer attempt before it started: its slot is free again.
        if (!draining_) ++credit_;
        writer_cv_.Signal();
        continue;
      }
      it->second.started = true;
      cancellation = it->second.cancellation;
    }
    v1::TaskOutcome outcome = RunTask(std::move(task), cancellation);
    absl::MutexLock lock(&mu_);
    Finished(std::move(outcome));
  }
}

void Worker::Finished(v1::TaskOutcome outcome) {
  auto it = running_.find(outcome.task_id());
  if (it != running_.end() && it->second.attempt == outcome.attempt()) running_.erase(it);
  // Reported even if the attempt was handed back or superseded meanwhile: the coordinator
  // fences it (STALE), or takes a late success as settling an attempt of unknown outcome.
  (outcome.has_success() ? stats_.succeeded : stats_.failed) += 1;
  outbox_.push_back(std::move(outcome));
  if (!draining_) ++credit_;
  writer_cv_.Signal();
}

v1::TaskOutcome Worker::RunTask(v1::Task task,
                                const std::shared_ptr<CancellationToken>& cancellation) {
  v1::TaskOutcome outcome;
  outcome.set_task_id(task.task_id());
  outcome.set_attempt(task.attempt());
  auto handler = handlers_.find(task.action());
  absl::StatusOr<google::protobuf::Value> result;
  if (handler == handlers_.end()) {
    result = RejectedInput(absl::StrCat("this worker has no handler for ", task.action()));
  } else {
    TaskContext context(std::move(task), *cancellation, *options_.clock, this);
    try {
      result = handler->second(context);
    } catch (const std::exception& e) {
      // Handlers should return statuses; an exception must not take the worker down.
      result = absl::InternalError(absl::StrCat("handler threw: ", e.what()));
    } catch (...) {
      result = absl::InternalError("handler threw a non-standard exception");
    }
  }
  if (result.ok()) {
    *outcome.mutable_success()->mutable_output() = *std::move(result);
  } else {
    *outcome.mutable_failure() = ToTaskFailure(result.status());
  }
  return outcome;
}

absl::Status Worker::BeforeWrite(const v1::Task& task) {
  const auto fenced = [&](absl::string_view why) {
    return OutcomeUnknown(absl::StrCat(task.action(), " attempt ", task.attempt(), ": ", why,
                                       "; the write was not sent"),
                          kFencedCode);
  };
  absl::MutexLock lock(&mu_);
  while (true) {
    Running* running = Held(task);
    if (running == nullptr) {
      return fenced("the attempt is no longer this worker's (stopped, superseded or its lease "
                    "lost)");
    }
    const absl::Time now = options_.clock->Now();
    if (now < running->confirmed_until) return absl::OkStatus();
    // Unconfirmed yet: ask for a renewal (once, not once per wait: each costs the coordinator
    // a commit), and wait for it while the lease may last.
    const absl::Time give_up = running->lease_end();
    if (now >= give_up) return fenced("its lease ran out before the coordinator renewed it");
    if (!running->renewal_pending) {
      running->renewal_pending = true;
      heartbeat_wanted_ = true;
      writer_cv_.Signal();
    }
    fence_cv_.WaitWithTimeout(&mu_, std::min(give_up - now, kFenceWaitSlice));
  }
}

bool Worker::MayStillAct(const v1::Task& task) {
  absl::MutexLock lock(&mu_);
  Running* running = Held(task);
  return running != nullptr && options_.clock->Now() < running->confirmed_until;
}

Worker::Running* Worker::Held(const v1::Task& task) {
  auto it = running_.find(task.task_id());
  if (stopping_ || it == running_.end() || it->second.attempt != task.attempt() ||
      it->second.cancellation->cancelled()) {
    return nullptr;
  }
  return &it->second;
}

absl::Time Worker::CancelLapsed(absl::Time now) {
  absl::Time next = absl::InfiniteFuture();
  for (auto& [task_id, running] : running_) {
    if (running.cancellation->cancelled()) continue;
    const absl::Time end = running.lease_end();
    if (now < end) {
      next = std::min(next, end);
      continue;
    }
    // The coordinator may have given the step to another worker: stop acting on it.
    running.cancellation->Cancel();
    ++stats_.lapsed;
    fence_cv_.SignalAll();
  }
  return next;
}

absl::Time Worker::NextHeartbeat() const {
  absl::Duration every = heartbeat_interval_;
  for (const auto& [task_id, running] : running_) every = std::min(every, running.heartbeat_every);
  return last_heartbeat_ + every;
}

bool Worker::HasWork() const {
  if (stopping_) return true;
  if (stream_ == nullptr) return false;
  return !outbox_.empty() || credit_ > 0 || (draining_ && !drain_sent_) ||
         (!running_.empty() && (heartbeat_wanted_ || options_.clock->Now() >= NextHeartbeat()));
}

bool Worker::NextMessage(v1::WorkerMessage* message) {
  const absl::Time now = options_.clock->Now();
  for (v1::TaskOutcome& outcome : outbox_) {
    unacked_.push_back(outcome);
    *message->add_outcomes() = std::move(outcome);
  }
  outbox_.clear();
  message->set_credit(credit_);
  credit_ = 0;
  if (!running_.empty() && (heartbeat_wanted_ || now >= NextHeartbeat())) {
    for (const auto& [task_id, running] : running_) {
      v1::TaskRef* ref = message->add_heartbeats();
      ref->set_task_id(task_id);
      ref->set_attempt(running.attempt);
    }
    *message->mutable_heartbeats_sent_at() = ToProtoTime(now);
    last_heartbeat_ = now;
    heartbeat_wanted_ = false;
  }
  if (draining_ && !drain_sent_) {
    message->set_drain(true);
    drain_sent_ = true;
  }
  return message->ByteSizeLong() > 0;
}

void Worker::WriterLoop() {
  while (true) {
    v1::WorkerMessage message;
    std::shared_ptr<Stream> stream;
    {
      absl::MutexLock lock(&mu_);
      const absl::Time next_lapse = CancelLapsed(options_.clock->Now());
      if (!HasWork()) {
        absl::Time wake = next_lapse;
        if (stream_ != nullptr && !running_.empty()) wake = std::min(wake, NextHeartbeat());
        writer_cv_.WaitWithTimeout(
            &mu_, std::clamp(wake - options_.clock->Now(), absl::Milliseconds(1), kWriterTick));
      }
      if (stopping_) return;
      if (stream_ == nullptr || !NextMessage(&message)) continue;
      stream = stream_;
      writing_ = true;
    }
    const bool ok = stream->Write(message);
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok && context_ != nullptr) context_->TryCancel();
  }
}

void Worker::Drain() {
  {
    absl::MutexLock lock(&mu_);
    if (!started_ || stopping_) return;
    if (draining_) {
      // Another thread is draining: wait for it to finish.
      auto stopped = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.Await(absl::Condition(&stopped));
    } else {
      HandBack();
    }
  }
  Stop();
}

void Worker::HandBack() {
  draining_ = true;
  credit_ = 0;
  // Tasks not started yet go back at once; running ones get drain_timeout.
  for (const v1::Task& task : ready_) {
    auto it = running_.find(task.task_id());
    if (it == running_.end() || it->second.attempt != task.attempt()) continue;
    running_.erase(it);
    GiveBack(task.task_id(), task.attempt(),
             Retryable("the worker is draining; the task was handed back unstarted"));
  }
  ready_.clear();
  writer_cv_.Signal();
  auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return running_.empty(); };
  if (!mu_.AwaitWithTimeout(absl::Condition(&idle), options_.drain_timeout)) {
    for (auto& [task_id, running] : running_) {
      // An execution may have acted, and a reconcile may have completed a half-made boost:
      // either way the outcome is unknown, and the coordinator fences what comes next.
      running.cancellation->Cancel();
      GiveBack(task_id, running.attempt,
               OutcomeUnknown(absl::StrCat("the worker drained before the ",
                                           running.purpose == v1::TASK_PURPOSE_RECONCILE
                                               ? "reconcile"
                                               : "attempt",
                                           " finished (", absl::FormatDuration(options_.drain_timeout),
                                           "); it may have taken effect")));
    }
    running_.clear();
  }
  auto reported = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return outbox_.empty() && unacked_.empty();
  };
  mu_.AwaitWithTimeout(absl::Condition(&reported), kAckWait);
}

void Worker::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (!started_) return;
    for (auto& [task_id, running] : running_) running.cancellation->Cancel();
    if (context_ != nullptr) context_->TryCancel();
    ready_cv_.SignalAll();
    fence_cv_.SignalAll();
    writer_cv_.SignalAll();
  }
  // Whoever comes second waits for the first to finish joining.
  absl::MutexLock join(&join_mu_);
  if (connection_thread_.joinable()) connection_thread_.join();
  if (writer_thread_.joinable()) writer_thread_.join();
  for (std::thread& thread : handler_threads_) {
    if (thread.joinable()) thread.join();
  }
}

void Worker::RunUntilSignal(Worker& worker) {
  WaitForShutdownSignal();
  worker.Drain();
}

Worker::Stats Worker::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

bool Worker::connected() const {
  absl::MutexLock lock(&mu_);
  return stream_ != nullptr;
}

bool Worker::draining() const {
  absl::MutexLock lock(&mu_);
  return draining_;
}

}  // namespace fanfare
