// Checks every field of every RPC request before anything acts on it. Each check returns
// InvalidArgument naming the field and what it must look like, echoing at most 200 bytes of
// the input (definition::Echo).
//
// A worker's hello (and a PollTasks) must name queues and actions some campaign can
// produce: built-in queues with their catalog's actions, or custom worker pools — but not a
// misspelt network, a malformed name, or an action on a queue the worker does not serve.
#ifndef FANFARE_ENGINE_SERVICE_REQUEST_CHECKS_H_
#define FANFARE_ENGINE_SERVICE_REQUEST_CHECKS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fanfare/v1/accounts.pb.h"
#include "fanfare/v1/admin.pb.h"
#include "fanfare/v1/coordinator.pb.h"
#include "fanfare/v1/worker.pb.h"

namespace fanfare::service {

// Limits on what a request may carry.
inline constexpr size_t kMaxIdLength = 128;
inline constexpr size_t kMaxTextLength = 4096;
inline constexpr size_t kMaxLabels = 64;
inline constexpr size_t kMaxValueBytes = 256 * 1024;
inline constexpr int kMaxPageSize = 1000;
inline constexpr int kMaxConcurrency = 10'000;
inline constexpr int kMaxQueues = 64;
inline constexpr int kMaxActions = 1000;

absl::Status CheckNamespace(absl::string_view ns);
absl::Status CheckRunId(absl::string_view run_id, bool required);
absl::Status CheckPageSize(int page_size);

// Validates the whole campaign too (definition::CheckCampaign), on the calling thread.
absl::Status Check(const v1::ApplyCampaignRequest& request);
absl::Status Check(const v1::GetCampaignRequest& request);
absl::Status Check(const v1::ListCampaignsRequest& request);
absl::Status Check(const v1::StartRunRequest& request);
absl::Status Check(const v1::GetRunRequest& request);
absl::Status Check(const v1::ListRunsRequest& request);
absl::Status Check(const v1::WatchRunRequest& request);
absl::Status Check(const v1::GetHistoryRequest& request);
absl::Status Check(const v1::CancelRunRequest& request);
absl::Status Check(const v1::PauseRunRequest& request);
absl::Status Check(const v1::ResumeRunRequest& request);
absl::Status Check(const v1::RetryRunRequest& request);
absl::Status Check(const v1::DecideStepRequest& request);
absl::Status Check(const v1::SignalRunRequest& request);
absl::Status Check(const v1::GetDispatchStateRequest& request);
absl::Status Check(const v1::ListCommunityAuthorsRequest& request);
absl::Status Check(const v1::DeliverCommentsRequest& request);
absl::Status Check(const v1::ReleaseHoldRequest& request);

absl::Status Check(const v1::WorkerHello& hello);
absl::Status Check(const v1::WorkerMessage& message);
absl::Status Check(const v1::PollTasksRequest& request);
absl::Status Check(const v1::CompleteTaskRequest& request);
absl::Status Check(const v1::FailTaskRequest& request);
absl::Status Check(const v1::HeartbeatRequest& request);

absl::Status Check(const v1::CreateTokenRequest& request);
absl::Status Check(const v1::ListTokensRequest& request);
absl::Status Check(const v1::RevokeTokenRequest& request);
absl::Status Check(const v1::ListAuditRequest& request);
absl::Status Check(const v1::CreateBackupRequest& request);
inline absl::Status Check(const v1::GetStatusRequest&) { return absl::OkStatus(); }
absl::Status Check(const v1::AddWebhookRequest& request);
absl::Status Check(const v1::ListWebhooksRequest& request);
absl::Status Check(const v1::RemoveWebhookRequest& request);

absl::Status Check(const v1::PutAccountRequest& request);
absl::Status Check(const v1::ListAccountsRequest& request);
absl::Status Check(const v1::RemoveAccountRequest& request);

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_REQUEST_CHECKS_H_
