// Accounts held by the coordinator reach the workers as each task needs them: a task carries
// its account's settings and access token — never its refresh token or client secret, never
// another namespace's — and a fanfare-worker with no credentials of its own publishes with
// them through the sandbox.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accounts/sealed_secret.h"
#include "base/subprocess.h"
#include "fanfare/v1/worker.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "sandbox/sandbox.h"
#include "tests/support/coordinator_env.h"
#include "tests/support/test_paths.h"

namespace fanfare {
namespace {

using testing::BinDir;
using testing::CoordinatorEnv;

v1::PutAccountRequest XAccount(const std::string& ns) {
  v1::PutAccountRequest request;
  request.set_namespace_(ns);
  request.set_alias("acme_x");
  request.set_network("x");
  (*request.mutable_settings())["client_id"] = "sandbox-client";
  (*request.mutable_secrets())["access_token"] = "sbx_x_acme_x";
  (*request.mutable_secrets())["refresh_token"] = "sbxr_x_acme_x";
  (*request.mutable_secrets())["client_secret"] = "sandbox-secret";
  return request;
}

constexpr char kCampaign[] = R"yaml(
name: hello
accounts: {x: acme_x}
steps:
  - {id: post, action: x.publish, with: {text: "Held by the coordinator"}}
)yaml";

// A start of kCampaign as run `run_id`.
v1::StartRunRequest Hello(const std::string& run_id) {
  v1::StartRunRequest request = StartRunRequest("hello");
  request.set_run_id(run_id);
  return request;
}

class AccountGrantsTest : public ::testing::Test {
 protected:
  AccountGrantsTest()
      : env_({.master_key =
                  std::make_shared<const accounts::MasterKey>(*accounts::MasterKey::Generate())}),
        workers_(v1::WorkerService::NewStub(
            grpc::CreateChannel(env_.address(), grpc::InsecureChannelCredentials()))) {}

  // One task of namespace `ns`, as a worker polling for x.publish receives it.
  v1::Task PollOne(const std::string& ns) {
    grpc::ClientContext context;
    v1::PollTasksRequest request;
    request.set_namespace_(ns);
    request.set_worker_id("poller");
    request.add_queues("x");
    request.mutable_wait()->set_seconds(10);
    v1::PollTasksResponse response;
    const grpc::Status status = workers_->PollTasks(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.tasks_size(), 1);
    return response.tasks_size() > 0 ? response.tasks(0) : v1::Task();
  }

  // A fanfare-worker process serving X through `sandbox`, with no credentials of its own.
  std::unique_ptr<Subprocess> WorkerWithoutCredentials(sandbox::Sandbox& sandbox) {
    auto worker = Subprocess::Start({BinDir() + "/fanfare-worker",
                                     "--coordinator=" + env_.address(), "--networks=x",
                                     "--api_base=x=" + sandbox.NetworkBase("x"),
                                     "--worker_id=no-credentials"});
    EXPECT_TRUE(worker.ok()) << worker.status();
    if (!worker.ok()) return nullptr;
    EXPECT_TRUE((*worker)->WaitForLine("serving", absl::Seconds(20)).ok());
    return *std::move(worker);
  }

  CoordinatorEnv env_;
  std::unique_ptr<v1::WorkerService::Stub> workers_;
};

TEST_F(AccountGrantsTest, ATaskCarriesItsAccountsAccessTokenAndNothingMore) {
  v1::PutAccountRequest acme = XAccount("default");
  ASSERT_TRUE(env_.client().PutAccount(acme).ok());
  env_.Apply(kCampaign);
  const v1::StartRunRequest start = Hello("granted");
  ASSERT_TRUE(env_.client().StartRun(start).ok());
  const v1::Task task = PollOne("default");
  ASSERT_TRUE(task.has_account_grant()) << task.DebugString();
  const v1::AccountGrant& grant = task.account_grant();
  EXPECT_EQ(grant.alias(), "acme_x");
  EXPECT_EQ(grant.network(), "x");
  EXPECT_EQ(grant.tokens().at("access_token"), "sbx_x_acme_x");
  EXPECT_EQ(grant.settings().at("client_id"), "sandbox-client");
  EXPECT_EQ(task.DebugString().find("sbxr_"), std::string::npos) << "no refresh token";
  EXPECT_EQ(task.DebugString().find("sandbox-secret"), std::string::npos) << "no client secret";
}

TEST_F(AccountGrantsTest, AnotherNamespacesTaskNamingTheAliasGetsNone) {
  ASSERT_TRUE(env_.client().PutAccount(XAccount("acme")).ok());
  env_.Apply(kCampaign);  // in "default", which holds no acme_x
  const v1::StartRunRequest start = Hello("not-granted");
  ASSERT_TRUE(env_.client().StartRun(start).ok());
  EXPECT_FALSE(PollOne("default").has_account_grant());
}

TEST_F(AccountGrantsTest, AWorkerWithoutCredentialsPublishesWithTheCoordinatorsAccount) {
  sandbox::Sandbox sandbox;
  ASSERT_TRUE(sandbox.Start("127.0.0.1", 0).ok());
  ASSERT_TRUE(env_.client().PutAccount(XAccount("default")).ok());
  std::unique_ptr<Subprocess> worker;
  ASSERT_NO_FATAL_FAILURE(worker = WorkerWithoutCredentials(sandbox));
  ASSERT_NE(worker, nullptr);
  env_.Apply(kCampaign);
  const v1::StartRunRequest start = Hello("published");
  absl::StatusOr<v1::Run> run = env_.RunToEnd(start, absl::Seconds(30));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  absl::MutexLock lock(&sandbox.state().mu);
  ASSERT_EQ(sandbox.state().posts.size(), 1u);
  EXPECT_EQ(sandbox.state().posts[0].account, "acme_x");
  EXPECT_EQ(sandbox.state().posts[0].text, "Held by the coordinator");
}

// The network refuses the coordinator's token and nobody can renew it: the step waits, saying
// the account needs reconnecting, `accounts list` says so, and putting the account again with
// a new token lets the step go on.
TEST_F(AccountGrantsTest, AStepWaitsForAnAccountThatNeedsReconnecting) {
  sandbox::Sandbox sandbox;
  ASSERT_TRUE(sandbox.Start("127.0.0.1", 0).ok());
  ASSERT_TRUE(env_.client().PutAccount(XAccount("default")).ok());
  {
    absl::MutexLock lock(&sandbox.state().mu);
    sandbox.state().ExpireTokens("x", "acme_x");  // the static token no longer works
  }
  std::unique_ptr<Subprocess> worker;
  ASSERT_NO_FATAL_FAILURE(worker = WorkerWithoutCredentials(sandbox));
  ASSERT_NE(worker, nullptr);
  env_.Apply(kCampaign);
  const v1::StartRunRequest start = Hello("reconnect");
  ASSERT_TRUE(env_.client().StartRun(start).ok());
  absl::StatusOr<v1::Run> waiting = env_.WaitFor("reconnect", [](const v1::Run& run) {
    return run.steps_size() > 0 && run.steps(0).state() == v1::STEP_STATE_WAITING &&
           run.steps(0).waiting().kind() == v1::WaitingReason::KIND_ACCOUNT;
  });
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  EXPECT_TRUE(absl::StartsWith(waiting->steps(0).waiting().detail(),
                               "account acme_x needs reconnecting"))
      << waiting->steps(0).waiting().detail();
  absl::StatusOr<v1::ListAccountsResponse> listed = env_.client().ListAccounts();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->accounts_size(), 1);
  EXPECT_TRUE(listed->accounts(0).needs_reconnecting());

