// `fanfare accounts connect` end to end against the sandbox: the CLI prints the network's
// sign-in page, "the browser" (this test) follows it, the sandbox redirects to the CLI's
// loopback address with a code, the CLI redeems it with its PKCE verifier and puts the tokens
// in fanfared — whose worker-less tasks then publish with them. And `accounts import` of the
// example credentials file that `./dev demo` uses.
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accounts/sealed_secret.h"
#include "base/subprocess.h"
#include "gtest/gtest.h"
#include "sandbox/sandbox.h"
#include "tests/support/coordinator_env.h"
#include "tests/support/test_paths.h"
#include "workers/common/http_client.h"

namespace fanfare {
namespace {

using testing::BinDir;
using testing::CoordinatorEnv;
using testing::SourceTree;

class AccountConnectTest : public ::testing::Test {
 protected:
  AccountConnectTest()
      : env_({.master_key =
                  std::make_shared<const accounts::MasterKey>(*accounts::MasterKey::Generate())}) {
    EXPECT_TRUE(sandbox_.Start("127.0.0.1", 0).ok());
  }

  std::unique_ptr<Subprocess> Connect(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {BinDir() + "/fanfare", "accounts", "connect", "x",
                                     "--alias", "acme_x", "--client-id", "sandbox-client",
                                     "--auth-base", sandbox_.NetworkBase("x"),
                                     "--login-hint", "acme_x", "--no-browser",
                                     "--timeout", "30s", "--address", env_.address()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    absl::StatusOr<std::unique_ptr<Subprocess>> cli = Subprocess::Start(argv);
    EXPECT_TRUE(cli.ok()) << cli.status();
    return cli.ok() ? *std::move(cli) : nullptr;
  }

  // The sign-in page's address, as the CLI prints it.
  static std::string PageUrl(Subprocess& cli) {
    for (int i = 0; i < 5; ++i) {
      absl::StatusOr<std::string> line = cli.ReadLine(absl::Seconds(20));
      if (!line.ok()) return "";
      if (absl::StrContains(*line, "http://") && absl::StrContains(*line, "authorize")) {
        return std::string(absl::StripAsciiWhitespace(*line));
      }
    }
    return "";
  }

  // What a browser does with `url`: the sandbox signs in and answers with a redirect.
  std::string RedirectOf(const std::string& url) {
    absl::StatusOr<workers::HttpResponse> page = http_.Send({.method = "GET", .url = url});
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return "";
    EXPECT_EQ(page->status, 302) << page->body;
    return page->Header("location");
  }

  sandbox::Sandbox sandbox_;
  CoordinatorEnv env_;
  workers::CurlHttpClient http_;
};

TEST_F(AccountConnectTest, ConnectSignsInAndPutsTheTokensInFanfared) {
  std::unique_ptr<Subprocess> cli = Connect();
  ASSERT_NE(cli, nullptr);
  const std::string page = PageUrl(*cli);
  ASSERT_FALSE(page.empty());
  EXPECT_TRUE(absl::StrContains(page, "code_challenge_method=S256")) << page;
  EXPECT_TRUE(absl::StrContains(page, "redirect_uri=http%3A%2F%2F127.0.0.1%3A")) << page;
  EXPECT_FALSE(absl::StrContains(page, "code_verifier")) << "the verifier never leaves the CLI";
  const std::string back = RedirectOf(page);
  ASSERT_TRUE(absl::StartsWith(back, "http://127.0.0.1:")) << back;
  absl::StatusOr<workers::HttpResponse> landed = http_.Send({.method = "GET", .url = back});
  ASSERT_TRUE(landed.ok()) << landed.status();
  EXPECT_TRUE(absl::StrContains(landed->body, "received")) << landed->body;
  absl::StatusOr<int> exit = cli->Wait(absl::Seconds(20));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(*exit, 0);

  absl::StatusOr<v1::ListAccountsResponse> listed = env_.client().ListAccounts();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->accounts_size(), 1);
  const v1::Account& account = listed->accounts(0);
  EXPECT_EQ(account.alias(), "acme_x");
  EXPECT_EQ(account.network(), "x");
  EXPECT_TRUE(account.has_access_token_expires_at());
  EXPECT_EQ(std::vector<std::string>(account.secrets().begin(), account.secrets().end()),
            (std::vector<std::string>{"access_token", "refresh_token"}));
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    EXPECT_EQ(sandbox_.state().Stats("x", "acme_x").authorizations, 1);
  }
  // The code was single-use: redeemed again, even with everything else right, it is refused.
  // (The verifier never left the CLI; without the right one the sandbox would refuse anyway,
  // so this asks the sandbox directly whether the code is spent.)
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    const std::string code = back.substr(back.find("code=") + 5,
                                         back.find('&', back.find("code=")) - back.find("code=") - 5);
    std::string error;
    sandbox_.state().RedeemCode("x", code, "sandbox-client", back.substr(0, back.find('?')),
                                "any-verifier", &error);
    EXPECT_EQ(error, "The authorization code was already used.");
  }

