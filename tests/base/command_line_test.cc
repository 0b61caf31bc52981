// Flag spellings: dashes and underscores name the same flag; values and operands are kept.
#include "base/command_line.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

// The flags the argument lists below name.
ABSL_FLAG(std::vector<std::string>, api_base, {}, "test");
ABSL_FLAG(std::string, data_dir, "", "test");
ABSL_FLAG(int, concurrency, 1, "test");
ABSL_FLAG(std::string, worker_id, "", "test");
ABSL_FLAG(bool, rate_limits, true, "test");

namespace fanfare {
namespace {

TEST(CanonicalFlagSpellingTest, DashesInANameBecomeUnderscores) {
  EXPECT_EQ(CanonicalFlagSpelling("--data-dir"), "--data_dir");
  EXPECT_EQ(CanonicalFlagSpelling("--data-dir=/tmp/a-b"), "--data_dir=/tmp/a-b");
  EXPECT_EQ(CanonicalFlagSpelling("-api-base=x=http://h/x-y"), "-api_base=x=http://h/x-y");
  EXPECT_EQ(CanonicalFlagSpelling("--data_dir"), "--data_dir");
}

TEST(CanonicalFlagSpellingTest, OperandsAndSeparatorsAreKept) {
  EXPECT_EQ(CanonicalFlagSpelling("my-file.yaml"), "my-file.yaml");
  EXPECT_EQ(CanonicalFlagSpelling("--"), "--");
  EXPECT_EQ(CanonicalFlagSpelling("-"), "-");
  EXPECT_EQ(CanonicalFlagSpelling(""), "");
}

TEST(CanonicalFlagArgsTest, RepeatedListFlagsAccumulate) {
  EXPECT_EQ(CanonicalFlagArgs({"--api-base=x=http://a/x", "--concurrency", "4", "--api-base",
                               "facebook=http://a/facebook", "--api_base=li=http://a/li"},
                              {"api_base"}),
            (std::vector<std::string>{"--api_base=x=http://a/x,facebook=http://a/facebook,"
                                      "li=http://a/li",
                                      "--concurrency", "4"}));
  // Other flags keep Abseil's last-one-wins; operands after "--" are untouched.
  EXPECT_EQ(CanonicalFlagArgs({"--data-dir=a", "--data-dir=b", "--", "--api-base=z"},
                              {"api_base"}),
            (std::vector<std::string>{"--data_dir=a", "--data_dir=b", "--", "--api-base=z"}));
}

TEST(CanonicalFlagArgsTest, ValuesOperandsAndUnknownFlagsAreKeptAsWritten) {
  EXPECT_EQ(CanonicalFlagArgs({"--worker-id", "-a-b", "--no-such-flag", "my-file.yaml",
                               "--norate-limits"},
                              {}),
            (std::vector<std::string>{"--worker_id", "-a-b", "--no-such-flag", "my-file.yaml",
                                      "--norate_limits"}));
  // A repeatable flag at the end without a value is left for Abseil to refuse.
  EXPECT_EQ(CanonicalFlagArgs({"--api-base"}, {"api_base"}),
            (std::vector<std::string>{"--api_base"}));
}

}  // namespace
}  // namespace fanfare
