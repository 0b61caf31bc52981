// fanfare-bench-limits: what campaigns at the documented limits (docs/campaign-language.md,
// "Limits") cost the coordinator — validation on the service thread, and the engine
// thread's work per cycle while they start and run. An Engine over a real RocksDB (every
// commit synced) is driven in-process, cycle by cycle, with a worker session that completes
// every task at once; a cycle's engine time is its operations, Step() and Seal(), and not its
// Commit(), which the coordinator runs on its committer thread.
//
// Prints one line per scenario; bench/README.md records results.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "engine/coordinator/engine.h"
#include "engine/definition/limits.h"
#include "engine/definition/loader.h"
#include "engine/scheduler/compiled_campaign.h"
#include "engine/store/rocks_store.h"
#include "engine/store/store.h"

namespace fanfare::bench {
namespace {

using Seconds = std::chrono::duration<double>;
using SteadyClock = std::chrono::steady_clock;

double Ms(SteadyClock::time_point since) { return Seconds(SteadyClock::now() - since).count() * 1e3; }

// A chain of kMaxSteps steps listed last to first; the last reads the first.
std::string Chain() {
  std::string yaml = "name: chain\naccounts: {x: acme}\nsteps:\n";
  for (int i = definition::kMaxSteps - 1; i >= 0; --i) {
    absl::StrAppend(&yaml, "  - {id: s", i, ", action: x.insights",
                    i > 0 ? absl::StrCat(", needs: [s", i - 1, "]") : "",
                    i == definition::kMaxSteps - 1 ? ", when: \"{{ steps.s0.state == 'SUCCEEDED' }}\"" : "",
                    "}\n");
  }
  return yaml;
}

std::string Wide() {
  std::string yaml = "name: wide\naccounts: {x: acme}\nsteps:\n";
  for (int i = 0; i < definition::kMaxSteps; ++i) {
    absl::StrAppend(&yaml, "  - {id: s", i, ", action: x.insights, with: {n: ", i, "}}\n");
  }
  return yaml;
}

std::string FanOut() {
  std::string yaml = "name: fan\naccounts: {x: acme}\nsteps:\n  - id: each\n    action: x.insights\n"
                     "    with: {post: \"{{ item }}\"}\n    for_each: [";
  for (int i = 0; i < definition::kMaxForEachItems; ++i) absl::StrAppend(&yaml, i ? ", " : "", "p", i);
  absl::StrAppend(&yaml, "]\n  - {id: after, action: x.insights, needs: [each], "
                         "with: {n: \"{{ size(steps.each.output_list) }}\"}}\n");
  return yaml;
}

class Sink : public dispatch::SessionSink {
 public:
  void Deliver(v1::CoordinatorMessage message) override {
    absl::MutexLock lock(&mu_);
    for (v1::Task& task : *message.mutable_tasks()) tasks_.push_back(std::move(task));
  }
  std::vector<v1::Task> Take() {
    absl::MutexLock lock(&mu_);
    std::vector<v1::Task> out;
    out.swap(tasks_);
    return out;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::Task> tasks_;
};

struct CycleStats {
  std::vector<double> engine_ms;
  void Add(double ms) { engine_ms.push_back(ms); }
  std::string Summary() {
    if (engine_ms.empty()) return "no cycles";
    std::sort(engine_ms.begin(), engine_ms.end());
    return absl::StrCat(engine_ms.size(), " cycles, engine time median ",
                        absl::StrFormat("%.2f", engine_ms[engine_ms.size() / 2]), " ms, p99 ",
                        absl::StrFormat("%.2f", engine_ms[engine_ms.size() * 99 / 100]),
                        " ms, max ", absl::StrFormat("%.2f", engine_ms.back()), " ms");
  }
};

// One engine, one worker session, cycle by cycle.
class Bench {
 public:
  explicit Bench(const std::string& dir) : clock_(absl::FromUnixSeconds(1'800'000'000)) {
    store_ = *store::RocksStore::Open({.path = dir, .block_cache_bytes = 8 << 20,
                                  .write_buffer_bytes = 64 << 20, .sync = true});
    engine_ = *coordinator::Engine::Open(store_.get(), &clock_, coordinator::EngineOptions());
    v1::WorkerHello hello;
    hello.set_worker_id("bench");
    hello.set_namespace_("default");
    hello.add_queues("x");
    hello.set_max_concurrency(256);
    engine_->Connect(auth::Principal::Unauthenticated(), "session", hello, sink_);
    v1::WorkerMessage credit;
    credit.set_credit(256);
    engine_->OnWorkerMessage("session", credit);
    Cycle(nullptr);
  }

  // One cycle; `operation` (may be null) runs first, on the engine thread as an RPC would.
  void Cycle(const std::function<void(coordinator::Engine&)>& operation) {
    const auto start = SteadyClock::now();
    if (operation) operation(*engine_);
    engine_->Step();
    coordinator::Engine::CommitGroup group = engine_->Seal();
    stats_.Add(Ms(start));
    if (!engine_->Commit(group).ok()) std::abort();
    engine_->Durable(group.id);
  }

  void Apply(const std::string& yaml) {
    definition::LoadResult loaded = definition::ParseCampaign(yaml, definition::SourceFormat::kYaml, "b.yaml");
    v1::ApplyCampaignRequest request;
    *request.mutable_spec() = loaded.spec;
    Cycle([&](coordinator::Engine& e) { e.ApplyCampaign(request, [](auto) {}); });
  }

  // Starts a run, then completes every task until the run ends.
  void Run(const std::string& campaign) {
    stats_ = CycleStats();
    v1::StartRunRequest request;
    request.set_campaign(campaign);
    request.set_run_id(campaign);
    Cycle([&](coordinator::Engine& e) { e.StartRun(request, [](auto) {}); });
    const double start_ms = stats_.engine_ms.back();
    for (int guard = 0; guard < 1'000'000; ++guard) {
      std::vector<v1::Task> tasks = sink_->Take();
      if (tasks.empty()) {
        // Nothing for the worker: move the clock on to what is due (a rate limit's end).
        const absl::Time due = engine_->NextDue();
        if (due == absl::InfiniteFuture()) break;  // nothing left: the run is over
        if (due > clock_.Now()) clock_.Set(due);
        Cycle(nullptr);
        continue;
      }
      v1::WorkerMessage message;
      for (const v1::Task& task : tasks) {
        v1::TaskOutcome& outcome = *message.add_outcomes();
        outcome.set_task_id(task.task_id());
        outcome.set_attempt(task.attempt());
        outcome.mutable_success();
      }
      message.set_credit(static_cast<int>(tasks.size()));
      Cycle([&](coordinator::Engine& e) { e.OnWorkerMessage("session", std::move(message)); });
    }
    v1::GetRunRequest get;
    get.set_run_id(campaign);
    v1::RunStatus status = v1::RUN_STATUS_UNSPECIFIED;
    engine_->GetRun(get, [&](absl::StatusOr<v1::Run> run) {
      if (run.ok()) status = run->status();
    });
    Cycle(nullptr);
    std::printf("%-6s start cycle %.2f ms; run to the end (%s): %s\n", campaign.c_str(), start_ms,
                v1::RunStatus_Name(status).c_str(), stats_.Summary().c_str());
  }

 private:
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<coordinator::Engine> engine_;
  std::shared_ptr<Sink> sink_ = std::make_shared<Sink>();
  CycleStats stats_;
};

void Validate(const std::string& name, const std::string& yaml) {
  const definition::LoadResult parsed =
      definition::ParseCampaign(yaml, definition::SourceFormat::kYaml, "b.yaml");
  const auto start = SteadyClock::now();
  const definition::LoadResult checked = definition::CheckCampaign(parsed.spec, "campaign");
  const double check_ms = Ms(start);
  v1::Campaign campaign;
  *campaign.mutable_spec() = parsed.spec;
  const auto compile_start = SteadyClock::now();
  const bool compiled = scheduler::CompiledCampaign::Compile(campaign).ok();
  std::printf("%-6s validate (CheckCampaign) %.2f ms; Compile %.2f ms; %s\n", name.c_str(),
              check_ms, Ms(compile_start), checked.status.ok() && compiled ? "ok" : "REFUSED");
}

void TooLarge() {
  v1::CampaignSpec spec;
  spec.mutable_metadata()->set_name("huge");
  for (int i = 19'999; i >= 0; --i) {
    v1::Step& step = *spec.add_steps();
    step.set_id(absl::StrCat("s", i));
    step.set_action("x.insights");
    if (i > 0) step.add_needs(absl::StrCat("s", i - 1));
  }
  const auto start = SteadyClock::now();
  const definition::LoadResult checked = definition::CheckCampaign(spec, "campaign");
  std::printf("huge   refusal of a 20,000-step chain (%zu bytes): %.2f ms\n", spec.ByteSizeLong(),
              Ms(start));
}

}  // namespace
}  // namespace fanfare::bench

int main() {
  using namespace fanfare::bench;
  Validate("chain", Chain());
  Validate("wide", Wide());
  Validate("fan", FanOut());
  TooLarge();
  const std::string dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("fanfare-bench-limits-", getpid())).string();
  {
    Bench bench(dir);
    bench.Apply(Chain());
    bench.Apply(Wide());
    bench.Apply(FanOut());
    bench.Run("chain");
    bench.Run("wide");
    bench.Run("fan");
  }
  std::filesystem::remove_all(dir);
  return 0;
}
