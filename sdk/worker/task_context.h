// TaskContext: what a task handler receives, and the handler signature.
//
//   absl::StatusOr<google::protobuf::Value> Publish(TaskContext& ctx) {
//     const auto& text = ctx.input().fields().at("text").string_value();
//     ... pass ctx.idempotency_key() to the network where it accepts one ...
//     if (ctx.cancelled()) return absl::CancelledError("run cancelled");
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
#include "absl/time/time.h"
#include "engine/base/clock.h"
#include "fanfare/v1/worker.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare {

// Set by the worker runtime when the coordinator cancels an attempt, its lease is lost,
// or the worker is shutting down. Thread-safe.
class CancellationToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_release); }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> cancelled_{false};
};

// One attempt of a task, as its handler sees it. Not thread-safe: one handler call owns it.
class TaskContext {
 public:
  // `cancellation` and `clock` must outlive the context.
  TaskContext(v1::Task task, const CancellationToken& cancellation, const Clock& clock)
      : task_(std::move(task)), cancellation_(cancellation), clock_(clock) {}

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
  // Stop early (returning absl::CancelledError) once this is true.
  bool cancelled() const { return cancellation_.cancelled(); }
  const Clock& clock() const { return clock_; }

 private:
  v1::Task task_;
  const CancellationToken& cancellation_;
  const Clock& clock_;
};

// A handler for one action. Returns the action's output (a JSON-like value) or a failure.
using TaskHandler = std::function<absl::StatusOr<google::protobuf::Value>(TaskContext&)>;

}  // namespace fanfare

#endif  // FANFARE_SDK_WORKER_TASK_CONTEXT_H_
