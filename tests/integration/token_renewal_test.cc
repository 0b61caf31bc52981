// One refresher per account: the coordinator renews a held account's access token for every
// worker, shortly before it expires, and X's single-use refresh tokens are never presented
// twice — across eight fanfare-worker processes, a lost answer and a storm of refusals.
//
// The coordinator and the sandbox share one rehearsal clock (weeks play out in seconds); the
// workers are real processes that hold no credentials.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "accounts/sealed_secret.h"
#include "base/proto_time.h"
#include "base/subprocess.h"
#include "engine/renewal/http_token_renewer.h"
#include "gtest/gtest.h"
#include "sandbox/sandbox.h"
#include "tests/support/coordinator_env.h"
#include "tests/support/sandbox_accounts.h"
#include "tests/support/test_paths.h"

namespace fanfare {
namespace {

using testing::BinDir;
using testing::CoordinatorEnv;

// 90 posts, one every 20 s of campaign time: 30 minutes.
constexpr char kChatter[] = R"yaml(
name: chatter
accounts: {x: acme_x}
params: {ticks: {type: int, default: 90}}
steps:
  - id: chatter
    repeat:
      every: 20s
      max_iterations: 90
      until: "iteration >= params.ticks"
      steps:
        - {id: post, action: x.publish, with: {text: "Tick {{ iteration }}"}}
)yaml";

// Eight posts at once.
constexpr char kBurst[] = R"yaml(
name: burst
accounts: {x: acme_x}
steps:
  - id: post
    for_each: [1, 2, 3, 4, 5, 6, 7, 8]
    action: x.publish
    with: {text: "Burst {{ item }}"}
)yaml";

