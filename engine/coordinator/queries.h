// Reads answered without the engine: campaigns, run listings and history pages straight from
// the store, and API tokens from the registry of those in force. The store holds exactly what
// has been acknowledged, so these never show a state that could still be lost.
//
// Page tokens are opaque (web-safe base64 of the next key); a token from one listing is
// refused by another.
#ifndef FANFARE_ENGINE_COORDINATOR_QUERIES_H_
#define FANFARE_ENGINE_COORDINATOR_QUERIES_H_

#include "absl/status/statusor.h"
#include "auth/token_registry.h"
#include "engine/store/store.h"
#include "fanfare/v1/admin.pb.h"
#include "fanfare/v1/coordinator.pb.h"

namespace fanfare::coordinator {

absl::StatusOr<v1::Campaign> GetCampaign(const store::Store& store,
                                         const v1::GetCampaignRequest& request);
absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const store::Store& store,
                                                        const v1::ListCampaignsRequest& request);
absl::StatusOr<v1::ListRunsResponse> ListRuns(const store::Store& store,
                                              const v1::ListRunsRequest& request);
absl::StatusOr<v1::GetHistoryResponse> GetHistory(const store::Store& store,
                                                  const v1::GetHistoryRequest& request);

// A token's public view: never its secret or the secret's hash.
v1::ApiTokenInfo TokenInfo(const auth::TokenRegistry::Entry& entry);
// The namespace's tokens (or the cluster admins'), by name.
v1::ListTokensResponse ListTokens(const auth::TokenRegistry& tokens,
                                  const v1::ListTokensRequest& request);

// The namespace's audit trail from `since`, oldest first.
absl::StatusOr<v1::ListAuditResponse> ListAudit(const store::Store& store,
                                                const v1::ListAuditRequest& request);

// Events [from_seq, to_seq) of a run, at most `limit` of them.
absl::StatusOr<std::vector<v1::HistoryEvent>> ReadHistory(const store::Store& store,
                                                          const std::string& ns,
                                                          const std::string& run_id,
                                                          int64_t from_seq, int64_t to_seq,
                                                          size_t limit);

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_QUERIES_H_