  // A person reconnects: a new access token, as the network's OAuth flow would give.
  std::string fresh;
  {
    absl::MutexLock lock(&sandbox.state().mu);
    const sandbox::SandboxState::Refreshed refreshed =
        sandbox.state().Refresh("x", "sbxr_x_acme_x");
    ASSERT_EQ(refreshed.result, sandbox::SandboxState::Refreshed::Result::kOk);
    fresh = refreshed.access_token;
  }
  v1::PutAccountRequest reconnected = XAccount("default");
  (*reconnected.mutable_secrets())["access_token"] = fresh;
  ASSERT_TRUE(env_.client().PutAccount(reconnected).ok());
  absl::StatusOr<v1::Run> run = env_.WaitFor(
      "reconnect", [](const v1::Run& run) { return run.status() == v1::RUN_STATUS_SUCCEEDED; });
  ASSERT_TRUE(run.ok()) << run.status();
  listed = env_.client().ListAccounts();
  ASSERT_TRUE(listed.ok());
  EXPECT_FALSE(listed->accounts(0).needs_reconnecting());
}

// Started with a key that never sealed the account (a mistake, or a lost key), the coordinator
// lists the account but opens nothing: its tasks carry no grant.
TEST_F(AccountGrantsTest, AKeyThatNeverSealedTheAccountOpensNothing) {
  ASSERT_TRUE(env_.client().PutAccount(XAccount("default")).ok());
  env_.Apply(kCampaign);
  const auto new_key =
      std::make_shared<const accounts::MasterKey>(*accounts::MasterKey::Generate());
  env_.RestartWithMasterKeys(new_key, nullptr);
  absl::StatusOr<v1::ListAccountsResponse> listed = env_.client().ListAccounts();
  ASSERT_TRUE(listed.ok());
  const std::string sealed_with = listed->accounts(0).master_key_id();
  EXPECT_NE(sealed_with, new_key->Id());

  const v1::StartRunRequest start = Hello("wrong-key");
  ASSERT_TRUE(env_.client().StartRun(start).ok());
  EXPECT_FALSE(PollOne("default").has_account_grant()) << "a key that never sealed it";
}

// Rotating the master key: started with the new key and the previous one, the coordinator
// re-wraps every account's data key; afterwards the new key alone opens them.
TEST_F(AccountGrantsTest, ARotatedAccountOpensWithTheNewKeyAlone) {
  const auto first = std::make_shared<const accounts::MasterKey>(*accounts::MasterKey::Generate());
  const auto second =
      std::make_shared<const accounts::MasterKey>(*accounts::MasterKey::Generate());
  env_.RestartWithMasterKeys(first, nullptr);
  ASSERT_TRUE(env_.client().PutAccount(XAccount("default")).ok());
  env_.RestartWithMasterKeys(second, first);  // the rotation
  absl::StatusOr<v1::ListAccountsResponse> listed = env_.client().ListAccounts();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->accounts(0).master_key_id(), second->Id());
  env_.RestartWithMasterKeys(second, nullptr);  // the previous key is gone
  env_.Apply(kCampaign);
  const v1::StartRunRequest start = Hello("rotated");
  ASSERT_TRUE(env_.client().StartRun(start).ok());
  const v1::Task task = PollOne("default");
  ASSERT_TRUE(task.has_account_grant());
  EXPECT_EQ(task.account_grant().tokens().at("access_token"), "sbx_x_acme_x");
}

}  // namespace
}  // namespace fanfare
