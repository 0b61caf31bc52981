// Golden files for the CLI's output tests: tests/cli/golden/<name>.
//
//   ExpectGolden("get_table.txt", out);
//
// Run a test with FANFARE_UPDATE_GOLDEN=1 to write the files from the actual output instead
// of comparing (then review the diff). The source tree is found through FANFARE_SOURCE_DIR
// (set by ctest) or, when a test binary runs directly, the path compiled in.
#ifndef FANFARE_TESTS_CLI_GOLDEN_H_
#define FANFARE_TESTS_CLI_GOLDEN_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace fanfare::testing {

inline std::string GoldenPath(const std::string& name) {
  const char* env = std::getenv("FANFARE_SOURCE_DIR");
  const std::string root = env != nullptr && *env != '\0' ? env : FANFARE_TEST_SOURCE_DIR;
  return root + "/tests/cli/golden/" + name;
}

inline bool UpdatingGoldens() {
  const char* env = std::getenv("FANFARE_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

// Compares `actual` with the golden file `name`, or writes it under FANFARE_UPDATE_GOLDEN=1.
inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  if (UpdatingGoldens()) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "no golden file " << path
                  << "; run the test with FANFARE_UPDATE_GOLDEN=1 to create it";
    return;
  }
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual)
      << "output differs from " << path << "; if the change is intended, rerun with "
      << "FANFARE_UPDATE_GOLDEN=1 and review the diff";
}

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_CLI_GOLDEN_H_
