// fanfare-bench-worker: serves the reference campaign's actions with no-op handlers and
// measures dispatch latency (task received − task ready) for steps that had dependencies.
// Exits after `--expect` final steps, printing one JSON line of figures.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "bench/reference_campaign.h"
#include "base/command_line.h"
#include "base/proto_time.h"
#include "base/signals.h"
#include "sdk/client/channel.h"
#include "sdk/worker/worker.h"

ABSL_FLAG(std::string, address, "127.0.0.1:7600", "fanfared address");
ABSL_FLAG(int, concurrency, 256, "tasks in flight");
ABSL_FLAG(int, expect, 1000, "exit after this many final steps");
ABSL_FLAG(std::string, worker_id, "bench-worker", "worker id");
ABSL_FLAG(std::string, token, "", "API token (none: fanfared runs with --auth=off)");
ABSL_FLAG(std::string, tls_ca, "", "dial TLS, trusting this certificate (PEM file)");

namespace fanfare::bench {
namespace {

class LatencyLog {
 public:
  void Add(double ms) {
    absl::MutexLock lock(&mu_);
    samples_.push_back(ms);
  }
  double Percentile(double p) {
    absl::MutexLock lock(&mu_);
    if (samples_.empty()) return 0;
    std::sort(samples_.begin(), samples_.end());
    return samples_[std::min(samples_.size() - 1, static_cast<size_t>(p * samples_.size()))];
  }
  size_t size() {
    absl::MutexLock lock(&mu_);
    return samples_.size();
  }

 private:
  absl::Mutex mu_;
  std::vector<double> samples_;
};

int Main() {
  WorkerOptions options;
  options.address = absl::GetFlag(FLAGS_address);
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.worker_id = absl::GetFlag(FLAGS_worker_id);
  options.token = absl::GetFlag(FLAGS_token);
  if (const std::string ca = absl::GetFlag(FLAGS_tls_ca); !ca.empty()) {
    absl::StatusOr<ClientTls> tls = ReadClientTls({.ca_path = ca});
    if (!tls.ok()) {
      std::fprintf(stderr, "bench worker: %s\n", std::string(tls.status().message()).c_str());
      return 2;
    }
    options.tls = true;
    options.tls_root_certs = tls->root_certs;
  }
  Worker worker(options);
  LatencyLog latency;
  std::atomic<int> finals{0};
  const int expect = absl::GetFlag(FLAGS_expect);
  absl::Notification done;
  for (const char* action : kReferenceActions) {
    const bool root = std::string(action) == "content.generate";
    const bool final = std::string(action) == kFinalAction;
    worker.Handle(action, [&, root, final](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
      if (!root) {
        latency.Add(absl::ToDoubleMilliseconds(absl::Now() - FromProtoTime(ctx.task().ready_at())));
      }
      google::protobuf::Value out;
      auto& fields = *out.mutable_struct_value()->mutable_fields();
      fields["text"].set_string_value("x");
      fields["post_id"].set_string_value("p");
      fields["ad_id"].set_string_value("a");
      fields["clicks"].set_number_value(1);
      if (final && finals.fetch_add(1) + 1 == expect) done.Notify();
      return out;
    });
  }
  if (absl::Status status = worker.Start(); !status.ok()) {
    std::fprintf(stderr, "bench worker: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  done.WaitForNotification();
  // Drain waits for the coordinator's acknowledgement of every outcome: the runs are done.
  worker.Drain();
  std::printf("{\"finals\":%d,\"samples\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
              finals.load(), latency.size(), latency.Percentile(0.50), latency.Percentile(0.99),
              latency.Percentile(1.0));
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace fanfare::bench

int main(int argc, char** argv) {
  fanfare::BlockShutdownSignals();
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles (a debug-build
  // default), recording a stack trace each time; tests keep it, production binaries don't.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  fanfare::ParseFlags(argc, argv,
                      "the benchmark worker: completes every task it is given at once.\n"
                      "usage: fanfare-bench-worker --coordinator ADDR");
  return fanfare::bench::Main();
}
