// What the benchmarks share: a real fanfared started as a child process on loopback, with a
// client connected and the reference campaign applied, and the bench worker beside it.
//
// Not thread-safe, except the Client, which may be shared by threads (sdk/client/client.h).
#ifndef FANFARE_BENCH_BENCH_COORDINATOR_H_
#define FANFARE_BENCH_BENCH_COORDINATOR_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/subprocess.h"
#include "sdk/client/client.h"

namespace fanfare::bench {

struct BenchCoordinator {
  std::unique_ptr<Subprocess> process;
  std::unique_ptr<Client> client;
  std::string address;
  // From starting the process to its "listening" line: recovery included.
  absl::Duration startup;
  // The cluster admin's API token every call carries; empty with authentication off.
  std::string token;
  // With TLS: the certificate fanfared serves, which clients trust (a PEM file).
  std::string tls_ca_path;
  // With metrics served: where, "127.0.0.1:PORT".
  std::string metrics_address;
};

// The directory this program's binary is in (the other bench binaries and fanfared are there).
std::string BinDir();
// A fresh directory under /tmp, for the caller to remove.
std::string FreshDir();

// Starts fanfared on loopback with its data in `dir`/data, waits until it listens, connects
// and applies the reference campaign. With `rate_limits`, every network the campaign uses
// has limits far above what the benchmark reaches. With `authenticate`, fanfared requires API
// tokens (its default) and the client and workers call with the admin token it wrote. With
// `tls`, it serves TLS with a certificate made for 127.0.0.1 in `dir` (by the `openssl`
// command), which the client and workers trust. With `serve_metrics`, it serves Prometheus
// metrics on a free loopback port (metrics_address).
absl::StatusOr<BenchCoordinator> StartCoordinator(const std::string& dir, bool rate_limits,
                                                  bool authenticate = true, bool tls = false,
                                                  bool serve_metrics = false);

// Starts fanfare-bench-worker with `concurrency` tasks in flight, to exit after `expect` runs
// have ended; returns once its session is open.
absl::StatusOr<std::unique_ptr<Subprocess>> StartWorker(const BenchCoordinator& c,
                                                        int concurrency, int expect);

// Starts one run of the reference campaign.
absl::Status StartRun(Client& client, const std::string& run_id);

// How many runs have `status`.
absl::StatusOr<int> CountRuns(Client& client, v1::RunStatus status);

// Prints "bench: <what>: <message>" to stderr; returns 1, the benchmark's exit code.
int Fail(absl::string_view what, const absl::Status& status);

}  // namespace fanfare::bench

#endif  // FANFARE_BENCH_BENCH_COORDINATOR_H_
