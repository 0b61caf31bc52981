// `fanfare validate` and `fanfare graph`, run in-process: exit codes, and output compared
// with golden files (FANFARE_UPDATE_GOLDEN=1 rewrites them).
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cli/command.h"
#include "tests/cli/golden.h"

namespace fanfare::cli {
namespace {

using ::fanfare::testing::ExpectGolden;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class OfflineCommandsTest : public ::testing::Test {
 protected:
  // Paths in the output are as given on the command line: run from the source tree so that
  // the golden files hold short relative paths.
  void SetUp() override {
    const char* env = std::getenv("FANFARE_SOURCE_DIR");
    previous_dir_ = std::filesystem::current_path();
    std::filesystem::current_path(env != nullptr && *env != '\0' ? env : FANFARE_TEST_SOURCE_DIR);
  }
  void TearDown() override { std::filesystem::current_path(previous_dir_); }

  static CliRun Run(std::vector<std::string> argv) {
    std::ostringstream out, err;
    CliContext context{out, err, /*interactive=*/false, /*address_from_env=*/"",
                       /*user_from_env=*/"tester", /*placeholder_times=*/true};
    CliRun run;
    run.exit_code = RunCli(argv, context);
    run.out = out.str();
    run.err = err.str();
    return run;
  }

 private:
  std::filesystem::path previous_dir_;
};

TEST_F(OfflineCommandsTest, ValidateEveryExample) {
  const CliRun run = Run({"validate", "examples/evergreen.yaml", "examples/launch.yaml",
                          "examples/video-launch.yaml"});
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_EQ(run.err, "");
  ExpectGolden("validate_examples.txt", run.out);
}

TEST_F(OfflineCommandsTest, ValidateQuietPrintsNothingForValidFiles) {
  const CliRun run = Run({"validate", "--quiet", "examples/launch.yaml"});
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "");
}

TEST_F(OfflineCommandsTest, ValidateAnInvalidFilePrintsEveryProblem) {
  const CliRun run = Run({"validate", "tests/cli/testdata/invalid.yaml"});
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_EQ(run.out, "");
  ExpectGolden("validate_invalid.txt", run.err);
}

TEST_F(OfflineCommandsTest, ValidateGoesOnAfterABadFile) {
  const CliRun run = Run({"validate", "no/such/campaign.yaml", "notes.txt",
                          "examples/launch.yaml"});
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_EQ(run.out, "examples/launch.yaml: ok (product-launch)\n");
  EXPECT_EQ(run.err,
            "error: cannot read no/such/campaign.yaml: No such file or directory\n"
            "error: notes.txt: unknown file type; campaigns are .yaml/.yml, .textproto, .json "
            "or .binpb\n");
}

TEST_F(OfflineCommandsTest, ValidateWithoutFiles) {
  const CliRun run = Run({"validate"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_EQ(run.err, "error: validate needs at least one FILE\n");
}

TEST_F(OfflineCommandsTest, UnknownVerbSuggestsOne) {
  const CliRun run = Run({"validat", "examples/launch.yaml"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_EQ(run.out, "");
  // The verb list that follows belongs to every verb of the CLI; only its start is checked.
  EXPECT_THAT(run.err, StartsWith("error: unknown verb 'validat' (did you mean 'validate'?)\n"
                                  "usage: fanfare VERB [FLAGS] [ARGS]\n"));
  EXPECT_THAT(run.err, HasSubstr("\n  validate "));
  EXPECT_THAT(run.err, HasSubstr("\n  graph "));
}

TEST_F(OfflineCommandsTest, UnknownFlagSuggestsOne) {
  const CliRun run = Run({"validate", "--quite", "examples/launch.yaml"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_EQ(run.out, "");
  ExpectGolden("validate_unknown_flag.txt", run.err);
}

TEST_F(OfflineCommandsTest, GraphDot) {
  const CliRun run = Run({"graph", "examples/launch.yaml"});
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_EQ(run.err, "");
  ExpectGolden("graph_launch.dot", run.out);
  // --format dot is the default.
  EXPECT_EQ(Run({"graph", "--format", "dot", "examples/launch.yaml"}).out, run.out);
}

TEST_F(OfflineCommandsTest, GraphMermaid) {
  const CliRun run = Run({"graph", "--format=mermaid", "examples/launch.yaml"});
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_EQ(run.err, "");
  ExpectGolden("graph_launch.mmd", run.out);
}

TEST_F(OfflineCommandsTest, GraphBogusFormat) {
  const CliRun run = Run({"graph", "--format", "bogus", "examples/launch.yaml"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "error: unknown graph format 'bogus'; use dot or mermaid\n");
}

TEST_F(OfflineCommandsTest, GraphOfAnInvalidOrMissingFile) {
  CliRun run = Run({"graph", "tests/cli/testdata/invalid.yaml"});
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_EQ(run.out, "");
  ExpectGolden("validate_invalid.txt", run.err);  // the same problems as validate prints

  run = Run({"graph", "missing.yaml"});
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_EQ(run.err, "error: cannot read missing.yaml: No such file or directory\n");

  run = Run({"graph", "a.yaml", "b.yaml"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_EQ(run.err, "error: graph needs exactly one FILE\n");
}

}  // namespace
}  // namespace fanfare::cli
