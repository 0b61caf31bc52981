// fanfare-bench: the reference campaign (11 steps) through a real fanfared and a worker in a
// separate process, over loopback gRPC, every transition synced.
//
// Phase 1 (peak): starts --campaigns runs as fast as it can and times them to the last
// step: steps/s. Phase 2 (latency): starts runs at half the peak rate for
// --latency-seconds and reports p50/p99 dispatch latency (dependency recorded → dependent
// task received by the worker). Also reports fanfared's peak RSS, and with --peer bullmq or
// --peer dbos runs that peer's benchmark of the same shape on this machine for a ratio.
//
// The last line printed is one JSON object; bench/README.md records results.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <httplib.h>

#include "absl/flags/flag.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/bench_coordinator.h"
#include "bench/peer.h"
#include "bench/reference_campaign.h"
#include "base/command_line.h"
#include "base/signals.h"
#include "base/subprocess.h"
#include "engine/definition/loader.h"
#include "nlohmann/json.hpp"
#include "sdk/client/client.h"

ABSL_FLAG(int, campaigns, 3000, "runs in the peak phase");
ABSL_FLAG(absl::Duration, scrape_every, absl::ZeroDuration(),
          "fanfared serves Prometheus metrics, scraped this often while the benchmark runs "
          "(0: none served)");
ABSL_FLAG(int, concurrency, 256, "the worker's tasks in flight");
ABSL_FLAG(int, starters, 4, "client threads starting runs in the peak phase");
ABSL_FLAG(int, rounds, 1,
          "peak phases on the same coordinator, one after another: --campaigns x --rounds "
          "finished runs on disk, the peak RSS printed after each");
ABSL_FLAG(int, latency_seconds, 5, "length of the half-load latency phase; 0 skips it");
ABSL_FLAG(std::string, peer, "", "also run a peer benchmark: bullmq or dbos");
ABSL_FLAG(std::string, data_dir, "", "fanfared's data directory (default: a fresh temp dir)");
ABSL_FLAG(std::string, auth, "tokens",
          "tokens: fanfared requires API tokens (its default) and every call carries one; "
          "off: --auth=off");
ABSL_FLAG(bool, tls, false,
          "fanfared serves TLS (a certificate for 127.0.0.1 made with `openssl`), which the "
          "client and the worker dial");
ABSL_FLAG(std::string, rate_limits, "on",
          "on: fanfared enforces per-account limits set high enough never to bind; off: no "
          "limits; both: run the peak phase each way and report the two figures");

