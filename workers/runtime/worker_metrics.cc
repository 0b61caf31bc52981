#include "workers/runtime/worker_metrics.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "base/enum_label.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string OutcomeLabel(const absl::Status& status) {
  if (status.ok()) return "succeeded";
  return EnumLabel(v1::ErrorType_Name(ErrorTypeOf(status)), "ERROR_TYPE_");
}

class MeteredHttpClient final : public HttpClient {
 public:
  MeteredHttpClient(HttpClient* inner, std::string network, metrics::CounterFamily& requests,
                    metrics::Histogram& latency, metrics::Counter& throttles)
      : inner_(inner),
        network_(std::move(network)),
        requests_(requests),
        latency_(latency),
        throttles_(throttles) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<HttpResponse> response = inner_->Send(request);
    latency_.Observe(SecondsSince(start));
    std::string code;
    if (response.ok()) {
      code = absl::StrCat(response->status);
      if (response->status == 429) throttles_.Add();
    } else {
      code = response.status().code() == absl::StatusCode::kUnavailable ? "unsent" : "no_answer";
    }
    requests_.With({network_, code}).Add();
    return response;
  }

 private:
  HttpClient* const inner_;
  const std::string network_;
  metrics::CounterFamily& requests_;
  metrics::Histogram& latency_;
  metrics::Counter& throttles_;
};

}  // namespace

WorkerMetrics::WorkerMetrics(metrics::Registry& registry)
    : tasks_(registry.AddCounter(
          "fanfare_worker_tasks_total",
          "Task attempts this worker finished, by action and outcome (succeeded, or the "
          "failure's type: retryable, throttled, auth_expired, rejected_input, "
          "outcome_unknown, …).",
          {"action", "outcome"})),
      task_seconds_(registry.AddHistogram("fanfare_worker_task_seconds",
                                          "Time a task attempt took in this worker, by action.",
                                          {"action"}, metrics::LatencyBuckets())),
      requests_(registry.AddCounter(
          "fanfare_worker_network_requests_total",
          "Requests to the networks' APIs, by network and code: the HTTP status, \"unsent\" "
          "(it never left) or \"no_answer\" (sent, no complete answer).",
          {"network", "code"})),
      request_seconds_(registry.AddHistogram(
          "fanfare_worker_network_request_seconds",
          "Latency of requests to the networks' APIs (retries inside one call included).",
          {"network"}, metrics::LatencyBuckets())),
      throttles_(registry.AddCounter("fanfare_worker_throttles_total",
                                     "Answers of 429 Too Many Requests, by network.",
                                     {"network"})) {}

TaskHandler WorkerMetrics::CountTasks(const std::string& action, TaskHandler handler) {
  metrics::Histogram* seconds = &task_seconds_.With({action});
  return [this, action, seconds, handler = std::move(handler)](TaskContext& ctx) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<google::protobuf::Value> result = handler(ctx);
    seconds->Observe(SecondsSince(start));
    tasks_.With({action, OutcomeLabel(result.status())}).Add();
    return result;
  };
}

std::unique_ptr<HttpClient> WorkerMetrics::Meter(const std::string& network, HttpClient* inner) {
  return std::make_unique<MeteredHttpClient>(inner, network, requests_,
                                             request_seconds_.With({network}),
                                             throttles_.With({network}));
}

}  // namespace fanfare::workers
