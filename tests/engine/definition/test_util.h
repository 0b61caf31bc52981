// Shorthands for the definition tests: load a campaign from a string and read back what a
// user would see.
#ifndef FANFARE_TESTS_ENGINE_DEFINITION_TEST_UTIL_H_
#define FANFARE_TESTS_ENGINE_DEFINITION_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "engine/definition/loader.h"

namespace fanfare::definition::testing {

// The name every test campaign is loaded under; it starts every printed diagnostic.
inline constexpr absl::string_view kFile = "c.yaml";

inline LoadResult LoadYaml(absl::string_view yaml) {
  return ParseCampaign(yaml, SourceFormat::kYaml, kFile);
}

// The diagnostics as printed ("c.yaml:4:11: step 'a': …"), in the order the user sees them
// (ToStatus sorts by position); empty if the campaign is valid.
inline std::vector<std::string> Printed(const LoadResult& result) {
  if (result.status.ok()) return {};
  std::vector<std::string> lines = absl::StrSplit(result.status.message(), '\n');
  lines.erase(lines.begin());  // "N errors in c.yaml:"
  return lines;
}

inline std::vector<std::string> ErrorsOf(absl::string_view yaml) {
  return Printed(LoadYaml(yaml));
}

// The repository's root, from FANFARE_SOURCE_DIR (set by ctest), else the working tree the
// test binary is run from.
inline std::filesystem::path SourceDir() {
  const char* dir = std::getenv("FANFARE_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::current_path();
}

// Every examples/*.yaml, sorted.
inline std::vector<std::filesystem::path> ExampleFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(SourceDir() / "examples")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace fanfare::definition::testing

#endif  // FANFARE_TESTS_ENGINE_DEFINITION_TEST_UTIL_H_
