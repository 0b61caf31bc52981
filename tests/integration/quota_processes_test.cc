// Eight separate fanfare-worker processes publish for one X account through the sandbox:
// because the coordinator counts the account's quota centrally, the sandbox never has to
// answer 429, however many workers there are.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/subprocess.h"
#include "gtest/gtest.h"
#include "sandbox/sandbox.h"
#include "tests/support/coordinator_env.h"
#include "tests/support/test_paths.h"

namespace fanfare {
namespace {

using testing::BinDir;
using testing::CoordinatorEnv;

// The sandbox allows 5 posts per 2 s sliding window; the coordinator is configured with a
// little headroom over the network's own figure (2.4 s), as docs/operations.md advises, to
// absorb the time between dispatch and the worker's request.
constexpr int kPostsPerWindow = 5;
constexpr absl::Duration kSandboxWindow = absl::Seconds(2);
constexpr char kQuotas[] = R"yaml(
networks:
  x:
    - {name: posts, kind: rolling, limit: 5, period: 2400ms, classes: {publish: 1}}
)yaml";
constexpr int kPosts = 30;
constexpr int kWorkers = 8;

TEST(QuotaProcessesTest, EightWorkerProcessesNeverExceedTheAccountsQuota) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.x_posts_per_window = kPostsPerWindow;
  sandbox_options.x_window = kSandboxWindow;
  sandbox::Sandbox sandbox(sandbox_options);
  ASSERT_TRUE(sandbox.Start("127.0.0.1", 0).ok());

  testing::TempDir dir;
  std::ofstream(dir.Join("quotas.yaml")) << kQuotas;
  auto quotas = dispatch::QuotaConfig::Load(dir.Join("quotas.yaml"));
  ASSERT_TRUE(quotas.ok()) << quotas.status();
  CoordinatorEnv env({.quotas = *quotas});

  const std::string credentials = dir.Join("credentials.json");
  std::ofstream(credentials) << R"({"accounts": {"acme_x": {"network": "x",
      "access_token": "sbx_x_acme_x", "refresh_token": "sbxr_x_acme_x",
      "client_id": "sandbox-client", "client_secret": "sandbox-secret"}}})";
  ASSERT_EQ(chmod(credentials.c_str(), 0600), 0);
  std::vector<std::unique_ptr<Subprocess>> workers;
  for (int i = 0; i < kWorkers; ++i) {
    auto worker = Subprocess::Start(
        {BinDir() + "/fanfare-worker", "--coordinator=" + env.address(), "--networks=x",
         "--credentials=" + credentials, "--api_base=x=" + sandbox.NetworkBase("x"),
         "--concurrency=4", absl::StrCat("--worker_id=x-worker-", i)});
    ASSERT_TRUE(worker.ok()) << worker.status();
    ASSERT_TRUE((*worker)->WaitForLine("serving", absl::Seconds(20)).ok());
    workers.push_back(*std::move(worker));
  }

  std::string items;
  for (int i = 0; i < kPosts; ++i) absl::StrAppend(&items, i == 0 ? "" : ", ", "p", i);
  env.Apply(absl::StrCat(R"yaml(
name: flood
accounts: {x: acme_x}
steps:
  - id: post
    for_each: [)yaml", items, R"yaml(]
    action: x.publish
    with: {text: "Launch update {{ item }}"}
)yaml"));
  absl::StatusOr<v1::Run> run = env.RunToEnd(StartRunRequest("flood"), absl::Seconds(90));
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();

  std::vector<absl::Time> times;
  int64_t throttled = 0;
  {
    absl::MutexLock lock(&sandbox.state().mu);
    for (const sandbox::PostRecord& post : sandbox.state().posts) {
      if (post.network == "x") times.push_back(post.created_at);
    }
    throttled = sandbox.state().Stats("x", "acme_x").throttled;
  }
  EXPECT_EQ(throttled, 0) << "the sandbox answered 429";
  ASSERT_EQ(times.size(), static_cast<size_t>(kPosts)) << "each post exactly once";
  std::sort(times.begin(), times.end());
  for (size_t i = kPostsPerWindow; i < times.size(); ++i) {
    EXPECT_GE(times[i] - times[i - kPostsPerWindow], kSandboxWindow)
        << "more than " << kPostsPerWindow << " posts within one window at post " << i;
  }
  for (auto& worker : workers) worker->Signal(SIGTERM);
  for (auto& worker : workers) EXPECT_EQ(worker->Wait(absl::Seconds(30)).value_or(-1), 0);
  sandbox.Stop();
}

}  // namespace
}  // namespace fanfare
