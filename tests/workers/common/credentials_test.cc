// The credential store: file mode check, formats, environment, single-flight refresh with
// write-back, and redaction.
#include "workers/common/credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace fanfare::workers {
namespace {

constexpr char kFile[] = R"({"accounts": {
  "acme_fb": {"network": "facebook", "access_token": "EAAB-secret-token-123", "page_id": "1001"},
  "acme_x": {"network": "x", "access_token": "x-access-1", "refresh_token": "x-refresh-1",
             "client_id": "cid", "client_secret": "csecret-999"}}})";

std::string WriteTemp(const std::string& text, mode_t mode) {
  char path[] = "/tmp/fanfare-credentials-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  chmod(path, mode);
  return path;
}

TEST(CredentialStoreTest, RefusesAFileOthersCanRead) {
  const std::string path = WriteTemp(kFile, 0644);
  absl::StatusOr<std::unique_ptr<CredentialStore>> store = CredentialStore::LoadFile(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(store.status().message()).find("chmod 600"), std::string::npos);
  EXPECT_NE(std::string(store.status().message()).find("0644"), std::string::npos);
  // The message names the file but never its contents.
  EXPECT_EQ(std::string(store.status().message()).find("EAAB"), std::string::npos);
  unlink(path.c_str());
}

TEST(CredentialStoreTest, LoadsAMode0600File) {
  const std::string path = WriteTemp(kFile, 0600);
  absl::StatusOr<std::unique_ptr<CredentialStore>> store = CredentialStore::LoadFile(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get("acme_fb")->Get("page_id"), "1001");
  EXPECT_EQ((*store)->Get("acme_fb")->network, "facebook");
  absl::StatusOr<AccountCredentials> missing = (*store)->Get("nobody");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*store)->Get("acme_fb")->Require("ad_account_id").status().code(),
            absl::StatusCode::kFailedPrecondition);
  unlink(path.c_str());
}

TEST(CredentialStoreTest, RejectsMalformedFiles) {
  const std::string path = WriteTemp(R"({"accounts": {"a": {"access_token": "t"}}})", 0600);
  absl::StatusOr<std::unique_ptr<CredentialStore>> store = CredentialStore::LoadFile(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(store.status().message()).find("'network'"), std::string::npos);
  unlink(path.c_str());
}

TEST(CredentialStoreTest, ReadsTheEnvironment) {
  std::string a = "FANFARE_ACCOUNT_ACME_X_NETWORK=x";
  std::string b = "FANFARE_ACCOUNT_ACME_X_ACCESS_TOKEN=tok-123456";
  std::string c = "FANFARE_ACCOUNT_ACME_X_REFRESH_TOKEN=ref-123456";
  std::string d = "PATH=/usr/bin";
  char* envp[] = {a.data(), b.data(), c.data(), d.data(), nullptr};
  absl::StatusOr<std::unique_ptr<CredentialStore>> store = CredentialStore::FromEnvironment(envp);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get("acme_x")->Get("access_token"), "tok-123456");
  EXPECT_EQ((*store)->Get("acme_x")->Get("refresh_token"), "ref-123456");
}

TEST(CredentialStoreTest, RefreshIsSingleFlightAndWrittenBack) {
  const std::string path = WriteTemp(kFile, 0600);
  std::unique_ptr<CredentialStore> store = *CredentialStore::LoadFile(path);
  std::atomic<int> calls{0};
  auto refresher = [&calls](const AccountCredentials& a) -> absl::StatusOr<TokenGrant> {
    ++calls;
    absl::SleepFor(absl::Milliseconds(20));
    return TokenGrant{"x-access-2", "x-refresh-2", absl::Hours(2)};
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      absl::StatusOr<std::string> token =
          store->Refresh("acme_x", "x-access-1", refresher, absl::FromUnixSeconds(0));
      EXPECT_EQ(*token, "x-access-2");
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  // Persisted, still 0600, and the rotated refresh token survives a reload.
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::unique_ptr<CredentialStore> reloaded = *CredentialStore::LoadFile(path);
  EXPECT_EQ(reloaded->Get("acme_x")->Get("refresh_token"), "x-refresh-2");
  EXPECT_EQ(reloaded->Get("acme_x")->Get("token_expires_at"), "1970-01-01T02:00:00Z");
  unlink(path.c_str());
}

TEST(CredentialStoreTest, RedactsCurrentAndRetiredSecrets) {
  std::unique_ptr<CredentialStore> store = CredentialStore::FromAccounts(
      {AccountCredentials{.alias = "acme_x", .network = "x",
                          .fields = {{"network", "x"}, {"access_token", "old-token-abc"},
                                     {"client_secret", "shh-secret"}, {"page_id", "1001"}}}});
  (void)store->Refresh("acme_x", "old-token-abc",
                       [](const AccountCredentials&) -> absl::StatusOr<TokenGrant> {
                         return TokenGrant{"new-token-xyz", "", absl::ZeroDuration()};
                       },
                       absl::FromUnixSeconds(0));
  const std::string text = store->Redact(
      "tokens old-token-abc and new-token-xyz, secret shh-secret, page 1001");
  EXPECT_EQ(text, "tokens [redacted] and [redacted], secret [redacted], page 1001");
}

TEST(CredentialStoreTest, AnAdoptedGrantReplacesTheAccountAndTheOldTokenStaysRedacted) {
  std::unique_ptr<CredentialStore> store = CredentialStore::FromAccounts({});
  EXPECT_FALSE(store->Get("acme_x").ok());
  store->Adopt(AccountCredentials{.alias = "acme_x", .network = "x",
                                  .fields = {{"network", "x"}, {"access_token", "granted-1"}}},
               "uid-a", /*version=*/1);
  ASSERT_TRUE(store->Get("acme_x").ok());
  EXPECT_EQ(store->Get("acme_x")->Get("access_token"), "granted-1");
  store->Adopt(AccountCredentials{.alias = "acme_x", .network = "x",
                                  .fields = {{"network", "x"}, {"access_token", "granted-2"}}},
               "uid-a", /*version=*/2);
  EXPECT_EQ(store->Get("acme_x")->Get("access_token"), "granted-2");
  EXPECT_EQ(store->Redact("granted-1 then granted-2"), "[redacted] then [redacted]");
}

TEST(CredentialStoreTest, AnOlderGrantArrivingLateDoesNotReplaceANewerOne) {
  std::unique_ptr<CredentialStore> store = CredentialStore::FromAccounts({});
  store->Adopt(AccountCredentials{.alias = "acme_x", .network = "x",
                                  .fields = {{"network", "x"}, {"access_token", "renewed"}}},
               "uid-a", /*version=*/3);
  store->Adopt(AccountCredentials{.alias = "acme_x", .network = "x",
                                  .fields = {{"network", "x"}, {"access_token", "older"}}},
               "uid-a", /*version=*/2);
  EXPECT_EQ(store->Get("acme_x")->Get("access_token"), "renewed");
  // Removed and added anew: version 1 of another account replaces version 3.
  store->Adopt(AccountCredentials{.alias = "acme_x", .network = "x",
                                  .fields = {{"network", "x"}, {"access_token", "re-added"}}},
               "uid-b", /*version=*/1);
  EXPECT_EQ(store->Get("acme_x")->Get("access_token"), "re-added");
}

}  // namespace
}  // namespace fanfare::workers
