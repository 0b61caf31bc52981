#include "auth/token_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "auth/api_token.h"

namespace fanfare::auth {
namespace {

std::string FormatMicros(int64_t us) {
  return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMicros(us), absl::UTCTimeZone());
}

Principal PrincipalOf(const internal::TokenRecord& record) {
  Principal principal;
  principal.issuer = "fanfare";
  principal.subject = record.name();
  principal.cluster_admin = record.cluster_admin();
  if (!record.cluster_admin()) {
    if (const std::optional<Role> role = ParseRole(record.role()); role.has_value()) {
      principal.grants.push_back({record.namespace_(), *role});
    }
  }
  return principal;
}

}  // namespace

void TokenRegistry::Put(internal::TokenRecord record, absl::Time last_used) {
  absl::MutexLock lock(&mu_);
  Slot& slot = tokens_[record.id()];
  slot.entry.record = std::move(record);
  slot.entry.last_used = std::max(slot.entry.last_used, last_used);
  slot.last_used_taken = std::max(slot.last_used_taken, last_used);
}

absl::StatusOr<Principal> TokenRegistry::Authenticate(absl::string_view token_text,
                                                      absl::Time now) {
  absl::StatusOr<ApiToken> token = ParseApiToken(token_text);
  if (!token.ok()) return token.status();
  absl::MutexLock lock(&mu_);
  auto it = tokens_.find(token->id);
  // The same answer for an unknown id and a wrong secret: neither tells a guesser anything.
  if (it == tokens_.end() ||
      !SecretMatches(token->secret, it->second.entry.record.secret_sha256())) {
    return absl::UnauthenticatedError("unknown token");
  }
  Entry& entry = it->second.entry;
  const internal::TokenRecord& record = entry.record;
  if (record.revoked_at_us() != 0) {
    return absl::UnauthenticatedError(absl::StrCat("token ", record.name(), " was revoked at ",
                                                   FormatMicros(record.revoked_at_us())));
  }
  if (record.expires_at_us() != 0 && absl::ToUnixMicros(now) >= record.expires_at_us()) {
    return absl::UnauthenticatedError(absl::StrCat("token ", record.name(), " expired at ",
                                                   FormatMicros(record.expires_at_us())));
  }
  entry.last_used = std::max(entry.last_used, now);
  return PrincipalOf(record);
}

std::optional<TokenRegistry::Entry> TokenRegistry::Find(absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  auto it = tokens_.find(id);
  if (it == tokens_.end()) return std::nullopt;
  return it->second.entry;
}

std::vector<TokenRegistry::Entry> TokenRegistry::List(absl::string_view ns,
                                                      bool cluster_admins) const {
  std::vector<Entry> out;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, slot] : tokens_) {
      const internal::TokenRecord& record = slot.entry.record;
      if (cluster_admins ? record.cluster_admin()
                         : !record.cluster_admin() && record.namespace_() == ns) {
        out.push_back(slot.entry);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.record.name(), a.record.id()) < std::tie(b.record.name(), b.record.id());
  });
  return out;
}

size_t TokenRegistry::size() const {
  absl::MutexLock lock(&mu_);
  return tokens_.size();
}

std::vector<std::pair<std::string, absl::Time>> TokenRegistry::TakeLastUses(
    absl::Duration granularity) {
  std::vector<std::pair<std::string, absl::Time>> out;
  absl::MutexLock lock(&mu_);
  for (auto& [id, slot] : tokens_) {
    const absl::Time used = slot.entry.last_used;
    if (used == absl::InfinitePast()) continue;
    if (slot.last_used_taken != absl::InfinitePast() && used - slot.last_used_taken < granularity) {
      continue;
    }
    slot.last_used_taken = used;
    out.emplace_back(id, used);
  }
  return out;
}

}  // namespace fanfare::auth
