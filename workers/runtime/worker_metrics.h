// WorkerMetrics: a worker process's Prometheus series (docs/operations.md, "Metrics"):
// tasks by action and outcome, and the calls its adapters make to each network.
//
//   metrics::Registry registry;
//   WorkerMetrics metrics(registry);
//   options.metrics = &metrics;                      // NetworkWorkerOptions
//   auto server = metrics::MetricsServer::Start("127.0.0.1:9465", &registry);
//
// One WorkerMetrics per registry; any number of NetworkWorkers may share it.
// Thread safety: thread-safe; the registry must outlive it.
#ifndef FANFARE_WORKERS_RUNTIME_WORKER_METRICS_H_
#define FANFARE_WORKERS_RUNTIME_WORKER_METRICS_H_

#include <memory>
#include <string>

#include "metrics/registry.h"
#include "sdk/worker/task_context.h"
#include "workers/common/http_client.h"

namespace fanfare::workers {

class WorkerMetrics {
 public:
  explicit WorkerMetrics(metrics::Registry& registry);

  // `handler` for `action`, counting its tasks by outcome ("succeeded", or the failure's
  // error type: "retryable", "throttled", "outcome_unknown", …) and timing them.
  TaskHandler CountTasks(const std::string& action, TaskHandler handler);
  // An HttpClient that sends through `inner` and counts what `network` answers: the status
  // code ("unsent" when the request never left, "no_answer" when no answer came), latency,
  // and throttles (429). `inner` must outlive it.
  std::unique_ptr<HttpClient> Meter(const std::string& network, HttpClient* inner);

 private:
  metrics::CounterFamily& tasks_;
  metrics::HistogramFamily& task_seconds_;
  metrics::CounterFamily& requests_;
  metrics::HistogramFamily& request_seconds_;
  metrics::CounterFamily& throttles_;
};

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_RUNTIME_WORKER_METRICS_H_
