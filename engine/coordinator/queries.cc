#include "engine/coordinator/queries.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/namespaces.h"
#include "engine/coordinator/spend_ledger.h"
#include "engine/coordinator/stored_record.h"
#include "engine/store/key_codec.h"
#include "fanfare/internal/records.pb.h"

namespace fanfare::coordinator {
namespace {

constexpr int kDefaultPageSize = 100;
// A listing with filters reads at most this many records per call, so that one call stays
// cheap; the page may then be short, with a token to go on.
constexpr int kMaxScanned = 10'000;

int PageSize(int requested) { return requested <= 0 ? kDefaultPageSize : requested; }

std::string EncodeToken(absl::string_view key) { return absl::WebSafeBase64Escape(key); }

// The key a listing resumes at: the token's key, which must lie under `prefix`.
absl::StatusOr<std::string> StartKey(const std::string& token, const std::string& prefix) {
  if (token.empty()) return prefix;
  std::string key;
  if (!absl::WebSafeBase64Unescape(token, &key) || !absl::StartsWith(key, prefix)) {
    return absl::InvalidArgumentError("page_token: not a token from this listing");
  }
  return key;
}

bool Matches(const v1::Run& run, const v1::ListRunsRequest& request) {
  if (request.status() != v1::RUN_STATUS_UNSPECIFIED && run.status() != request.status()) return false;
  if (!request.campaign().empty() && run.campaign() != request.campaign()) return false;
  for (const auto& [key, value] : request.labels()) {
    auto it = run.labels().find(key);
    if (it == run.labels().end() || it->second != value) return false;
  }
  return true;
}

// Iterates `cf` from `start` while keys keep `prefix`; `fn(key, value)` returns false to
// stop, or an error to fail with. Returns the key it stopped at (empty if the prefix ran
// out).
template <typename Fn>
absl::StatusOr<std::string> Walk(const store::Store& store, store::Cf cf,
                                 const std::string& prefix, const std::string& start, Fn fn) {
  std::unique_ptr<store::Cursor> cursor = store.NewCursor(cf);
  for (cursor->Seek(start); cursor->Valid(); cursor->Next()) {
    const absl::string_view key = cursor->key();
    if (!absl::StartsWith(key, prefix)) break;
    absl::StatusOr<bool> go_on = fn(key, cursor->value());
    if (!go_on.ok()) return go_on.status();
    if (!*go_on) return std::string(key);
  }
  if (absl::Status status = cursor->status(); !status.ok()) return status;
  return std::string();
}

}  // namespace

absl::StatusOr<v1::Campaign> GetCampaign(const store::Store& store,
                                         const v1::GetCampaignRequest& request) {
  const std::string& ns = NamespaceOr(request.namespace_());
  std::vector<v1::Campaign> versions;
  RETURN_IF_ERROR(ScanRecords<v1::Campaign>(store, store::Cf::kSpecs,
                                            keys::SpecPrefix(ns, request.name()),
                                            [&](absl::string_view, v1::Campaign campaign) {
                                              versions.push_back(std::move(campaign));
                                              return true;
                                            }));
  if (versions.empty()) {
    return absl::NotFoundError(
        absl::StrCat("campaign '", request.name(), "' not found in namespace '", ns, "'"));
  }
  const int64_t latest = versions.back().version();
  auto it = request.version() == 0
                ? versions.end() - 1
                : std::find_if(versions.begin(), versions.end(), [&](const v1::Campaign& c) {
                    return c.version() == request.version();
                  });
  if (it == versions.end()) {
    return absl::NotFoundError(absl::StrCat("campaign '", request.name(), "' has no version ",
                                            request.version(), "; the latest is ", latest));
  }
  v1::Campaign campaign = std::move(*it);
  campaign.set_latest_version(latest);
  ASSIGN_OR_RETURN(std::optional<internal::SpendRecord> spend,
                   GetRecord<internal::SpendRecord>(store, store::Cf::kSpend,
                                                    keys::Spend(ns, request.name())));
  *campaign.mutable_spend() =
      SpendStatusOf(spend.value_or(internal::SpendRecord()), campaign.spec().budget());
  return campaign;
}

absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const store::Store& store,
                                                        const v1::ListCampaignsRequest& request) {
  const std::string prefix = keys::NamespacePrefix(NamespaceOr(request.namespace_()));
  absl::StatusOr<std::string> start = StartKey(request.page_token(), prefix);
  if (!start.ok()) return start.status();
  v1::ListCampaignsResponse response;
  const int page_size = PageSize(request.page_size());
  // Versions of one campaign are adjacent; keep the last of each run of names.
  absl::StatusOr<std::string> stopped = Walk(
      store, store::Cf::kSpecs, prefix, *start,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(v1::Campaign campaign,
                         ParseRecord<v1::Campaign>(store::Cf::kSpecs, key, value));
        const int n = response.campaigns_size();
        if (n > 0 && response.campaigns(n - 1).spec().metadata().name() ==
                         campaign.spec().metadata().name()) {
          *response.mutable_campaigns(n - 1) = std::move(campaign);
          return true;
        }
        if (n == page_size) return false;
        *response.add_campaigns() = std::move(campaign);
        return true;
      });
  if (!stopped.ok()) return stopped.status();
  for (v1::Campaign& campaign : *response.mutable_campaigns()) {
    campaign.set_latest_version(campaign.version());
  }
  if (!stopped->empty()) response.set_next_page_token(EncodeToken(*stopped));
  return response;
}

