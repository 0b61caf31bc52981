// NetworkWorker: a fanfare::Worker serving the actions of some networks (and
// content.generate), with the credentials, HTTP client and adapters they need. The
// `fanfare-worker` binary runs one; `fanfared --dev` runs one per network in-process.
//
//   NetworkWorkerOptions options;
//   options.worker.address = "127.0.0.1:7600";
//   options.networks = {"facebook", "content"};
//   options.credentials_file = "/etc/fanfare/credentials.json";   // mode 0600
//   options.api_bases = {"facebook=http://127.0.0.1:7700/facebook"};
//   ASSIGN_OR_RETURN(auto worker, NetworkWorker::Create(options));
//   RETURN_IF_ERROR(worker->Start());
//
// Thread safety: as fanfare::Worker.
#ifndef FANFARE_WORKERS_RUNTIME_NETWORK_WORKER_H_
#define FANFARE_WORKERS_RUNTIME_NETWORK_WORKER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sdk/worker/worker.h"
#include "workers/common/adapter.h"
#include "workers/common/credentials.h"
#include "workers/common/http_client.h"
#include "workers/runtime/worker_metrics.h"
#include "workers/webhooks/webhook_receiver.h"

namespace fanfare::workers {

// The queue of content.generate, served beside the networks.
inline constexpr char kContentQueue[] = "content";

struct NetworkWorkerOptions {
  WorkerOptions worker;
  // Networks ("facebook", …) and "content"; empty means all of them.
  std::vector<std::string> networks;
  // Account credentials: a JSON file (mode 0600), else FANFARE_ACCOUNT_* variables, else
  // `accounts` (for embedding).
  std::string credentials_file;
  std::vector<AccountCredentials> accounts;
  // --api-base flags: "x=http://127.0.0.1:7700/x" (see ParseApiBaseFlag).
  std::vector<std::string> api_bases;
  // How often asynchronous processing is polled (Instagram containers, uploads).
  absl::Duration poll_interval = absl::Seconds(2);
  // The Linkedin-Version header (YYYYMM); empty keeps the adapters' default.
  std::string linkedin_version;
  // Counts tasks and network calls (worker_metrics.h); null: not counted. Must outlive the
  // worker.
  WorkerMetrics* metrics = nullptr;
  // Where to receive what networks push (webhooks/webhook_receiver.h): "" receives nothing.
  // Its `credentials`, `deliver`, `lookup_mention`, `ns` and `clock` are the worker's own.
  webhooks::WebhookReceiverOptions webhooks = [] {
    webhooks::WebhookReceiverOptions off;
    off.listen = "";
    return off;
  }();
};

class NetworkWorker {
 public:
  static absl::StatusOr<std::unique_ptr<NetworkWorker>> Create(NetworkWorkerOptions options);

  // Starts the webhook receiver when options.webhooks.listen is set, then serves tasks.
  absl::Status Start();
  void Drain() { worker_->Drain(); }
  // Stops receiving webhooks and serving tasks.
  void Stop();
  Worker& worker() { return *worker_; }
  // The actions served, e.g. "facebook.publish".
  const std::vector<std::string>& actions() const { return actions_; }
  // The webhook receiver once started, else null.
  webhooks::WebhookReceiver* webhooks() { return webhooks_.get(); }

 private:
  NetworkWorker() = default;
  absl::Status LoadCredentials();
  absl::Status RegisterHandlers();
  absl::Status StartWebhooks();
  // One adapter per network of `networks` (all when empty), each sending through its own
  // metered client when metrics are on.
  absl::Status MakeNetworkAdapters(const std::vector<std::string>& networks);

  NetworkWorkerOptions options_;
  std::unique_ptr<CredentialStore> credentials_;
  std::unique_ptr<CurlHttpClient> http_;
  // With metrics: per network, its metered client and the adapter options naming it.
  std::vector<std::unique_ptr<HttpClient>> metered_http_;
  std::vector<std::unique_ptr<AdapterOptions>> metered_options_;
  AdapterOptions adapter_options_;
  std::vector<std::unique_ptr<NetworkAdapter>> adapters_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<webhooks::WebhookReceiver> webhooks_;
  std::vector<std::string> actions_;
};

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_RUNTIME_NETWORK_WORKER_H_
