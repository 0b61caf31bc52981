// TaskContext: what a task handler receives, and the handler signature.
//
//   absl::StatusOr<google::protobuf::Value> TagLeads(TaskContext& ctx) {
//     const auto& segment = ctx.input().fields().at("segment").string_value();
//     for (const Lead& lead : crm.LeadsIn(segment)) {
//       if (ctx.cancelled()) return absl::CancelledError("run cancelled");
//       ... pass ctx.idempotency_key() to the network where it accepts one ...
//     }
//     // A pause that ends early when the attempt is cancelled:
//     if (ctx.cancellation().WaitFor(absl::Seconds(5))) return absl::CancelledError("...");
//   }
//
// Handlers run on the worker's handler threads, one task per call; they may block (network
// I/O). A handler fails by returning a status built with sdk/worker/task_errors.h.
#ifndef FANFARE_SDK_WORKER_TASK_CONTEXT_H_
#define FANFARE_SDK_WORKER_TASK_CONTEXT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "fanfare/v1/worker.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare {

// Set by the worker runtime when the coordinator cancels an attempt (the run was cancelled,
// or the attempt's lease was lost to another worker), or when the worker stops or its
// drain deadline passes. Once set it stays set. Thread-safe.
class CancellationToken {
 public:
  void Cancel() {
    absl::MutexLock lock(&mu_);
    cancelled_.store(true, std::memory_order_release);
  }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Blocks until the token is cancelled or `timeout` (real time) passes; returns
  // cancelled(). A handler that must pause uses this rather than sleeping.
  bool WaitFor(absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto cancelled = [this] { return cancelled_.load(std::memory_order_relaxed); };
    return mu_.AwaitWithTimeout(absl::Condition(&cancelled), timeout);
  }

 private:
  mutable absl::Mutex mu_;
  // Written under mu_ (so that WaitFor wakes), read without it.
  std::atomic<bool> cancelled_{false};
};

// Whether an attempt may still act on the outside world: the worker runtime's lease fence.
// Implementations are thread-safe.
class WriteFence {
 public:
  virtual ~WriteFence() = default;
  // OK if the attempt `task` names may start a write now; see TaskContext::BeforeWrite.
  virtual absl::Status BeforeWrite(const v1::Task& task) = 0;
  // False once the attempt has lost its lease (or was stopped): a write in flight for it
  // must be abandoned. Never blocks.
  virtual bool MayStillAct(const v1::Task& task) = 0;
};

// One attempt of a task, as its handler sees it. Not thread-safe: one handler call owns it.
class TaskContext {
 public:
  // `cancellation`, `clock` and `fence` (if any) must outlive the context. Without a fence,
  // BeforeWrite() only checks cancellation (handlers run by hand in tests).
  TaskContext(v1::Task task, const CancellationToken& cancellation, const Clock& clock,
              WriteFence* fence = nullptr)
      : task_(std::move(task)), cancellation_(cancellation), clock_(clock), fence_(fence) {}

  const v1::Task& task() const { return task_; }
  const google::protobuf::Struct& input() const { return task_.input(); }
  const std::string& action() const { return task_.action(); }
  const std::string& account() const { return task_.account(); }
  // Pass to the network wherever it accepts one, so a retry cannot act twice.
  const std::string& idempotency_key() const { return task_.idempotency_key(); }
  // True when the coordinator asks to settle an earlier attempt of unknown outcome rather
  // than to act: read the network back, return the original output if the action took
  // effect, or OutcomeUnknown("not found") if it did not.
  bool is_reconcile() const { return task_.purpose() == v1::TASK_PURPOSE_RECONCILE; }
  // Stop early (returning absl::CancelledError) once this is true. A handler that may
  // already have acted returns OutcomeUnknown() instead, so the coordinator reconciles.
  bool cancelled() const { return cancellation_.cancelled(); }
  const CancellationToken& cancellation() const { return cancellation_; }
  const Clock& clock() const { return clock_; }

  // Call before each request that changes something outside (publishes, creates an ad,
  // sets a budget); workers/common/api_session.h does it for every adapter. OK while the
  // worker holds a lease on this attempt that the coordinator has confirmed and that has not
  // run out on the worker's clock; it may block briefly to get a first confirmation. Any
  // other answer means the coordinator may already have given the step to someone else:
  // the handler must return that status (OutcomeUnknown, code "fenced") without writing.
  absl::Status BeforeWrite();
  // False once the attempt is cancelled or its lease has run out on the worker's clock: a
  // request still in flight for it should be abandoned (ApiSession does so).
  bool may_still_act() const {
    return !cancelled() && (fence_ == nullptr || fence_->MayStillAct(task_));
  }

 private:
  v1::Task task_;
  const CancellationToken& cancellation_;
  const Clock& clock_;
  WriteFence* fence_;
};

// A handler for one action. Returns the action's output (a JSON-like value) or a failure.
using TaskHandler = std::function<absl::StatusOr<google::protobuf::Value>(TaskContext&)>;

}  // namespace fanfare

#endif  // FANFARE_SDK_WORKER_TASK_CONTEXT_H_