absl::StatusOr<v1::ListRunsResponse> ListRuns(const store::Store& store,
                                              const v1::ListRunsRequest& request) {
  const std::string& ns = NamespaceOr(request.namespace_());
  const std::string prefix = keys::NamespacePrefix(ns);
  absl::StatusOr<std::string> start = StartKey(request.page_token(), prefix);
  if (!start.ok()) return start.status();
  v1::ListRunsResponse response;
  const int page_size = PageSize(request.page_size());
  int scanned = 0;
  absl::StatusOr<std::string> stopped = Walk(
      store, store::Cf::kRunIndex, prefix, *start,
      [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
        if (response.runs_size() == page_size || ++scanned > kMaxScanned) return false;
        store::KeyReader reader(key);
        std::string key_ns, run_id;
        absl::Time created;
        if (!reader.String(&key_ns) || !reader.TimeDescending(&created) || !reader.String(&run_id)) {
          return CorruptRecord(store::Cf::kRunIndex, key);
        }
        ASSIGN_OR_RETURN(std::optional<internal::RunRecord> record,
                         GetRecord<internal::RunRecord>(store, store::Cf::kRuns,
                                                        keys::Run(ns, run_id)));
        if (record.has_value() && Matches(record->run(), request)) {
          *response.add_runs() = std::move(*record->mutable_run());
        }
        return true;
      });
  if (!stopped.ok()) return stopped.status();
  if (!stopped->empty()) response.set_next_page_token(EncodeToken(*stopped));
  return response;
}

absl::StatusOr<v1::ListAuditResponse> ListAudit(const store::Store& store,
                                                const v1::ListAuditRequest& request) {
  const std::string& ns = NamespaceOr(request.namespace_());
  const std::string prefix = keys::AuditPrefix(ns);
  absl::StatusOr<std::string> start = StartKey(request.page_token(), prefix);
  if (!start.ok()) return start.status();
  if (request.page_token().empty() && request.has_since()) {
    start = keys::Audit(ns, absl::ToUnixMicros(FromProtoTime(request.since())), 0);
  }
  v1::ListAuditResponse response;
  const int page_size = PageSize(request.page_size());
  absl::StatusOr<std::string> stopped = Walk(
      store, store::Cf::kAudit, prefix, *start,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        if (response.entries_size() == page_size) return false;
        ASSIGN_OR_RETURN(internal::AuditRecord record,
                         ParseRecord<internal::AuditRecord>(store::Cf::kAudit, key, value));
        v1::AuditEntry& entry = *response.add_entries();
        *entry.mutable_time() = ToProtoTime(absl::FromUnixMicros(record.at_us()));
        entry.set_namespace_(record.namespace_());
        entry.set_method(record.method());
        entry.set_issuer(record.issuer());
        entry.set_subject(record.subject());
        entry.set_target(record.target());
        entry.set_allowed(record.allowed());
        entry.set_denial(record.denial());
        entry.set_request_sha256(record.request_sha256());
        return true;
      });
  if (!stopped.ok()) return stopped.status();
  if (!stopped->empty()) response.set_next_page_token(EncodeToken(*stopped));
  return response;
}

