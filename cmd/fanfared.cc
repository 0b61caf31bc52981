// fanfared: the Fanfare coordinator. See docs/operations.md; `fanfared --help` lists flags.
#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/synchronization/mutex.h"
#include "base/command_line.h"
#include "base/huge_pages.h"
#include "base/signals.h"
#include "cmd/observability_flags.h"
#include "engine/service/fanfared.h"
#include "workers/devmode/dev_stack.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:7600",
          "host:port to serve gRPC on; port 0 picks a free port. Loopback by default");
ABSL_FLAG(std::string, data_dir, ".fanfare/data", "directory of the RocksDB state");
ABSL_FLAG(absl::Duration, lease_ttl, absl::Seconds(30),
          "how long a worker may go without reporting or heartbeating an attempt");
ABSL_FLAG(absl::Duration, fence_margin, absl::Seconds(30),
          "how long after a lost attempt's lease deadline (or a worker's 'outcome unknown') "
          "its next attempt may start: covers clock-rate drift and a write the network had "
          "already received (docs/architecture.md, Fencing)");
ABSL_FLAG(int, block_cache_mb, 64, "RocksDB block cache, in MiB");
ABSL_FLAG(int, write_buffer_mb, 64, "RocksDB memtable memory across column families, in MiB");
ABSL_FLAG(std::string, quotas, "",
          "YAML file of network API limits and account spend caps (docs/operations.md); "
          "default: each network's documented limits");
ABSL_FLAG(bool, rate_limits, true, "enforce the networks' API limits per account");
ABSL_FLAG(bool, dev, false,
          "embed the network sandbox and a worker for every network: a whole campaign runs "
          "in this one process, offline");
ABSL_FLAG(std::vector<std::string>, dev_audience, {},
          "with --dev: network/account (x or youtube) whose sandbox account gets a seeded "
          "audience commenting for 14 days (docs/community.md); repeat or comma-separate");
ABSL_FLAG(std::string, auth, "tokens",
          "`tokens`: every call must carry an API token (the first start writes an admin's "
          "to DATA_DIR/admin.token); `off`: anyone who can connect may do everything — "
          "loopback only, and the default with --dev (docs/security.md)");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain to serve TLS with (with --tls-key)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls-cert");
ABSL_FLAG(std::string, client_ca, "",
          "PEM bundle of CAs: every client must present a certificate one of them signed (mTLS)");
ABSL_FLAG(std::string, worker_trust_domain, "fanfare",
          "with --client-ca: a certificate whose URI SAN is spiffe://THIS/ns/NS/worker/NAME is "
          "worker NAME of namespace NS, with no token (empty: certificates identify nobody)");
ABSL_FLAG(absl::Duration, tls_refresh, absl::Minutes(1),
          "how often the TLS files are read again: swapped certificates are served without a "
          "restart");
ABSL_FLAG(std::string, jwt_issuer, "",
          "accept JWTs (RS256/ES256) whose iss is this, beside API tokens (with --jwt-audience "
          "and --jwks-file; docs/security.md)");
ABSL_FLAG(std::string, jwt_audience, "", "the aud accepted JWTs must hold");
ABSL_FLAG(std::string, jwks_file, "", "the identity provider's JSON Web Key Set (a file)");
ABSL_FLAG(std::string, master_key_file, "",
          "file (mode 0600) holding the 256-bit key that seals network accounts' secrets, as "
          "64 hex digits (`openssl rand -hex 32`); default: $FANFARE_MASTER_KEY");
ABSL_FLAG(std::string, previous_master_key_file, "",
          "rotation: accounts sealed with this key are re-wrapped with --master_key_file at "
          "start-up");
ABSL_FLAG(std::vector<std::string>, api_base, {},
          "network=URL: where held accounts' access tokens are renewed, as fanfare-worker's "
          "--api-base (x=http://127.0.0.1:7700/x for the sandbox); repeat or comma-separate");
ABSL_FLAG(std::string, backup_dir, "",
          "make backups into this directory every --backup-every (docs/operations.md, "
          "Backups); default: none");
ABSL_FLAG(absl::Duration, backup_every, absl::Hours(1), "how often a scheduled backup is made");
ABSL_FLAG(int, backup_keep, 24, "scheduled backups kept in --backup-dir, the newest");
ABSL_FLAG(std::string, restore_from, "",
          "before starting, restore the newest backup in this directory into --data-dir, "
          "which must be new or empty");
ABSL_FLAG(bool, insecure, false, "allow --listen beyond loopback without TLS (plaintext)");
ABSL_FLAG(bool, rehearse, false,
          "virtual time that jumps to the next due timer whenever nothing is running (with "
          "--dev, weeks of campaign play out in seconds)");

