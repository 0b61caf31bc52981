// fanfared: the coordinator process, assembled from its parts. main() parses flags into
// FanfaredOptions and calls RunFanfared().
#ifndef FANFARE_ENGINE_SERVICE_FANFARED_H_
#define FANFARE_ENGINE_SERVICE_FANFARED_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "auth/jwt_verifier.h"
#include "base/clock.h"
#include "engine/service/backups.h"
#include "engine/service/server_tls.h"

namespace fanfare {

// Something that runs beside the coordinator in the same process, started once the server
// listens and stopped before it shuts down: `--dev` mode's sandbox and workers.
class Companion {
 public:
  virtual ~Companion() = default;
  // Before the coordinator opens: starts what needs no coordinator (the sandbox).
  virtual absl::Status Prepare() { return absl::OkStatus(); }
  // `address` is where the coordinator listens.
  virtual absl::Status Start(const std::string& address) = 0;
  virtual void Stop() = 0;
  // Once prepared: network → the base of its OAuth token endpoint, for networks the
  // companion serves (the sandbox's).
  virtual std::map<std::string, std::string> AuthBases() const { return {}; }
};

struct FanfaredOptions {
  // host:port; loopback unless the operator says otherwise.
  std::string listen = "127.0.0.1:7600";
  std::string data_dir = ".fanfare/data";
  absl::Duration lease_ttl = absl::Seconds(30);
  // See SchedulerOptions::fence_margin.
  absl::Duration fence_margin = absl::Seconds(30);
  size_t block_cache_mb = 64;
  size_t write_buffer_mb = 64;
  // The networks' limits and account caps (docs/operations.md); empty: the built-in
  // defaults. `rate_limits` false turns every network limit off.
  std::string quotas_file;
  bool rate_limits = true;
  // Every call must carry an API token (docs/security.md). The first start with it on writes
  // a cluster admin's token to <data_dir>/admin.token. Off: everything is allowed, which is
  // refused beyond loopback.
  bool authenticate = true;
  // JWTs from the company's identity provider, accepted beside API tokens when all three of
  // issuer, audience and JWKS file are set.
  auth::JwtOptions jwt;
  // TLS, with client certificates if tls.client_ca_path is set; without it, plaintext.
  service::ServerTlsOptions tls;
  // With client certificates: the SPIFFE trust domain of worker certificates
  // (service::ServerOptions::worker_trust_domain); empty: certificates identify nobody.
  std::string worker_trust_domain = "fanfare";
  // The master key file (0600) that seals network accounts' secrets; empty: the variable
  // FANFARE_MASTER_KEY, else none (then accounts cannot be added).
  std::string master_key_file;
  // Rotation: accounts sealed with this key are re-wrapped with the master key at start-up.
  std::string previous_master_key_file;
  // `--api_base` values as fanfare-worker takes them ("x=URL", "x.auth=URL"): where held
  // accounts' tokens are renewed. Unset networks use their production hosts.
  std::vector<std::string> api_bases;
  // Scheduled backups (docs/operations.md, Backups): into `backups.dir` every
  // `backups.every`, keeping `backups.keep`; empty dir: none.
  service::BackupSchedule backups;
  // Before opening: restore the newest backup in this directory into data_dir, which must be
  // new or empty.
  std::string restore_from;
  // Where Prometheus scrapes /metrics: HOST:PORT, or a bare PORT on loopback; empty: no
  // metrics served.
  std::string metrics_listen;
  // Serve beyond loopback in plaintext. Without it (or TLS) fanfared listens on loopback only.
  bool insecure = false;
  // Rehearsal: time is virtual, starts now, and jumps to the next due timer whenever
  // nothing is running.
  bool rehearse = false;
  // Builds the companion, given the clock everything in the process reads; null for none.
  std::function<std::unique_ptr<Companion>(const Clock* clock, ManualClock* manual)> companion;
};

// Opens the store, recovers, serves until SIGINT or SIGTERM, then shuts down gracefully.
// REQUIRES: BlockShutdownSignals() (base/signals.h) ran first thing in main.
absl::Status RunFanfared(const FanfaredOptions& options);

}  // namespace fanfare

#endif  // FANFARE_ENGINE_SERVICE_FANFARED_H_
