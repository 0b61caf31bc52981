// An account's secrets as an account record keeps them: which fields are secrets, and the
// sealing (sealed_secret.h) bound to the account's namespace, alias and version.
//
// Pure functions; thread-safe.
#ifndef FANFARE_ACCOUNTS_ACCOUNT_SECRETS_H_
#define FANFARE_ACCOUNTS_ACCOUNT_SECRETS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "accounts/sealed_secret.h"
#include "fanfare/internal/records.pb.h"

namespace fanfare::accounts {

// Whether a credential field holds a secret: its name ends in `_token` or `_secret`
// (access_token, refresh_token, ads_access_token, client_secret, …).
bool IsSecretName(absl::string_view name);

// What the sealing of version `version` of account `alias` in `ns` is bound to.
std::string AccountAssociatedData(absl::string_view ns, absl::string_view alias,
                                  int64_t version);

// Seals `secrets` for the account `record` describes (its namespace, alias and version).
absl::StatusOr<internal::SealedSecret> SealAccountSecrets(
    const MasterKey& master, const v1::Account& account,
    const std::map<std::string, std::string>& secrets);

// The secrets of `record`; fails as Unseal does (wrong master key, or a record whose sealed
// secrets were altered or belong to another account or version).
absl::StatusOr<std::map<std::string, std::string>> UnsealAccountSecrets(
    const MasterKey& master, const internal::AccountRecord& record);

}  // namespace fanfare::accounts

#endif  // FANFARE_ACCOUNTS_ACCOUNT_SECRETS_H_