absl::StatusOr<std::vector<v1::HistoryEvent>> ReadHistory(const store::Store& store,
                                                          const std::string& ns,
                                                          const std::string& run_id,
                                                          int64_t from_seq, int64_t to_seq,
                                                          size_t limit) {
  std::vector<v1::HistoryEvent> events;
  absl::StatusOr<std::string> stopped =
      Walk(store, store::Cf::kHistory, keys::HistoryPrefix(ns, run_id),
           keys::History(ns, run_id, std::max<int64_t>(from_seq, 1)),
           [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
             if (events.size() == limit) return false;
             ASSIGN_OR_RETURN(v1::HistoryEvent event,
                              ParseRecord<v1::HistoryEvent>(store::Cf::kHistory, key, value));
             if (event.seq() >= to_seq) return false;
             events.push_back(std::move(event));
             return true;
           });
  if (!stopped.ok()) return stopped.status();
  return events;
}

absl::StatusOr<v1::GetHistoryResponse> GetHistory(const store::Store& store,
                                                  const v1::GetHistoryRequest& request) {
  const std::string& ns = NamespaceOr(request.namespace_());
  int64_t from = request.from_seq();
  if (!request.page_token().empty()) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &decoded) ||
        !absl::SimpleAtoi(decoded, &from)) {
      return absl::InvalidArgumentError("page_token: not a token from GetHistory");
    }
  }
  absl::StatusOr<std::optional<std::string>> run = store.Get(store::Cf::kRuns, keys::Run(ns, request.run_id()));
  if (!run.ok()) return run.status();
  if (!run->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("run '", request.run_id(), "' not found in namespace '", ns, "'"));
  }
  const size_t page_size = PageSize(request.page_size());
  absl::StatusOr<std::vector<v1::HistoryEvent>> events =
      ReadHistory(store, ns, request.run_id(), from, INT64_MAX, page_size + 1);
  if (!events.ok()) return events.status();
  v1::GetHistoryResponse response;
  for (size_t i = 0; i < events->size() && i < page_size; ++i) {
    *response.add_events() = std::move((*events)[i]);
  }
  if (events->size() > page_size) {
    response.set_next_page_token(absl::WebSafeBase64Escape(absl::StrCat(events->back().seq())));
  }
  return response;
}

v1::ApiTokenInfo TokenInfo(const auth::TokenRegistry::Entry& entry) {
  const internal::TokenRecord& record = entry.record;
  v1::ApiTokenInfo info;
  info.set_id(record.id());
  info.set_name(record.name());
  info.set_namespace_(record.namespace_());
  info.set_role(record.role());
  info.set_cluster_admin(record.cluster_admin());
  *info.mutable_created_at() = ToProtoTime(absl::FromUnixMicros(record.created_at_us()));
  info.set_created_by(record.created_by());
  if (record.expires_at_us() != 0) {
    *info.mutable_expires_at() = ToProtoTime(absl::FromUnixMicros(record.expires_at_us()));
  }
  if (record.revoked_at_us() != 0) {
    *info.mutable_revoked_at() = ToProtoTime(absl::FromUnixMicros(record.revoked_at_us()));
  }
  if (entry.last_used != absl::InfinitePast()) {
    *info.mutable_last_used_at() = ToProtoTime(entry.last_used);
  }
  return info;
}

v1::ListTokensResponse ListTokens(const auth::TokenRegistry& tokens,
                                  const v1::ListTokensRequest& request) {
  v1::ListTokensResponse response;
  const std::string ns = request.cluster_admins() ? "" : NamespaceOr(request.namespace_());
  for (const auto& entry : tokens.List(ns, request.cluster_admins())) {
    *response.add_tokens() = TokenInfo(entry);
  }
  return response;
}

}  // namespace fanfare::coordinator
