#include "engine/service/fanfared.h"

#include <signal.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/signals.h"
#include "engine/coordinator/coordinator.h"
#include "engine/service/server.h"

namespace fanfare {
namespace {

bool IsLoopback(const std::string& address) {
  return absl::StartsWith(address, "127.") || absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "[::1]:");
}

}  // namespace

absl::Status RunFanfared(const FanfaredOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", options.data_dir, ": ", error.message()));
  }
  coordinator::CoordinatorOptions coordinator_options;
  coordinator_options.data_dir = options.data_dir;
  coordinator_options.engine.scheduler.lease_ttl = options.lease_ttl;
  coordinator_options.block_cache_bytes = options.block_cache_mb << 20;
  coordinator_options.write_buffer_bytes = options.write_buffer_mb << 20;
  absl::StatusOr<std::unique_ptr<coordinator::Coordinator>> coordinator =
      coordinator::Coordinator::Open(std::move(coordinator_options));
  if (!coordinator.ok()) return coordinator.status();
  absl::StatusOr<std::unique_ptr<service::Server>> server =
      service::Server::Start(coordinator->get(), options.listen);
  if (!server.ok()) return server.status();
  if (!IsLoopback(options.listen)) {
    std::fprintf(stderr, "fanfared: warning: listening on %s, beyond loopback, without TLS\n",
                 options.listen.c_str());
  }
  std::printf("fanfared listening on %s (port %d), data in %s\n", options.listen.c_str(),
              (*server)->port(), options.data_dir.c_str());
  std::fflush(stdout);
  const int signal = WaitForShutdownSignal();
  std::printf("fanfared: %s received, shutting down\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->Shutdown();
  server->reset();
  coordinator->reset();
  return absl::OkStatus();
}

}  // namespace fanfare
