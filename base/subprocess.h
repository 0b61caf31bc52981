// Subprocess: a child process started from an argv, with its stdout readable line by line.
// Used by the benchmarks and the crash tests, which run the real binaries.
//
// Thread safety: none; one thread owns a Subprocess.
#ifndef FANFARE_BASE_SUBPROCESS_H_
#define FANFARE_BASE_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace fanfare {

class Subprocess {
 public:
  // Starts argv[0] (a path) with argv. Its stdout is a pipe read by ReadLine(); stderr is
  // inherited.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(const std::vector<std::string>& argv);
  // Kills (SIGKILL) and reaps the child if it is still running.
  ~Subprocess();

  pid_t pid() const { return pid_; }

  // The next line of the child's stdout, without its newline. DeadlineExceeded after
  // `timeout`; OutOfRange when stdout closed.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);
  // Reads lines until one contains `text`; returns that line.
  absl::StatusOr<std::string> WaitForLine(const std::string& text, absl::Duration timeout);

  void Signal(int signal);
  // Waits for the child to exit; its exit code, or 128 + signal number if a signal ended it.
  // DeadlineExceeded if it is still running after `timeout`.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  bool running() const { return !exit_code_.has_value(); }

  // Peak resident set size of the running child (VmHWM), in bytes.
  absl::StatusOr<uint64_t> PeakRssBytes() const;

 private:
  Subprocess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}

  pid_t pid_;
  int stdout_fd_;
  std::string buffer_;
  std::optional<int> exit_code_;
};

}  // namespace fanfare

#endif  // FANFARE_BASE_SUBPROCESS_H_
