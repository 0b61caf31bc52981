#include "tests/crash/processes.h"

#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/test_paths.h"

namespace fanfare::crash {
namespace {

constexpr absl::Duration kReadyTimeout = absl::Seconds(30);
constexpr absl::Duration kReapTimeout = absl::Seconds(10);

absl::Status KillAndReap(std::unique_ptr<Subprocess>& process) {
  if (process == nullptr) return absl::FailedPreconditionError("not running");
  process->Signal(SIGKILL);
  absl::StatusOr<int> code = process->Wait(kReapTimeout);
  process.reset();
  return code.ok() ? absl::OkStatus() : code.status();
}

// The last kilobyte of the file at `path`.
std::string TailOf(const std::string& path) {
  std::ifstream file(path);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return text.size() > 1024 ? text.substr(text.size() - 1024) : text;
}

}  // namespace

std::string BinDir() { return ::fanfare::testing::BinDir(); }

absl::StatusOr<std::unique_ptr<Subprocess>> StartLogged(const std::vector<std::string>& argv,
                                                        const std::string& log_path,
                                                        const std::string& ready,
                                                        absl::Duration timeout,
                                                        std::string* ready_line) {
  // The shell execs the binary in its own place: the pid (and so a SIGKILL) is the binary's.
  std::vector<std::string> shell = {"/bin/sh", "-c", "log=$1; shift; exec \"$@\" 2>>\"$log\"",
                                    "sh", log_path};
  shell.insert(shell.end(), argv.begin(), argv.end());
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start(shell);
  if (!process.ok()) return process.status();
  absl::StatusOr<std::string> line = (*process)->WaitForLine(ready, timeout);
  if (!line.ok()) {
    return absl::Status(line.status().code(),
                        absl::StrCat(argv[0], " never said '", ready, "': ",
                                     line.status().message(), "; its stderr ends:\n",
                                     TailOf(log_path)));
  }
  if (ready_line != nullptr) *ready_line = *line;
  return process;
}

absl::Status SandboxProcess::Start(const std::string& log_path, uint64_t seed) {
  std::string line;
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      StartLogged({BinDir() + "/fanfare-sandbox", "--listen", "127.0.0.1:0", "--seed",
                   absl::StrCat(seed)},
                  log_path, "listening on", kReadyTimeout, &line);
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  // "fanfare-sandbox listening on http://127.0.0.1:PORT (seed N)"
  const size_t start = line.find("http://");
  base_ = line.substr(start, line.find(' ', start) - start);
  return absl::OkStatus();
}

std::string SandboxProcess::NetworkBase(const std::string& network) const {
  return absl::StrCat(base_, "/", network);
}

absl::StatusOr<Json> SandboxProcess::Get(const std::string& path) {
  workers::HttpRequest request;
  request.url = base_ + path;
  request.idempotent = true;
  return Send(std::move(request));
}

absl::StatusOr<Json> SandboxProcess::Post(const std::string& path, const Json& body) {
  workers::HttpRequest request;
  request.method = "POST";
  request.url = base_ + path;
  request.body = body.dump();
  request.headers.emplace_back("Content-Type", "application/json");
  return Send(std::move(request));
}

absl::StatusOr<Json> SandboxProcess::Send(workers::HttpRequest request) {
  request.timeout = absl::Seconds(30);
  absl::StatusOr<workers::HttpResponse> response = http_.Send(request);
  if (!response.ok()) return response.status();
  if (!response->ok()) {
    return absl::InternalError(absl::StrCat("sandbox ", request.method, " ", request.url,
                                            ": HTTP ", response->status, ": ", response->body));
  }
  Json parsed = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return absl::InternalError(absl::StrCat("sandbox ", request.url, ": not JSON"));
  }
  return parsed;
}

absl::Status CoordinatorProcess::Start() {
  if (process_ != nullptr) return absl::FailedPreconditionError("fanfared is running");
  std::vector<std::string> argv = {BinDir() + "/fanfared",
                                   absl::StrCat("--listen=127.0.0.1:", port_),
                                   "--data_dir=" + data_dir_,
                                   // What these tests break is durability, not access.
                                   "--auth=off"};
  argv.insert(argv.end(), flags_.begin(), flags_.end());
  std::string line;
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      StartLogged(argv, log_path_, "listening", kReadyTimeout, &line);
  // A client reconnecting to the dead port may hold it for a moment (a TCP self-connect):
  // try the same port again rather than give up.
  for (int retry = 0; !process.ok() && port_ != 0 && retry < 3; ++retry) {
    absl::SleepFor(absl::Milliseconds(500));
    process = StartLogged(argv, log_path_, "listening", kReadyTimeout, &line);
  }
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  // "fanfared listening on 127.0.0.1:0 (port 41234), data in …"
  const size_t at = line.find("(port ");
  if (at == std::string::npos ||
      !absl::SimpleAtoi(line.substr(at + 6, line.find(')', at) - at - 6), &port_)) {
    return absl::InternalError(absl::StrCat("fanfared said no port: ", line));
  }
  return absl::OkStatus();
}

absl::Status CoordinatorProcess::Kill() { return KillAndReap(process_); }

std::string CoordinatorProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status WorkerProcess::Start() {
  if (process_ != nullptr) return absl::FailedPreconditionError("the worker is running");
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      StartLogged(argv_, log_path_, "serving", kReadyTimeout, nullptr);
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  return absl::OkStatus();
}

absl::Status WorkerProcess::Kill() { return KillAndReap(process_); }

}  // namespace fanfare::crash
