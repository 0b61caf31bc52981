// Renewing held accounts' access tokens. The engine is the one refresher of every account it
// holds, across all workers and restarts:
//
//   - at most one renewal per account is in flight (`renewing_`);
//   - its intent (Account.renewal_started_at) is durable before the refresh token leaves the
//     process, so a restart knows that an answer may have been lost and presents the same
//     refresh token again — never an older one, never a second exchange beside the first;
//   - the network's answer is sealed and stored in the cycle it arrives; tasks leased in that
//     cycle carry the new access token, and like every delivery they leave after the commit,
//     so the new refresh token is durable before the new access token is used anywhere;
//   - tokens are renewed shortly before they expire; a refusal reported by a task whose
//     token is already outdated sends it again instead of starting another renewal.
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "accounts/account_secrets.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "engine/coordinator/engine.h"

namespace fanfare::coordinator {
namespace {

// A token is renewed a fifth of its lifetime before it expires, and at most this early.
constexpr absl::Duration kMaxLead = absl::Minutes(5);
// Backoff after a renewal that got no answer: 1 s, 2 s, 4 s, … up to this.
constexpr absl::Duration kMaxRenewalBackoff = absl::Minutes(1);

// When `account`'s token should be renewed; InfiniteFuture if its expiry is not known.
absl::Time RenewalDue(const v1::Account& account) {
  if (account.has_renewal_started_at()) return absl::InfinitePast();  // interrupted: finish it
  if (!account.has_access_token_expires_at()) return absl::InfiniteFuture();
  const absl::Time expires = FromProtoTime(account.access_token_expires_at());
  const absl::Time issued =
      FromProtoTime(account.has_renewed_at() ? account.renewed_at() : account.updated_at());
  const absl::Duration lead = std::clamp((expires - issued) / 5, absl::ZeroDuration(), kMaxLead);
  return expires - lead;
}

}  // namespace

bool Engine::Renewable(const v1::Account& account) const {
  const auto& names = account.secrets();
  // Only with the key that sealed it: a fanfared started without it (or with another) lists
  // the account and leaves it alone.
  return options_.token_renewer != nullptr && options_.master_key != nullptr &&
         account.master_key_id() == options_.master_key->Id() &&
         !account.needs_reconnecting() &&
         std::find(names.begin(), names.end(), "refresh_token") != names.end() &&
         options_.token_renewer->Renews(account.network());
}

void Engine::ScheduleRenewal(const internal::AccountRecord& record) {
  const AccountId id(record.account().namespace_(), record.account().alias());
  UnscheduleRenewal(id);
  if (record.account().has_renewal_started_at()) {
    intents_.insert(id);
  } else {
    intents_.erase(id);
  }
  if (!Renewable(record.account())) return;
  const absl::Time due = RenewalDue(record.account());
  if (due == absl::InfiniteFuture()) return;
  renewal_due_.emplace(due, id);
  renewal_due_at_[id] = due;
}

void Engine::UnscheduleRenewal(const AccountId& id) {
  auto found = renewal_due_at_.find(id);
  if (found == renewal_due_at_.end()) return;
  renewal_due_.erase({found->second, id});
  renewal_due_at_.erase(found);
}

void Engine::ForgetRenewals(const AccountId& id) {
  UnscheduleRenewal(id);
  // An answer still on its way is dropped: it names a renewal no longer in flight.
  renewing_.erase(id);
  intents_.erase(id);
  renewal_failures_.erase(id);
}

absl::Time Engine::NextRenewalDue() const {
  return renewal_due_.empty() ? absl::InfiniteFuture() : renewal_due_.begin()->first;
}

absl::Time Engine::NextRehearsalDue() {
  absl::Time due = NextDue();
  for (const AccountId& id : intents_) {
    if (auto retry = renewal_due_at_.find(id); retry != renewal_due_at_.end()) {
      due = std::min(due, retry->second);
    }
  }
  return due;
}

void Engine::StartDueRenewals() {
  const absl::Time now = clock_->Now();
  while (!renewal_due_.empty() && renewal_due_.begin()->first <= now) {
    const AccountId id = renewal_due_.begin()->second;
    UnscheduleRenewal(id);
    // One in flight already (for an older version): this one is filed again when it answers.
    StartRenewal(id);
  }
}

void Engine::StartRenewal(const AccountId& id) {
  if (renewing_.contains(id)) return;
  internal::AccountRecord* record = FindAccount(id.first, id.second);
  if (record == nullptr || !Renewable(record->account())) return;
  absl::StatusOr<std::map<std::string, std::string>> secrets =
      accounts::UnsealAccountSecrets(*options_.master_key, *record);
  if (!secrets.ok()) return;  // altered at rest: its tasks carry no grant either
  v1::Account& account = *record->mutable_account();
  // Kept if set: the renewal a restart or a lost answer interrupted is the one being finished.
  if (!account.has_renewal_started_at()) {
    *account.mutable_renewal_started_at() = ToProtoTime(clock_->Now());
  }
  state_.PutAccount(*record);
  renewing_.insert_or_assign(id, account.uid());
  intents_.insert(id);
  RenewalOrder order{.ns = id.first,
                     .alias = id.second,
                     .network = account.network(),
                     .uid = account.uid(),
                     .version = account.version(),
                     .settings = {account.settings().begin(), account.settings().end()},
                     .secrets = *std::move(secrets)};
  AfterCommit([renewer = options_.token_renewer, order = std::move(order)]() mutable {
    renewer->Renew(std::move(order));
  });
}

void Engine::ClearIntent(internal::AccountRecord& record) {
  record.mutable_account()->clear_renewal_started_at();
  intents_.erase(AccountId(record.account().namespace_(), record.account().alias()));
}

void Engine::TokenRenewed(RenewalAnswer answer) {
  const AccountId id(answer.ns, answer.alias);
  auto flight = renewing_.find(id);
  // The account was removed since (and maybe added anew, with another uid): not ours.
  if (flight == renewing_.end() || flight->second != answer.uid) return;
  renewing_.erase(flight);
  internal::AccountRecord* record = FindAccount(id.first, id.second);
  if (record == nullptr) return;
  if (record->account().version() != answer.version) {
    // Put anew by a person while the network answered: that answer is for tokens no longer
    // held. The new version's renewal, and its waiters, go on from here.
    ScheduleRenewal(*record);
    WakeAccountWaiters(id.first, id.second);
    return;
  }
  switch (answer.outcome) {
    case RenewalAnswer::Outcome::kRenewed:
      StoreRenewedTokens(*record, answer);
      log::Debug("accounts", "access token renewed")
          .Field("namespace", id.first)
          .Field("account", id.second);
      return;
    case RenewalAnswer::Outcome::kRefused:
      renewal_failures_.erase(id);
      ClearIntent(*record);
      MarkNeedsReconnecting(id.first, id.second, answer.message);
      return;
    case RenewalAnswer::Outcome::kNotNow: {
      // The same refresh token goes again later (the intent stays): if the network did act
      // on it, its answer is asked for again rather than a new exchange started.
      const int failures = std::min(++renewal_failures_[id], 16);
      const absl::Duration backoff =
          std::min(absl::Seconds(1) * (int64_t{1} << (failures - 1)), kMaxRenewalBackoff);
      const absl::Time retry = clock_->Now() + backoff;
      UnscheduleRenewal(id);
      renewal_due_.emplace(retry, id);
      renewal_due_at_[id] = retry;
      RewaitAccountWaiters(id.first, id.second,
                           absl::StrCat("account ", id.second, ": renewing its access token (",
                                        answer.message, ")"));
      log::Info("accounts", "token renewal failed; trying again")
          .Field("namespace", id.first)
          .Field("account", id.second)
          .Field("retry_in", backoff)
          .Field("error", answer.message);
      return;
    }
  }
}

void Engine::StoreRenewedTokens(internal::AccountRecord& record, const RenewalAnswer& answer) {
  const AccountId id(answer.ns, answer.alias);
  absl::StatusOr<std::map<std::string, std::string>> secrets =
      accounts::UnsealAccountSecrets(*options_.master_key, record);
  if (!secrets.ok()) return;  // cannot happen: it opened when the renewal started
  (*secrets)["access_token"] = answer.access_token;
  if (!answer.refresh_token.empty()) (*secrets)["refresh_token"] = answer.refresh_token;
  // Built apart, and swapped in only once sealed.
  internal::AccountRecord renewed = record;
  const absl::Time now = clock_->Now();
  v1::Account& account = *renewed.mutable_account();
  account.set_version(account.version() + 1);
  *account.mutable_updated_at() = ToProtoTime(now);
  *account.mutable_renewed_at() = ToProtoTime(now);
  account.set_renewals(account.renewals() + 1);
  account.clear_renewal_started_at();
  if (answer.expires_in > absl::ZeroDuration()) {
    *account.mutable_access_token_expires_at() = ToProtoTime(now + answer.expires_in);
  } else {
    account.clear_access_token_expires_at();
  }
  account.clear_secrets();
  for (const auto& [name, value] : *secrets) account.add_secrets(name);
  absl::StatusOr<internal::SealedSecret> sealed =
      accounts::SealAccountSecrets(*options_.master_key, account, *secrets);
  if (!sealed.ok()) {
    // Cannot happen with a loaded key; were it to, the new refresh token would be lost,
    // which is what "needs reconnecting" says.
    ClearIntent(record);
    MarkNeedsReconnecting(id.first, id.second, "its renewed tokens could not be sealed");
    return;
  }
  *renewed.mutable_secrets() = *std::move(sealed);
  record = std::move(renewed);
  intents_.erase(id);
  state_.PutAccount(record);
  HoldGrant(record.account(), *secrets);
  renewal_failures_.erase(id);
  ScheduleRenewal(record);
  WakeAccountWaiters(id.first, id.second);
}

std::optional<std::string> Engine::TokenRefused(const std::string& ns, const std::string& alias,
                                                int64_t granted_version,
                                                const std::string& why) {
  internal::AccountRecord* record = FindAccount(ns, alias);
  if (record == nullptr) return std::nullopt;
  v1::Account& account = *record->mutable_account();
  if (!account.needs_reconnecting() && granted_version < account.version()) {
    return std::nullopt;  // renewed (or put anew) since: the task goes again with that
  }
  if (!Renewable(account)) {
    MarkNeedsReconnecting(ns, alias, why);
    return WhyAccountWaits(ns, alias);
  }
  // The token is known bad from now on: tasks wait for the renewal instead of being refused.
  const absl::Time now = clock_->Now();
  if (!account.has_access_token_expires_at() ||
      FromProtoTime(account.access_token_expires_at()) > now) {
    *account.mutable_access_token_expires_at() = ToProtoTime(now);
    state_.PutAccount(*record);
  }
  // A renewal waiting to ask again keeps its backoff; otherwise one starts (or is joined).
  if (!intents_.contains(AccountId(ns, alias))) StartRenewal({ns, alias});
  if (std::optional<std::string> waits = WhyAccountWaits(ns, alias)) return waits;
  return absl::StrCat("account ", alias, ": renewing its access token, which ",
                      account.network(), " refused");
}

}  // namespace fanfare::coordinator
