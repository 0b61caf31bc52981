// SIGKILL fanfared while it renews an X token, again and again: the account never ends up
// holding a refresh token X has already rotated away.
//
// Real processes on loopback: a fanfare-sandbox whose X access tokens live 6 s and whose
// token endpoint answers 1.5 s after it has rotated the refresh token, one fanfared killed
// and restarted on the same data, one fanfare-worker without credentials publishing every
// 2 s. Each kill lands either in that window — X has rotated, the answer dies with the
// process — or at a random moment. After every restart the account must renew on its own
// (the stored intent makes fanfared present the same refresh token again, which X answers
// once more), and in the end: no refresh token presented after it was spent, no token family
// revoked, the account connected, every post published once.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "engine/definition/loader.h"
#include "gtest/gtest.h"
#include "sdk/client/client.h"
#include "tests/crash/processes.h"
#include "tests/support/sandbox_accounts.h"
#include "tests/support/temp_dir.h"

namespace fanfare::crash {
namespace {

constexpr int kKillsInTheWindow = 5;
constexpr int kKillsAnywhere = 3;

constexpr char kChatter[] = R"yaml(
name: chatter
accounts: {x: acme_x}
steps:
  - id: chatter
    repeat:
      every: 2s
      max_iterations: 400
      steps:
        - {id: post, action: x.publish, with: {text: "Tick {{ iteration }}"}}
)yaml";

class RenewalCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sandbox_.Start(dir_.Join("sandbox.log"), /*seed=*/3).ok());
    ASSERT_TRUE(sandbox_.Post("/_sandbox/tokens/ttl", {{"network", "x"}, {"ttl", "6s"}}).ok());
    ASSERT_TRUE(sandbox_
                    .Post("/_sandbox/faults", {{"network", "x"},
                                               {"answer_latency_ms", 1500},
                                               {"slow_path", "/oauth2/token"}})
                    .ok());
    const std::string key_file = dir_.Join("master.key");
    std::ofstream(key_file) << std::string(64, 'a') << "\n";
    ::chmod(key_file.c_str(), 0600);
    coordinator_ = std::make_unique<CoordinatorProcess>(
        dir_.Join("data"), dir_.Join("fanfared.log"),
        std::vector<std::string>{"--master_key_file=" + key_file,
                                 "--api_base=x=" + sandbox_.NetworkBase("x"),
                                 "--lease_ttl=3s", "--fence_margin=1s"});
    ASSERT_TRUE(coordinator_->Start().ok());
    ClientOptions options;
    options.address = coordinator_->address();
    options.timeout = absl::Seconds(5);
    options.max_retries = 5;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
    worker_ = std::make_unique<WorkerProcess>(
        std::vector<std::string>{BinDir() + "/fanfare-worker",
                                 "--coordinator=" + coordinator_->address(), "--networks=x",
                                 "--api_base=x=" + sandbox_.NetworkBase("x"),
                                 "--worker_id=renewal-worker"},
        dir_.Join("worker.log"));
    ASSERT_TRUE(worker_->Start().ok());
  }

  // The connect: the account's first tokens, from the sandbox, put in fanfared.
  void ConnectX() {
    absl::StatusOr<v1::PutAccountRequest> request =
        testing::ConnectSandboxX(sandbox_.NetworkBase("x"), "acme_x", absl::Now());
    ASSERT_TRUE(request.ok()) << request.status();
    absl::StatusOr<v1::Account> put = client_->PutAccount(*request);
    ASSERT_TRUE(put.ok()) << put.status();
  }

  Json XStats() {
    absl::StatusOr<Json> stats = sandbox_.Get("/_sandbox/stats");
    EXPECT_TRUE(stats.ok()) << stats.status();
    if (!stats.ok()) return Json::object();
    return (*stats)["accounts"].value("x/acme_x", Json::object());
  }
  int64_t Stat(const char* name) { return XStats().value(name, int64_t{0}); }

  // Waits until X has counted one more refresh than `seen` (it then holds its answer for
  // 1.5 s); false after 30 s.
  bool WaitForARotation(int64_t seen) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (Stat("refreshes") > seen) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }

  void KillAndRestart() {
    ASSERT_TRUE(coordinator_->Kill().ok());
    ASSERT_TRUE(coordinator_->Start().ok());
  }

  testing::TempDir dir_;
  SandboxProcess sandbox_;
  std::unique_ptr<CoordinatorProcess> coordinator_;
  std::unique_ptr<WorkerProcess> worker_;
  std::unique_ptr<Client> client_;
};

TEST_F(RenewalCrashTest, KilledWhileRenewingTheAccountKeepsTheRefreshTokenXHolds) {
  ASSERT_NO_FATAL_FAILURE(ConnectX());
  definition::LoadResult spec =
      definition::ParseCampaign(kChatter, definition::SourceFormat::kYaml, "chatter.yaml");
  ASSERT_TRUE(spec.status.ok()) << spec.status;
  ASSERT_TRUE(client_->ApplyCampaign(spec.spec).ok());
  v1::StartRunRequest start = StartRunRequest("chatter");
  start.set_run_id("chatter");
  ASSERT_TRUE(client_->StartRun(start).ok());

  absl::BitGen random;
  for (int kill = 0; kill < kKillsInTheWindow + kKillsAnywhere; ++kill) {
    if (kill < kKillsInTheWindow) {
      ASSERT_TRUE(WaitForARotation(Stat("refreshes"))) << "no renewal after kill " << kill;
    } else {
      absl::SleepFor(absl::Milliseconds(absl::Uniform(random, 0, 5000)));
    }
    ASSERT_NO_FATAL_FAILURE(KillAndRestart());
  }
  // Three more renewals with nobody killing anything: each presents what X holds now, and
  // the campaign publishes throughout.
  const int64_t after_kills = Stat("refreshes");
  const int64_t posts_after_kills = Stat("posts");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(WaitForARotation(after_kills + i));
  EXPECT_GT(Stat("posts"), posts_after_kills + 3);

  const Json stats = XStats();
  EXPECT_EQ(stats.value("refresh_reuses", -1), 0) << stats.dump();
  EXPECT_EQ(stats.value("grants_revoked", -1), 0) << stats.dump();
  EXPECT_GE(stats.value("refresh_replays", 0), kKillsInTheWindow) << stats.dump();
  EXPECT_EQ(stats.value("duplicates", -1), 0) << stats.dump();

  absl::StatusOr<v1::ListAccountsResponse> accounts = client_->ListAccounts();
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  ASSERT_EQ(accounts->accounts_size(), 1);
  EXPECT_FALSE(accounts->accounts(0).needs_reconnecting())
      << accounts->accounts(0).reconnect_reason();
  // The last rotation's answer may still be on its way (1.5 s).
  EXPECT_GE(accounts->accounts(0).renewals(), kKillsInTheWindow + 2);
  std::printf("after %d kills: %s; fanfared renewed %lld times\n",
              kKillsInTheWindow + kKillsAnywhere, stats.dump().c_str(),
              static_cast<long long>(accounts->accounts(0).renewals()));

  absl::StatusOr<v1::Run> run = client_->GetRun("chatter");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_RUNNING);
  for (const v1::StepInstance& step : run->steps()) {
    EXPECT_NE(step.state(), v1::STEP_STATE_FAILED) << step.DebugString();
  }
  ASSERT_TRUE(client_->CancelRun("chatter").ok());
}

}  // namespace
}  // namespace fanfare::crash
