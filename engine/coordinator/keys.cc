#include "engine/coordinator/keys.h"

#include "engine/store/key_codec.h"

namespace fanfare::coordinator::keys {

using store::KeyWriter;

std::string Spec(absl::string_view ns, absl::string_view name, int64_t version) {
  return KeyWriter().String(ns).String(name).I64(version).Take();
}

std::string SpecPrefix(absl::string_view ns, absl::string_view name) {
  return KeyWriter().String(ns).String(name).Take();
}

std::string NamespacePrefix(absl::string_view ns) { return KeyWriter().String(ns).Take(); }

std::string Run(absl::string_view ns, absl::string_view run_id) {
  return KeyWriter().String(ns).String(run_id).Take();
}

std::string RunIndex(absl::string_view ns, absl::Time created_at, absl::string_view run_id) {
  return KeyWriter().String(ns).TimeDescending(created_at).String(run_id).Take();
}

std::string ActiveRun(absl::string_view ns, absl::string_view run_id) { return Run(ns, run_id); }

std::string Step(absl::string_view ns, absl::string_view run_id, absl::string_view step_key) {
  return KeyWriter().String(ns).String(run_id).String(step_key).Take();
}

std::string StepPrefix(absl::string_view ns, absl::string_view run_id) {
  return Run(ns, run_id);
}

std::string History(absl::string_view ns, absl::string_view run_id, int64_t seq) {
  return KeyWriter().String(ns).String(run_id).I64(seq).Take();
}

std::string HistoryPrefix(absl::string_view ns, absl::string_view run_id) {
  return Run(ns, run_id);
}

std::string StartFingerprint(absl::string_view ns, absl::string_view run_id) {
  return KeyWriter().String("start").String(ns).String(run_id).Take();
}

std::string Schedule(absl::string_view ns, absl::string_view name) {
  return KeyWriter().String("schedule").String(ns).String(name).Take();
}

std::string SchedulePrefix() { return KeyWriter().String("schedule").Take(); }

std::string Spend(absl::string_view ns, absl::string_view campaign) {
  return KeyWriter().String(ns).String(campaign).Take();
}

std::string Limiter(absl::string_view key) { return KeyWriter().String(key).Take(); }

std::string Meta(absl::string_view name) { return KeyWriter().String(name).Take(); }

std::string Token(absl::string_view id) { return KeyWriter().String("token").String(id).Take(); }
std::string TokenPrefix() { return KeyWriter().String("token").Take(); }
std::string TokenLastUse(absl::string_view id) {
  return KeyWriter().String("used").String(id).Take();
}
std::string TokenLastUsePrefix() { return KeyWriter().String("used").Take(); }

std::string Account(absl::string_view ns, absl::string_view alias) {
  return KeyWriter().String(ns).String(alias).Take();
}

std::string Audit(absl::string_view ns, int64_t at_us, uint64_t seq) {
  return KeyWriter().String(ns).I64(at_us).U64(seq).Take();
}
std::string AuditPrefix(absl::string_view ns) { return KeyWriter().String(ns).Take(); }

std::string Webhook(absl::string_view ns, absl::string_view id) {
  return KeyWriter().String(ns).String(id).Take();
}

std::string Outbox(uint64_t seq) { return KeyWriter().U64(seq).Take(); }

std::string CommunityStream(absl::string_view ns, absl::string_view network,
                            absl::string_view account, absl::string_view action,
                            absl::string_view source) {
  return std::string(1, kCommunityStreamTag) +
         KeyWriter().String(ns).String(network).String(account).String(action).String(source).Take();
}

std::string CommunityAuthors(absl::string_view ns, absl::string_view network,
                             absl::string_view account) {
  return std::string(1, kCommunityAuthorsTag) +
         KeyWriter().String(ns).String(network).String(account).Take();
}

std::string CommunityInbox(absl::string_view ns, absl::string_view network,
                           absl::string_view account) {
  return std::string(1, kCommunityInboxTag) +
         KeyWriter().String(ns).String(network).String(account).Take();
}

std::string InboxComment(absl::string_view ns, absl::string_view network,
                         absl::string_view account, int64_t seq) {
  return std::string(1, kInboxCommentTag) +
         KeyWriter().String(ns).String(network).String(account).I64(seq).Take();
}

}  // namespace fanfare::coordinator::keys
