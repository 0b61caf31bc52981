// The real processes of a crash test, on loopback: one fanfare-sandbox, one fanfared that is
// SIGKILLed and restarted on the same data directory and port, and fanfare-worker processes
// that may be SIGKILLed and restarted too.
//
//   SandboxProcess sandbox;
//   ASSERT_TRUE(sandbox.Start(dir.Join("sandbox.log"), /*seed=*/7).ok());
//   CoordinatorProcess coordinator(dir.Join("data"), dir.Join("fanfared.log"),
//                                  {"--lease_ttl=2s"});
//   ASSERT_TRUE(coordinator.Start().ok());   // port 0 the first time, the same port after
//   ASSERT_TRUE(coordinator.Kill().ok());    // SIGKILL, reaped
//   ASSERT_TRUE(coordinator.Start().ok());
//
// Each process's stderr is appended to its log file (its stdout is read only until it says
// it is ready). Every wait has a deadline; a destructor SIGKILLs and reaps its process if it
// still runs, so a failed assertion leaves nothing behind.
//
// Thread safety: none; one thread owns each object.
#ifndef FANFARE_TESTS_CRASH_PROCESSES_H_
#define FANFARE_TESTS_CRASH_PROCESSES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/subprocess.h"
#include "nlohmann/json.hpp"
#include "workers/common/http_client.h"

namespace fanfare::crash {

using Json = nlohmann::json;

// Where the binaries are: $FANFARE_BIN_DIR (set by ctest), else build/bin.
std::string BinDir();

// Starts argv (argv[0] a path) with its stderr appended to `log_path`; returns once a line
// of its stdout contains `ready` (within `timeout`), with that line in `*ready_line`.
absl::StatusOr<std::unique_ptr<Subprocess>> StartLogged(const std::vector<std::string>& argv,
                                                        const std::string& log_path,
                                                        const std::string& ready,
                                                        absl::Duration timeout,
                                                        std::string* ready_line);

// A fanfare-sandbox process and its control API (/_sandbox/…).
class SandboxProcess {
 public:
  absl::Status Start(const std::string& log_path, uint64_t seed);

  // "http://127.0.0.1:<port>/<network>": a worker's --api-base for that network.
  std::string NetworkBase(const std::string& network) const;
  absl::StatusOr<Json> Get(const std::string& path);
  absl::StatusOr<Json> Post(const std::string& path, const Json& body);

 private:
  absl::StatusOr<Json> Send(workers::HttpRequest request);

  std::unique_ptr<Subprocess> process_;
  std::string base_;
  workers::CurlHttpClient http_;
};

// fanfared on `data_dir`, on a free port the first time it starts and on that same port
// after every kill.
class CoordinatorProcess {
 public:
  CoordinatorProcess(std::string data_dir, std::string log_path, std::vector<std::string> flags)
      : data_dir_(std::move(data_dir)), log_path_(std::move(log_path)), flags_(std::move(flags)) {}

  // REQUIRES: not running.
  absl::Status Start();
  // SIGKILL, then reap. REQUIRES: running.
  absl::Status Kill();
  bool running() const { return process_ != nullptr; }
  std::string address() const;

 private:
  std::string data_dir_;
  std::string log_path_;
  std::vector<std::string> flags_;
  int port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

// One fanfare-worker with a stable --worker_id, restartable after a kill.
class WorkerProcess {
 public:
  WorkerProcess(std::vector<std::string> argv, std::string log_path)
      : argv_(std::move(argv)), log_path_(std::move(log_path)) {}

  // REQUIRES: not running.
  absl::Status Start();
  // SIGKILL, then reap. REQUIRES: running.
  absl::Status Kill();
  bool running() const { return process_ != nullptr; }

 private:
  std::vector<std::string> argv_;
  std::string log_path_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace fanfare::crash

#endif  // FANFARE_TESTS_CRASH_PROCESSES_H_
