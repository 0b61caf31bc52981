#include "engine/service/fanfared.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "auth/api_token.h"
#include "base/loopback.h"
#include "base/secret_file.h"
#include "base/signals.h"
#include "base/version.h"
#include "accounts/sealed_secret.h"
#include "engine/coordinator/coordinator.h"
#include "engine/service/admin_token.h"
#include "engine/renewal/http_token_renewer.h"
#include "engine/webhooks/http_webhook_sender.h"
#include "engine/service/server.h"
#include "engine/store/rocks_store.h"
#include "metrics/metrics_server.h"
#include "metrics/process_collector.h"
#include "workers/common/adapter.h"

namespace fanfare {
namespace {

// How long a scrape waits for the engine thread's state series.
constexpr absl::Duration kEngineMetricsTimeout = absl::Seconds(5);

// The master key that seals network accounts' secrets: from `path` if given, else from the
// variable FANFARE_MASTER_KEY, else none (adding accounts is then refused).
absl::StatusOr<std::shared_ptr<const accounts::MasterKey>> LoadMasterKey(
    const std::string& path) {
  absl::StatusOr<accounts::MasterKey> key = absl::NotFoundError("no master key");
  if (!path.empty()) {
    key = accounts::MasterKey::FromFile(path);
  } else if (const char* text = std::getenv("FANFARE_MASTER_KEY"); text != nullptr) {
    key = accounts::MasterKey::FromText(text, "FANFARE_MASTER_KEY");
  } else {
    return nullptr;
  }
  if (!key.ok()) return key.status();
  return std::make_shared<const accounts::MasterKey>(*std::move(key));
}

absl::Status CheckExposure(const FanfaredOptions& options) {
  if (IsLoopbackAddress(options.listen)) return absl::OkStatus();
  if (!options.tls.enabled() && !options.insecure) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to listen on ", options.listen,
        ", beyond loopback, in plaintext: give --tls-cert and --tls-key, or --insecure to do "
        "it anyway (docs/security.md)"));
  }
  if (!options.authenticate) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to listen on ", options.listen,
        " with authentication off: that is for loopback only (drop --dev / --auth=off)"));
  }
  return absl::OkStatus();
}

// The first start with authentication on: a cluster admin's token, written where only this
// user can read it, before the store knows it (so that a failed write costs a restart, not a
// token nobody holds).
absl::Status BootstrapAdminToken(coordinator::Coordinator& coordinator,
                                 const std::string& data_dir) {
  if (coordinator.tokens().size() > 0) return absl::OkStatus();
  absl::StatusOr<auth::ApiToken> token = auth::MintApiToken();
  if (!token.ok()) return token.status();
  const std::string path = (std::filesystem::path(data_dir) / "admin.token").string();
  if (absl::Status status = WriteSecretFile(path, token->Text() + "\n"); !status.ok()) {
    return status;
  }
  if (absl::Status status = service::AddClusterAdminToken(coordinator, *token, "bootstrap-admin");
      !status.ok()) {
    return status;
  }
  std::printf(
      "fanfared: first start: a cluster admin's API token is in %s (readable by you alone).\n"
      "  Use it with `export FANFARE_TOKEN=$(cat %s)`; make narrower ones with "
      "`fanfare admin tokens create`.\n",
      path.c_str(), path.c_str());
  return absl::OkStatus();
}

// Renews held accounts' tokens at the networks `api_bases` name, then those `companion`
// serves, then production hosts.
absl::StatusOr<decltype(coordinator::CoordinatorOptions::token_renewer)> HttpRenewerFactory(
    const std::vector<std::string>& api_bases, const Companion* companion) {
  workers::AdapterOptions endpoints;
  for (const std::string& flag : api_bases) {
    if (absl::Status status = workers::ParseApiBaseFlag(flag, endpoints); !status.ok()) {
      return status;
    }
  }
  renewal::HttpTokenRenewerOptions renewer_options;
  if (companion != nullptr) renewer_options.auth_bases = companion->AuthBases();
  for (const auto& [network, at] : endpoints.endpoints) {
    renewer_options.auth_bases[network] = at.auth;
  }
  return [renewer_options](std::function<void(coordinator::RenewalAnswer)> answered) {
    return std::unique_ptr<coordinator::TokenRenewer>(
        std::make_unique<renewal::HttpTokenRenewer>(renewer_options, std::move(answered)));
  };
}

