// Where a test finds the built programs and the source tree: ctest sets FANFARE_BIN_DIR and
// FANFARE_SOURCE_DIR; run by hand from the repository root, the defaults fit. And where the
// fanfared a test started listens.
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

// "127.0.0.1:PORT" from fanfared's start-up line ("fanfared listening on 127.0.0.1:0 (port
// 41235), …"), or "" if the line names no port.
inline std::string AddressFromListeningLine(const std::string& line) {
  const size_t at = line.find("(port ");
  if (at == std::string::npos) return "";
  const size_t end = line.find(')', at);
  return "127.0.0.1:" + line.substr(at + 6, end - at - 6);
}

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_TEST_PATHS_H_