  // A worker without credentials publishes through the connected account.
  auto worker = Subprocess::Start({BinDir() + "/fanfare-worker",
                                   "--coordinator=" + env_.address(), "--networks=x",
                                   "--api_base=x=" + sandbox_.NetworkBase("x"),
                                   "--worker_id=connected"});
  ASSERT_TRUE(worker.ok()) << worker.status();
  ASSERT_TRUE((*worker)->WaitForLine("serving", absl::Seconds(20)).ok());
  env_.Apply(R"yaml(
name: hello
accounts: {x: acme_x}
steps:
  - {id: post, action: x.publish, with: {text: "Connected by a person"}}
)yaml");
  v1::StartRunRequest start = StartRunRequest("hello");
  start.set_run_id("connected");
  absl::StatusOr<v1::Run> run = env_.RunToEnd(start);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  absl::MutexLock lock(&sandbox_.state().mu);
  ASSERT_EQ(sandbox_.state().posts.size(), 1u);
  EXPECT_EQ(sandbox_.state().posts[0].account, "acme_x");
}

// Another local page calling the redirect with a state of its own is turned away, and the
// sign-in in progress still completes with the network's real answer.
TEST_F(AccountConnectTest, AnAnswerWithAnotherStateIsTurnedAway) {
  std::unique_ptr<Subprocess> cli = Connect();
  ASSERT_NE(cli, nullptr);
  const std::string page = PageUrl(*cli);
  ASSERT_FALSE(page.empty());
  const std::string back = RedirectOf(page);
  const size_t state = back.find("state=");
  ASSERT_NE(state, std::string::npos) << back;
  absl::StatusOr<workers::HttpResponse> forged =
      http_.Send({.method = "GET", .url = back.substr(0, state) + "state=forged&code=x"});
  ASSERT_TRUE(forged.ok()) << forged.status();
  EXPECT_EQ(forged->status, 400);
  absl::StatusOr<workers::HttpResponse> real = http_.Send({.method = "GET", .url = back});
  ASSERT_TRUE(real.ok()) << real.status();
  EXPECT_EQ(real->status, 200);
  absl::StatusOr<int> exit = cli->Wait(absl::Seconds(20));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(*exit, 0);
  absl::StatusOr<v1::ListAccountsResponse> listed = env_.client().ListAccounts();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->accounts_size(), 1);
}

// The person declines: the network sends the browser back with an error, and nothing is
// stored.
TEST_F(AccountConnectTest, ADeclinedSignInStoresNothing) {
  std::unique_ptr<Subprocess> cli = Connect();
  ASSERT_NE(cli, nullptr);
  const std::string page = PageUrl(*cli);
  ASSERT_FALSE(page.empty());
  const std::string back = RedirectOf(page);
  const std::string state = back.substr(back.find("state="));
  ASSERT_TRUE(http_.Send({.method = "GET",
                          .url = back.substr(0, back.find('?')) + "?error=access_denied&" +
                                 state})
                  .ok());
  absl::StatusOr<int> exit = cli->Wait(absl::Seconds(20));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(*exit, 5) << "refused";
  absl::StatusOr<v1::ListAccountsResponse> listed = env_.client().ListAccounts();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->accounts_size(), 0) << "nothing stored";
}

TEST_F(AccountConnectTest, TheSandboxRefusesAnAuthorizationWithoutPkce) {
  absl::StatusOr<workers::HttpResponse> page = http_.Send(
      {.method = "GET",
       .url = sandbox_.NetworkBase("x") +
              "/i/oauth2/authorize?response_type=code&client_id=c&state=s&"
              "redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 400);
  EXPECT_TRUE(absl::StrContains(page->body, "PKCE")) << page->body;
}

TEST_F(AccountConnectTest, ImportTakesTheExampleCredentialsFile) {
  auto cli = Subprocess::Start(
      {BinDir() + "/fanfare", "accounts", "import",
       SourceTree() + "/examples/sandbox-credentials.json", "--address",
       env_.address()});
  ASSERT_TRUE(cli.ok()) << cli.status();
  absl::StatusOr<int> exit = (*cli)->Wait(absl::Seconds(20));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(*exit, 0);
  absl::StatusOr<v1::ListAccountsResponse> listed = env_.client().ListAccounts();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->accounts_size(), 7);
}

}  // namespace
}  // namespace fanfare
