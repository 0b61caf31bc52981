// Network accounts held by the coordinator, over real gRPC with API tokens: who may add, list
// and remove them, and that their secrets never come back and are never stored in plaintext.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "accounts/account_secrets.h"
#include "fanfare/v1/accounts.grpc.pb.h"
#include "fanfare/v1/admin.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using testing::CoordinatorEnv;

constexpr char kAccessToken[] = "sbx_x_acme_x_PLAINTEXT_ACCESS";
constexpr char kRefreshToken[] = "sbxr_x_acme_x_PLAINTEXT_REFRESH";

v1::PutAccountRequest XAccount() {
  v1::PutAccountRequest request;
  request.set_namespace_("acme");
  request.set_alias("acme_x");
  request.set_network("x");
  (*request.mutable_settings())["user_id"] = "42";
  (*request.mutable_secrets())["access_token"] = kAccessToken;
  (*request.mutable_secrets())["refresh_token"] = kRefreshToken;
  return request;
}

// Whether any file under `dir` holds `needle`.
bool AnyFileHolds(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) return true;
  }
  return false;
}

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest()
      : env_({.authenticate = true,
              .master_key = std::make_shared<const accounts::MasterKey>(
                  *accounts::MasterKey::Generate())}) {
    Connect();
  }

  void Connect() {
    channel_ = grpc::CreateChannel(env_.address(), grpc::InsecureChannelCredentials());
    accounts_ = v1::AccountService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);
  }

  std::string NewToken(const std::string& ns, const std::string& role, const std::string& name) {
    v1::CreateTokenRequest request;
    request.set_namespace_(ns);
    request.set_role(role);
    request.set_name(name);
    v1::CreateTokenResponse response;
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + env_.admin_token());
    EXPECT_TRUE(admin_->CreateToken(&context, request, &response).ok());
    return response.secret();
  }

  grpc::Status Put(const std::string& token, const v1::PutAccountRequest& request,
                   v1::Account* account) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    return accounts_->PutAccount(&context, request, account);
  }
  grpc::Status List(const std::string& token, const std::string& ns,
                    v1::ListAccountsResponse* listed) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ListAccountsRequest request;
    request.set_namespace_(ns);
    return accounts_->ListAccounts(&context, request, listed);
  }

  CoordinatorEnv env_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AccountService::Stub> accounts_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(AccountsTest, AnAdminAddsAnAccountWhoseSecretsNeverComeBack) {
  const std::string admin = NewToken("acme", "admin", "lee");
  const std::string viewer = NewToken("acme", "viewer", "vic");
  const std::string operator_token = NewToken("acme", "operator", "ops");
  const std::string other = NewToken("globex", "admin", "gus");

  v1::Account added;
  EXPECT_EQ(Put(operator_token, XAccount(), &added).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Put(other, XAccount(), &added).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status put = Put(admin, XAccount(), &added);
  ASSERT_TRUE(put.ok()) << put.error_message();
  EXPECT_EQ(added.version(), 1);
  EXPECT_EQ(added.updated_by(), "lee");
  EXPECT_EQ(added.DebugString().find("PLAINTEXT"), std::string::npos);

  v1::ListAccountsResponse listed;
  ASSERT_TRUE(List(viewer, "acme", &listed).ok());
  ASSERT_EQ(listed.accounts_size(), 1);
  const v1::Account& account = listed.accounts(0);
  EXPECT_EQ(account.alias(), "acme_x");
  EXPECT_EQ(account.settings().at("user_id"), "42");
  ASSERT_EQ(account.secrets_size(), 2);
  EXPECT_EQ(account.secrets(0), "access_token");
  EXPECT_EQ(account.secrets(1), "refresh_token");
  EXPECT_EQ(listed.DebugString().find("PLAINTEXT"), std::string::npos);
  EXPECT_EQ(List(other, "acme", &listed).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Again: a new version.
  ASSERT_TRUE(Put(admin, XAccount(), &added).ok());
  EXPECT_EQ(added.version(), 2);

  // The audit trail names the account, and keeps no hash of its secrets.
  v1::ListAuditRequest audit_request;
  audit_request.set_namespace_("acme");
  v1::ListAuditResponse audit;
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + admin);
  ASSERT_TRUE(admin_->ListAudit(&context, audit_request, &audit).ok());
  int puts = 0;
  for (const v1::AuditEntry& entry : audit.entries()) {
    if (entry.method() != "PutAccount" || !entry.allowed()) continue;
    ++puts;
    EXPECT_EQ(entry.target(), "acme_x");
  }
  EXPECT_EQ(puts, 2);

  // Nowhere in the data directory — memtable flushed or not, SST or WAL — in plaintext,
  // before or after a restart.
  EXPECT_FALSE(AnyFileHolds(env_.data_dir(), "PLAINTEXT"));
  env_.Restart();
  Connect();
  ASSERT_TRUE(List(viewer, "acme", &listed).ok());
  ASSERT_EQ(listed.accounts_size(), 1);
  EXPECT_EQ(listed.accounts(0).version(), 2);
  EXPECT_FALSE(AnyFileHolds(env_.data_dir(), "PLAINTEXT"));

  grpc::ClientContext remove_context;
  remove_context.AddMetadata("authorization", "Bearer " + admin);
  v1::RemoveAccountRequest remove;
  remove.set_namespace_("acme");
  remove.set_alias("acme_x");
  v1::Account removed;
  ASSERT_TRUE(accounts_->RemoveAccount(&remove_context, remove, &removed).ok());
  ASSERT_TRUE(List(viewer, "acme", &listed).ok());
  EXPECT_EQ(listed.accounts_size(), 0);
}

TEST_F(AccountsTest, BadAccountsAreRefusedNamingTheField) {
  const std::string admin = NewToken("acme", "admin", "lee");
  v1::Account added;
  v1::PutAccountRequest secret_setting = XAccount();
  (*secret_setting.mutable_settings())["client_secret"] = "shh-PLAINTEXT";
  grpc::Status status = Put(admin, secret_setting, &added);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("settings.client_secret"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(status.error_message().find("shh"), std::string::npos) << "no secret echoed";
  v1::PutAccountRequest bad_network = XAccount();
  bad_network.set_network("myspace");
  EXPECT_EQ(Put(admin, bad_network, &added).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::PutAccountRequest bad_alias = XAccount();
  bad_alias.set_alias("Acme X");
  EXPECT_EQ(Put(admin, bad_alias, &added).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(AccountsWithoutMasterKeyTest, AddingIsRefusedSayingHowToGiveOne) {
  CoordinatorEnv env;
  auto stub = v1::AccountService::NewStub(
      grpc::CreateChannel(env.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::Account added;
  const grpc::Status status = stub->PutAccount(&context, XAccount(), &added);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("--master-key-file"), std::string::npos)
      << status.error_message();
}

}  // namespace
}  // namespace fanfare
