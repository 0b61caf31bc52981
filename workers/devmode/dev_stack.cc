#include "workers/devmode/dev_stack.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "sandbox/audience.h"
#include "workers/registry/adapters.h"

namespace fanfare::devmode {
namespace {

workers::AccountCredentials Account(std::string alias, std::string network,
                                    std::map<std::string, std::string> ids) {
  workers::AccountCredentials account;
  account.alias = alias;
  account.network = network;
  account.fields = std::move(ids);
  // The sandbox's token convention: sbx_<network>_<alias>, refresh sbxr_<network>_<alias>.
  account.fields["access_token"] = absl::StrCat("sbx_", network, "_", alias);
  if (network != "facebook" && network != "instagram") {
    account.fields["refresh_token"] = absl::StrCat("sbxr_", network, "_", alias);
    account.fields["client_id"] = network == "tiktok" ? "sandbox-client-key" : "sandbox-client";
    account.fields["client_secret"] = "sandbox-secret";
  }
  return account;
}

}  // namespace

std::vector<workers::AccountCredentials> SandboxAccounts() {
  return {
      Account("acme_fb", "facebook", {{"page_id", "1001"}, {"ad_account_id", "123456"}}),
      Account("acme_ig", "instagram",
              {{"ig_user_id", "17841400000000001"}, {"ad_account_id", "123456"}}),
      Account("acme_x", "x",
              {{"ads_account_id", "18ce54d4x5t"}, {"funding_instrument_id", "lygyi"}}),
      Account("acme_li", "linkedin",
              {{"author_urn", "urn:li:organization:2414183"}, {"ad_account_id", "507404993"}}),
      Account("acme_yt", "youtube", {}),
      Account("acme_tt", "tiktok",
              {{"advertiser_id", "7000000001"}, {"business_id", "-000acmetiktok"}}),
      Account("acme_snap", "snapchat", {{"ad_account_id", "8adc3db7"}}),
  };
}

absl::Status DevStack::StartSandbox() {
  if (sandbox_ != nullptr) return absl::OkStatus();
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.seed = options_.sandbox_seed;
  sandbox_options.clock = options_.clock;
  sandbox_options.manual_clock = options_.manual_clock;
  auto sandbox = std::make_unique<sandbox::Sandbox>(sandbox_options);
  RETURN_IF_ERROR(GrowAudiences(*sandbox));
  ASSIGN_OR_RETURN(int port, sandbox->Start("127.0.0.1", 0));
  (void)port;
  sandbox_ = std::move(sandbox);
  return absl::OkStatus();
}

absl::Status DevStack::GrowAudiences(sandbox::Sandbox& sandbox) {
  for (const std::string& entry : options_.audiences) {
    const std::vector<std::string> parts = absl::StrSplit(entry, '/');
    if (parts.size() != 2 || (parts[0] != "x" && parts[0] != "youtube") || parts[1].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "audience '", entry, "': write network/account, on x or youtube (",
          parts[0] == "snapchat" ? "snapchat has no public comments API" : "the networks with "
                                                                          "community actions",
          ")"));
    }
    absl::MutexLock lock(&sandbox.state().mu);
    sandbox::GrowAudience(sandbox.state(), {.network = parts[0], .account = parts[1]});
  }
  return absl::OkStatus();
}

absl::Status DevStack::Start(const std::string& coordinator) {
  RETURN_IF_ERROR(StartSandbox());
  std::vector<std::string> queues = workers::SupportedNetworks();
  queues.push_back(workers::kContentQueue);
  for (const std::string& queue : queues) {
    workers::NetworkWorkerOptions options;
    options.worker.address = coordinator;
    options.worker.worker_id = absl::StrCat("dev-", queue);
    options.worker.concurrency = options_.concurrency_per_network;
    options.worker.clock = options_.clock;
    options.worker.reconnect_initial = absl::Milliseconds(50);
    options.networks = {queue};
    if (options_.workers_hold_credentials) options.accounts = SandboxAccounts();
    options.poll_interval = absl::Milliseconds(20);
    if (queue != workers::kContentQueue) {
      options.api_bases = {absl::StrCat(queue, "=", sandbox_->NetworkBase(queue))};
    }
    ASSIGN_OR_RETURN(auto worker, workers::NetworkWorker::Create(std::move(options)));
    RETURN_IF_ERROR(worker->Start());
    workers_.push_back(std::move(worker));
  }
  return absl::OkStatus();
}

std::map<std::string, std::string> DevStack::AuthBases() const {
  std::map<std::string, std::string> bases;
  if (sandbox_ == nullptr) return bases;
  for (const std::string& network : workers::SupportedNetworks()) {
    bases[network] = sandbox_->NetworkBase(network);
  }
  return bases;
}

void DevStack::Stop() {
  for (auto& worker : workers_) worker->Drain();
  workers_.clear();
  if (sandbox_ != nullptr) sandbox_->Stop();
}

}  // namespace fanfare::devmode
