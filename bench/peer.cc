#include "bench/peer.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/subprocess.h"
#include "nlohmann/json.hpp"

namespace fanfare::bench {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<fs::path> PeersDir() {
  if (const char* dir = std::getenv("FANFARE_PEERS_DIR")) return fs::path(dir);
  // The repository's sibling `shared/`: bench binaries live in <repo>/build/bin.
  fs::path candidate = fs::canonical("/proc/self/exe").parent_path() / "../../../shared/peers";
  if (fs::exists(candidate)) return fs::canonical(candidate);
  return absl::NotFoundError("peer benchmarks not found; set FANFARE_PEERS_DIR");
}

// Runs `command` through the shell and returns its last stdout line.
absl::StatusOr<std::string> Shell(const std::string& command) {
  absl::StatusOr<std::unique_ptr<Subprocess>> shell = Subprocess::Start({"/bin/sh", "-c", command});
  if (!shell.ok()) return shell.status();
  std::string last;
  while (true) {
    absl::StatusOr<std::string> line = (*shell)->ReadLine(absl::Minutes(20));
    if (absl::IsOutOfRange(line.status())) break;
    if (!line.ok()) return line.status();
    if (!line->empty()) last = *line;
  }
  absl::StatusOr<int> code = (*shell)->Wait(absl::Minutes(1));
  if (!code.ok()) return code.status();
  if (*code != 0) return absl::InternalError(absl::StrCat("`", command, "` exited with ", *code));
  return last;
}

}  // namespace

absl::StatusOr<PeerResult> RunPeer(const std::string& peer, int runs) {
  if (peer != "bullmq" && peer != "dbos") {
    return absl::InvalidArgumentError(absl::StrCat("unknown peer '", peer, "'; use bullmq or dbos"));
  }
  absl::StatusOr<fs::path> peers = PeersDir();
  if (!peers.ok()) return peers.status();
  // Installed once per machine, next to a copy of the peer's files.
  const fs::path work = fs::temp_directory_path() / absl::StrCat("fanfare-peer-", peer);
  fs::create_directories(work);
  for (const auto& entry : fs::directory_iterator(*peers / peer)) {
    fs::copy(entry.path(), work / entry.path().filename(), fs::copy_options::overwrite_existing);
  }
  const std::string install =
      peer == "bullmq" ? "npm install --no-audit --no-fund --silent bullmq@5 >&2"
                       : "npm install --no-audit --no-fund --silent >&2";
  if (!fs::exists(work / "node_modules")) {
    if (auto done = Shell(absl::StrCat("cd '", work.string(), "' && ", install)); !done.ok()) {
      return done.status();
    }
  }
  absl::StatusOr<std::string> line =
      Shell(absl::StrCat("cd '", work.string(), "' && ./run.sh ", runs, " 64"));
  if (!line.ok()) return line.status();
  nlohmann::json json = nlohmann::json::parse(*line, nullptr, false);
  if (json.is_discarded() || !json.contains("steps_per_s")) {
    return absl::InternalError(absl::StrCat("unexpected peer output: ", *line));
  }
  return PeerResult{json["steps_per_s"].get<double>(), *line};
}

}  // namespace fanfare::bench
