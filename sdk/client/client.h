// fanfare::Client: the C++ client of CampaignService.
//
//   fanfare::ClientOptions options;
//   options.address = "127.0.0.1:7600";
//   ASSIGN_OR_RETURN(auto client, fanfare::Client::Create(options));
//   ASSIGN_OR_RETURN(auto spec, fanfare::definition::LoadCampaignFile("examples/launch.yaml"));
//   RETURN_IF_ERROR(client->ApplyCampaign(spec).status());
//   ASSIGN_OR_RETURN(auto started, client->StartRun(StartRunRequest("product-launch")));
//   client->WatchRun(started.run().run_id(), 0, [](const v1::HistoryEvent& e) { ...; return true; });
//
// Every call has a deadline (ClientOptions::timeout, for each try) and is retried with
// backoff (initial_backoff doubling up to max_backoff, max_retries times) when the
// coordinator is UNAVAILABLE; the channel reconnects on the same schedule, so that a retry
// finds the coordinator as soon as it is back. Retrying is safe: every CampaignService call
// is idempotent (StartRun is made so by choosing the run id on the client when none is
// given). A call past its deadline fails with DEADLINE_EXCEEDED and is not retried. Errors
// are absl::Status with the coordinator's code and message (which names the field at fault).
//
// Thread safety: a Client is safe for concurrent use.
#ifndef FANFARE_SDK_CLIENT_CLIENT_H_
#define FANFARE_SDK_CLIENT_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fanfare/v1/accounts.grpc.pb.h"
#include "fanfare/v1/admin.grpc.pb.h"
#include "fanfare/v1/coordinator.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace fanfare {

struct ClientOptions {
  // host:port of fanfared.
  std::string address = "127.0.0.1:7600";
  // Namespace for requests that do not name one.
  std::string ns = "default";
  // Who is calling, recorded in history for the calls that record it.
  std::string identity;
  // Deadline of each call (WatchRun excepted).
  absl::Duration timeout = absl::Seconds(30);
  // Retries of a call that found the coordinator UNAVAILABLE, after initial_backoff,
  // doubling up to max_backoff.
  int max_retries = 4;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // TLS: when `tls` is set, the channel uses it; `tls_root_certs` (PEM) overrides the
  // system roots.
  bool tls = false;
  std::string tls_root_certs;
  // With `tls`: the client's certificate chain and private key (PEM), for a fanfared that
  // requires client certificates (mTLS).
  std::string tls_cert_chain;
  std::string tls_private_key;
  // An API token ("fft_…"; docs/security.md), sent with every call. Empty: none, for a
  // fanfared with authentication off.
  std::string token;
};

// A StartRunRequest for `campaign`, for callers to fill in further.
v1::StartRunRequest StartRunRequest(std::string campaign);

class Client {
 public:
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options);

  absl::StatusOr<v1::ApplyCampaignResponse> ApplyCampaign(const v1::CampaignSpec& spec,
                                                          const std::string& source_name = "",
                                                          bool dry_run = false);
  absl::StatusOr<v1::Campaign> GetCampaign(const std::string& name, int64_t version = 0);
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(v1::ListCampaignsRequest request);

  // Generates a run id when the request has none, so that retries cannot start two runs.
  absl::StatusOr<v1::StartRunResponse> StartRun(v1::StartRunRequest request);
  absl::StatusOr<v1::Run> GetRun(const std::string& run_id);
  absl::StatusOr<v1::ListRunsResponse> ListRuns(v1::ListRunsRequest request);
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(v1::GetHistoryRequest request);

  // Streams the run's history from `from_seq` to `on_event` until the run ends (OK) or
  // `on_event` returns false (Cancelled). Reconnects and resumes after the last event seen
  // when the coordinator becomes unavailable, up to max_retries times in a row.
  absl::Status WatchRun(const std::string& run_id, int64_t from_seq,
                        const std::function<bool(const v1::HistoryEvent&)>& on_event);

  absl::StatusOr<v1::Run> CancelRun(const std::string& run_id, const std::string& reason = "");
  absl::StatusOr<v1::Run> PauseRun(const std::string& run_id, const std::string& reason = "");
  absl::StatusOr<v1::Run> ResumeRun(const std::string& run_id);
  absl::StatusOr<v1::Run> RetryRun(const std::string& run_id, const std::string& from_step = "");
  // Approves as this client's principal. With `digest` (the step's waiting.approval_digest
  // that was reviewed), fails with FAILED_PRECONDITION if the step now asks something else.
  absl::StatusOr<v1::Run> ApproveStep(const std::string& run_id, const std::string& step_key,
                                      const std::string& comment = "",
                                      const std::string& digest = "");
  absl::StatusOr<v1::Run> RejectStep(const std::string& run_id, const std::string& step_key,
                                     const std::string& comment = "");
  absl::StatusOr<v1::Run> SignalRun(const std::string& run_id, const std::string& signal,
                                    const google::protobuf::Value& payload);
  absl::StatusOr<v1::DispatchState> GetDispatchState();
  // Lifts the holds on `account` (on `network`, or on every network if empty); NotFound if
  // none is in force.
  absl::StatusOr<v1::ReleaseHoldResponse> ReleaseHold(const std::string& account,
                                                      const std::string& network = "");
  // The authors the coordinator knows on `account` of `network` (docs/community.md): every
  // page, read in turn, as one response (most recently seen first; `as_of` the first
  // page's).
  absl::StatusOr<v1::ListCommunityAuthorsResponse> ListCommunityAuthors(
      const std::string& network, const std::string& account);

  // API tokens (AdminService; docs/security.md). A CreateToken retried after a lost reply
  // may leave a second token whose secret nobody saw: `tokens list` shows it, to revoke.
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(v1::CreateTokenRequest request);
  absl::StatusOr<v1::ListTokensResponse> ListTokens(v1::ListTokensRequest request);
  absl::StatusOr<v1::ApiTokenInfo> RevokeToken(const std::string& id);
  absl::StatusOr<v1::ListAuditResponse> ListAudit(v1::ListAuditRequest request);
  // Backs the coordinator up into `directory` on its machine (cluster admins); returns once
  // the backup is complete and synced.
  absl::StatusOr<v1::Backup> CreateBackup(v1::CreateBackupRequest request);
  absl::StatusOr<v1::CoordinatorStatus> GetStatus();
  // Webhooks of the client's namespace (docs/operations.md, "Webhooks"). An AddWebhook
  // retried after a lost reply may leave a second webhook (unless named: the name is
  // unique): `webhooks list` shows it, to remove.
  absl::StatusOr<v1::AddWebhookResponse> AddWebhook(v1::AddWebhookRequest request);
  absl::StatusOr<v1::ListWebhooksResponse> ListWebhooks();
  absl::StatusOr<v1::Webhook> RemoveWebhook(const std::string& id);

  // Network accounts held by the coordinator (AccountService; docs/networks.md). Secrets go
  // in and never come back.
  absl::StatusOr<v1::Account> PutAccount(v1::PutAccountRequest request);
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts();
  absl::StatusOr<v1::Account> RemoveAccount(const std::string& alias);

  const ClientOptions& options() const { return options_; }

 private:
  Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  // Calls `rpc(context, response)` with a deadline, retrying on UNAVAILABLE.
  template <typename Response, typename Rpc>
  absl::StatusOr<Response> Call(Rpc rpc);

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CampaignService::Stub> stub_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::AccountService::Stub> accounts_;
};

}  // namespace fanfare

#endif  // FANFARE_SDK_CLIENT_CLIENT_H_
