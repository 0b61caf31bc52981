#include "workers/runtime/network_worker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/enum_label.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "sdk/client/channel.h"
#include "sdk/worker/task_errors.h"
#include "workers/community/ambassadors.h"
#include "workers/content/content_generator.h"
#include "workers/registry/adapters.h"

extern char** environ;

namespace fanfare::workers {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// `handler`, acting through the account the coordinator granted the task, when it did.
TaskHandler WithGrantedAccount(CredentialStore* credentials, TaskHandler handler) {
  return [credentials, handler = std::move(handler)](TaskContext& ctx) {
    if (ctx.task().has_account_grant()) {
      const v1::AccountGrant& grant = ctx.task().account_grant();
      AccountCredentials account;
      account.alias = grant.alias();
      account.network = grant.network();
      account.fields.insert(grant.settings().begin(), grant.settings().end());
      account.fields.insert(grant.tokens().begin(), grant.tokens().end());
      account.fields["network"] = grant.network();
      credentials->Adopt(std::move(account), grant.uid(), grant.version());
    }
    return handler(ctx);
  };
}

// Failures at info, or warning when a person or a reconcile must follow; successes at debug.
log::Level LevelOf(const absl::Status& status) {
  if (status.ok()) return log::Level::kDebug;
  const v1::ErrorType type = ErrorTypeOf(status);
  return type == v1::ERROR_TYPE_AUTH_EXPIRED || type == v1::ERROR_TYPE_OUTCOME_UNKNOWN
             ? log::Level::kWarning
             : log::Level::kInfo;
}

// `handler`, logging how each attempt ended.
TaskHandler Logged(const std::string& action, TaskHandler handler) {
  return [action, handler = std::move(handler)](TaskContext& ctx) {
    absl::StatusOr<google::protobuf::Value> result = handler(ctx);
    log::Line line(LevelOf(result.status()), "worker",
                   result.ok() ? "task succeeded" : "task failed");
    line.Field("namespace", ctx.task().namespace_())
        .Field("run", ctx.task().run_id())
        .Field("step", ctx.task().step_key())
        .Field("action", action)
        .Field("attempt", ctx.task().attempt());
    if (!result.ok()) {
      line.Field("error_type",
                 EnumLabel(v1::ErrorType_Name(ErrorTypeOf(result.status())), "ERROR_TYPE_"))
          .Field("error", result.status().message());
    }
    return result;
  };
}

}  // namespace

absl::StatusOr<std::unique_ptr<NetworkWorker>> NetworkWorker::Create(NetworkWorkerOptions options) {
  std::unique_ptr<NetworkWorker> worker(new NetworkWorker());
  worker->options_ = std::move(options);
  RETURN_IF_ERROR(worker->LoadCredentials());
  worker->http_ = std::make_unique<CurlHttpClient>();
  worker->adapter_options_.credentials = worker->credentials_.get();
  worker->adapter_options_.http = worker->http_.get();
  worker->adapter_options_.poll_interval = worker->options_.poll_interval;
  if (!worker->options_.linkedin_version.empty()) {
    worker->adapter_options_.linkedin_version = worker->options_.linkedin_version;
  }
  for (const std::string& flag : worker->options_.api_bases) {
    RETURN_IF_ERROR(ParseApiBaseFlag(flag, worker->adapter_options_));
  }
  worker->worker_ = std::make_unique<Worker>(worker->options_.worker);
  RETURN_IF_ERROR(worker->RegisterHandlers());
  return worker;
}

absl::Status NetworkWorker::Start() {
  // The receiver first: a worker that cannot receive what it was asked to must not have
  // taken tasks when it stops.
  RETURN_IF_ERROR(StartWebhooks());
  return worker_->Start();
}

void NetworkWorker::Stop() {
  webhooks_.reset();
  worker_->Stop();
}

