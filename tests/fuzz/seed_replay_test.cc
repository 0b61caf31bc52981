// Replays every fuzz seed through the fuzzers' own entry points, built without sanitizers,
// so that the seeds run as an ordinary test with any compiler: examples/*.yaml and
// tests/fuzz/corpus/. Each entry point is fed every seed (a YAML file is a fine odd
// expression, and the other way round). Passing means: no crash, no hang.
//
// tests/fuzz/findings/<target>/ holds inputs that still break an invariant: bugs found by
// fuzzing and not fixed yet (tests/fuzz/README.md lists them). Each must still abort; one that
// no longer does has had its bug fixed, and belongs in corpus/<target>/, guarding the fix.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

// The fuzzers' entry points, LLVMFuzzerTestOneInput renamed (fanfare_fuzzer's ENTRY).
extern "C" int FanfareYamlLoaderFuzz(const uint8_t* data, size_t size);
extern "C" int FanfareExpressionFuzz(const uint8_t* data, size_t size);
extern "C" int FanfareCampaignSpecFuzz(const uint8_t* data, size_t size);
extern "C" int FanfareWorkerProtocolFuzz(const uint8_t* data, size_t size);

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

using Entry = int (*)(const uint8_t*, size_t);

// The entry point of each target, by the name of its folder in corpus/ and findings/.
const std::vector<std::pair<std::string, Entry>>& Entries() {
  static const auto* const entries = new std::vector<std::pair<std::string, Entry>>{
      {"yaml_loader", FanfareYamlLoaderFuzz},
      {"expression", FanfareExpressionFuzz},
      {"campaign_spec", FanfareCampaignSpecFuzz},
      {"worker_protocol", FanfareWorkerProtocolFuzz}};
  return *entries;
}

TEST(FuzzSeedReplayTest, EveryCorpusFolderIsATarget) {
  for (const auto& folder : fs::directory_iterator(SourceDir() / "tests/fuzz/corpus")) {
    const std::string name = folder.path().filename().string();
    EXPECT_TRUE(std::any_of(Entries().begin(), Entries().end(),
                            [&](const auto& entry) { return entry.first == name; }))
        << "corpus/" << name << " names no fuzz target";
  }
}

TEST(FuzzSeedReplayTest, YamlLoader) { Replay(FanfareYamlLoaderFuzz); }

TEST(FuzzSeedReplayTest, Expression) { Replay(FanfareExpressionFuzz); }

TEST(FuzzOpenFindingsTest, EachStillBreaksItsInvariant) {
  // Each input runs in a child process started afresh (the entry points keep state, such as
  // the worker fuzzer's store, that a fork would share).
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  int findings = 0;
  for (const auto& [name, entry] : Entries()) {
    const fs::path dir = SourceDir() / "tests/fuzz/findings" / name;
    if (!fs::exists(dir)) continue;
    for (const fs::path& input : FilesUnder(dir)) {
      ++findings;
      const std::string data = Read(input);
      EXPECT_DEATH(entry(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
                   "invariant broken")
          << input.string() << " no longer breaks an invariant: if its bug is fixed, move it "
          << "to tests/fuzz/corpus/" << name << "/ and strike it from tests/fuzz/README.md";
    }
  }
  if (findings == 0) GTEST_SKIP() << "no open findings";
}

TEST(FuzzSeedReplayTest, CampaignSpec) { Replay(FanfareCampaignSpecFuzz); }

TEST(FuzzSeedReplayTest, WorkerProtocol) { Replay(FanfareWorkerProtocolFuzz); }

}  // namespace
}  // namespace fanfare
