// fanfare-bench-restart: how long a coordinator with many active runs takes to serve again
// after a crash.
//
// Starts --active runs of the reference campaign with no worker connected, so that every run
// stays active with its four content steps queued; kills fanfared with SIGKILL; starts it
// again on the same data and times it from the spawn to its "listening" line (recovery: every
// active run and its steps loaded, the queues and due heaps rebuilt) and to its first answer.
// With --finish (the default), a bench worker then takes every run to its end, and all must
// succeed: nothing was lost. Prints the figures, then one JSON object (bench/README.md).
#include <signal.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bench_coordinator.h"
#include "base/command_line.h"
#include "base/signals.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(int, active, 100000, "runs active when the coordinator is killed");
ABSL_FLAG(int, starters, 32, "client threads starting runs");
ABSL_FLAG(bool, finish, true, "after the restart, take every run to its end and check it");
ABSL_FLAG(std::string, data_dir, "", "where fanfared keeps its data, kept afterwards (default: a "
          "fresh temporary directory, removed)");

namespace fanfare::bench {
namespace {

// The write-ahead log a restart replays: RocksDB's *.log files in the data directory.
double WalMib(const std::string& data_dir) {
  uintmax_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    if (entry.path().extension() == ".log") bytes += entry.file_size();
  }
  return std::round(static_cast<double>(bytes) / (1 << 20) * 10) / 10;
}

double Mib(const Subprocess& process) {
  return std::round(static_cast<double>(process.PeakRssBytes().value_or(0)) / (1 << 20) * 10) /
         10;
}

absl::Status StartRuns(Client& client, int runs) {
  const int threads = absl::GetFlag(FLAGS_starters);
  std::atomic<int> errors{0};
  std::vector<std::thread> starters;
  for (int t = 0; t < threads; ++t) {
    starters.emplace_back([&, t] {
      for (int i = t; i < runs; i += threads) {
        if (!StartRun(client, absl::StrCat("active-", i)).ok()) ++errors;
      }
    });
  }
  for (std::thread& t : starters) t.join();
  if (errors > 0) return absl::InternalError(absl::StrCat(errors.load(), " StartRun calls failed"));
  return absl::OkStatus();
}

// Every run is still active after the restart; with --finish, every run then succeeds.
absl::Status CheckRuns(BenchCoordinator& c, int runs, nlohmann::json& figures) {
  absl::StatusOr<int> running = CountRuns(*c.client, v1::RUN_STATUS_RUNNING);
  if (!running.ok()) return running.status();
  if (*running != runs) {
    return absl::InternalError(absl::StrCat(*running, " of ", runs, " runs active after the restart"));
  }
  if (!absl::GetFlag(FLAGS_finish)) return absl::OkStatus();
  const absl::Time started = absl::Now();
  absl::StatusOr<std::unique_ptr<Subprocess>> worker = StartWorker(c, 256, runs);
  if (!worker.ok()) return worker.status();
  if (absl::StatusOr<std::string> done = (*worker)->ReadLine(absl::Minutes(30)); !done.ok()) {
    return done.status();
  }
  (*worker)->Wait(absl::Seconds(30)).IgnoreError();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - started);
  absl::StatusOr<int> succeeded = CountRuns(*c.client, v1::RUN_STATUS_SUCCEEDED);
  if (!succeeded.ok()) return succeeded.status();
  if (*succeeded != runs) {
    return absl::InternalError(absl::StrCat(*succeeded, " of ", runs, " runs succeeded"));
  }
  std::printf("after the restart: all %d runs succeeded in %.1f s\n", runs, seconds);
  figures["finished_s"] = std::round(seconds * 10) / 10;
  return absl::OkStatus();
}

int Main() {
  const int runs = absl::GetFlag(FLAGS_active);
  const std::string dir =
      absl::GetFlag(FLAGS_data_dir).empty() ? FreshDir() : absl::GetFlag(FLAGS_data_dir);
  nlohmann::json figures = {{"active_runs", runs}};
  {
    absl::StatusOr<BenchCoordinator> first = StartCoordinator(dir, /*rate_limits=*/false);
    if (!first.ok()) return Fail("starting fanfared", first.status());
    const absl::Time started = absl::Now();
    if (absl::Status s = StartRuns(*first->client, runs); !s.ok()) return Fail("starting runs", s);
    const double seconds = absl::ToDoubleSeconds(absl::Now() - started);
    std::printf("%d runs started in %.1f s (%.0f/s), none finished; fanfared peak RSS %.1f MiB\n",
                runs, seconds, runs / seconds, Mib(*first->process));
    figures["rss_before_mb"] = Mib(*first->process);
    first->process->Signal(SIGKILL);
    first->process->Wait(absl::Seconds(30)).IgnoreError();
    figures["wal_mb"] = WalMib(dir + "/data");
    std::printf("killed (SIGKILL); write-ahead log to replay: %.1f MiB\n", WalMib(dir + "/data"));
  }
  absl::StatusOr<BenchCoordinator> second = StartCoordinator(dir, /*rate_limits=*/false);
  if (!second.ok()) return Fail("restarting fanfared", second.status());
  const absl::Time listening = absl::Now();
  absl::StatusOr<v1::Run> run = second->client->GetRun(absl::StrCat("active-", runs - 1));
  if (!run.ok()) return Fail("the first GetRun after the restart", run.status());
  const double serving_s =
      absl::ToDoubleSeconds(second->startup + (absl::Now() - listening));
  std::printf("restart after SIGKILL with %d active runs: listening after %.2f s, first answer "
              "after %.2f s; peak RSS %.1f MiB\n",
              runs, absl::ToDoubleSeconds(second->startup), serving_s, Mib(*second->process));
  figures["listening_s"] = std::round(absl::ToDoubleSeconds(second->startup) * 100) / 100;
  figures["serving_s"] = std::round(serving_s * 100) / 100;
  figures["rss_after_restart_mb"] = Mib(*second->process);
  if (absl::Status s = CheckRuns(*second, runs, figures); !s.ok()) return Fail("checking", s);
  second->process->Signal(SIGTERM);
  second->process->Wait(absl::Seconds(30)).IgnoreError();
  if (absl::GetFlag(FLAGS_data_dir).empty()) std::filesystem::remove_all(dir);
  std::printf("%s\n", figures.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace fanfare::bench

int main(int argc, char** argv) {
  fanfare::BlockShutdownSignals();
  // As in fanfare-bench: no lock-order checking in a benchmark.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  fanfare::ParseFlags(argc, argv,
                      "times fanfared's restart with many active runs (bench/README.md).\n"
                      "usage: fanfare-bench-restart [--active N] [--finish=false]");
  return fanfare::bench::Main();
}
