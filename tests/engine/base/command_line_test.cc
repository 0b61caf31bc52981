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

}  // namespace
}  // namespace fanfare
