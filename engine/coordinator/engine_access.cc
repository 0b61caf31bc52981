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

// A namespace's tokens are few and listed whole; this bounds what one namespace can grow.
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
  if (tokens_.List(ns, request.cluster_admin()).size() >= kMaxTokensPerNamespace) {
    std::move(reply)(absl::ResourceExhaustedError(absl::StrCat(
        "namespace ", ns, " has ", kMaxTokensPerNamespace, " tokens; revoke some first")));
    return;
  }
  const absl::Time now = clock_->Now();
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
    if (denials_audited_ >= kMaxDenialsAudited) {
      ++denials_unaudited_;
      denials_unaudited_ns_ = record.namespace_();
      return;
    }
    ++denials_audited_;
  }
  state_.PutAudit(record, ++audit_seq_);
}

void Engine::FlushDenialCount() {
  const absl::Time now = clock_->Now();
  const int64_t second = absl::ToUnixSeconds(now);
  if (second == denials_second_) return;
  if (denials_unaudited_ > 0) {
    // The flood of the second before, counted in one record (in the namespace of its last).
    internal::AuditRecord summary;
    summary.set_at_us(absl::ToUnixMicros(now));
    summary.set_namespace_(denials_unaudited_ns_);
    summary.set_denial(absl::StrCat(denials_unaudited_,
                                    " more denied calls in the second before were not "
                                    "recorded one by one"));
    state_.PutAudit(summary, ++audit_seq_);
  }
  denials_second_ = second;
  denials_audited_ = 0;
  denials_unaudited_ = 0;
}

}  // namespace fanfare::coordinator
