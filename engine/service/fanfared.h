// fanfared: the coordinator process, assembled from its parts. main() parses flags into
// FanfaredOptions and calls RunFanfared().
#ifndef FANFARE_ENGINE_SERVICE_FANFARED_H_
#define FANFARE_ENGINE_SERVICE_FANFARED_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace fanfare {

struct FanfaredOptions {
  // host:port; loopback unless the operator says otherwise.
  std::string listen = "127.0.0.1:7600";
  std::string data_dir = ".fanfare/data";
  absl::Duration lease_ttl = absl::Seconds(30);
  size_t block_cache_mb = 64;
  size_t write_buffer_mb = 64;
};

// Opens the store, recovers, serves until SIGINT or SIGTERM, then shuts down gracefully.
// REQUIRES: BlockShutdownSignals() (engine/base/signals.h) ran first thing in main.
absl::Status RunFanfared(const FanfaredOptions& options);

}  // namespace fanfare

#endif  // FANFARE_ENGINE_SERVICE_FANFARED_H_