namespace {

// --dev: the sandbox and the workers, on the coordinator's clock.
class DevCompanion final : public fanfare::Companion {
 public:
  DevCompanion(const fanfare::Clock* clock, fanfare::ManualClock* manual,
               bool workers_hold_credentials, std::vector<std::string> audiences)
      : stack_({.clock = clock,
                .manual_clock = manual,
                .workers_hold_credentials = workers_hold_credentials,
                .audiences = std::move(audiences)}) {}
  // Starts the sandbox and says where (its /_sandbox control API is for tests and demos).
  absl::Status Prepare() override {
    if (absl::Status started = stack_.StartSandbox(); !started.ok()) return started;
    std::printf("fanfared: sandbox on %s\n", stack_.sandbox().BaseUrl().c_str());
    std::fflush(stdout);
    return absl::OkStatus();
  }
  absl::Status Start(const std::string& address) override { return stack_.Start(address); }
  void Stop() override { stack_.Stop(); }
  std::map<std::string, std::string> AuthBases() const override { return stack_.AuthBases(); }

 private:
  fanfare::devmode::DevStack stack_;
};

}  // namespace

int main(int argc, char** argv) {
  fanfare::UseHugePagesForMalloc(argv);  // may re-execute this program, once
  fanfare::BlockShutdownSignals();
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles (a debug-build
  // default), recording a stack trace each time; tests keep it, production binaries don't.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  fanfare::ParseFlags(
      argc, argv,
      "the Fanfare coordinator: runs campaigns durably and dispatches their steps to workers.\n"
      "usage: fanfared [--listen 127.0.0.1:7600] [--data-dir DIR] [--dev [--rehearse]]",
      /*repeatable=*/{"api_base", "dev_audience"});
  if (absl::Status logging = fanfare::ConfigureLoggingFromFlags(); !logging.ok()) {
    std::fprintf(stderr, "fanfared: %s\n", std::string(logging.message()).c_str());
    return 2;
  }
  fanfare::FanfaredOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.lease_ttl = absl::GetFlag(FLAGS_lease_ttl);
  options.fence_margin = absl::GetFlag(FLAGS_fence_margin);
  options.block_cache_mb = absl::GetFlag(FLAGS_block_cache_mb);
  options.write_buffer_mb = absl::GetFlag(FLAGS_write_buffer_mb);
  options.rehearse = absl::GetFlag(FLAGS_rehearse);
  options.quotas_file = absl::GetFlag(FLAGS_quotas);
  options.rate_limits = absl::GetFlag(FLAGS_rate_limits);
  const std::string auth = absl::GetFlag(FLAGS_auth);
  if (auth != "tokens" && auth != "off") {
    std::fprintf(stderr, "fanfared: --auth must be `tokens` or `off`, not `%s`\n", auth.c_str());
    return 2;
  }
  options.insecure = absl::GetFlag(FLAGS_insecure);
  options.tls.cert_path = absl::GetFlag(FLAGS_tls_cert);
  options.tls.key_path = absl::GetFlag(FLAGS_tls_key);
  options.tls.client_ca_path = absl::GetFlag(FLAGS_client_ca);
  options.tls.refresh = absl::GetFlag(FLAGS_tls_refresh);
  options.worker_trust_domain = absl::GetFlag(FLAGS_worker_trust_domain);
  options.master_key_file = absl::GetFlag(FLAGS_master_key_file);
  options.previous_master_key_file = absl::GetFlag(FLAGS_previous_master_key_file);
  options.api_bases = absl::GetFlag(FLAGS_api_base);
  options.metrics_listen = fanfare::MetricsListenFlag();
  options.backups = {.dir = absl::GetFlag(FLAGS_backup_dir),
                     .every = absl::GetFlag(FLAGS_backup_every),
                     .keep = absl::GetFlag(FLAGS_backup_keep)};
  options.restore_from = absl::GetFlag(FLAGS_restore_from);
  options.jwt.issuer = absl::GetFlag(FLAGS_jwt_issuer);
  options.jwt.audience = absl::GetFlag(FLAGS_jwt_audience);
  options.jwt.jwks_path = absl::GetFlag(FLAGS_jwks_file);
  // --dev stays zero-configuration: its own workers connect with no token.
  options.authenticate = auth == "tokens" && !absl::GetFlag(FLAGS_dev);
  if (absl::GetFlag(FLAGS_dev)) {
    // With a master key the coordinator holds the accounts (`fanfare accounts import`) and
    // the dev workers hold none; without one they hold the sandbox accounts themselves.
    const bool coordinator_holds_accounts =
        !options.master_key_file.empty() || std::getenv("FANFARE_MASTER_KEY") != nullptr;
    options.companion = [coordinator_holds_accounts,
                         audiences = absl::GetFlag(FLAGS_dev_audience)](
                            const fanfare::Clock* clock, fanfare::ManualClock* manual) {
      return std::make_unique<DevCompanion>(clock, manual, !coordinator_holds_accounts,
                                            audiences);
    };
  } else if (!absl::GetFlag(FLAGS_dev_audience).empty()) {
    std::fprintf(stderr, "fanfared: --dev_audience needs --dev\n");
    return 2;
  }
  if (absl::Status status = fanfare::RunFanfared(options); !status.ok()) {
    std::fprintf(stderr, "fanfared: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
