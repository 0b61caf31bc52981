#include "engine/service/fanfared.h"

#include <signal.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/signals.h"
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
  if (options.lease_ttl <= absl::ZeroDuration() || options.fence_margin < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--lease_ttl must be longer than zero and --fence_margin at least zero");
  }
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", options.data_dir, ": ", error.message()));
  }
  std::unique_ptr<ManualClock> virtual_clock;
  const Clock* clock = &Clock::System();
  if (options.rehearse) {
    virtual_clock = std::make_unique<ManualClock>(absl::Now());
    clock = virtual_clock.get();
  }
  coordinator::CoordinatorOptions coordinator_options;
  coordinator_options.data_dir = options.data_dir;
  coordinator_options.clock = clock;
  coordinator_options.rehearsal_clock = virtual_clock.get();
  coordinator_options.engine.scheduler.lease_ttl = options.lease_ttl;
  coordinator_options.engine.scheduler.fence_margin = options.fence_margin;
  if (!options.quotas_file.empty()) {
    absl::StatusOr<dispatch::QuotaConfig> quotas = dispatch::QuotaConfig::Load(options.quotas_file);
    if (!quotas.ok()) return quotas.status();
    coordinator_options.engine.quotas = *std::move(quotas);
  }
  if (!options.rate_limits) coordinator_options.engine.quotas.networks.clear();
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
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  std::unique_ptr<Companion> companion;
  if (options.companion) {
    companion = options.companion(clock, virtual_clock.get());
    if (absl::Status status = companion->Start(address); !status.ok()) return status;
  }
  std::printf("fanfared listening on %s (port %d), data in %s%s%s\n", options.listen.c_str(),
              (*server)->port(), options.data_dir.c_str(), companion ? ", dev mode" : "",
              options.rehearse ? ", rehearsal (virtual time)" : "");
  std::fflush(stdout);
  const int signal = WaitForShutdownSignal();
  std::printf("fanfared: %s received, shutting down\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
  if (companion != nullptr) companion->Stop();
  (*server)->Shutdown();
  server->reset();
  coordinator->reset();
  return absl::OkStatus();
}

}  // namespace fanfare
