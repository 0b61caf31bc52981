#include "accounts/sealed_secret.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace fanfare::accounts {
namespace {

constexpr char kTokens[] = R"({"access_token":"x-access-SECRET","refresh_token":"x-refresh-SECRET"})";

std::string Aad(const std::string& ns, const std::string& alias, int version) {
  return ns + '\0' + alias + '\0' + std::to_string(version);
}

TEST(SealedSecretTest, ASealedSecretOpensWithItsKeyAndItsAccountOnly) {
  const MasterKey master = *MasterKey::Generate();
  absl::StatusOr<internal::SealedSecret> sealed = Seal(master, kTokens, Aad("acme", "acme_x", 1));
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->ciphertext().find("SECRET"), std::string::npos);
  EXPECT_EQ(sealed->master_key_id(), master.Id());
  absl::StatusOr<std::string> opened = Unseal(master, *sealed, Aad("acme", "acme_x", 1));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, kTokens);

  // Moved to another account, another namespace, or replayed as another version.
  for (const std::string& other :
       {Aad("acme", "acme_tiktok", 1), Aad("globex", "acme_x", 1), Aad("acme", "acme_x", 2)}) {
    EXPECT_EQ(Unseal(master, *sealed, other).status().code(), absl::StatusCode::kDataLoss);
  }
  // Another master key.
  const MasterKey stranger = *MasterKey::Generate();
  const absl::Status wrong = Unseal(stranger, *sealed, Aad("acme", "acme_x", 1)).status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kFailedPrecondition) << wrong;
  EXPECT_NE(wrong.message().find(master.Id()), std::string::npos) << wrong;
}

TEST(SealedSecretTest, AnyFlippedBitIsDetected) {
  const MasterKey master = *MasterKey::Generate();
  const internal::SealedSecret sealed = *Seal(master, kTokens, "aad");
  for (bool in_key : {false, true}) {
    const std::string& bytes = in_key ? sealed.wrapped_key() : sealed.ciphertext();
    for (size_t i = 0; i < bytes.size(); i += 7) {
      internal::SealedSecret tampered = sealed;
      std::string& target =
          in_key ? *tampered.mutable_wrapped_key() : *tampered.mutable_ciphertext();
      target[i] = static_cast<char>(target[i] ^ 0x01);
      EXPECT_EQ(Unseal(master, tampered, "aad").status().code(), absl::StatusCode::kDataLoss)
          << (in_key ? "wrapped key" : "ciphertext") << " byte " << i;
    }
  }
  internal::SealedSecret truncated = sealed;
  truncated.set_ciphertext("short");
  EXPECT_EQ(Unseal(master, truncated, "aad").status().code(), absl::StatusCode::kDataLoss);
}

TEST(SealedSecretTest, TwoSealsOfOneSecretShareNothing) {
  const MasterKey master = *MasterKey::Generate();
  const internal::SealedSecret a = *Seal(master, kTokens, "aad");
  const internal::SealedSecret b = *Seal(master, kTokens, "aad");
  EXPECT_NE(a.ciphertext(), b.ciphertext());
  EXPECT_NE(a.wrapped_key(), b.wrapped_key());
}

TEST(SealedSecretTest, RotatingTheMasterKeyRewrapsOnlyTheDataKey) {
  const MasterKey old_key = *MasterKey::Generate();
  const MasterKey new_key = *MasterKey::Generate();
  const internal::SealedSecret sealed = *Seal(old_key, kTokens, "aad");
  absl::StatusOr<internal::SealedSecret> rewrapped = Rewrap(old_key, new_key, sealed, "aad");
  ASSERT_TRUE(rewrapped.ok()) << rewrapped.status();
  EXPECT_EQ(rewrapped->ciphertext(), sealed.ciphertext());
  EXPECT_EQ(rewrapped->master_key_id(), new_key.Id());
  EXPECT_EQ(*Unseal(new_key, *rewrapped, "aad"), kTokens);
  EXPECT_FALSE(Unseal(old_key, *rewrapped, "aad").ok());
  EXPECT_FALSE(Rewrap(new_key, old_key, sealed, "aad").ok()) << "not the key that sealed it";
}

TEST(MasterKeyTest, ReadFromHexOrBase64InAFileOnlyItsOwnerReads) {
  const MasterKey key = *MasterKey::Generate();
  absl::StatusOr<MasterKey> hex = MasterKey::FromText("  " + key.ToHex() + "\n", "test");
  ASSERT_TRUE(hex.ok()) << hex.status();
  EXPECT_EQ(hex->Id(), key.Id());
  const std::string base64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  EXPECT_TRUE(MasterKey::FromText(base64, "test").ok());
  for (const char* bad : {"", "abc", "zz", "AAECAwQ="}) {
    const absl::Status status = MasterKey::FromText(bad, "FANFARE_MASTER_KEY").status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("FANFARE_MASTER_KEY"), std::string::npos);
  }

  testing::TempDir dir;
  const std::string path = dir.Join("master.key");
  std::ofstream(path) << key.ToHex() << "\n";
  ::chmod(path.c_str(), 0644);
  const absl::Status open = MasterKey::FromFile(path).status();
  EXPECT_EQ(open.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(open.message().find("chmod 600"), std::string::npos) << open;
  ::chmod(path.c_str(), 0600);
  absl::StatusOr<MasterKey> read = MasterKey::FromFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->Id(), key.Id());
  EXPECT_FALSE(MasterKey::FromFile(dir.Join("missing.key")).ok());
}

}  // namespace
}  // namespace fanfare::accounts
