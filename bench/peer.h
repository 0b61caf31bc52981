// Runs a peer benchmark from ../shared/peers (BullMQ on Redis, DBOS on PostgreSQL) on the
// same machine, in the same invocation, for the ratio Fanfare's throughput is quoted by.
#ifndef FANFARE_BENCH_PEER_H_
#define FANFARE_BENCH_PEER_H_

#include <string>

#include "absl/status/statusor.h"

namespace fanfare::bench {

struct PeerResult {
  double steps_per_s = 0;
  // The peer's own JSON line.
  std::string detail;
};

// Copies the peer's folder to a temporary directory (shared/ is read-only), installs its npm
// dependencies there, and runs `run.sh RUNS 64` (BullMQ with appendfsync always; DBOS with
// its defaults). The peer folder is found at $FANFARE_PEERS_DIR, else ../shared/peers from
// the repository. Needs node/npm and redis-server (bullmq) or postgresql (dbos).
absl::StatusOr<PeerResult> RunPeer(const std::string& peer, int runs);

}  // namespace fanfare::bench

#endif  // FANFARE_BENCH_PEER_H_
