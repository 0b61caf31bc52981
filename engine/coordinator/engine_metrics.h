// EngineMetrics: the coordinator's Prometheus series (docs/operations.md, "Metrics").
//
// Two kinds. Events — attempts started and ended, runs ended, dispatch latency, commits — are
// counted as they happen, by the thread that sees them. State — runs by status, queue depths
// and ages, rate-limit waits, spend against caps, worker sessions, accounts — is not kept up
// to date at all: Engine::CollectMetrics computes it on the engine thread when Prometheus
// scrapes, so that the hot path pays nothing for it.
//
// Thread safety: AttemptStarted, AttemptEnded and RunEnded are called on the engine thread
// only (they cache children in unsynchronised maps); Committed on the commit thread only.
#ifndef FANFARE_ENGINE_COORDINATOR_ENGINE_METRICS_H_
#define FANFARE_ENGINE_COORDINATOR_ENGINE_METRICS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "engine/scheduler/step_instance.h"
#include "fanfare/v1/run.pb.h"
#include "metrics/registry.h"

namespace fanfare::coordinator {

// How an attempt ended, as the `outcome` label says it.
enum class AttemptOutcome {
  kSucceeded,  // the worker reported success
  kFailed,     // the worker reported a failure (retried or not)
  kUnknown,    // the worker could not tell whether the network acted
  kLost,       // the lease ran out, or the worker's session ended, without a report
};

// "succeeded" for RUN_STATUS_SUCCEEDED: how the `status` label spells a run status.
std::string RunStatusLabel(v1::RunStatus status);

class EngineMetrics {
 public:
  explicit EngineMetrics(metrics::Registry& registry);

  // An attempt of `instance` was leased to a worker, `waited` after it became ready.
  void AttemptStarted(const scheduler::StepInstance& instance, absl::Duration waited);
  void AttemptEnded(const scheduler::StepInstance& instance, AttemptOutcome outcome);
  void RunEnded(const std::string& ns, v1::RunStatus status);
  // A commit group of `writes` writes was made durable in `sync` (write and fsync).
  void Committed(int writes, absl::Duration sync);

 private:
  struct ActionSeries {
    metrics::Counter* started = nullptr;
    metrics::Counter* ended[4] = {};
  };
  ActionSeries& ForAction(const std::string& action);

  metrics::CounterFamily& attempts_started_;
  metrics::CounterFamily& attempts_ended_;
  metrics::CounterFamily& runs_ended_;
  metrics::HistogramFamily& dispatch_latency_;
  metrics::Histogram& commit_writes_;
  metrics::Histogram& commit_sync_;
  absl::flat_hash_map<std::string, ActionSeries> actions_;
  absl::flat_hash_map<std::string, metrics::Histogram*> queues_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_ENGINE_METRICS_H_
