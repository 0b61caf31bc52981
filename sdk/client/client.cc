#include "sdk/client/client.h"

#include <algorithm>
#include <thread>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "engine/service/grpc_status.h"
#include "sdk/client/channel.h"

namespace fanfare {
namespace {

std::string NewRunId(const std::string& campaign) {
  absl::BitGen gen;
  return absl::StrCat(campaign, "-", absl::Hex(absl::Uniform<uint64_t>(gen), absl::kZeroPad16));
}

}  // namespace

v1::StartRunRequest StartRunRequest(std::string campaign) {
  v1::StartRunRequest request;
  request.set_campaign(std::move(campaign));
  return request;
}

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (options.address.empty()) return absl::InvalidArgumentError("client: address is empty");
  ChannelOptions channel_options;
  channel_options.address = options.address;
  channel_options.tls = options.tls;
  channel_options.tls_root_certs = options.tls_root_certs;
  channel_options.tls_cert_chain = options.tls_cert_chain;
  channel_options.tls_private_key = options.tls_private_key;
  // The channel reconnects as often as the calls retry, so that a retry finds it ready.
  channel_options.reconnect_initial = options.initial_backoff;
  channel_options.reconnect_max = options.max_backoff;
  auto channel = NewCoordinatorChannel(channel_options);
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(channel)));
}

Client::Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      stub_(v1::CampaignService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)),
      accounts_(v1::AccountService::NewStub(channel_)) {}