namespace fanfare::bench {
namespace {

struct PhaseResult {
  double seconds = 0;
  nlohmann::json worker;
};

absl::StatusOr<PhaseResult> FinishPhase(Subprocess& worker, absl::Time started) {
  absl::StatusOr<std::string> line = worker.ReadLine(absl::Minutes(10));
  if (!line.ok()) return line.status();
  PhaseResult result;
  result.seconds = absl::ToDoubleSeconds(absl::Now() - started);
  result.worker = nlohmann::json::parse(*line, nullptr, false);
  if (result.worker.is_discarded()) return absl::InternalError("bad worker output: " + *line);
  worker.Wait(absl::Seconds(30)).IgnoreError();
  return result;
}

// Peak phase: every run started at once from a few threads.
absl::StatusOr<PhaseResult> PeakPhase(const BenchCoordinator& c, int runs, int round) {
  absl::StatusOr<std::unique_ptr<Subprocess>> worker =
      StartWorker(c, absl::GetFlag(FLAGS_concurrency), runs);
  if (!worker.ok()) return worker.status();
  const absl::Time started = absl::Now();
  const int threads = absl::GetFlag(FLAGS_starters);
  std::atomic<int> errors{0};
  std::vector<std::thread> starters;
  for (int t = 0; t < threads; ++t) {
    starters.emplace_back([&, t] {
      for (int i = t; i < runs; i += threads) {
        if (!StartRun(*c.client, absl::StrCat("peak-", round, "-", i)).ok()) ++errors;
      }
    });
  }
  for (std::thread& t : starters) t.join();
  if (errors > 0) return absl::InternalError(absl::StrCat(errors.load(), " StartRun calls failed"));
  return FinishPhase(**worker, started);
}

// Latency phase: runs started at a steady `runs_per_s`.
absl::StatusOr<PhaseResult> PacedPhase(const BenchCoordinator& c, double runs_per_s, int seconds) {
  const int runs = std::max(1, static_cast<int>(runs_per_s * seconds));
  absl::StatusOr<std::unique_ptr<Subprocess>> worker =
      StartWorker(c, absl::GetFlag(FLAGS_concurrency), runs);
  if (!worker.ok()) return worker.status();
  const absl::Time started = absl::Now();
  const absl::Duration gap = absl::Seconds(1.0 / runs_per_s);
  for (int i = 0; i < runs; ++i) {
    std::this_thread::sleep_until(absl::ToChronoTime(started + i * gap));
    if (absl::Status s = StartRun(*c.client, absl::StrCat("paced-", i)); !s.ok()) return s;
  }
  return FinishPhase(**worker, started);
}

// Every run of a phase must have succeeded, or the figures mean nothing.
absl::Status CheckAllSucceeded(Client& client, int expected) {
  absl::StatusOr<int> succeeded = CountRuns(client, v1::RUN_STATUS_SUCCEEDED);
  if (!succeeded.ok()) return succeeded.status();
  if (*succeeded != expected) {
    return absl::InternalError(absl::StrCat(*succeeded, " of ", expected, " runs succeeded"));
  }
  return absl::OkStatus();
}

// Scrapes fanfared's /metrics every `every` from its own thread until destroyed, as a
// Prometheus would (more often than one usually does).
class Scraper {
 public:
  Scraper(const std::string& address, absl::Duration every) {
    if (address.empty()) return;
    const size_t colon = address.rfind(':');
    thread_ = std::thread([this, host = address.substr(0, colon),
                           port = std::atoi(address.c_str() + colon + 1), every] {
      httplib::Client client(host, port);
      while (!stop_.WaitForNotificationWithTimeout(every)) {
        httplib::Result page = client.Get("/metrics");
        if (page && page->status == 200) {
          ++scrapes_;
          bytes_ += page->body.size();
        }
      }
    });
  }
  ~Scraper() {
    stop_.Notify();
    if (thread_.joinable()) thread_.join();
  }
  int scrapes() const { return scrapes_; }
  size_t bytes() const { return bytes_; }