// The process's series and the coordinator's state, served at `listen` (nothing if empty).
absl::StatusOr<std::unique_ptr<metrics::MetricsServer>> ServeMetrics(
    const std::string& listen, bool insecure, metrics::Registry& registry,
    coordinator::Coordinator& coordinator) {
  if (listen.empty()) return nullptr;
  // A bare port is loopback; a host beyond it must be asked for: the page names namespaces,
  // campaigns, accounts and spend.
  if (listen.find(':') != std::string::npos && !IsLoopbackAddress(listen) && !insecure) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to serve metrics on ", listen,
        ", beyond loopback, in plaintext without authentication: give --insecure to do it "
        "anyway (docs/operations.md, Metrics)"));
  }
  metrics::AddProcessCollector(registry);
  registry.AddGauge("fanfare_build_info", "1, labelled with the version of this fanfared.",
                    {"version"})
      .With({std::string(Version())})
      .Set(1);
  registry.AddCollector([&coordinator](std::vector<metrics::MetricFamily>& out) {
    coordinator.CollectMetrics(out, kEngineMetricsTimeout);
  });
  absl::StatusOr<std::unique_ptr<metrics::MetricsServer>> server =
      metrics::MetricsServer::Start(listen, &registry);
  if (!server.ok()) return server.status();
  std::printf("fanfared: metrics on http://%s/metrics\n", (*server)->address().c_str());
  return server;
}

}  // namespace

