// fanfare-worker: serves network actions (and content.generate) for a coordinator.
// `fanfare-worker --help` lists flags; docs/networks.md describes the actions.
#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "base/command_line.h"
#include "base/log.h"
#include "base/signals.h"
#include "cmd/observability_flags.h"
#include "metrics/metrics_server.h"
#include "metrics/process_collector.h"
#include "sdk/client/channel.h"
#include "workers/runtime/network_worker.h"

ABSL_FLAG(std::string, coordinator, "127.0.0.1:7600", "fanfared's address");
ABSL_FLAG(std::string, networks, "",
          "comma-separated networks to serve (facebook,instagram,x,linkedin,youtube,tiktok,"
          "snapchat,content); default all");
ABSL_FLAG(std::string, credentials, "",
          "account credentials JSON (mode 0600); default: FANFARE_ACCOUNT_* variables");
ABSL_FLAG(std::vector<std::string>, api_base, {},
          "network=URL pointing a network at another API host, e.g. "
          "x=http://127.0.0.1:7700/x for the sandbox; repeat or comma-separate");
ABSL_FLAG(std::string, linkedin_version, "",
          "Linkedin-Version header, YYYYMM (default: the adapter's; raise it when LinkedIn "
          "answers 426 for a retired version)");
ABSL_FLAG(int, concurrency, 16, "tasks run at once");
ABSL_FLAG(std::string, worker_id, "", "stable worker id (default host-pid)");
ABSL_FLAG(std::string, namespace, "default", "namespace whose queues to serve");
ABSL_FLAG(std::string, tls_ca, "",
          "dial TLS, checking fanfared's certificate against this CA bundle (default "
          "$FANFARE_TLS_CA)");
ABSL_FLAG(std::string, tls_cert, "",
          "client certificate for a fanfared that requires one (default $FANFARE_TLS_CERT)");
ABSL_FLAG(std::string, tls_key, "", "the client certificate's key (default $FANFARE_TLS_KEY)");
ABSL_FLAG(std::string, webhooks_listen, "",
          "receive what networks push (Meta webhooks, X Account Activity) on HOST:PORT or PORT "
          "(loopback), at /webhooks/meta and /webhooks/x; secrets from $FANFARE_META_APP_SECRET, "
          "$FANFARE_META_VERIFY_TOKEN and $FANFARE_X_CONSUMER_SECRET (docs/community.md)");
ABSL_FLAG(std::string, token, "",
          "API token with the worker role in --namespace (default $FANFARE_TOKEN; "
          "docs/security.md)");

namespace {

// The environment variable's value, or "".
std::string Env(const char* variable) {
  const char* value = std::getenv(variable);
  return value != nullptr ? value : "";
}

// The flag's value, else the environment variable's, else "".
std::string FlagOrEnv(const absl::Flag<std::string>& flag, const char* variable) {
  std::string value = absl::GetFlag(flag);
  return value.empty() ? Env(variable) : value;
}

}  // namespace