template <typename Response, typename Rpc>
absl::StatusOr<Response> Client::Call(Rpc rpc) {
  absl::Duration backoff = options_.initial_backoff;
  for (int attempt = 0;; ++attempt) {
    grpc::ClientContext context;
    AttachToken(context, options_.token);
    context.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoMilliseconds(options_.timeout));
    Response response;
    const grpc::Status status = rpc(&context, &response);
    if (status.ok()) return response;
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || attempt >= options_.max_retries) {
      absl::Status error = FromGrpcStatus(status);
      if (absl::IsUnavailable(error)) {
        return absl::UnavailableError(absl::StrCat("cannot reach fanfared at ", options_.address,
                                                   ": ", error.message()));
      }
      return error;
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

absl::StatusOr<v1::ApplyCampaignResponse> Client::ApplyCampaign(const v1::CampaignSpec& spec,
                                                                const std::string& source_name,
                                                                bool dry_run) {
  v1::ApplyCampaignRequest request;
  *request.mutable_spec() = spec;
  if (request.spec().metadata().namespace_().empty()) {
    request.mutable_spec()->mutable_metadata()->set_namespace_(options_.ns);
  }
  request.set_source_name(source_name);
  request.set_dry_run(dry_run);
  return Call<v1::ApplyCampaignResponse>([&](auto* c, auto* r) { return stub_->ApplyCampaign(c, request, r); });
}

absl::StatusOr<v1::Campaign> Client::GetCampaign(const std::string& name, int64_t version) {
  v1::GetCampaignRequest request;
  request.set_namespace_(options_.ns);
  request.set_name(name);
  request.set_version(version);
  return Call<v1::Campaign>([&](auto* c, auto* r) { return stub_->GetCampaign(c, request, r); });
}

absl::StatusOr<v1::ListCampaignsResponse> Client::ListCampaigns(v1::ListCampaignsRequest request) {
  if (request.namespace_().empty()) request.set_namespace_(options_.ns);
  return Call<v1::ListCampaignsResponse>([&](auto* c, auto* r) { return stub_->ListCampaigns(c, request, r); });
}

absl::StatusOr<v1::StartRunResponse> Client::StartRun(v1::StartRunRequest request) {
  if (request.namespace_().empty()) request.set_namespace_(options_.ns);
  if (request.run_id().empty()) request.set_run_id(NewRunId(request.campaign()));
  if (request.identity().empty()) request.set_identity(options_.identity);
  return Call<v1::StartRunResponse>([&](auto* c, auto* r) { return stub_->StartRun(c, request, r); });
}

absl::StatusOr<v1::Run> Client::GetRun(const std::string& run_id) {
  v1::GetRunRequest request;
  request.set_namespace_(options_.ns);
  request.set_run_id(run_id);
  return Call<v1::Run>([&](auto* c, auto* r) { return stub_->GetRun(c, request, r); });
}

absl::StatusOr<v1::ListRunsResponse> Client::ListRuns(v1::ListRunsRequest request) {
  if (request.namespace_().empty()) request.set_namespace_(options_.ns);
  return Call<v1::ListRunsResponse>([&](auto* c, auto* r) { return stub_->ListRuns(c, request, r); });
}

absl::StatusOr<v1::GetHistoryResponse> Client::GetHistory(v1::GetHistoryRequest request) {
  if (request.namespace_().empty()) request.set_namespace_(options_.ns);
  return Call<v1::GetHistoryResponse>([&](auto* c, auto* r) { return stub_->GetHistory(c, request, r); });
}

absl::Status Client::WatchRun(const std::string& run_id, int64_t from_seq,
                              const std::function<bool(const v1::HistoryEvent&)>& on_event) {
  int64_t next = std::max<int64_t>(from_seq, 1);
  int failures = 0;
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    grpc::ClientContext context;
    AttachToken(context, options_.token);
    v1::WatchRunRequest request;
    request.set_namespace_(options_.ns);
    request.set_run_id(run_id);
    request.set_from_seq(next);
    std::unique_ptr<grpc::ClientReader<v1::HistoryEvent>> reader = stub_->WatchRun(&context, request);
    v1::HistoryEvent event;
    while (reader->Read(&event)) {
      failures = 0;
      next = event.seq() + 1;
      if (!on_event(event)) {
        context.TryCancel();
        reader->Finish().ok();
        return absl::CancelledError("watch stopped by the caller");
      }
    }
    const grpc::Status status = reader->Finish();
    if (status.ok()) return absl::OkStatus();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || ++failures > options_.max_retries) {
      return FromGrpcStatus(status);
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

#define FANFARE_RUN_CALL(Method, Request, fill)                                            \
  Request request;                                                                         \
  request.set_namespace_(options_.ns);                                                     \
  request.set_run_id(run_id);                                                              \
  fill;                                                                                    \
  return Call<v1::Run>([&](auto* c, auto* r) { return stub_->Method(c, request, r); })

absl::StatusOr<v1::Run> Client::CancelRun(const std::string& run_id, const std::string& reason) {
  FANFARE_RUN_CALL(CancelRun, v1::CancelRunRequest,
                   (request.set_reason(reason), request.set_identity(options_.identity)));
}

absl::StatusOr<v1::Run> Client::PauseRun(const std::string& run_id, const std::string& reason) {
  FANFARE_RUN_CALL(PauseRun, v1::PauseRunRequest,
                   (request.set_reason(reason), request.set_identity(options_.identity)));
}

absl::StatusOr<v1::Run> Client::ResumeRun(const std::string& run_id) {
  FANFARE_RUN_CALL(ResumeRun, v1::ResumeRunRequest, request.set_identity(options_.identity));
}

absl::StatusOr<v1::Run> Client::RetryRun(const std::string& run_id, const std::string& from_step) {
  FANFARE_RUN_CALL(RetryRun, v1::RetryRunRequest,
                   (request.set_from_step(from_step), request.set_identity(options_.identity)));
}

absl::StatusOr<v1::Run> Client::ApproveStep(const std::string& run_id, const std::string& step_key,
                                            const std::string& comment,
                                            const std::string& digest) {
  FANFARE_RUN_CALL(ApproveStep, v1::DecideStepRequest,
                   (request.set_step_key(step_key), request.set_comment(comment),
                    request.set_digest(digest), request.set_identity(options_.identity)));
}

absl::StatusOr<v1::Run> Client::RejectStep(const std::string& run_id, const std::string& step_key,
                                           const std::string& comment) {
  FANFARE_RUN_CALL(RejectStep, v1::DecideStepRequest,
                   (request.set_step_key(step_key), request.set_comment(comment),
                    request.set_identity(options_.identity)));
}

absl::StatusOr<v1::Run> Client::SignalRun(const std::string& run_id, const std::string& signal,
                                          const google::protobuf::Value& payload) {
  FANFARE_RUN_CALL(SignalRun, v1::SignalRunRequest,
                   (request.set_signal(signal), *request.mutable_payload() = payload,
                    request.set_identity(options_.identity)));
}

#undef FANFARE_RUN_CALL

absl::StatusOr<v1::DispatchState> Client::GetDispatchState() {
  v1::GetDispatchStateRequest request;
  request.set_namespace_(options_.ns);
  return Call<v1::DispatchState>([&](auto* c, auto* r) { return stub_->GetDispatchState(c, request, r); });
}

absl::StatusOr<v1::ListCommunityAuthorsResponse> Client::ListCommunityAuthors(
    const std::string& network, const std::string& account) {
  v1::ListCommunityAuthorsRequest request;
  request.set_namespace_(options_.ns);
  request.set_network(network);
  request.set_account(account);
  request.set_page_size(1000);
  v1::ListCommunityAuthorsResponse all;
  // The coordinator keeps at most 2,000 authors an account: a few pages, not a loop.
  for (int page = 0; page < 100; ++page) {
    absl::StatusOr<v1::ListCommunityAuthorsResponse> got = Call<v1::ListCommunityAuthorsResponse>(
        [&](auto* c, auto* r) { return stub_->ListCommunityAuthors(c, request, r); });
    if (!got.ok()) return got.status();
    if (page == 0) *all.mutable_as_of() = got->as_of();
    for (v1::CommunityAuthor& author : *got->mutable_authors()) {
      *all.add_authors() = std::move(author);
    }
    if (got->next_page_token().empty()) return all;
    request.set_page_token(got->next_page_token());
  }
  return absl::InternalError("ListCommunityAuthors: 100 pages and the listing did not end");
}

absl::StatusOr<v1::ReleaseHoldResponse> Client::ReleaseHold(const std::string& account,
                                                            const std::string& network) {
  v1::ReleaseHoldRequest request;
  request.set_namespace_(options_.ns);
  request.set_account(account);
  request.set_network(network);
  return Call<v1::ReleaseHoldResponse>(
      [&](auto* c, auto* r) { return stub_->ReleaseHold(c, request, r); });
}

absl::StatusOr<v1::CreateTokenResponse> Client::CreateToken(v1::CreateTokenRequest request) {
  if (request.namespace_().empty() && !request.cluster_admin()) request.set_namespace_(options_.ns);
  return Call<v1::CreateTokenResponse>(
      [&](auto* c, auto* r) { return admin_->CreateToken(c, request, r); });
}

absl::StatusOr<v1::ListTokensResponse> Client::ListTokens(v1::ListTokensRequest request) {
  if (request.namespace_().empty()) request.set_namespace_(options_.ns);
  return Call<v1::ListTokensResponse>(
      [&](auto* c, auto* r) { return admin_->ListTokens(c, request, r); });
}

absl::StatusOr<v1::ApiTokenInfo> Client::RevokeToken(const std::string& id) {
  v1::RevokeTokenRequest request;
  request.set_namespace_(options_.ns);
  request.set_id(id);
  return Call<v1::ApiTokenInfo>(
      [&](auto* c, auto* r) { return admin_->RevokeToken(c, request, r); });
}

absl::StatusOr<v1::ListAuditResponse> Client::ListAudit(v1::ListAuditRequest request) {
  if (request.namespace_().empty()) request.set_namespace_(options_.ns);
  return Call<v1::ListAuditResponse>(
      [&](auto* c, auto* r) { return admin_->ListAudit(c, request, r); });
}

absl::StatusOr<v1::Backup> Client::CreateBackup(v1::CreateBackupRequest request) {
  return Call<v1::Backup>(
      [&](auto* c, auto* r) { return admin_->CreateBackup(c, request, r); });
}

absl::StatusOr<v1::CoordinatorStatus> Client::GetStatus() {
  const v1::GetStatusRequest request;
  return Call<v1::CoordinatorStatus>(
      [&](auto* c, auto* r) { return admin_->GetStatus(c, request, r); });
}

absl::StatusOr<v1::AddWebhookResponse> Client::AddWebhook(v1::AddWebhookRequest request) {
  if (request.namespace_().empty()) request.set_namespace_(options_.ns);
  request.set_identity(options_.identity);
  return Call<v1::AddWebhookResponse>(
      [&](auto* c, auto* r) { return admin_->AddWebhook(c, request, r); });
}

absl::StatusOr<v1::ListWebhooksResponse> Client::ListWebhooks() {
  v1::ListWebhooksRequest request;
  request.set_namespace_(options_.ns);
  return Call<v1::ListWebhooksResponse>(
      [&](auto* c, auto* r) { return admin_->ListWebhooks(c, request, r); });
}

absl::StatusOr<v1::Webhook> Client::RemoveWebhook(const std::string& id) {
  v1::RemoveWebhookRequest request;
  request.set_namespace_(options_.ns);
  request.set_id(id);
  request.set_identity(options_.identity);
  return Call<v1::Webhook>([&](auto* c, auto* r) { return admin_->RemoveWebhook(c, request, r); });
}

absl::StatusOr<v1::Account> Client::PutAccount(v1::PutAccountRequest request) {
  if (request.namespace_().empty()) request.set_namespace_(options_.ns);
  request.set_identity(options_.identity);
  return Call<v1::Account>([&](auto* c, auto* r) { return accounts_->PutAccount(c, request, r); });
}

absl::StatusOr<v1::ListAccountsResponse> Client::ListAccounts() {
  v1::ListAccountsRequest request;
  request.set_namespace_(options_.ns);
  return Call<v1::ListAccountsResponse>(
      [&](auto* c, auto* r) { return accounts_->ListAccounts(c, request, r); });
}

absl::StatusOr<v1::Account> Client::RemoveAccount(const std::string& alias) {
  v1::RemoveAccountRequest request;
  request.set_namespace_(options_.ns);
  request.set_alias(alias);
  request.set_identity(options_.identity);
  return Call<v1::Account>(
      [&](auto* c, auto* r) { return accounts_->RemoveAccount(c, request, r); });
}

}  // namespace fanfare
