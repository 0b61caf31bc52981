// Flag spellings: dashes and underscores name the same flag; values and operands are kept.
#include "engine/base/command_line.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace fanfare
