// CredentialStore: maps the account aliases campaigns use ("acme_fb") to each network's
// tokens and ids, and refreshes access tokens for networks that issue refresh tokens.
//
// Sources:
//  - a JSON file, which must be readable by its owner only (mode 0600 or stricter; anything
//    else is refused, because it holds tokens):
//      {"accounts": {"acme_fb": {"network": "facebook", "access_token": "…",
//                                "page_id": "…", "ad_account_id": "…"}}}
//  - environment variables FANFARE_ACCOUNT_<ALIAS>_<FIELD>, e.g.
//      FANFARE_ACCOUNT_ACME_X_NETWORK=x  FANFARE_ACCOUNT_ACME_X_ACCESS_TOKEN=…
//    (<FIELD> is one of kKnownFields, upper-cased; the alias is lower-cased).
//
// Secrets (every field named *_token or *_secret, and every token ever replaced by a
// refresh) never leave the store except through Get() for building a request; Redact()
// removes them from any text, and the adapters pass every error message through it.
//
// Thread-safe. Refresh() is single-flight per account: when several tasks see the same
// expired token at once, one refreshes and the others use its result.
#ifndef FANFARE_WORKERS_COMMON_CREDENTIALS_H_
#define FANFARE_WORKERS_COMMON_CREDENTIALS_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "workers/common/json_value.h"

namespace fanfare::workers {

// Field names the store knows (and reads from the environment).
extern const char* const kKnownFields[];

struct AccountCredentials {
  std::string alias;
  std::string network;
  std::map<std::string, std::string> fields;

  // The field's value, or "" when absent.
  std::string Get(absl::string_view field) const;
  // The field's value; FailedPrecondition naming the account and field when absent.
  absl::StatusOr<std::string> Require(absl::string_view field) const;
};

// What a token endpoint returned.
struct TokenGrant {
  std::string access_token;
  std::string refresh_token;  // empty: keep the current one
  absl::Duration expires_in = absl::ZeroDuration();  // zero: unknown
};

class CredentialStore {
 public:
  using Refresher = std::function<absl::StatusOr<TokenGrant>(const AccountCredentials&)>;

  // Reads `path`. FailedPrecondition if its mode lets anyone but the owner read or write
  // it, InvalidArgument if it is not the format above. Refreshed tokens are written back
  // to the file (atomically, mode 0600) so that a rotated refresh token is not lost.
  static absl::StatusOr<std::unique_ptr<CredentialStore>> LoadFile(const std::string& path);
  // Reads FANFARE_ACCOUNT_* variables from `envp` (a null-terminated "NAME=value" array).
  static absl::StatusOr<std::unique_ptr<CredentialStore>> FromEnvironment(char** envp);
  // For tests and embedding: the given accounts, nothing persisted.
  static std::unique_ptr<CredentialStore> FromAccounts(std::vector<AccountCredentials> accounts);

  // NotFound naming the alias and where accounts are configured.
  absl::StatusOr<AccountCredentials> Get(absl::string_view alias) const;
  std::vector<std::string> Aliases() const;

  // Replaces `alias`'s access token using `refresher`, unless it is no longer
  // `stale_token` (another thread refreshed it first), and returns the current token.
  // `now` stamps token_expires_at.
  absl::StatusOr<std::string> Refresh(absl::string_view alias, absl::string_view stale_token,
                                      const Refresher& refresher, absl::Time now);

  // Holds `account` as the coordinator granted it for a task (v1::AccountGrant: settings and
  // access tokens, no refresh token): it replaces whatever the store held for that alias, in
  // memory only — unless the store holds a newer `version` of the same account (`uid`)
  // already: grants of concurrent tasks may arrive out of order. An account with another uid
  // (removed and added anew) always replaces it. A token it replaces stays redacted.
  void Adopt(AccountCredentials account, const std::string& uid, int64_t version);

  // `text` with every secret the store holds or has held replaced by "[redacted]".
  std::string Redact(absl::string_view text) const;

 private:
  CredentialStore() = default;
  absl::Status Persist() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Mutex* RefreshMutex(absl::string_view alias);

  std::string path_;  // empty: not persisted
  mutable absl::Mutex mu_;
  std::map<std::string, AccountCredentials, std::less<>> accounts_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> retired_secrets_ ABSL_GUARDED_BY(mu_);
  // The uid and version of each adopted account held, by alias.
  std::map<std::string, std::pair<std::string, int64_t>> adopted_ ABSL_GUARDED_BY(mu_);
  Json document_ ABSL_GUARDED_BY(mu_);
  absl::Mutex refresh_mu_;
  std::map<std::string, std::unique_ptr<absl::Mutex>, std::less<>> per_account_
      ABSL_GUARDED_BY(refresh_mu_);
};

// True for field names whose values are secrets (…_token, …_secret): the coordinator's rule
// too (accounts::IsSecretName).
bool IsSecretField(absl::string_view field);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_CREDENTIALS_H_
