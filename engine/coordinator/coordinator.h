// Coordinator: the engine, its two threads and its store, behind a thread-safe front.
//
//   ASSIGN_OR_RETURN(auto coordinator, Coordinator::Open(options));
//   coordinator->Post([request, done](Engine& engine) mutable {
//     engine.StartRun(std::move(request), std::move(done));   // done runs once durable
//   });
//
// Operations posted from any thread run on the engine thread, in order. The engine thread
// applies them and seals their writes into a commit group; the commit thread writes each
// group with one fsync and only then runs the group's effects (replies, task deliveries,
// watch events). While one group is being synced the engine goes on filling the next, so
// fsync latency overlaps with work, and the busier the coordinator the bigger the groups.
//
// In rehearsal mode the clock is a ManualClock that the engine thread moves to the next
// due timer whenever the engine is quiescent, so weeks of campaign play out in seconds.
#ifndef FANFARE_ENGINE_COORDINATOR_COORDINATOR_H_
#define FANFARE_ENGINE_COORDINATOR_COORDINATOR_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
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
  // Builds the renewer of held accounts' tokens, given where its answers go; null: none
  // (engine.token_renewer is then used as given). The coordinator owns what it builds.
  std::function<std::unique_ptr<TokenRenewer>(std::function<void(RenewalAnswer)> answered)>
      token_renewer;
  // Builds the sender of webhook deliveries, given where its answers go; null: none
  // (engine.webhook_sender is then used as given). The coordinator owns what it builds.
  std::function<std::unique_ptr<WebhookSender>(std::function<void(WebhookAnswer)> answered)>
      webhook_sender;
  size_t block_cache_bytes = 64 << 20;
  size_t write_buffer_bytes = 64 << 20;
};

class Coordinator {
 public:
  // Opens the store under data_dir, recovers, and starts the threads.
  static absl::StatusOr<std::unique_ptr<Coordinator>> Open(CoordinatorOptions options);
  // The same over a store opened by the caller (tests use a FaultInjectingStore);
  // options.data_dir and the cache sizes are then unused. If a commit ever fails, the
  // process stops (memory is ahead of the store; a restart recovers from the store).
  static absl::StatusOr<std::unique_ptr<Coordinator>> Open(CoordinatorOptions options,
                                                           std::unique_ptr<store::Store> store);
  // Finishes the operations already posted, commits them, and stops.
  ~Coordinator();

  using Operation = absl::AnyInvocable<void(Engine&) &&>;
  // Runs `operation` on the engine thread soon. Thread-safe.
  void Post(Operation operation);

  // For reads that need no engine (history pages, listings): the store shows exactly what
  // has been acknowledged. Thread-safe.
  const store::Store& store() const { return *store_; }
  const Clock& clock() const { return *options_.clock; }
  // The API tokens in force (thread-safe; see Engine::tokens()).
  auth::TokenRegistry& tokens() { return engine_->tokens(); }

  // Appends the state series (Engine::CollectMetrics, computed on the engine thread between
  // operations) and the store's. One pass runs at a time: concurrent scrapes share it. If
  // the engine does not get to it within `timeout`, its series are left out and
  // fanfare_metrics_engine_timeouts_total says so. Thread-safe; blocks the caller, never the
  // engine.
  void CollectMetrics(std::vector<metrics::MetricFamily>& out, absl::Duration timeout);

 private:
  explicit Coordinator(CoordinatorOptions options) : options_(std::move(options)) {}
  void EngineLoop();
  void CommitLoop();
  // Waits for operations, a finished commit, or `max_wait`; returns the operations.
  std::vector<Operation> WaitForWork(absl::Duration max_wait);
  absl::Duration WaitBudget();
  void MaybeJumpClock(bool had_work);
  // The id of the last durable group, clearing the "commit finished" wake-up.
  int64_t TakeDurable();
  // Gives the open group to the commit thread if it is free.
  void HandOver();
  // True (and the commit thread is told to stop) once stopping and nothing is left.
  bool Finished();

  CoordinatorOptions options_;
  std::unique_ptr<store::Store> store_;
  // Stopped after the engine's threads: their effects may still hand it orders.
  std::unique_ptr<TokenRenewer> renewer_;
  std::unique_ptr<WebhookSender> webhook_sender_;
  std::unique_ptr<Engine> engine_;

  absl::Mutex mu_;
  std::vector<Operation> inbox_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The group handed to the commit thread and not yet durable, if any.
  std::optional<Engine::CommitGroup> committing_ ABSL_GUARDED_BY(mu_);
  // The last group made durable, for the engine to hear of.
  int64_t durable_ ABSL_GUARDED_BY(mu_) = 0;
  // The state series' pass on the engine thread, shared by the scrapes waiting for it.
  struct MetricsPass {
    absl::Notification done;
    std::vector<metrics::MetricFamily> families;  // written before `done`, then read only
  };
  absl::Mutex metrics_mu_;
  std::shared_ptr<MetricsPass> metrics_pass_ ABSL_GUARDED_BY(metrics_mu_);
  std::atomic<int64_t> metrics_timeouts_{0};
  bool committer_done_ ABSL_GUARDED_BY(mu_) = false;
  bool engine_done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread engine_thread_;
  std::thread commit_thread_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_COORDINATOR_H_
