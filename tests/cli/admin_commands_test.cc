// `fanfare admin tokens …` and `--token`, in-process against a real coordinator that requires
// API tokens.
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "cli/command.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/coordinator_env.h"

namespace fanfare::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct CliResult {
  int code = 0;
  std::string out;
  std::string err;
};

class AdminCommandsTest : public ::testing::Test {
 protected:
  // Runs `fanfare argv...` with FANFARE_TOKEN set to `token_from_env`.
  CliResult Cli(std::vector<std::string> argv, const std::string& token_from_env) {
    argv.push_back("--address=" + env_.address());
    std::ostringstream out;
    std::ostringstream err;
    CliContext context{out, err, /*interactive=*/false, "", "tester", true};
    context.token_from_env = token_from_env;
    CliResult result;
    result.code = RunCli(argv, context);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  testing::CoordinatorEnv env_{{.authenticate = true}};
};

TEST_F(AdminCommandsTest, ATokenIsPrintedOnceThenListedAndRevoked) {
  const std::string admin = env_.admin_token();
  CliResult created = Cli({"admin", "tokens", "create", "--namespace", "acme", "--role",
                           "operator", "--name", "ci-bot", "--expires", "90d"},
                          admin);
  ASSERT_EQ(created.code, kExitOk) << created.err;
  const std::string token = created.out.substr(0, created.out.find('\n'));
  EXPECT_THAT(token, StartsWith("fft_"));
  EXPECT_THAT(created.out, HasSubstr("ci-bot  operator in acme"));
  EXPECT_THAT(created.out, HasSubstr("shown this once"));

  // The new token works, for its namespace only, with --token beating FANFARE_TOKEN.
  EXPECT_EQ(Cli({"list", "--namespace", "acme", "--token", token}, "").code, kExitOk);
  CliResult elsewhere = Cli({"list", "--namespace", "globex"}, token);
  EXPECT_EQ(elsewhere.code, kExitRefused);
  EXPECT_THAT(elsewhere.err, HasSubstr("token ci-bot may not read in namespace globex"));

  CliResult listed = Cli({"admin", "tokens", "list", "--namespace", "acme"}, admin);
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("ci-bot  operator in acme"));
  EXPECT_THAT(listed.out, Not(HasSubstr("fft_"))) << "a listing never shows a secret";

  const std::string id = token.substr(4, 16);
  CliResult revoked =
      Cli({"admin", "tokens", "revoke", id, "--namespace", "acme", "--token", admin}, "");
  ASSERT_EQ(revoked.code, kExitOk) << revoked.err;
  EXPECT_THAT(revoked.out, HasSubstr("REVOKED"));
  CliResult after = Cli({"list", "--namespace", "acme"}, token);
  EXPECT_EQ(after.code, kExitRefused);
  EXPECT_THAT(after.err, HasSubstr("token ci-bot was revoked at"));
}

TEST_F(AdminCommandsTest, NoTokenSaysHowToPassOne) {
  CliResult result = Cli({"list"}, "");
  EXPECT_EQ(result.code, kExitRefused);
  EXPECT_THAT(result.err, HasSubstr("no credentials"));
  EXPECT_THAT(result.err, HasSubstr("--token or FANFARE_TOKEN"));
}

TEST_F(AdminCommandsTest, BadCommandLinesAreUsageErrors) {
  const std::string admin = env_.admin_token();
  EXPECT_EQ(Cli({"admin"}, admin).code, kExitUsage);
  EXPECT_EQ(Cli({"admin", "tokens", "mint"}, admin).code, kExitUsage);
  EXPECT_EQ(Cli({"admin", "tokens", "create", "--name", "x"}, admin).code, kExitUsage);
  EXPECT_EQ(Cli({"admin", "tokens", "create", "--name", "x", "--role", "operator", "--expires",
                 "soon"},
                admin)
                .code,
            kExitUsage);
  CliResult bad_role =
      Cli({"admin", "tokens", "create", "--name", "x", "--role", "root"}, admin);
  EXPECT_EQ(bad_role.code, kExitFailed) << "fanfared refuses it as an invalid request";
  EXPECT_THAT(bad_role.err, HasSubstr("role: viewer, operator, approver, worker or admin"));
}

}  // namespace
}  // namespace fanfare::cli
