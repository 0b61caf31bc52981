#include "sdk/worker/worker.h"

#include <unistd.h>

#include <algorithm>
#include <exception>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/base/proto_time.h"
#include "engine/base/signals.h"
#include "grpcpp/grpcpp.h"
#include "sdk/worker/task_errors.h"

namespace fanfare {
namespace {

std::string DefaultWorkerId() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

bool SameAttempt(const v1::TaskOutcome& outcome, const v1::OutcomeAck& ack) {
  return outcome.task_id() == ack.task_id() && outcome.attempt() == ack.attempt();
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
  stub_ = v1::WorkerService::NewStub(
      grpc::CreateChannel(options_.address, grpc::InsecureChannelCredentials()));
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
      mu_.AwaitWithTimeout(absl::Condition(&stop), backoff);
      backoff = std::min(backoff * 2, options_.reconnect_max);
    }
  }
}

// One session: connect, hello, then read until the stream ends. True if it got as far as
// the welcome (so the next attempt need not back off).
bool Worker::Session(absl::Duration& backoff) {
  auto context = std::make_shared<grpc::ClientContext>();
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
    context->TryCancel();
    stream->Finish().ok();
    absl::MutexLock lock(&mu_);
    context_.reset();
    return false;
  }
  backoff = options_.reconnect_initial;
  {
    absl::MutexLock lock(&mu_);
    ++stats_.connections;
    // Whatever the last session left unacknowledged is sent again first.
    outbox_.insert(outbox_.begin(), unacked_.begin(), unacked_.end());
    unacked_.clear();
    credit_ = draining_ ? 0 : options_.concurrency - static_cast<int>(running_.size());
    drain_sent_ = false;
    heartbeat_interval_ = FromProtoDuration(first.welcome().heartbeat_interval());
    if (heartbeat_interval_ <= absl::ZeroDuration()) heartbeat_interval_ = absl::Seconds(10);
    next_heartbeat_ = options_.clock->Now() + heartbeat_interval_;
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
  for (const v1::Task& task : message.tasks()) {
    Running& running = running_[task.task_id()];
    running.attempt = task.attempt();
    running.cancellation = std::make_shared<CancellationToken>();
    ready_.push_back(task);
    ready_cv_.Signal();
  }
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
      }
    }
  }
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
      Running& running = running_[task.task_id()];
      running.started = true;
      cancellation = running.cancellation;
    }
    v1::TaskOutcome outcome = RunTask(std::move(task), cancellation);
    absl::MutexLock lock(&mu_);
    auto it = running_.find(outcome.task_id());
    // A task handed back during a drain was already reported.
    if (it == running_.end() || it->second.attempt != outcome.attempt()) continue;
    running_.erase(it);
    (outcome.has_success() ? stats_.succeeded : stats_.failed) += 1;
    outbox_.push_back(std::move(outcome));
    if (!draining_) ++credit_;
    writer_cv_.Signal();
  }
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
    TaskContext context(std::move(task), *cancellation, *options_.clock);
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

bool Worker::NextMessage(v1::WorkerMessage* message) {
  const absl::Time now = options_.clock->Now();
  for (v1::TaskOutcome& outcome : outbox_) {
    unacked_.push_back(outcome);
    *message->add_outcomes() = std::move(outcome);
  }
  outbox_.clear();
  message->set_credit(credit_);
  credit_ = 0;
  if (now >= next_heartbeat_) {
    for (const auto& [task_id, running] : running_) {
      v1::TaskRef* ref = message->add_heartbeats();
      ref->set_task_id(task_id);
      ref->set_attempt(running.attempt);
    }
    next_heartbeat_ = now + heartbeat_interval_;
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
      auto work = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        if (stopping_) return true;
        if (stream_ == nullptr) return false;
        return !outbox_.empty() || credit_ > 0 || (draining_ && !drain_sent_) ||
               options_.clock->Now() >= next_heartbeat_;
      };
      // Heartbeats are due by time, so look at least every 200ms.
      if (!work()) writer_cv_.WaitWithTimeout(&mu_, absl::Milliseconds(200));
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
    HandBack();
  }
  Stop();
}

void Worker::HandBack() {
  draining_ = true;
  credit_ = 0;
  // Tasks not started yet are handed back at once; running ones get drain_timeout.
  for (const v1::Task& task : ready_) {
    v1::TaskOutcome& outcome = outbox_.emplace_back();
    outcome.set_task_id(task.task_id());
    outcome.set_attempt(task.attempt());
    *outcome.mutable_failure() = ToTaskFailure(Retryable("worker is draining; handed back"));
    running_.erase(task.task_id());
  }
  ready_.clear();
  writer_cv_.Signal();
  auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return running_.empty(); };
  if (!mu_.AwaitWithTimeout(absl::Condition(&idle), options_.drain_timeout)) {
    for (auto& [task_id, running] : running_) {
      running.cancellation->Cancel();
      v1::TaskOutcome& outcome = outbox_.emplace_back();
      outcome.set_task_id(task_id);
      outcome.set_attempt(running.attempt);
      *outcome.mutable_failure() =
          ToTaskFailure(Retryable("worker stopped before the attempt finished; handed back"));
    }
    running_.clear();
    writer_cv_.Signal();
  }
  auto reported = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stream_ == nullptr || (outbox_.empty() && unacked_.empty());
  };
  mu_.AwaitWithTimeout(absl::Condition(&reported), absl::Seconds(5));
}

void Worker::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!started_ || stopping_) {
      stopping_ = true;
      if (!started_) return;
    }
    stopping_ = true;
    for (auto& [task_id, running] : running_) running.cancellation->Cancel();
    if (context_ != nullptr) context_->TryCancel();
    ready_cv_.SignalAll();
    writer_cv_.SignalAll();
  }
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

}  // namespace fanfare
