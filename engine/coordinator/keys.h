// The layout of every key the coordinator stores, one function per kind of key.
//
//   specs        ns, name, version                → fanfare.v1.Campaign
//   runs         ns, run_id                       → internal.RunRecord
//   run_index    ns, created_at (newest first), run_id → ""
//   active_runs  ns, run_id                       → ""
//   steps        ns, run_id, step_key             → internal.StepRecord
//   history      ns, run_id, seq                  → fanfare.v1.HistoryEvent
//   idempotency  "start", ns, run_id              → internal.StartFingerprint
//                "schedule", ns, name             → internal.ScheduleRecord
//   meta         name                             → value
//   access       "token", id                      → internal.TokenRecord
//                "used", id                       → internal.TokenLastUse
//   audit        ns, at (µs), seq                 → internal.AuditRecord
//   accounts     ns, alias                        → internal.AccountRecord
//   webhooks     ns, id                           → internal.WebhookRecord
//   outbox       seq                              → internal.OutboxRecord
//   community    "s", ns, network, account, action, source → internal.CommunityStream
//                "a", ns, network, account        → internal.CommunityAuthors
//                "b", ns, network, account        → internal.CommunityInbox
//                "i", ns, network, account, seq   → internal.InboxComment
//
// Strings are length-prefixed and integers big-endian (engine/store/key_codec.h), so the
// prefix functions select exactly the keys of one namespace, campaign or run.
#ifndef FANFARE_ENGINE_COORDINATOR_KEYS_H_
#define FANFARE_ENGINE_COORDINATOR_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::coordinator::keys {

// Bumped when a layout or record changes incompatibly; stored under meta "schema".
inline constexpr int kSchemaVersion = 1;

std::string Spec(absl::string_view ns, absl::string_view name, int64_t version);
std::string SpecPrefix(absl::string_view ns, absl::string_view name);
std::string NamespacePrefix(absl::string_view ns);

std::string Run(absl::string_view ns, absl::string_view run_id);
std::string RunIndex(absl::string_view ns, absl::Time created_at, absl::string_view run_id);
std::string ActiveRun(absl::string_view ns, absl::string_view run_id);

std::string Step(absl::string_view ns, absl::string_view run_id, absl::string_view step_key);
std::string StepPrefix(absl::string_view ns, absl::string_view run_id);

std::string History(absl::string_view ns, absl::string_view run_id, int64_t seq);
std::string HistoryPrefix(absl::string_view ns, absl::string_view run_id);

std::string StartFingerprint(absl::string_view ns, absl::string_view run_id);
// idempotency  "schedule", ns, name → internal.ScheduleRecord
std::string Schedule(absl::string_view ns, absl::string_view name);
std::string SchedulePrefix();
// spend        ns, campaign                     → internal.SpendRecord
std::string Spend(absl::string_view ns, absl::string_view campaign);
// quotas       ns/network/account               → internal.LimiterRecord
std::string Limiter(absl::string_view key);
std::string Meta(absl::string_view name);
std::string Token(absl::string_view id);
std::string TokenPrefix();
std::string TokenLastUse(absl::string_view id);
std::string TokenLastUsePrefix();
std::string Account(absl::string_view ns, absl::string_view alias);
std::string Audit(absl::string_view ns, int64_t at_us, uint64_t seq);
std::string AuditPrefix(absl::string_view ns);
std::string Webhook(absl::string_view ns, absl::string_view id);
std::string Outbox(uint64_t seq);
std::string CommunityStream(absl::string_view ns, absl::string_view network,
                            absl::string_view account, absl::string_view action,
                            absl::string_view source);
std::string CommunityAuthors(absl::string_view ns, absl::string_view network,
                             absl::string_view account);
std::string CommunityInbox(absl::string_view ns, absl::string_view network,
                           absl::string_view account);
std::string InboxComment(absl::string_view ns, absl::string_view network,
                         absl::string_view account, int64_t seq);
// The first byte of each kind of community key, to tell them apart when scanning.
inline constexpr char kCommunityStreamTag = 's';
inline constexpr char kCommunityAuthorsTag = 'a';
inline constexpr char kCommunityInboxTag = 'b';
inline constexpr char kInboxCommentTag = 'i';

}  // namespace fanfare::coordinator::keys

#endif  // FANFARE_ENGINE_COORDINATOR_KEYS_H_