 private:
  absl::Notification stop_;
  std::atomic<int> scrapes_{0};
  std::atomic<size_t> bytes_{0};
  std::thread thread_;
};

// One measured coordinator: its peak phase, optionally the latency phase, and its RSS.
absl::StatusOr<nlohmann::json> Measure(const std::string& dir, bool rate_limits, bool latency) {
  const absl::Duration scrape_every = absl::GetFlag(FLAGS_scrape_every);
  absl::StatusOr<BenchCoordinator> c =
      StartCoordinator(dir, rate_limits, absl::GetFlag(FLAGS_auth) != "off",
                       absl::GetFlag(FLAGS_tls), scrape_every > absl::ZeroDuration());
  if (!c.ok()) return c.status();
  std::optional<Scraper> scraper;
  if (!c->metrics_address.empty()) scraper.emplace(c->metrics_address, scrape_every);
  const int runs = absl::GetFlag(FLAGS_campaigns);
  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  absl::StatusOr<PhaseResult> peak;
  double seconds = 0;
  for (int round = 0; round < rounds; ++round) {
    peak = PeakPhase(*c, runs, round);
    if (!peak.ok()) return peak.status();
    seconds += peak->seconds;
    if (rounds > 1) {
      std::printf("round %d: %d runs finished in all, %.0f steps/s in this round; fanfared peak "
                  "RSS %.1f MiB\n",
                  round + 1, (round + 1) * runs, runs * kStepsPerRun / peak->seconds,
                  static_cast<double>(c->process->PeakRssBytes().value_or(0)) / (1 << 20));
      std::fflush(stdout);
    }
  }
  const double steps = static_cast<double>(runs) * rounds * kStepsPerRun;
  const double steps_per_s = steps / seconds;
  std::printf("peak (rate limits %s): %d runs (%.0f steps) in %.2f s = %.0f steps/s\n",
              rate_limits ? "on, not binding" : "off", runs * rounds, steps, seconds,
              steps_per_s);
  nlohmann::json figures = {{"steps_per_s", std::round(steps_per_s)},
                            {"p50_dispatch_ms_at_peak", peak->worker["p50_ms"]},
                            {"p99_dispatch_ms_at_peak", peak->worker["p99_ms"]}};
  int expected = runs * rounds;
  if (const int seconds = absl::GetFlag(FLAGS_latency_seconds); latency && seconds > 0) {
    const double half = 0.5 * runs / peak->seconds;
    absl::StatusOr<PhaseResult> paced = PacedPhase(*c, half, seconds);
    if (!paced.ok()) return paced.status();
    expected += paced->worker["finals"].get<int>();
    std::printf("half load (%.0f runs/s = %.0f steps/s) for %d s: dispatch p50 %.2f ms, p99 %.2f ms\n",
                half, half * kStepsPerRun, seconds, paced->worker["p50_ms"].get<double>(),
                paced->worker["p99_ms"].get<double>());
    figures["p50_dispatch_ms"] = paced->worker["p50_ms"];
    figures["p99_dispatch_ms"] = paced->worker["p99_ms"];
  }
  if (absl::Status s = CheckAllSucceeded(*c->client, expected); !s.ok()) return s;
  const double rss_mb = static_cast<double>(c->process->PeakRssBytes().value_or(0)) / (1 << 20);
  figures["coordinator_rss_mb"] = std::round(rss_mb * 10) / 10;
  std::printf("fanfared peak RSS: %.1f MiB\n", rss_mb);
  if (scraper.has_value()) {
    std::printf("metrics: %d scrapes of %zu bytes on average\n", scraper->scrapes(),
                scraper->bytes() / std::max(1, scraper->scrapes()));
    figures["metrics_scrapes"] = scraper->scrapes();
    scraper.reset();
  }
  c->process->Signal(SIGTERM);
  c->process->Wait(absl::Seconds(30)).IgnoreError();
  return figures;
}

int Main() {
  const std::string mode = absl::GetFlag(FLAGS_rate_limits);
  if (mode != "on" && mode != "off" && mode != "both") {
    return Fail("--rate_limits", absl::InvalidArgumentError("use on, off or both"));
  }
  const int runs = absl::GetFlag(FLAGS_campaigns);
  std::printf("reference campaign: %d steps per run; %d runs; worker concurrency %d\n",
              kStepsPerRun, runs, absl::GetFlag(FLAGS_concurrency));
  const std::string dir =
      absl::GetFlag(FLAGS_data_dir).empty() ? FreshDir() : absl::GetFlag(FLAGS_data_dir);
  absl::StatusOr<nlohmann::json> summary = Measure(dir + "/main", mode != "off", true);
  if (!summary.ok()) return Fail("measuring", summary.status());
  (*summary)["campaigns"] = runs;
  (*summary)["rate_limits"] = mode == "off" ? "off" : "on";
  (*summary)["auth"] = absl::GetFlag(FLAGS_auth) == "off" ? "off" : "tokens";
  (*summary)["tls"] = absl::GetFlag(FLAGS_tls);
  if (mode == "both") {
    absl::StatusOr<nlohmann::json> unlimited = Measure(dir + "/unlimited", false, false);
    if (!unlimited.ok()) return Fail("measuring without limits", unlimited.status());
    const double with = (*summary)["steps_per_s"].get<double>();
    const double without = (*unlimited)["steps_per_s"].get<double>();
    std::printf("rate limits on and not binding: %.0f steps/s; off: %.0f steps/s (%+.1f%%)\n",
                with, without, (with / without - 1) * 100);
    (*summary)["steps_per_s_without_rate_limits"] = std::round(without);
  }
  if (const std::string peer = absl::GetFlag(FLAGS_peer); !peer.empty()) {
    absl::StatusOr<PeerResult> result = RunPeer(peer, runs);
    if (!result.ok()) return Fail(absl::StrCat("peer ", peer), result.status());
    const double steps_per_s = (*summary)["steps_per_s"].get<double>();
    std::printf("peer %s: %.0f steps/s (%s)\n", peer.c_str(), result->steps_per_s,
                result->detail.c_str());
    (*summary)["peer"] = peer;
    (*summary)["peer_steps_per_s"] = std::round(result->steps_per_s);
    (*summary)["ratio"] = std::round(steps_per_s / result->steps_per_s * 100) / 100;
  }
  if (absl::GetFlag(FLAGS_data_dir).empty()) std::filesystem::remove_all(dir);
  std::printf("%s\n", summary->dump().c_str());
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
                      "measures fanfared on the reference campaign (bench/README.md).\n"
                      "usage: fanfare-bench [--campaigns N] [--peer bullmq|dbos] [--rate-limits on|off|both]");
  return fanfare::bench::Main();
}
