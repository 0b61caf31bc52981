// fanfared asks for huge pages for malloc where the kernel gives them on request, and leaves
// a GLIBC_TUNABLES chosen by whoever started it alone (base/huge_pages.h). The real binary
// is started, and its environment read back from /proc after it listens.
#include <signal.h>
#include <stdlib.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace fanfare {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// GLIBC_TUNABLES as the running fanfared has it ("" when unset).
std::string TunablesOfFanfared() {
  testing::TempDir dir;
  const char* bin = std::getenv("FANFARE_BIN_DIR");
  absl::StatusOr<std::unique_ptr<Subprocess>> fanfared = Subprocess::Start(
      {absl::StrCat(bin == nullptr ? "build/bin" : bin, "/fanfared"), "--listen=127.0.0.1:0",
       absl::StrCat("--data_dir=", dir.Join("data")), "--auth=off"});
  EXPECT_TRUE(fanfared.ok()) << fanfared.status();
  if (!fanfared.ok()) return "(not started)";
  EXPECT_TRUE((*fanfared)->WaitForLine("listening", absl::Seconds(60)).ok());
  std::string tunables;
  for (absl::string_view entry :
       absl::StrSplit(ReadFile(absl::StrCat("/proc/", (*fanfared)->pid(), "/environ")), '\0')) {
    if (absl::ConsumePrefix(&entry, "GLIBC_TUNABLES=")) tunables = std::string(entry);
  }
  (*fanfared)->Signal(SIGTERM);
  EXPECT_TRUE((*fanfared)->Wait(absl::Seconds(30)).ok());
  return tunables;
}

TEST(HugePagesTest, FanfaredAsksForThemWhereTheKernelGivesThemOnRequest) {
  unsetenv("GLIBC_TUNABLES");
  const bool on_request =
      ReadFile("/sys/kernel/mm/transparent_hugepage/enabled").find("[madvise]") !=
      std::string::npos;
  EXPECT_EQ(TunablesOfFanfared(), on_request ? "glibc.malloc.hugetlb=1" : "");
}

TEST(HugePagesTest, ATunableSetByTheCallerIsLeftAlone) {
  setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0", /*overwrite=*/1);
  EXPECT_EQ(TunablesOfFanfared(), "glibc.malloc.hugetlb=0");
  unsetenv("GLIBC_TUNABLES");
}

}  // namespace
}  // namespace fanfare
