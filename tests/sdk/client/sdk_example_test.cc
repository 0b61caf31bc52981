// Runs examples/sdk's fanfare-sdk-example against a real coordinator, as a reader of the
// README would, so that the example cannot rot.
#include <cstdlib>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using ::testing::HasSubstr;
using testing::CoordinatorEnv;

std::string FromEnv(const char* name) {
  const char* value = std::getenv(name);
  EXPECT_NE(value, nullptr) << name << " is not set; run the test through ctest";
  return value == nullptr ? "" : value;
}

struct ExampleRun {
  int exit_code = -1;
  std::string out;
};

ExampleRun RunExample(const std::vector<std::string>& flags) {
  const std::string campaign = FromEnv("FANFARE_SOURCE_DIR") + "/examples/sdk/lead-followup.yaml";
  std::vector<std::string> argv = {FromEnv("FANFARE_BIN_DIR") + "/fanfare-sdk-example",
                                   "--campaign", campaign};
  argv.insert(argv.end(), flags.begin(), flags.end());
  ExampleRun result;
  auto example = Subprocess::Start(argv);
  if (!example.ok()) {
    ADD_FAILURE() << example.status();
    return result;
  }
  while (true) {
    absl::StatusOr<std::string> line = (*example)->ReadLine(absl::Seconds(30));
    if (!line.ok()) break;
    result.out += *line + "\n";
  }
  absl::StatusOr<int> code = (*example)->Wait(absl::Seconds(10));
  EXPECT_TRUE(code.ok()) << code.status();
  result.exit_code = code.ok() ? *code : -1;
  return result;
}

TEST(SdkExampleTest, RunsTheLeadFollowupCampaignToSuccess) {
  CoordinatorEnv env;
  const ExampleRun first = RunExample({"--address", env.address(), "--run_id", "followup-ci"});
  EXPECT_EQ(first.exit_code, 0) << first.out;
  EXPECT_THAT(first.out, HasSubstr("applied lead-followup version 1\n"));
  EXPECT_THAT(first.out, HasSubstr("started run followup-ci\n"));
  EXPECT_THAT(first.out, HasSubstr("slack.notify #growth: Tagged 3 leads in webinar-signups "
                                   "with spring-launch"));
  EXPECT_THAT(first.out, HasSubstr("RUN_SUCCEEDED"));
  EXPECT_THAT(first.out, HasSubstr("run followup-ci SUCCEEDED\n"));
  EXPECT_THAT(first.out, HasSubstr("\"tagged\":3"));
  EXPECT_THAT(first.out, HasSubstr("\"message_id\":\"default/followup-ci/notify\""));

  // The address from FANFARE_ADDRESS; the same run id finds the same, finished run.
  setenv("FANFARE_ADDRESS", env.address().c_str(), 1);
  const ExampleRun again = RunExample({"--run_id", "followup-ci"});
  unsetenv("FANFARE_ADDRESS");
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr("applied lead-followup version 1 (unchanged)\n"));
  EXPECT_THAT(again.out, HasSubstr("found the existing run followup-ci\n"));
  EXPECT_THAT(again.out, HasSubstr("run followup-ci SUCCEEDED\n"));
  EXPECT_THAT(again.out, ::testing::Not(HasSubstr("slack.notify #growth")))
      << "the run was not executed a second time";
}

TEST(SdkExampleTest, ExitsNonZeroWhenTheCoordinatorCannotBeReached) {
  // Nothing listens on port 1: the client gives up after its retries.
  const ExampleRun run = RunExample({"--address", "127.0.0.1:1", "--run_id", "followup-nowhere"});
  EXPECT_EQ(run.exit_code, 1) << run.out;
}

}  // namespace
}  // namespace fanfare
