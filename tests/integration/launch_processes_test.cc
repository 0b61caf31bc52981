// The launch example against the sandbox through separately started fanfare-worker
// processes, with one request in five failing: one in ten answered with the network's
// transient error, one in ten of the writes the sandbox commits losing its response. The
// campaign still publishes exactly once per network, boosts, measures and adjusts.
//
// The optimisation loop is shortened to three iterations a second apart, and its scaling
// rule always fires, so that every kind of write meets the faults within seconds.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "base/subprocess.h"
#include "engine/definition/loader.h"
#include "gtest/gtest.h"
#include "tests/support/coordinator_env.h"
#include "sandbox/sandbox.h"

namespace fanfare {
namespace {

using testing::CoordinatorEnv;
using testing::StepOf;

std::string FromEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

v1::Step* NestedStep(v1::CampaignSpec& spec, const std::string& repeat, const std::string& id) {
  for (v1::Step& step : *spec.mutable_steps()) {
    if (step.id() != repeat) continue;
    for (v1::Step& nested : *step.mutable_repeat()->mutable_steps()) {
      if (nested.id() == id) return &nested;
    }
  }
  return nullptr;
}

// Retries a tenth of a second apart, growing to a second, in place of the example's 30s.
void ShortenBackoff(google::protobuf::RepeatedPtrField<v1::Step>& steps) {
  for (v1::Step& step : steps) {
    if (step.has_retry()) {
      *step.mutable_retry()->mutable_initial_backoff() = ToProtoDuration(absl::Milliseconds(100));
      *step.mutable_retry()->mutable_max_backoff() = ToProtoDuration(absl::Seconds(1));
    }
    if (step.has_repeat()) ShortenBackoff(*step.mutable_repeat()->mutable_steps());
  }
}

// examples/launch.yaml, with a loop of three iterations a second apart that always scales,
// and short retry backoffs.
v1::CampaignSpec QuickLaunch() {
  absl::StatusOr<v1::CampaignSpec> spec = definition::LoadCampaignFile(
      FromEnv("FANFARE_SOURCE_DIR", ".") + "/examples/launch.yaml");
  EXPECT_TRUE(spec.ok()) << spec.status();
  for (v1::Step& step : *spec->mutable_steps()) {
    if (step.id() != "optimize") continue;
    *step.mutable_repeat()->mutable_every() = ToProtoDuration(absl::Seconds(1));
    step.mutable_repeat()->set_max_iterations(3);
  }
  v1::Step* scale = NestedStep(*spec, "optimize", "scale_winner");
  EXPECT_NE(scale, nullptr);
  if (scale != nullptr) scale->set_when("true");
  ShortenBackoff(*spec->mutable_steps());
  return *spec;
}

class LaunchProcessesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sandbox_.Start("127.0.0.1", 0).ok());
    const std::string credentials = dir_.Join("credentials.json");
    std::filesystem::copy_file(FromEnv("FANFARE_SOURCE_DIR", ".") +
                                   "/examples/sandbox-credentials.json",
                               credentials);
    ASSERT_EQ(chmod(credentials.c_str(), 0600), 0);
    // Two processes for the ad networks, one for the others: they share the queues.
    for (const char* networks : {"facebook,instagram", "facebook,instagram", "x,linkedin,content"}) {
      std::vector<std::string> argv = {FromEnv("FANFARE_BIN_DIR", "build/bin") + "/fanfare-worker",
                                       "--coordinator=" + env_.address(),
                                       std::string("--networks=") + networks,
                                       "--credentials=" + credentials, "--concurrency=4"};
      for (const char* network : {"facebook", "instagram", "x", "linkedin"}) {
        argv.push_back(absl::StrCat("--api-base=", network, "=", sandbox_.NetworkBase(network)));
      }
      absl::StatusOr<std::unique_ptr<Subprocess>> worker = Subprocess::Start(argv);
      ASSERT_TRUE(worker.ok()) << worker.status();
      ASSERT_TRUE((*worker)->WaitForLine("serving", absl::Seconds(20)).ok());
      workers_.push_back(*std::move(worker));
    }
  }

  void TearDown() override {
    for (auto& worker : workers_) worker->Signal(SIGTERM);
    for (auto& worker : workers_) EXPECT_EQ(worker->Wait(absl::Seconds(30)).value_or(-1), 0);
    sandbox_.Stop();
  }

  void InjectFaults(double error_rate, double drop_rate) {
    absl::MutexLock lock(&sandbox_.state().mu);
    sandbox::Faults& faults = sandbox_.state().faults["*"];
    faults.error_rate = error_rate;
    faults.drop_rate = drop_rate;
    // And surely the first two: publishes, whose outcome must then be settled by reconcile.
    faults.drop_next = 2;
  }

  // Starts the quick launch as `run_id`, approves its copy and waits for the end.
  absl::StatusOr<v1::Run> Launch(const std::string& run_id) {
    v1::StartRunRequest request = StartRunRequest("product-launch");
    request.set_run_id(run_id);
    (*request.mutable_params()->mutable_fields())["launch_at"].set_string_value(
        absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
    if (absl::StatusOr<v1::StartRunResponse> started = env_.client().StartRun(request);
        !started.ok()) {
      return started.status();
    }
    absl::StatusOr<v1::Run> waiting = env_.WaitFor(run_id, [](const v1::Run& run) {
      for (const v1::StepInstance& step : run.steps()) {
        if (step.key() == "approve_copy" && step.state() == v1::STEP_STATE_WAITING) return true;
      }
      return run.status() == v1::RUN_STATUS_FAILED;
    });
    if (!waiting.ok()) return waiting.status();
    ClientOptions maria = env_.client().options();
    maria.identity = "maria@acme.example";
    absl::StatusOr<std::unique_ptr<Client>> approver = Client::Create(maria);
    if (!approver.ok()) return approver.status();
    if (auto approved = (*approver)->ApproveStep(run_id, "approve_copy", "ship it");
        !approved.ok()) {
      return approved.status();
    }
    return env_.WaitFor(
        run_id,
        [](const v1::Run& run) {
          return run.status() == v1::RUN_STATUS_SUCCEEDED ||
                 run.status() == v1::RUN_STATUS_FAILED || run.status() == v1::RUN_STATUS_CANCELED;
        },
        absl::Seconds(120));
  }

  std::map<std::string, int> PostsPerNetwork() {
    std::map<std::string, int> posts;
    absl::MutexLock lock(&sandbox_.state().mu);
    for (const sandbox::PostRecord& post : sandbox_.state().posts) posts[post.network]++;
    return posts;
  }

  sandbox::Sandbox sandbox_{sandbox::SandboxOptions{}};
  testing::TempDir dir_;
  CoordinatorEnv env_;
  std::vector<std::unique_ptr<Subprocess>> workers_;
};

