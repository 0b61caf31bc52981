#include "base/huge_pages.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

namespace fanfare {
namespace {

constexpr char kTunables[] = "GLIBC_TUNABLES";

bool HugePagesOnRequest() {
  std::ifstream setting("/sys/kernel/mm/transparent_hugepage/enabled");
  const std::string modes((std::istreambuf_iterator<char>(setting)),
                          std::istreambuf_iterator<char>());
  return modes.find("[madvise]") != std::string::npos;
}

}  // namespace

void UseHugePagesForMalloc(char** argv) {
  if (getenv(kTunables) != nullptr || !HugePagesOnRequest()) return;
  if (setenv(kTunables, "glibc.malloc.hugetlb=1", /*overwrite=*/0) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: the program goes on as it is, without the setting.
  unsetenv(kTunables);
}

}  // namespace fanfare
