// Replays every fuzz seed through the fuzzers' own entry points, built without sanitizers,
// so that the seeds run as an ordinary test with any compiler: examples/*.yaml and
// tests/fuzz/corpus/. Each entry point is fed every seed (a YAML file is a fine odd
// expression, and the other way round). Passing means: no crash, no hang.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

// yaml_loader_fuzz.cc and expression_fuzz.cc, each with LLVMFuzzerTestOneInput renamed.
extern "C" int FanfareYamlLoaderFuzz(const uint8_t* data, size_t size);
extern "C" int FanfareExpressionFuzz(const uint8_t* data, size_t size);

namespace fanfare {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() {
  const char* dir = std::getenv("FANFARE_SOURCE_DIR");
  return dir != nullptr ? fs::path(dir) : fs::current_path();
}

// Every regular file under `dir` (recursively) whose extension is `extension` (any if empty).
std::vector<fs::path> FilesUnder(const fs::path& dir, const std::string& extension = "") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && (extension.empty() || entry.path().extension() == extension)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<fs::path> Seeds() {
  std::vector<fs::path> seeds = FilesUnder(SourceDir() / "examples", ".yaml");
  for (const fs::path& p : FilesUnder(SourceDir() / "tests/fuzz/corpus")) seeds.push_back(p);
  return seeds;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void Replay(int (*entry)(const uint8_t*, size_t)) {
  const std::vector<fs::path> seeds = Seeds();
  ASSERT_GE(seeds.size(), 20u) << "seeds not found under " << SourceDir();
  for (const fs::path& seed : seeds) {
    SCOPED_TRACE(seed.string());
    const std::string data = Read(seed);
    const absl::Time start = absl::Now();
    EXPECT_EQ(entry(reinterpret_cast<const uint8_t*>(data.data()), data.size()), 0);
    // Every input is dealt with quickly, however hostile: a slow seed is a finding too.
    EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  }
}

TEST(FuzzSeedReplayTest, YamlLoader) { Replay(FanfareYamlLoaderFuzz); }

TEST(FuzzSeedReplayTest, Expression) { Replay(FanfareExpressionFuzz); }

}  // namespace
}  // namespace fanfare
