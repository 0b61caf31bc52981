#include "base/files.h"

#include <fstream>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace fanfare {
namespace {

TEST(FilesTest, ReadsAWholeFileBinaryAndAll) {
  testing::TempDir dir;
  const std::string contents("line one\n\0line two", 18);
  std::ofstream(dir.Join("f"), std::ios::binary) << contents;
  absl::StatusOr<std::string> read = ReadWholeFile(dir.Join("f"));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, contents);
  std::ofstream(dir.Join("empty"));
  EXPECT_EQ(ReadWholeFile(dir.Join("empty")).value(), "");
}

TEST(FilesTest, AFileThatCannotBeReadIsNamed) {
  testing::TempDir dir;
  absl::StatusOr<std::string> read = ReadWholeFile(dir.Join("missing"));
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(read.status().message(), "cannot read " + dir.Join("missing"));
  EXPECT_FALSE(ReadWholeFile(dir.path()).ok()) << "a directory is not a file";
}

}  // namespace
}  // namespace fanfare