class TokenRenewalTest : public ::testing::Test {
 protected:
  TokenRenewalTest()
      : clock_(absl::FromUnixSeconds(1'800'000'000)),
        sandbox_({.clock = &clock_, .manual_clock = &clock_}) {
    EXPECT_TRUE(sandbox_.Start("127.0.0.1", 0).ok());
    {
      absl::MutexLock lock(&sandbox_.state().mu);
      sandbox_.state().SetAccessTtl("x", absl::Minutes(2));
    }
    dispatch::QuotaConfig no_limits = dispatch::QuotaConfig::Defaults();
    no_limits.networks.clear();
    env_ = std::make_unique<CoordinatorEnv>(testing::CoordinatorEnvOptions{
        .clock = &clock_,
        .rehearsal_clock = &clock_,
        .quotas = no_limits,
        .master_key =
            std::make_shared<const accounts::MasterKey>(*accounts::MasterKey::Generate()),
        .token_renewer = [base = sandbox_.NetworkBase("x")](
                             std::function<void(coordinator::RenewalAnswer)> answered) {
          return std::unique_ptr<coordinator::TokenRenewer>(new renewal::HttpTokenRenewer(
              {.auth_bases = {{"x", base}}}, std::move(answered)));
        }});
  }

  // Connects acme_x as `accounts connect` would: one authorization (here, the exchange of
  // the account's first refresh token), its tokens and their expiry put in the coordinator.
  void ConnectX(bool say_when_it_expires = true) {
    absl::StatusOr<v1::PutAccountRequest> request = testing::ConnectSandboxX(
        sandbox_.NetworkBase("x"), "acme_x",
        say_when_it_expires ? std::optional(clock_.Now()) : std::nullopt);
    ASSERT_TRUE(request.ok()) << request.status();
    ASSERT_TRUE(env_->client().PutAccount(*request).ok());
  }

  // `count` fanfare-worker processes serving X through the sandbox, with no credentials.
  void StartWorkers(int count) {
    for (int i = 0; i < count; ++i) {
      auto worker = Subprocess::Start(
          {BinDir() + "/fanfare-worker", "--coordinator=" + env_->address(), "--networks=x",
           "--api_base=x=" + sandbox_.NetworkBase("x"), absl::StrCat("--worker_id=w", i),
           "--concurrency=2"});
      ASSERT_TRUE(worker.ok()) << worker.status();
      ASSERT_TRUE((*worker)->WaitForLine("serving", absl::Seconds(30)).ok());
      workers_.push_back(*std::move(worker));
    }
  }

  sandbox::AccountStats XStats() {
    absl::MutexLock lock(&sandbox_.state().mu);
    return sandbox_.state().Stats("x", "acme_x");
  }

  size_t Posts() {
    absl::MutexLock lock(&sandbox_.state().mu);
    return sandbox_.state().posts.size();
  }

  v1::Account HeldAccount() {
    absl::StatusOr<v1::ListAccountsResponse> list = env_->client().ListAccounts();
    EXPECT_TRUE(list.ok()) << list.status();
    EXPECT_EQ(list.ok() ? list->accounts_size() : 0, 1);
    return list.ok() && list->accounts_size() == 1 ? list->accounts(0) : v1::Account();
  }

  absl::StatusOr<v1::Run> Chatter(const std::string& run_id, int ticks) {
    env_->Apply(kChatter);
    v1::StartRunRequest start = StartRunRequest("chatter");
    start.set_run_id(run_id);
    (*start.mutable_params()->mutable_fields())["ticks"].set_number_value(ticks);
    return env_->RunToEnd(start, absl::Minutes(3));
  }

  ManualClock clock_;
  sandbox::Sandbox sandbox_;
  std::unique_ptr<CoordinatorEnv> env_;
  std::vector<std::unique_ptr<Subprocess>> workers_;
};

TEST_F(TokenRenewalTest, EightWorkersOneRefreshPerExpiryForThirtyMinutes) {
  ASSERT_NO_FATAL_FAILURE(ConnectX());
  ASSERT_NO_FATAL_FAILURE(StartWorkers(8));
  const absl::Time began = clock_.Now();
  absl::StatusOr<v1::Run> run = Chatter("thirty-minutes", 90);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  const absl::Duration played = clock_.Now() - began;
  EXPECT_GE(played, absl::Minutes(29)) << "campaign time";
  EXPECT_EQ(Posts(), 90u);

  const v1::Account account = HeldAccount();
  const sandbox::AccountStats stats = XStats();
  // Every token lived two minutes and was renewed a fifth of that before it expired: one
  // renewal per token, none twice, none in a storm of refusals.
  const int64_t expiries = played / absl::Minutes(2);
  const int64_t most = played / absl::Seconds(96) + 1;
  EXPECT_GE(account.renewals(), expiries) << "played " << played;
  EXPECT_LE(account.renewals(), most) << "played " << played;
  EXPECT_EQ(stats.refreshes, account.renewals() + 1) << "the connect's exchange, then renewals";
  EXPECT_EQ(stats.refresh_reuses, 0);
  EXPECT_EQ(stats.refresh_replays, 0);
  EXPECT_EQ(stats.grants_revoked, 0);
  EXPECT_EQ(stats.auth_failures, 0) << "no task ever carried an expired token";
  EXPECT_FALSE(account.needs_reconnecting());
  EXPECT_FALSE(account.has_renewal_started_at());
}

// The network rotates the refresh token but its answer is lost on the way: the coordinator
// asks again with the same refresh token, gets the same answer, and never disconnects.
TEST_F(TokenRenewalTest, ALostAnswerIsAskedForAgainWithTheSameRefreshToken) {
  ASSERT_NO_FATAL_FAILURE(ConnectX());
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    sandbox::Faults& faults = sandbox_.state().faults["x"];
    faults.drop_path = "/oauth2/token";
    faults.drop_next = 1;
  }
  ASSERT_NO_FATAL_FAILURE(StartWorkers(1));
  absl::StatusOr<v1::Run> run = Chatter("lost-answer", 20);  // 400 s: three renewals or more
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  const sandbox::AccountStats stats = XStats();
  EXPECT_EQ(stats.refresh_replays, 1);
  EXPECT_EQ(stats.refresh_reuses, 0);
  EXPECT_EQ(stats.grants_revoked, 0);
  EXPECT_EQ(stats.auth_failures, 0);
  const v1::Account account = HeldAccount();
  EXPECT_GE(account.renewals(), 3);
  EXPECT_FALSE(account.needs_reconnecting());
}

// The network refuses a token the coordinator did not know had expired, to eight tasks at
// once: one renewal, and all eight go again with the new token.
TEST_F(TokenRenewalTest, AStormOfRefusalsCostsOneRenewal) {
  ASSERT_NO_FATAL_FAILURE(ConnectX(/*say_when_it_expires=*/false));
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    sandbox_.state().ExpireTokens("x", "acme_x");
  }
  ASSERT_NO_FATAL_FAILURE(StartWorkers(4));
  env_->Apply(kBurst);
  v1::StartRunRequest start = StartRunRequest("burst");
  start.set_run_id("storm");
  absl::StatusOr<v1::Run> run = env_->RunToEnd(start, absl::Minutes(1));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  EXPECT_EQ(Posts(), 8u);
  const sandbox::AccountStats stats = XStats();
  EXPECT_GE(stats.auth_failures, 1);
  EXPECT_EQ(stats.refreshes, 2) << "the connect's exchange and one renewal";
  EXPECT_EQ(stats.refresh_reuses, 0);
  EXPECT_EQ(HeldAccount().renewals(), 1);
}