TEST_F(LaunchProcessesTest, TwentyPercentFaultsNeitherStopTheLaunchNorDuplicateAPost) {
  ASSERT_TRUE(env_.client().ApplyCampaign(QuickLaunch()).ok());
  InjectFaults(/*error_rate=*/0.1, /*drop_rate=*/0.1);
  absl::StatusOr<v1::Run> run = Launch("launch-under-faults");
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();

  EXPECT_EQ(PostsPerNetwork(), (std::map<std::string, int>{
                                   {"facebook", 1}, {"instagram", 1}, {"linkedin", 1}, {"x", 1}}))
      << "each network got exactly one post";
  for (const char* network : {"facebook", "instagram"}) {
    EXPECT_EQ(StepOf(*run, absl::StrCat("boost[", network, "]")).state(),
              v1::STEP_STATE_SUCCEEDED);
    // The last iteration scaled the ad: 40 × 1.25³ a day.
    const v1::StepInstance& scaled =
        StepOf(*run, absl::StrCat("optimize/scale_winner[", network, "]#3"));
    EXPECT_EQ(scaled.state(), v1::STEP_STATE_SUCCEEDED) << network;
    EXPECT_NEAR(scaled.output().struct_value().fields().at("daily_budget").number_value(),
                78.13, 0.01)
        << network;
  }
  absl::MutexLock lock(&sandbox_.state().mu);
  int64_t injected = 0, dropped = 0;
  for (const char* network : {"facebook", "instagram", "x", "linkedin"}) {
    injected += sandbox_.state().Stats(network, "*").errors_injected;
    dropped += sandbox_.state().Stats(network, "*").responses_dropped;
  }
  EXPECT_GT(injected, 0) << "no fault was injected: the test proves nothing";
  EXPECT_GT(dropped, 0) << "no response was dropped: the test proves nothing";
}

}  // namespace
}  // namespace fanfare