absl::Status RunFanfared(const FanfaredOptions& options) {
  if (options.lease_ttl <= absl::ZeroDuration() || options.fence_margin < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--lease_ttl must be longer than zero and --fence_margin at least zero");
  }
  if (!options.backups.dir.empty() &&
      (options.backups.every <= absl::ZeroDuration() || options.backups.keep < 0)) {
    return absl::InvalidArgumentError(
        "--backup-every must be longer than zero and --backup-keep at least 0 (0 keeps all)");
  }
  if (absl::Status status = CheckExposure(options); !status.ok()) return status;
  if (!options.tls.client_ca_path.empty() && !options.tls.enabled()) {
    return absl::InvalidArgumentError("--client-ca needs --tls-cert and --tls-key");
  }
  if (options.companion && options.tls.enabled()) {
    return absl::InvalidArgumentError(
        "--dev serves its own workers in plaintext on loopback; drop the --tls flags");
  }
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", options.data_dir, ": ", error.message()));
  }
  if (!options.restore_from.empty()) {
    absl::StatusOr<uint32_t> restored =
        store::RocksStore::RestoreLatestBackup(options.restore_from, options.data_dir);
    if (!restored.ok()) return restored.status();
    std::printf("fanfared: restored backup %u of %s into %s\n", *restored,
                options.restore_from.c_str(), options.data_dir.c_str());
  }
  service::BackupSchedule schedule = options.backups;
  if (!schedule.dir.empty()) {
    schedule.dir = std::filesystem::absolute(schedule.dir).string();
    if (absl::Status status = service::CheckBackupDir(schedule.dir, options.data_dir);
        !status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--backup-dir: ", status.message()));
    }
  }
  const absl::Time started_at = Clock::System().Now();
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
  absl::StatusOr<std::shared_ptr<const accounts::MasterKey>> master_key =
      LoadMasterKey(options.master_key_file);
  if (!master_key.ok()) return master_key.status();
  coordinator_options.engine.master_key = *std::move(master_key);
  if (!options.previous_master_key_file.empty()) {
    if (coordinator_options.engine.master_key == nullptr) {
      return absl::InvalidArgumentError(
          "--previous_master_key_file needs the new key: --master_key_file or FANFARE_MASTER_KEY");
    }
    absl::StatusOr<accounts::MasterKey> previous =
        accounts::MasterKey::FromFile(options.previous_master_key_file);
    if (!previous.ok()) return previous.status();
    coordinator_options.engine.previous_master_key =
        std::make_shared<const accounts::MasterKey>(*std::move(previous));
  }
  // The companion's sandbox runs before the coordinator opens, so that a renewal due at
  // start-up already goes to it.
  std::unique_ptr<Companion> companion;
  if (options.companion) {
    companion = options.companion(clock, virtual_clock.get());
    if (absl::Status status = companion->Prepare(); !status.ok()) return status;
  }
  absl::StatusOr<decltype(coordinator_options.token_renewer)> renewer_factory =
      HttpRenewerFactory(options.api_bases, companion.get());
  if (!renewer_factory.ok()) return renewer_factory.status();
  coordinator_options.token_renewer = *std::move(renewer_factory);
  // Signatures carry the real time, even in a rehearsal: receivers check it against theirs;
  // and tries are paced and expired by it.
  coordinator_options.engine.webhook_clock = &Clock::System();
  coordinator_options.webhook_sender =
      [](std::function<void(coordinator::WebhookAnswer)> answered) {
        return std::unique_ptr<coordinator::WebhookSender>(
            std::make_unique<webhooks::HttpWebhookSender>(webhooks::HttpWebhookSenderOptions{},
                                                          std::move(answered)));
      };
  // Outlives the coordinator (whose series it holds) and the server that serves it.
  metrics::Registry registry;
  coordinator_options.engine.metrics = &registry;
  coordinator_options.block_cache_bytes = options.block_cache_mb << 20;
  coordinator_options.write_buffer_bytes = options.write_buffer_mb << 20;
  absl::StatusOr<std::unique_ptr<coordinator::Coordinator>> coordinator =
      coordinator::Coordinator::Open(std::move(coordinator_options));
  if (!coordinator.ok()) return coordinator.status();
  if (options.authenticate) {
    if (absl::Status status = BootstrapAdminToken(**coordinator, options.data_dir); !status.ok()) {
      return status;
    }
  }
  auto backups = std::make_unique<service::Backups>(&(*coordinator)->store(), schedule,
                                                    &Clock::System(), &registry);
  absl::StatusOr<std::unique_ptr<metrics::MetricsServer>> metrics_server =
      ServeMetrics(options.metrics_listen, options.insecure, registry, **coordinator);
  if (!metrics_server.ok()) return metrics_server.status();
  std::unique_ptr<auth::JwtVerifier> jwt;
  if (!options.jwt.jwks_path.empty() || !options.jwt.issuer.empty() ||
      !options.jwt.audience.empty()) {
    absl::StatusOr<std::unique_ptr<auth::JwtVerifier>> loaded =
        auth::JwtVerifier::Load(options.jwt);
    if (!loaded.ok()) return loaded.status();
    jwt = *std::move(loaded);
  }
  absl::StatusOr<std::unique_ptr<service::Server>> server = service::Server::Start(
      coordinator->get(), options.listen,
      {.authenticate = options.authenticate,
       .tls = options.tls,
       .jwt = jwt.get(),
       .worker_trust_domain = options.worker_trust_domain,
       .facts = {.data_dir = options.data_dir,
                 .clock = &Clock::System(),
                 .started_at = started_at},
       .backups = backups.get()});
  if (!server.ok()) return server.status();
  if (!IsLoopbackAddress(options.listen) && !options.tls.enabled()) {
    std::fprintf(stderr, "fanfared: warning: listening on %s, beyond loopback, without TLS\n",
                 options.listen.c_str());
  }
  if (!options.authenticate) {
    std::printf("fanfared: authentication is OFF: every caller may do everything (loopback "
                "only)\n");
  }
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  if (companion != nullptr) {
    if (absl::Status status = companion->Start(address); !status.ok()) return status;
  }
  const char* transport = !options.tls.enabled()              ? ""
                          : options.tls.client_ca_path.empty() ? ", TLS"
                                                               : ", TLS with client certificates";
  std::printf("fanfared listening on %s (port %d), data in %s%s%s%s\n", options.listen.c_str(),
              (*server)->port(), options.data_dir.c_str(), transport,
              companion ? ", dev mode" : "", options.rehearse ? ", rehearsal (virtual time)" : "");
  std::fflush(stdout);
  const int signal = WaitForShutdownSignal();
  std::printf("fanfared: %s received, shutting down\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
  if (companion != nullptr) companion->Stop();
  backups->Stop();  // answers the backups still queued, so that Shutdown need not wait for them
  (*server)->Shutdown();
  server->reset();
  metrics_server->reset();  // its scrapes read the coordinator
  backups.reset();
  coordinator->reset();
  return absl::OkStatus();
}

}  // namespace fanfare