// The network refuses the refresh token itself (revoked at the network): the account needs a
// person, and the steps wait saying so instead of failing.
TEST_F(TokenRenewalTest, ARefusedRenewalLeavesTheAccountNeedingAPerson) {
  ASSERT_NO_FATAL_FAILURE(ConnectX());
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    sandbox_.state().ExpireTokens("x", "acme_x");
    sandbox_.state().RevokeRefresh("x", "acme_x");
  }
  ASSERT_NO_FATAL_FAILURE(StartWorkers(1));
  env_->Apply(kBurst);
  v1::StartRunRequest start = StartRunRequest("burst");
  start.set_run_id("revoked");
  ASSERT_TRUE(env_->client().StartRun(start).ok());
  absl::StatusOr<v1::Run> waiting = env_->WaitFor("revoked", [](const v1::Run& run) {
    for (const v1::StepInstance& step : run.steps()) {
      if (step.state() != v1::STEP_STATE_WAITING ||
          step.waiting().detail().find("account acme_x needs reconnecting") ==
              std::string::npos) {
        return false;
      }
    }
    return run.steps_size() == 8;
  });
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  const v1::Account account = HeldAccount();
  EXPECT_TRUE(account.needs_reconnecting());
  EXPECT_NE(account.reconnect_reason().find("revoked"), std::string::npos)
      << account.reconnect_reason();
  EXPECT_EQ(XStats().refresh_reuses, 0);
}

// The answer to a renewal is lost and nothing else is due: a rehearsal's clock still reaches
// the next try, which the network answers again.
TEST_F(TokenRenewalTest, ALostAnswerIsAskedForAgainWhenNothingElseIsDue) {
  ASSERT_NO_FATAL_FAILURE(ConnectX(/*say_when_it_expires=*/false));
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    sandbox_.state().ExpireTokens("x", "acme_x");
    sandbox::Faults& faults = sandbox_.state().faults["x"];
    faults.drop_path = "/oauth2/token";
    faults.drop_next = 1;
  }
  ASSERT_NO_FATAL_FAILURE(StartWorkers(1));
  env_->Apply(kBurst);
  v1::StartRunRequest start = StartRunRequest("burst");
  start.set_run_id("lost-and-alone");
  absl::StatusOr<v1::Run> run = env_->RunToEnd(start, absl::Minutes(1));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  const sandbox::AccountStats stats = XStats();
  EXPECT_EQ(stats.refresh_replays, 1);
  EXPECT_EQ(stats.refresh_reuses, 0);
  EXPECT_EQ(HeldAccount().renewals(), 1);
}

// A person puts new tokens while a renewal of the old ones is in flight: the renewal's answer
// is for tokens no longer held and is dropped; the person's tokens stand.
TEST_F(TokenRenewalTest, TokensPutDuringARenewalStand) {
  ASSERT_NO_FATAL_FAILURE(ConnectX());
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    sandbox::Faults& faults = sandbox_.state().faults["x"];
    faults.slow_path = "/oauth2/token";
    faults.answer_latency = absl::Milliseconds(800);
  }
  clock_.Advance(absl::Seconds(100));  // past the renewal's due time (96 s)
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!HeldAccount().has_renewal_started_at() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_TRUE(HeldAccount().has_renewal_started_at()) << "the renewal started";
  v1::PutAccountRequest request;
  request.set_alias("acme_x");
  request.set_network("x");
  (*request.mutable_secrets())["access_token"] = "sbx_x_acme_x";
  absl::StatusOr<v1::Account> put = env_->client().PutAccount(request);
  ASSERT_TRUE(put.ok()) << put.status();
  absl::SleepFor(absl::Seconds(1.5));  // the renewal's answer arrives, and is dropped
  const v1::Account account = HeldAccount();
  EXPECT_EQ(account.version(), put->version());
  EXPECT_EQ(account.renewals(), 0);
  EXPECT_EQ(std::vector<std::string>(account.secrets().begin(), account.secrets().end()),
            std::vector<std::string>{"access_token"});
}

// fanfared restarted without the master key that sealed the accounts: it lists them and
// leaves them alone — no renewal, no crash, nothing marked.
TEST_F(TokenRenewalTest, WithoutTheMasterKeyAccountsAreLeftAlone) {
  ASSERT_NO_FATAL_FAILURE(ConnectX());
  env_->RestartWithMasterKeys(nullptr, nullptr);
  clock_.Advance(absl::Minutes(3));  // past the renewal's due time and the token's expiry
  absl::SleepFor(absl::Milliseconds(300));
  const v1::Account account = HeldAccount();
  EXPECT_FALSE(account.needs_reconnecting());
  EXPECT_FALSE(account.has_renewal_started_at());
  EXPECT_EQ(XStats().refreshes, 1) << "the connect's exchange only";
}

}  // namespace
}  // namespace fanfare
