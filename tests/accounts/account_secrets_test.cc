#include "accounts/account_secrets.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace fanfare::accounts {
namespace {

internal::AccountRecord Sealed(const MasterKey& master, const std::string& alias, int version) {
  internal::AccountRecord record;
  v1::Account& account = *record.mutable_account();
  account.set_namespace_("acme");
  account.set_alias(alias);
  account.set_version(version);
  *record.mutable_secrets() =
      *SealAccountSecrets(master, account, {{"access_token", "a-1"}, {"client_secret", "s-1"}});
  return record;
}

TEST(AccountSecretsTest, SecretsAreTheTokenAndSecretFields) {
  for (const char* name : {"access_token", "refresh_token", "ads_access_token", "client_secret"}) {
    EXPECT_TRUE(IsSecretName(name)) << name;
  }
  for (const char* name : {"client_id", "page_id", "token_expires_at", "user_id", "tokens"}) {
    EXPECT_FALSE(IsSecretName(name)) << name;
  }
}

TEST(AccountSecretsTest, ARecordsSecretsOpenOnlyAsThatAccountAndVersion) {
  const MasterKey master = *MasterKey::Generate();
  const internal::AccountRecord record = Sealed(master, "acme_x", 3);
  absl::StatusOr<std::map<std::string, std::string>> secrets =
      UnsealAccountSecrets(master, record);
  ASSERT_TRUE(secrets.ok()) << secrets.status();
  EXPECT_EQ(secrets->at("access_token"), "a-1");
  EXPECT_EQ(secrets->at("client_secret"), "s-1");

  // The sealed secrets of acme_x copied into acme_tiktok's record, or an older version's
  // replayed under a newer one: neither opens.
  internal::AccountRecord moved = Sealed(master, "acme_tiktok", 3);
  *moved.mutable_secrets() = record.secrets();
  EXPECT_EQ(UnsealAccountSecrets(master, moved).status().code(), absl::StatusCode::kDataLoss);
  internal::AccountRecord replayed = record;
  replayed.mutable_account()->set_version(4);
  EXPECT_EQ(UnsealAccountSecrets(master, replayed).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace fanfare::accounts