int main(int argc, char** argv) {
  fanfare::BlockShutdownSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  fanfare::ParseFlags(argc, argv,
                      "serves network actions for fanfared.\n"
                      "usage: fanfare-worker [--coordinator ADDR] [--networks LIST] "
                      "[--credentials FILE] [--api-base NETWORK=URL]...",
                      /*repeatable=*/{"api_base", "networks"});
  if (absl::Status logging = fanfare::ConfigureLoggingFromFlags(); !logging.ok()) {
    std::fprintf(stderr, "fanfare-worker: %s\n", std::string(logging.message()).c_str());
    return 2;
  }
  fanfare::workers::NetworkWorkerOptions options;
  options.worker.address = absl::GetFlag(FLAGS_coordinator);
  options.worker.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.worker.worker_id = absl::GetFlag(FLAGS_worker_id);
  options.worker.ns = absl::GetFlag(FLAGS_namespace);
  options.worker.token = FlagOrEnv(FLAGS_token, "FANFARE_TOKEN");
  absl::StatusOr<fanfare::ClientTls> tls =
      fanfare::ReadClientTls({FlagOrEnv(FLAGS_tls_ca, "FANFARE_TLS_CA"),
                              FlagOrEnv(FLAGS_tls_cert, "FANFARE_TLS_CERT"),
                              FlagOrEnv(FLAGS_tls_key, "FANFARE_TLS_KEY")});
  if (!tls.ok()) {
    std::fprintf(stderr, "fanfare-worker: %s\n", std::string(tls.status().message()).c_str());
    return 2;
  }
  options.worker.tls = tls->enabled;
  options.worker.tls_root_certs = tls->root_certs;
  options.worker.tls_cert_chain = tls->cert_chain;
  options.worker.tls_private_key = tls->private_key;
  options.networks = absl::StrSplit(absl::GetFlag(FLAGS_networks), ',', absl::SkipEmpty());
  options.credentials_file = absl::GetFlag(FLAGS_credentials);
  options.api_bases = absl::GetFlag(FLAGS_api_base);
  options.linkedin_version = absl::GetFlag(FLAGS_linkedin_version);
  options.webhooks.listen = absl::GetFlag(FLAGS_webhooks_listen);
  options.webhooks.meta_app_secret = Env("FANFARE_META_APP_SECRET");
  options.webhooks.meta_verify_token = Env("FANFARE_META_VERIFY_TOKEN");
  options.webhooks.x_consumer_secret = Env("FANFARE_X_CONSUMER_SECRET");
  // Said once per distinct reason: a refusal repeats at every reconnection attempt.
  options.worker.on_session_refused = [last = std::string()](const grpc::Status& status) mutable {
    if (status.error_message() == last) return;
    last = status.error_message();
    fanfare::log::Warning("worker", "fanfared refused the session").Field("reason", last);
  };
  // Outlive the worker, whose handlers and clients count into them.
  fanfare::metrics::Registry registry;
  fanfare::workers::WorkerMetrics worker_metrics(registry);
  std::unique_ptr<fanfare::metrics::MetricsServer> metrics_server;
  if (const std::string listen = fanfare::MetricsListenFlag(); !listen.empty()) {
    fanfare::metrics::AddProcessCollector(registry);
    options.metrics = &worker_metrics;
    absl::StatusOr<std::unique_ptr<fanfare::metrics::MetricsServer>> served =
        fanfare::metrics::MetricsServer::Start(listen, &registry);
    if (!served.ok()) {
      std::fprintf(stderr, "fanfare-worker: %s\n", std::string(served.status().message()).c_str());
      return 2;
    }
    metrics_server = *std::move(served);
    std::printf("fanfare-worker: metrics on http://%s/metrics\n",
                metrics_server->address().c_str());
  }
  absl::StatusOr<std::unique_ptr<fanfare::workers::NetworkWorker>> worker =
      fanfare::workers::NetworkWorker::Create(options);
  absl::Status started = worker.ok() ? (*worker)->Start() : worker.status();
  if (!started.ok()) {
    std::fprintf(stderr, "fanfare-worker: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  std::printf("fanfare-worker serving %zu actions for %s\n", (*worker)->actions().size(),
              options.worker.address.c_str());
  if (fanfare::workers::webhooks::WebhookReceiver* webhooks = (*worker)->webhooks()) {
    for (const auto& [network, secret] : {std::pair{"meta", options.webhooks.meta_app_secret},
                                          std::pair{"x", options.webhooks.x_consumer_secret}}) {
      if (!secret.empty()) {
        std::printf("fanfare-worker: webhooks on http://%s/webhooks/%s\n",
                    webhooks->address().c_str(), network);
      }
    }
  }
  std::fflush(stdout);
  fanfare::Worker::RunUntilSignal((*worker)->worker());
  return 0;
}
