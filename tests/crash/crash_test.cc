// Kills a real fanfared (SIGKILL) several times while runs are being started and executed,
// restarts it on the same data, and checks that every run whose start was acknowledged
// finishes, and that no step instance completed twice.
#include <signal.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/subprocess.h"
#include "engine/definition/loader.h"
#include "gtest/gtest.h"
#include "sdk/client/client.h"
#include "sdk/worker/worker.h"
#include "tests/support/temp_dir.h"

namespace fanfare {
namespace {

constexpr char kCampaign[] = R"yaml(
name: crashy
steps:
  - {id: copy, action: test.work}
  - id: publish
    needs: [copy]
    for_each: [a, b, c]
    action: test.work
    with: {network: "{{ item }}"}
  - {id: boost, needs: [publish], action: test.work}
)yaml";
constexpr int kStepsPerRun = 5;

std::string BinDir() {
  const char* dir = std::getenv("FANFARE_BIN_DIR");
  return dir != nullptr ? dir : "build/bin";
}

class Coordinator {
 public:
  explicit Coordinator(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  // Starts fanfared, on a free port the first time and on the same port after that.
  void Start() {
    auto process = Subprocess::Start({BinDir() + "/fanfared", absl::StrCat("--listen=127.0.0.1:", port_),
                                      "--data_dir=" + data_dir_, "--lease_ttl=2s",
                                      "--fence_margin=1s", "--auth=off"});
    ASSERT_TRUE(process.ok()) << process.status();
    process_ = *std::move(process);
    auto line = process_->WaitForLine("listening", absl::Seconds(30));
    ASSERT_TRUE(line.ok()) << line.status();
    port_ = std::atoi(line->c_str() + line->find("(port ") + 6);
  }
  void Kill() {
    process_->Signal(SIGKILL);
    ASSERT_TRUE(process_->Wait(absl::Seconds(10)).ok());
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  std::string data_dir_;
  int port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

TEST(CrashTest, AcknowledgedRunsFinishAndNoStepCompletesTwice) {
  testing::TempDir dir;
  Coordinator coordinator(dir.Join("data"));
  ASSERT_NO_FATAL_FAILURE(coordinator.Start());
  ClientOptions options;
  options.address = coordinator.address();
  options.max_retries = 20;
  options.initial_backoff = absl::Milliseconds(50);
  options.timeout = absl::Seconds(5);
  std::unique_ptr<Client> client = *Client::Create(options);
  definition::LoadResult spec =
      definition::ParseCampaign(kCampaign, definition::SourceFormat::kYaml, "crashy.yaml");
  ASSERT_TRUE(spec.status.ok());
  ASSERT_TRUE(client->ApplyCampaign(spec.spec).ok());

  WorkerOptions worker_options;
  worker_options.address = coordinator.address();
  worker_options.concurrency = 16;
  worker_options.reconnect_initial = absl::Milliseconds(20);
  worker_options.reconnect_max = absl::Milliseconds(200);
  Worker worker(worker_options);
  std::atomic<int> executions{0};
  worker.Handle("test.work", [&](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
    ++executions;
    std::this_thread::sleep_for(std::chrono::milliseconds(ctx.task().task_id() % 5));
    google::protobuf::Value out;
    (*out.mutable_struct_value()->mutable_fields())["key"].set_string_value(ctx.idempotency_key());
    return out;
  });
  ASSERT_TRUE(worker.Start().ok());

  // Start runs without pause; a run counts once its StartRun was answered OK.
  absl::Mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::thread starter([&] {
    for (int i = 0; !stop; ++i) {
      v1::StartRunRequest request = StartRunRequest("crashy");
      request.set_run_id(absl::StrCat("crash-", i));
      if (client->StartRun(request).ok()) {
        absl::MutexLock lock(&mu);
        acknowledged.push_back(request.run_id());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::mt19937 random(20261127);
  for (int crash = 0; crash < 4; ++crash) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + random() % 600));
    ASSERT_NO_FATAL_FAILURE(coordinator.Kill());
    ASSERT_NO_FATAL_FAILURE(coordinator.Start());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  starter.join();

  std::vector<std::string> runs;
  {
    absl::MutexLock lock(&mu);
    runs = acknowledged;
  }
  ASSERT_GT(runs.size(), 50u) << "the load was too light to mean anything";
  const absl::Time deadline = absl::Now() + absl::Seconds(90);
  for (const std::string& run_id : runs) {
    absl::StatusOr<v1::Run> run;
    do {
      run = client->GetRun(run_id);
      if (run.ok() && run->status() == v1::RUN_STATUS_SUCCEEDED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (absl::Now() < deadline);
    ASSERT_TRUE(run.ok()) << run_id << ": " << run.status();
    ASSERT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
    ASSERT_EQ(run->steps_size(), kStepsPerRun);

    v1::GetHistoryRequest history_request;
    history_request.set_run_id(run_id);
    history_request.set_page_size(1000);
    absl::StatusOr<v1::GetHistoryResponse> history = client->GetHistory(history_request);
    ASSERT_TRUE(history.ok());
    std::map<std::string, int> completions;
    int64_t seq = 0;
    for (const v1::HistoryEvent& event : history->events()) {
      EXPECT_EQ(event.seq(), ++seq) << run_id << ": history has a gap";
      if (event.type() == v1::EVENT_TYPE_STEP_SUCCEEDED) ++completions[event.step_key()];
    }
    ASSERT_EQ(completions.size(), static_cast<size_t>(kStepsPerRun)) << run_id;
    for (const auto& [key, count] : completions) {
      EXPECT_EQ(count, 1) << run_id << " " << key << " completed " << count << " times";
    }
  }
  worker.Stop();
  // Delivery is at least once: handlers may have run again for attempts lost in a crash,
  // but never fewer times than there are steps.
  EXPECT_GE(executions.load(), static_cast<int>(runs.size()) * kStepsPerRun);
  std::printf("crash test: %zu acknowledged runs, %d handler executions for %zu steps\n",
              runs.size(), executions.load(), runs.size() * kStepsPerRun);
}

// Campaigns whose rule keeps raising an ad's daily budget by half, every 150 ms, against a
// daily cap of 100 USD; the coordinator clips each raise that would pass the cap.
std::string RaiserCampaign(const std::string& name) {
  return absl::StrCat("name: ", name, R"yaml(
accounts: {facebook: acme_fb}
budget: {currency: USD, daily_max: 100}
steps:
  - {id: boost, action: facebook.boost, with: {post_id: p1, daily_budget: 40, currency: USD}}
  - id: raise
    needs: [boost]
    repeat:
      every: 150ms
      max_iterations: 12
      steps:
        - id: bump
          action: facebook.set_budget
          with:
            ad_set_id: "{{ steps.boost.output.ad_set_id }}"
            currency: USD
            daily_budget: "{{ (iteration == 1 ? steps.boost.output.daily_budget : previous.steps.bump.output.daily_budget) * 1.5 }}"
)yaml");
}

TEST(CrashTest, SpendCountersSurviveSigkillAndNoBudgetEverPassesTheCap) {
  testing::TempDir dir;
  Coordinator coordinator(dir.Join("data"));
  ASSERT_NO_FATAL_FAILURE(coordinator.Start());
  ClientOptions options;
  options.address = coordinator.address();
  options.max_retries = 20;
  options.initial_backoff = absl::Milliseconds(50);
  std::unique_ptr<Client> client = *Client::Create(options);
  constexpr int kCampaigns = 4;
  for (int i = 0; i < kCampaigns; ++i) {
    definition::LoadResult spec = definition::ParseCampaign(
        RaiserCampaign(absl::StrCat("raiser-", i)), definition::SourceFormat::kYaml, "raiser");
    ASSERT_TRUE(spec.status.ok()) << spec.status;
    ASSERT_TRUE(client->ApplyCampaign(spec.spec).ok());
  }

  // The "network": the largest budget it was ever asked to set, per run.
  absl::Mutex mu;
  std::map<std::string, double> largest_asked;
  WorkerOptions worker_options;
  worker_options.address = coordinator.address();
  worker_options.reconnect_initial = absl::Milliseconds(20);
  worker_options.reconnect_max = absl::Milliseconds(200);
  Worker worker(worker_options);
  auto set_budget = [&](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
    const double budget = ctx.input().fields().at("daily_budget").number_value();
    {
      absl::MutexLock lock(&mu);
      double& largest = largest_asked[ctx.task().run_id()];
      largest = std::max(largest, budget);
    }
    google::protobuf::Value out;
    auto& fields = *out.mutable_struct_value()->mutable_fields();
    fields["ad_id"].set_string_value("ad-" + ctx.task().run_id());
    fields["ad_set_id"].set_string_value("set-" + ctx.task().run_id());
    fields["budget_micros"].set_number_value(budget * 1e6);
    fields["daily_budget"].set_number_value(budget);
    fields["currency"].set_string_value("USD");
    fields["status"].set_string_value("active");
    return out;
  };
  worker.Handle("facebook.boost", set_budget);
  worker.Handle("facebook.set_budget", set_budget);
  ASSERT_TRUE(worker.Start().ok());

  for (int i = 0; i < kCampaigns; ++i) {
    v1::StartRunRequest request = StartRunRequest(absl::StrCat("raiser-", i));
    request.set_run_id(absl::StrCat("raise-", i));
    ASSERT_TRUE(client->StartRun(request).ok());
  }
  // Two kills while the loops raise: after each restart the counters must still hold what
  // was committed, or a raise would pass the cap.
  for (int crash = 0; crash < 2; ++crash) {
    std::this_thread::sleep_for(std::chrono::milliseconds(450));
    ASSERT_NO_FATAL_FAILURE(coordinator.Kill());
    ASSERT_NO_FATAL_FAILURE(coordinator.Start());
  }
  for (int i = 0; i < kCampaigns; ++i) {
    absl::StatusOr<v1::Run> run;
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    do {
      run = client->GetRun(absl::StrCat("raise-", i));
      if (run.ok() && run->status() == v1::RUN_STATUS_SUCCEEDED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (absl::Now() < deadline);
    ASSERT_TRUE(run.ok()) << run.status();
    ASSERT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
    const std::string campaign = absl::StrCat("raiser-", i);
    absl::StatusOr<v1::Campaign> stored = client->GetCampaign(campaign);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->spend().committed_daily_micros(), 100'000'000)
        << campaign << ": the cap, exactly, after the restarts";
    absl::MutexLock lock(&mu);
    EXPECT_EQ(largest_asked[run->run_id()], 100)
        << campaign << ": the rule reached the cap and the network was never asked past it";
  }
  worker.Stop();
}

}  // namespace
}  // namespace fanfare
