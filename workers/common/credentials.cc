#include "workers/common/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "accounts/account_secrets.h"
#include "absl/strings/str_replace.h"

namespace fanfare::workers {

const char* const kKnownFields[] = {
    "network", "access_token", "refresh_token", "client_id", "client_secret",
    "token_expires_at", "page_id", "ig_user_id", "ad_account_id", "user_id", "username",
    "author_urn", "organization_urn", "advertiser_id", "ads_access_token",
    "funding_instrument_id", "ads_account_id", "channel_id", "open_id", "currency", nullptr};

namespace {

constexpr absl::string_view kEnvPrefix = "FANFARE_ACCOUNT_";

absl::StatusOr<AccountCredentials> AccountFromJson(const std::string& alias, const Json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("credentials: account '", alias, "' must be an object of string fields"));
  }
  AccountCredentials account;
  account.alias = alias;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (!it->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat("credentials: field '", it.key(),
                                                     "' of account '", alias,
                                                     "' must be a string"));
    }
    account.fields[it.key()] = it->get<std::string>();
  }
  account.network = account.Get("network");
  if (account.network.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "credentials: account '", alias, "' has no 'network' (e.g. \"network\": \"facebook\")"));
  }
  return account;
}

absl::Status CheckMode(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("credentials file ", path, " cannot be read"));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("credentials file ", path, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "credentials file %s has mode %04o; it holds tokens, so it must be readable by its "
        "owner only: run `chmod 600 %s`",
        path, st.st_mode & 07777, path));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsSecretField(absl::string_view field) { return accounts::IsSecretName(field); }

std::string AccountCredentials::Get(absl::string_view field) const {
  auto it = fields.find(std::string(field));
  return it == fields.end() ? "" : it->second;
}

absl::StatusOr<std::string> AccountCredentials::Require(absl::string_view field) const {
  std::string value = Get(field);
  if (value.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "account '", alias, "' (", network, ") has no '", field,
        "' in its credentials; add it to the credentials file or FANFARE_ACCOUNT_* variables"));
  }
  return value;
}

absl::StatusOr<std::unique_ptr<CredentialStore>> CredentialStore::LoadFile(
    const std::string& path) {
  if (absl::Status mode = CheckMode(path); !mode.ok()) return mode;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::optional<Json> doc = ParseJson(text.str());
  if (!doc.has_value() || !doc->is_object() || !JsonMember(*doc, "accounts").is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "credentials file ", path,
        " must be JSON of the form {\"accounts\": {\"<alias>\": {\"network\": …, …}}}"));
  }
  std::unique_ptr<CredentialStore> store(new CredentialStore());
  absl::MutexLock lock(&store->mu_);
  store->path_ = path;
  const Json& accounts = (*doc)["accounts"];
  for (auto it = accounts.begin(); it != accounts.end(); ++it) {
    absl::StatusOr<AccountCredentials> account = AccountFromJson(it.key(), *it);
    if (!account.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", account.status().message()));
    }
    store->accounts_[it.key()] = *std::move(account);
  }
  store->document_ = *std::move(doc);
  return store;
}

absl::StatusOr<std::unique_ptr<CredentialStore>> CredentialStore::FromEnvironment(char** envp) {
  std::map<std::string, Json> accounts;
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    absl::string_view entry(*e);
    if (!absl::StartsWith(entry, kEnvPrefix)) continue;
    const size_t eq = entry.find('=');
    if (eq == absl::string_view::npos) continue;
    absl::string_view name = entry.substr(kEnvPrefix.size(), eq - kEnvPrefix.size());
    for (const char* const* f = kKnownFields; *f != nullptr; ++f) {
      const std::string suffix = absl::StrCat("_", absl::AsciiStrToUpper(*f));
      if (name.size() > suffix.size() && absl::EndsWith(name, suffix)) {
        const std::string alias =
            absl::AsciiStrToLower(name.substr(0, name.size() - suffix.size()));
        accounts[alias][*f] = std::string(entry.substr(eq + 1));
        break;
      }
    }
  }
  std::vector<AccountCredentials> list;
  for (const auto& [alias, json] : accounts) {
    absl::StatusOr<AccountCredentials> account = AccountFromJson(alias, json);
    if (!account.ok()) return account.status();
    list.push_back(*std::move(account));
  }
  return FromAccounts(std::move(list));
}

