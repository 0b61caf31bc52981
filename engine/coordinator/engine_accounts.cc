// Network accounts: added, listed, removed and loaded by the engine, so that each change is
// durable before it is acknowledged. Secrets are sealed here, on the engine thread (AES-GCM
// of a few hundred bytes: microseconds), and only the sealed form is stored or kept.
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "accounts/account_secrets.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/namespaces.h"
#include "engine/coordinator/notifications.h"
#include "engine/coordinator/stored_record.h"

namespace fanfare::coordinator {
namespace {

std::string GrantKey(absl::string_view ns, absl::string_view alias) {
  return absl::StrCat(ns, "/", alias);
}

std::string NeedsReconnectingDetail(absl::string_view alias, absl::string_view why) {
  return absl::StrCat("account ", alias, " needs reconnecting: ", why);
}

// What a task acting through `account` carries: its settings and access tokens, never its
// refresh token or client secrets.
v1::AccountGrant GrantOf(const v1::Account& account,
                         const std::map<std::string, std::string>& secrets) {
  v1::AccountGrant grant;
  grant.set_alias(account.alias());
  grant.set_network(account.network());
  grant.set_version(account.version());
  grant.set_uid(account.uid());
  *grant.mutable_settings() = account.settings();
  for (const auto& [name, value] : secrets) {
    if (absl::EndsWith(name, "_token") && name != "refresh_token") {
      (*grant.mutable_tokens())[name] = value;
    }
  }
  return grant;
}

}  // namespace

const v1::AccountGrant* Engine::AccountGrantFor(const std::string& ns,
                                                const std::string& alias) const {
  if (grants_.empty() || alias.empty()) return nullptr;
  auto it = grants_.find(GrantKey(ns, alias));
  return it == grants_.end() ? nullptr : &it->second;
}

void Engine::HoldGrant(const v1::Account& account,
                       const std::map<std::string, std::string>& secrets) {
  grants_.insert_or_assign(GrantKey(account.namespace_(), account.alias()),
                           GrantOf(account, secrets));
}

internal::AccountRecord* Engine::FindAccount(const std::string& ns, const std::string& alias) {
  auto book = accounts_.find(ns);
  if (book == accounts_.end()) return nullptr;
  auto found = book->second.find(alias);
  return found == book->second.end() ? nullptr : &found->second;
}

const internal::AccountRecord* Engine::FindAccount(const std::string& ns,
                                                   const std::string& alias) const {
  return const_cast<Engine*>(this)->FindAccount(ns, alias);
}

std::optional<std::string> Engine::WhyAccountWaits(const std::string& ns,
                                                    const std::string& alias) const {
  const internal::AccountRecord* record = FindAccount(ns, alias);
  if (record == nullptr) return std::nullopt;
  const v1::Account& account = record->account();
  if (account.needs_reconnecting()) {
    return NeedsReconnectingDetail(alias, account.reconnect_reason());
  }
  // A task would carry a token the network refuses: it waits for the renewal instead.
  const AccountId id(ns, alias);
  if ((renewing_.contains(id) || intents_.contains(id)) && account.has_access_token_expires_at() &&
      FromProtoTime(account.access_token_expires_at()) <= clock_->Now()) {
    return absl::StrCat("account ", alias, ": renewing its access token, which expired");
  }
  return std::nullopt;
}

void Engine::MarkNeedsReconnecting(const std::string& ns, const std::string& alias,
                                   const std::string& why) {
  internal::AccountRecord* record = FindAccount(ns, alias);
  if (record == nullptr) return;
  UnscheduleRenewal({ns, alias});
  intents_.erase({ns, alias});
  v1::Account& account = *record->mutable_account();
  RewaitAccountWaiters(ns, alias, NeedsReconnectingDetail(alias, why));
  if (account.needs_reconnecting()) return;
  account.set_needs_reconnecting(true);
  account.set_reconnect_reason(why.substr(0, 500));
  *account.mutable_needs_reconnecting_since() = ToProtoTime(clock_->Now());
  account.clear_renewal_started_at();
  state_.PutAccount(*record);
  if (webhooks_.Wanted(ns, "account.reconnect")) {
    webhooks_.Enqueue(ReconnectNotification(ns, alias, account.network(),
                                            account.reconnect_reason(), clock_->Now()));
  }
  AfterCommit([ns, alias, network = account.network(), why] {
    log::Warning("accounts", "account needs reconnecting")
        .Field("namespace", ns)
        .Field("account", alias)
        .Field("network", network)
        .Field("reason", why);
  });
}

void Engine::WakeAccountWaiters(const std::string& ns, const std::string& alias) {
  for (const auto& [key, run] : active_.runs()) {
    if (run->ns() != ns) continue;
    for (const auto& instance : run->instances()) {
      if (instance->account == alias) scheduler_.AccountReady(*run, *instance);
    }
  }
}

void Engine::RewaitAccountWaiters(const std::string& ns, const std::string& alias,
                                  const std::string& detail) {
  for (const auto& [key, run] : active_.runs()) {
    if (run->ns() != ns) continue;
    for (const auto& instance : run->instances()) {
      if (instance->account == alias && instance->state == v1::STEP_STATE_WAITING &&
          instance->waiting.kind() == v1::WaitingReason::KIND_ACCOUNT &&
          instance->waiting.detail() != detail) {
        scheduler_.WaitForAccount(*run, *instance, detail);
      }
    }
  }
}

void Engine::PutAccount(const v1::PutAccountRequest& request, Reply<v1::Account> reply) {
  if (options_.master_key == nullptr) {
    std::move(reply)(absl::FailedPreconditionError(
        "fanfared holds no master key to seal account secrets with: start it with "
        "--master-key-file FILE or FANFARE_MASTER_KEY (docs/operations.md)"));
    return;
  }
  const std::string ns = NamespaceOr(request.namespace_());
  absl::btree_map<std::string, internal::AccountRecord>& book = accounts_[ns];
  const auto existing = book.find(request.alias());
  if (existing == book.end() && book.size() >= kMaxAccountsPerNamespace) {
    std::move(reply)(absl::ResourceExhaustedError(absl::StrCat(
        "namespace ", ns, " holds ", kMaxAccountsPerNamespace, " accounts, the most it may")));
    return;
  }
  std::map<std::string, std::string> secrets(request.secrets().begin(), request.secrets().end());
  if (request.keep_other_secrets() && existing != book.end()) {
    absl::StatusOr<std::map<std::string, std::string>> held =
        accounts::UnsealAccountSecrets(*options_.master_key, existing->second);
    if (!held.ok()) {
      std::move(reply)(absl::FailedPreconditionError(absl::StrCat(
          "account '", request.alias(), "' holds secrets fanfared's master key cannot open; "
          "put it without keep_other_secrets")));
      return;
    }
    secrets.merge(*held);  // what the request gives wins
  }
  internal::AccountRecord record;
  v1::Account& account = *record.mutable_account();
  account.set_namespace_(ns);
  account.set_alias(request.alias());
  account.set_network(request.network());
  if (existing != book.end() && !existing->second.account().uid().empty()) {
    account.set_uid(existing->second.account().uid());
  } else {
    account.set_uid(absl::StrCat(absl::Hex(absl::Uniform<uint64_t>(random_), absl::kZeroPad16)));
  }
  *account.mutable_settings() = request.settings();
  if (request.has_access_token_expires_at()) {
    *account.mutable_access_token_expires_at() = request.access_token_expires_at();
  }
  for (const auto& [name, value] : secrets) account.add_secrets(name);
  account.set_version(existing == book.end() ? 1 : existing->second.account().version() + 1);
  *account.mutable_updated_at() = ToProtoTime(clock_->Now());
  account.set_updated_by(request.identity());
  account.set_master_key_id(options_.master_key->Id());
  absl::StatusOr<internal::SealedSecret> sealed =
      accounts::SealAccountSecrets(*options_.master_key, account, secrets);
  if (!sealed.ok()) {
    std::move(reply)(sealed.status());
    return;
  }
  *record.mutable_secrets() = *std::move(sealed);
  state_.PutAccount(record);
  HoldGrant(account, secrets);
  renewal_failures_.erase(AccountId(ns, request.alias()));
  ScheduleRenewal(record);
  v1::Account answer = account;
  // Every reply, this one and any list's, goes out after the commit that stores it.
  book.insert_or_assign(request.alias(), std::move(record));
  // Put again with new tokens: whatever waited for the account (to be reconnected, or for a
  // renewal of the tokens just replaced) goes on, and is checked again before it is sent.
  WakeAccountWaiters(ns, request.alias());
  ReplyAfterCommit(std::move(reply), absl::StatusOr<v1::Account>(std::move(answer)));
}

void Engine::ListAccounts(const v1::ListAccountsRequest& request,
                          Reply<v1::ListAccountsResponse> reply) {
  v1::ListAccountsResponse response;
  if (auto book = accounts_.find(NamespaceOr(request.namespace_())); book != accounts_.end()) {
    for (const auto& [alias, record] : book->second) *response.add_accounts() = record.account();
  }
  ReplyAfterCommit(std::move(reply),
                   absl::StatusOr<v1::ListAccountsResponse>(std::move(response)));
}

void Engine::RemoveAccount(const v1::RemoveAccountRequest& request, Reply<v1::Account> reply) {
  const std::string ns = NamespaceOr(request.namespace_());
  auto book = accounts_.find(ns);
  if (book == accounts_.end() || !book->second.contains(request.alias())) {
    ReplyAfterCommit(std::move(reply),
                     absl::StatusOr<v1::Account>(absl::NotFoundError(absl::StrCat(
                         "namespace ", ns, " has no account '", request.alias(), "'"))));
    return;
  }
  auto found = book->second.find(request.alias());
  v1::Account removed = found->second.account();
  state_.DeleteAccount(ns, request.alias());
  grants_.erase(GrantKey(ns, request.alias()));
  ForgetRenewals({ns, request.alias()});
  book->second.erase(found);
  // Its waiting steps go on: without the account they carry no grant (and fail, or use the
  // worker's own credentials).
  WakeAccountWaiters(ns, request.alias());
  ReplyAfterCommit(std::move(reply), absl::StatusOr<v1::Account>(std::move(removed)));
}

void Engine::RewrapIfRotated(internal::AccountRecord& record) {
  const std::shared_ptr<const accounts::MasterKey>& from = options_.previous_master_key;
  const std::shared_ptr<const accounts::MasterKey>& to = options_.master_key;
  if (from == nullptr || to == nullptr || record.secrets().master_key_id() != from->Id()) return;
  const v1::Account& account = record.account();
  absl::StatusOr<internal::SealedSecret> rewrapped = accounts::Rewrap(
      *from, *to, record.secrets(),
      accounts::AccountAssociatedData(account.namespace_(), account.alias(), account.version()));
  if (!rewrapped.ok()) return;  // altered: left as it is, and its tasks carry no grant
  *record.mutable_secrets() = *std::move(rewrapped);
  record.mutable_account()->set_master_key_id(to->Id());
  state_.PutAccount(record);
}

absl::Status Engine::LoadAccounts() {
  return ScanRecords<internal::AccountRecord>(
      *store_, store::Cf::kAccounts, /*prefix=*/"",
      [&](absl::string_view, internal::AccountRecord record) {
        const std::string ns = record.account().namespace_();
        const std::string alias = record.account().alias();
        RewrapIfRotated(record);
        // Without the key that sealed them, the account is listed but its tasks carry
        // nothing (the worker's own credentials, if any, are used).
        if (options_.master_key != nullptr) {
          absl::StatusOr<std::map<std::string, std::string>> secrets =
              accounts::UnsealAccountSecrets(*options_.master_key, record);
          if (secrets.ok()) {
            HoldGrant(record.account(), *secrets);
          }
        }
        ScheduleRenewal(record);
        accounts_[ns].insert_or_assign(alias, std::move(record));
        return true;
      });
}

}  // namespace fanfare::coordinator
