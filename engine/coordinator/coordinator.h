// Coordinator: the engine, its thread and its store, behind a thread-safe front.
//
//   ASSIGN_OR_RETURN(auto coordinator, Coordinator::Open(options));
//   coordinator->Post([request, done](Engine& engine) mutable {
//     engine.StartRun(std::move(request), std::move(done));   // done runs once durable
//   });
//
// Operations posted from any thread run on the engine thread, in order, grouped into cycles
// (see engine.h). In rehearsal mode the clock is a ManualClock that the engine thread moves
// to the next due timer whenever the engine is quiescent, so that weeks of campaign play
// out in seconds.
#ifndef FANFARE_ENGINE_COORDINATOR_COORDINATOR_H_
#define FANFARE_ENGINE_COORDINATOR_COORDINATOR_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/base/clock.h"
#include "engine/coordinator/engine.h"
#include "engine/store/store.h"

namespace fanfare::coordinator {

struct CoordinatorOptions {
  std::string data_dir;
  // Where time comes from; must outlive the coordinator.
  const Clock* clock = &Clock::System();
  // Set for rehearsal mode: the engine moves this clock (which must also be `clock`).
  ManualClock* rehearsal_clock = nullptr;
  EngineOptions engine;
  size_t block_cache_bytes = 64 << 20;
  size_t write_buffer_bytes = 64 << 20;
};

class Coordinator {
 public:
  // Opens the store under data_dir, recovers, and starts the engine thread.
  static absl::StatusOr<std::unique_ptr<Coordinator>> Open(CoordinatorOptions options);
  // Stops the engine thread after the cycle in progress.
  ~Coordinator();

  using Operation = absl::AnyInvocable<void(Engine&) &&>;
  // Runs `operation` on the engine thread in a coming cycle. Thread-safe.
  void Post(Operation operation);

  // For reads that need no engine (history pages, listings): the store shows exactly what
  // has been acknowledged. Thread-safe.
  const store::Store& store() const { return *store_; }
  const Clock& clock() const { return *options_.clock; }

 private:
  explicit Coordinator(CoordinatorOptions options) : options_(std::move(options)) {}
  void Loop();
  std::vector<Operation> WaitForWork(absl::Duration max_wait);
  absl::Duration WaitBudget();
  void MaybeJumpClock(bool had_work);

  CoordinatorOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Engine> engine_;

  absl::Mutex mu_;
  std::vector<Operation> inbox_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_COORDINATOR_H_