std::unique_ptr<CredentialStore> CredentialStore::FromAccounts(
    std::vector<AccountCredentials> accounts) {
  std::unique_ptr<CredentialStore> store(new CredentialStore());
  absl::MutexLock lock(&store->mu_);
  for (AccountCredentials& account : accounts) {
    if (account.network.empty()) account.network = account.Get("network");
    std::string alias = account.alias;
    store->accounts_[alias] = std::move(account);
  }
  return store;
}

absl::StatusOr<AccountCredentials> CredentialStore::Get(absl::string_view alias) const {
  absl::MutexLock lock(&mu_);
  auto it = accounts_.find(alias);
  if (it == accounts_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "no credentials for account '", alias,
        "': add it to the credentials file (--credentials) or set FANFARE_ACCOUNT_",
        absl::AsciiStrToUpper(alias), "_* variables"));
  }
  return it->second;
}

std::vector<std::string> CredentialStore::Aliases() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> aliases;
  for (const auto& [alias, unused] : accounts_) aliases.push_back(alias);
  return aliases;
}

absl::Mutex* CredentialStore::RefreshMutex(absl::string_view alias) {
  absl::MutexLock lock(&refresh_mu_);
  auto& slot = per_account_[std::string(alias)];
  if (slot == nullptr) slot = std::make_unique<absl::Mutex>();
  return slot.get();
}

absl::StatusOr<std::string> CredentialStore::Refresh(absl::string_view alias,
                                                     absl::string_view stale_token,
                                                     const Refresher& refresher,
                                                     absl::Time now) {
  absl::MutexLock single_flight(RefreshMutex(alias));
  absl::StatusOr<AccountCredentials> current = Get(alias);
  if (!current.ok()) return current.status();
  const std::string token = current->Get("access_token");
  if (token != stale_token) return token;  // someone refreshed while we waited
  absl::StatusOr<TokenGrant> grant = refresher(*current);
  if (!grant.ok()) return grant.status();
  absl::MutexLock lock(&mu_);
  AccountCredentials& account = accounts_[std::string(alias)];
  auto set = [&](const std::string& field, const std::string& value) {
    std::string& slot = account.fields[field];
    if (IsSecretField(field) && !slot.empty() && slot != value) retired_secrets_.insert(slot);
    slot = value;
    if (!path_.empty()) document_["accounts"][account.alias][field] = value;
  };
  set("access_token", grant->access_token);
  if (!grant->refresh_token.empty()) set("refresh_token", grant->refresh_token);
  if (grant->expires_in > absl::ZeroDuration()) {
    set("token_expires_at", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now + grant->expires_in,
                                             absl::UTCTimeZone()));
  }
  if (absl::Status persisted = Persist(); !persisted.ok()) return persisted;
  return grant->access_token;
}

absl::Status CredentialStore::Persist() {
  if (path_.empty()) return absl::OkStatus();
  const std::string tmp = absl::StrCat(path_, ".tmp");
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot write refreshed tokens to ", tmp));
  }
  const std::string text = document_.dump(2) + "\n";
  const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = fsync(fd) == 0;
  close(fd);
  if (!written || !synced || rename(tmp.c_str(), path_.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot write refreshed tokens to ", path_));
  }
  return absl::OkStatus();
}

void CredentialStore::Adopt(AccountCredentials account, const std::string& uid,
                            int64_t version) {
  absl::MutexLock lock(&mu_);
  auto held = adopted_.find(account.alias);
  if (held != adopted_.end() && held->second.first == uid && version < held->second.second) {
    return;
  }
  adopted_.insert_or_assign(account.alias, std::make_pair(uid, version));
  auto it = accounts_.find(account.alias);
  if (it != accounts_.end()) {
    for (const auto& [field, value] : it->second.fields) {
      if (IsSecretField(field) && !value.empty() && account.Get(field) != value) {
        retired_secrets_.insert(value);
      }
    }
  }
  const std::string alias = account.alias;
  accounts_.insert_or_assign(alias, std::move(account));
}

std::string CredentialStore::Redact(absl::string_view text) const {
  std::string out(text);
  absl::MutexLock lock(&mu_);
  auto redact = [&out](const std::string& secret) {
    // Very short values would redact ordinary words; real tokens are long.
    if (secret.size() >= 6) absl::StrReplaceAll({{secret, "[redacted]"}}, &out);
  };
  for (const auto& [alias, account] : accounts_) {
    for (const auto& [field, value] : account.fields) {
      if (IsSecretField(field)) redact(value);
    }
  }
  for (const std::string& secret : retired_secrets_) redact(secret);
  return out;
}

}  // namespace fanfare::workers
