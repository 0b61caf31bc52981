// Where a test finds the built programs and the source tree: ctest sets FANFARE_BIN_DIR and
// FANFARE_SOURCE_DIR; run by hand from the repository root, the defaults fit.
#ifndef FANFARE_TESTS_SUPPORT_TEST_PATHS_H_
#define FANFARE_TESTS_SUPPORT_TEST_PATHS_H_

#include <cstdlib>
#include <string>

namespace fanfare::testing {

inline std::string BinDir() {
  const char* dir = std::getenv("FANFARE_BIN_DIR");
  return dir != nullptr ? dir : "build/bin";
}

inline std::string SourceTree() {
  const char* dir = std::getenv("FANFARE_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_TEST_PATHS_H_
