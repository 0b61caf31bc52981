#include "engine/coordinator/engine_metrics.h"

#include "base/enum_label.h"
#include "engine/scheduler/step_instance.h"

namespace fanfare::coordinator {
namespace {

constexpr const char* kOutcomeNames[] = {"succeeded", "failed", "unknown", "lost"};

}  // namespace

std::string RunStatusLabel(v1::RunStatus status) {
  return EnumLabel(v1::RunStatus_Name(status), "RUN_STATUS_");
}

EngineMetrics::EngineMetrics(metrics::Registry& registry)
    : attempts_started_(registry.AddCounter(
          "fanfare_step_attempts_started_total",
          "Step attempts leased to workers (executions and reconciles), by action.",
          {"action"})),
      attempts_ended_(registry.AddCounter(
          "fanfare_step_attempts_ended_total",
          "Step attempts ended, by action and outcome: succeeded, failed (the worker reported "
          "a failure), unknown (the worker could not tell whether the network acted), lost "
          "(the lease ran out or the worker left without a report).",
          {"action", "outcome"})),
      runs_ended_(registry.AddCounter("fanfare_runs_ended_total",
                                      "Runs that reached a terminal status, by namespace and "
                                      "status (succeeded, failed, canceled).",
                                      {"namespace", "status"})),
      dispatch_latency_(registry.AddHistogram(
          "fanfare_dispatch_latency_seconds",
          "From a step attempt becoming ready to its lease to a worker, by queue.", {"queue"},
          metrics::LatencyBuckets())),
      commit_writes_(registry
                         .AddHistogram("fanfare_commit_group_writes",
                                       "Writes per commit group (one write and fsync each).",
                                       {}, metrics::PowersOfTwo(16384))
                         .With({})),
      commit_sync_(registry
                       .AddHistogram("fanfare_commit_sync_seconds",
                                     "Time to write and fsync one commit group to RocksDB.", {},
                                     metrics::LatencyBuckets())
                       .With({})) {}

EngineMetrics::ActionSeries& EngineMetrics::ForAction(const std::string& action) {
  auto [it, inserted] = actions_.try_emplace(action);
  if (inserted) {
    it->second.started = &attempts_started_.With({action});
    for (int i = 0; i < 4; ++i) {
      it->second.ended[i] = &attempts_ended_.With({action, kOutcomeNames[i]});
    }
  }
  return it->second;
}

void EngineMetrics::AttemptStarted(const scheduler::StepInstance& instance,
                                   absl::Duration waited) {
  ForAction(instance.action).started->Add();
  if (waited == absl::InfiniteDuration()) return;  // never ready (a record from before ready_at)
  metrics::Histogram*& latency = queues_[instance.queue];
  if (latency == nullptr) latency = &dispatch_latency_.With({instance.queue});
  latency->Observe(absl::ToDoubleSeconds(std::max(waited, absl::ZeroDuration())));
}

void EngineMetrics::AttemptEnded(const scheduler::StepInstance& instance,
                                 AttemptOutcome outcome) {
  ForAction(instance.action).ended[static_cast<int>(outcome)]->Add();
}

void EngineMetrics::RunEnded(const std::string& ns, v1::RunStatus status) {
  runs_ended_.With({ns, RunStatusLabel(status)}).Add();
}

void EngineMetrics::Committed(int writes, absl::Duration sync) {
  commit_writes_.Observe(writes);
  commit_sync_.Observe(absl::ToDoubleSeconds(sync));
}

}  // namespace fanfare::coordinator