absl::Status NetworkWorker::StartWebhooks() {
  if (options_.webhooks.listen.empty() || webhooks_ != nullptr) return absl::OkStatus();
  webhooks::WebhookReceiverOptions receiver = options_.webhooks;
  const WorkerOptions& w = options_.worker;
  receiver.ns = w.ns;
  receiver.clock = w.clock;
  receiver.credentials = credentials_.get();
  receiver.deliver = webhooks::DeliverThroughCoordinator(
      NewCoordinatorChannel({.address = w.address,
                             .tls = w.tls,
                             .tls_root_certs = w.tls_root_certs,
                             .tls_cert_chain = w.tls_cert_chain,
                             .tls_private_key = w.tls_private_key}),
      w.token);
  auto endpoints = adapter_options_.endpoints.find("instagram");
  receiver.lookup_mention = webhooks::InstagramMentionLookup(
      http_.get(),
      endpoints != adapter_options_.endpoints.end() ? endpoints->second.api
                                                    : DefaultEndpoints("instagram").api,
      adapter_options_.graph_version);
  ASSIGN_OR_RETURN(webhooks_, webhooks::WebhookReceiver::Start(std::move(receiver)));
  return absl::OkStatus();
}

absl::Status NetworkWorker::LoadCredentials() {
  if (!options_.credentials_file.empty()) {
    ASSIGN_OR_RETURN(credentials_, CredentialStore::LoadFile(options_.credentials_file));
  } else if (!options_.accounts.empty()) {
    credentials_ = CredentialStore::FromAccounts(options_.accounts);
  } else {
    ASSIGN_OR_RETURN(credentials_, CredentialStore::FromEnvironment(environ));
  }
  return absl::OkStatus();
}

absl::Status NetworkWorker::RegisterHandlers() {
  std::vector<std::string> wanted = options_.networks;
  const bool all = wanted.empty();
  const bool content = all || Contains(wanted, kContentQueue);
  wanted.erase(std::remove(wanted.begin(), wanted.end(), kContentQueue), wanted.end());
  if (!all && !content && wanted.empty()) {
    return absl::InvalidArgumentError("no networks to serve");
  }
  std::vector<std::pair<std::string, TaskHandler>> handlers;
  if (all || !wanted.empty()) {
    RETURN_IF_ERROR(MakeNetworkAdapters(wanted));
    for (const ActionHandler& handler : ListHandlers(adapters_)) {
      handlers.emplace_back(handler.action,
                            WithGrantedAccount(credentials_.get(), handler.handler));
    }
  }
  if (content) {
    handlers.emplace_back(content::kContentGenerateAction, content::HandleContentGenerate);
    handlers.emplace_back(community::kAmbassadorsAction, community::HandleAmbassadors);
  }
  for (auto& [action, handler] : handlers) {
    handler = Logged(action, std::move(handler));
    if (options_.metrics != nullptr) handler = options_.metrics->CountTasks(action, handler);
    worker_->Handle(action, std::move(handler));
    actions_.push_back(action);
  }
  return absl::OkStatus();
}

absl::Status NetworkWorker::MakeNetworkAdapters(const std::vector<std::string>& networks) {
  if (options_.metrics == nullptr) {
    ASSIGN_OR_RETURN(adapters_, MakeAdapters(adapter_options_, networks));
    return absl::OkStatus();
  }
  for (const std::string& network : networks.empty() ? SupportedNetworks() : networks) {
    metered_http_.push_back(options_.metrics->Meter(network, http_.get()));
    // Adapters keep a reference to their options.
    metered_options_.push_back(std::make_unique<AdapterOptions>(adapter_options_));
    metered_options_.back()->http = metered_http_.back().get();
    ASSIGN_OR_RETURN(std::vector<std::unique_ptr<NetworkAdapter>> adapters,
                     MakeAdapters(*metered_options_.back(), {network}));
    for (auto& adapter : adapters) adapters_.push_back(std::move(adapter));
  }
  return absl::OkStatus();
}

}  // namespace fanfare::workers
