// API tokens: made, revoked and loaded by the engine, so that each change is durable before
// it is acknowledged or takes effect (auth/token_registry.h).
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/namespaces.h"
#include "engine/coordinator/queries.h"
#include "engine/coordinator/stored_record.h"
#include "engine/store/key_codec.h"

namespace fanfare::coordinator {
namespace {

// A namespace's tokens are few and listed whole; this bounds the tokens in force in one.
constexpr size_t kMaxTokensPerNamespace = 1000;

}  // namespace

void Engine::CreateToken(const auth::Principal& caller, const v1::CreateTokenRequest& request,
                         const auth::ApiToken& token, Reply<v1::CreateTokenResponse> reply) {
  if (request.cluster_admin() && !caller.cluster_admin) {
    std::move(reply)(absl::PermissionDeniedError(absl::StrCat(
        caller.DisplayName(), " may not make a cluster admin's token: only a cluster admin may")));
    return;
  }
  const std::string ns = request.cluster_admin() ? "" : NamespaceOr(request.namespace_());
  const absl::Time now = clock_->Now();
  if (absl::Status room = RoomForToken(ns, request.cluster_admin(), request.name(), now);
      !room.ok()) {
    std::move(reply)(room);
    return;
  }
  internal::TokenRecord record;
  record.set_id(token.id);
  record.set_name(request.name());
  record.set_namespace_(ns);
  record.set_role(request.cluster_admin() ? "" : request.role());
  record.set_cluster_admin(request.cluster_admin());
  record.set_secret_sha256(auth::HashSecret(token.secret));
  record.set_created_at_us(absl::ToUnixMicros(now));
  record.set_created_by(caller.DisplayName());
  if (request.has_expires_in()) {
    record.set_expires_at_us(absl::ToUnixMicros(now + FromProtoDuration(request.expires_in())));
  }
  state_.PutToken(record);
  v1::CreateTokenResponse response;
  *response.mutable_token() = TokenInfo({record, absl::InfinitePast()});
  response.set_secret(token.Text());
  // In force once durable, and before the reply tells anyone it exists.
  AfterCommit([this, record = std::move(record)]() mutable { tokens_.Put(std::move(record)); });
  ReplyAfterCommit(std::move(reply), absl::StatusOr<v1::CreateTokenResponse>(std::move(response)));
}

absl::Status Engine::RoomForToken(const std::string& ns, bool cluster_admin,
                                  const std::string& name, absl::Time now) const {
  size_t in_force = 0;
  for (const auth::TokenRegistry::Entry& entry : tokens_.List(ns, cluster_admin)) {
    const internal::TokenRecord& other = entry.record;
    if (other.revoked_at_us() != 0 ||
        (other.expires_at_us() != 0 && other.expires_at_us() <= absl::ToUnixMicros(now))) {
      continue;
    }
    ++in_force;
    // A token's name is whom its calls are recorded as (and whom an approval step's
    // `approvers` name): two in force may not share one.
    if (other.name() == name) {
      return absl::AlreadyExistsError(absl::StrCat("a token named ", name,
                                                   " is in force in namespace ", ns, " (",
                                                   other.id(),
                                                   "); revoke it first, or pick another name"));
    }
  }
  if (in_force >= kMaxTokensPerNamespace) {
    return absl::ResourceExhaustedError(absl::StrCat("namespace ", ns, " has ",
                                                     kMaxTokensPerNamespace,
                                                     " tokens in force; revoke some first"));
  }
  return absl::OkStatus();
}

void Engine::RevokeToken(const auth::Principal& caller, const v1::RevokeTokenRequest& request,
                         Reply<v1::ApiTokenInfo> reply) {
  std::optional<auth::TokenRegistry::Entry> entry = tokens_.Find(request.id());
  const std::string ns = NamespaceOr(request.namespace_());
  // A token of another namespace is as good as absent: its existence is not the caller's
  // business.
  if (!entry.has_value() ||
      (entry->record.cluster_admin() ? !caller.cluster_admin : entry->record.namespace_() != ns)) {
    std::move(reply)(
        absl::NotFoundError(absl::StrCat("no token ", request.id(), " in namespace ", ns)));
    return;
  }
  internal::TokenRecord& record = entry->record;
  if (record.revoked_at_us() == 0) {
    record.set_revoked_at_us(absl::ToUnixMicros(clock_->Now()));
    record.set_revoked_by(caller.DisplayName());
    state_.PutToken(record);
    AfterCommit([this, record]() mutable { tokens_.Put(std::move(record)); });
  }
  ReplyAfterCommit(std::move(reply), absl::StatusOr<v1::ApiTokenInfo>(TokenInfo(*entry)));
}

absl::Status Engine::LoadTokens() {
  absl::Status scan =
      ScanRecords<internal::TokenRecord>(*store_, store::Cf::kAccess, keys::TokenPrefix(),
                                         [&](absl::string_view, internal::TokenRecord record) {
                                           tokens_.Put(std::move(record));
                                           return true;
                                         });
  if (!scan.ok()) return scan;
  absl::Status corrupt;
  scan = ScanRecords<internal::TokenLastUse>(
      *store_, store::Cf::kAccess, keys::TokenLastUsePrefix(),
      [&](absl::string_view key, const internal::TokenLastUse& use) {
        store::KeyReader reader(key);
        std::string kind, id;
        if (!reader.String(&kind) || !reader.String(&id) || !reader.done()) {
          corrupt = CorruptRecord(store::Cf::kAccess, key);
          return false;
        }
        if (std::optional<auth::TokenRegistry::Entry> entry = tokens_.Find(id)) {
          tokens_.Put(std::move(entry->record), absl::FromUnixMicros(use.at_us()));
        }
        return true;
      });
  return corrupt.ok() ? scan : corrupt;
}

void Engine::FlushTokenLastUses() {
  // Looked at once a second at most: a busy engine cycles thousands of times a second.
  const absl::Time now = clock_->Now();
  if (now - last_uses_flushed_ < absl::Seconds(1)) return;
  last_uses_flushed_ = now;
  for (const auto& [id, at] : tokens_.TakeLastUses(absl::Minutes(1))) {
    state_.PutTokenLastUse(id, at);
  }
}

void Engine::Audit(internal::AuditRecord record) {
  const absl::Time now = clock_->Now();
  record.set_at_us(absl::ToUnixMicros(now));
  if (!record.allowed()) {
    FlushDenialCount();
    // A flood of refused calls must not flood the disk, nor hide one namespace's refusals
    // behind another's: each namespace has its own budget, within one for all.
    const bool tracked = denials_.size() < kMaxDenialNamespaces ||
                         denials_.contains(record.namespace_());
    const std::string ns = tracked ? record.namespace_() : std::string(kDefaultNamespace);
    DenialCount& count = denials_[ns];
    if (!tracked || count.audited >= kMaxDenialsAudited ||
        denials_audited_ >= kMaxDenialsAuditedInAll) {
      ++count.counted;
      return;
    }
    ++count.audited;
    ++denials_audited_;
  }
  state_.PutAudit(record, NextAuditSeq());
}

uint64_t Engine::NextAuditSeq() {
  if (audit_seq_ == 0) {
    audit_seq_ = absl::Uniform<uint64_t>(random_, 1, uint64_t{1} << 32) << 32;
  }
  return ++audit_seq_;
}

void Engine::FlushDenialCount() {
  const absl::Time now = clock_->Now();
  const int64_t second = absl::ToUnixSeconds(now);
  if (second == denials_second_) return;
  for (const auto& [ns, count] : denials_) {
    if (count.counted == 0) continue;
    // The rest of the second before, counted in one record of its namespace.
    internal::AuditRecord summary;
    summary.set_at_us(absl::ToUnixMicros(now));
    summary.set_namespace_(ns);
    summary.set_denial(absl::StrCat(count.counted,
                                    " more denied calls in the second before were not "
                                    "recorded one by one"));
      state_.PutAudit(summary, NextAuditSeq());
  }
  denials_second_ = second;
  denials_audited_ = 0;
  denials_.clear();
}

}  // namespace fanfare::coordinator
