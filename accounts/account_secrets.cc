#include "accounts/account_secrets.h"

#include <openssl/crypto.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fanfare::accounts {

bool IsSecretName(absl::string_view name) {
  return absl::EndsWith(name, "_token") || absl::EndsWith(name, "_secret");
}

std::string AccountAssociatedData(absl::string_view ns, absl::string_view alias,
                                  int64_t version) {
  return absl::StrCat("fanfare account v1", absl::string_view("\0", 1), ns,
                      absl::string_view("\0", 1), alias, absl::string_view("\0", 1), version);
}

absl::StatusOr<internal::SealedSecret> SealAccountSecrets(
    const MasterKey& master, const v1::Account& account,
    const std::map<std::string, std::string>& secrets) {
  internal::AccountSecrets plain;
  plain.mutable_values()->insert(secrets.begin(), secrets.end());
  std::string bytes = plain.SerializeAsString();
  absl::StatusOr<internal::SealedSecret> sealed = Seal(
      master, bytes,
      AccountAssociatedData(account.namespace_(), account.alias(), account.version()));
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return sealed;
}

absl::StatusOr<std::map<std::string, std::string>> UnsealAccountSecrets(
    const MasterKey& master, const internal::AccountRecord& record) {
  const v1::Account& account = record.account();
  absl::StatusOr<std::string> bytes = Unseal(
      master, record.secrets(),
      AccountAssociatedData(account.namespace_(), account.alias(), account.version()));
  if (!bytes.ok()) return bytes.status();
  internal::AccountSecrets plain;
  const bool parsed = plain.ParseFromString(*bytes);
  OPENSSL_cleanse(bytes->data(), bytes->size());
  if (!parsed) return absl::DataLossError("the account's secrets do not parse");
  return std::map<std::string, std::string>(plain.values().begin(), plain.values().end());
}

}  // namespace fanfare::accounts
