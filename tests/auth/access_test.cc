#include "auth/access.h"

#include "gtest/gtest.h"

namespace fanfare::auth {
namespace {

constexpr Permission kAll[] = {Permission::kRead, Permission::kOperate, Permission::kApprove,
                               Permission::kWork, Permission::kManageAccess};

Principal WithGrant(absl::string_view ns, Role role) {
  Principal principal;
  principal.issuer = "fanfare";
  principal.subject = "ci-bot";
  principal.grants.push_back({std::string(ns), role});
  return principal;
}

// The role table of docs/security.md, cell by cell.
TEST(AccessTest, EachRoleGrantsExactlyItsPermissions) {
  const struct {
    Role role;
    std::vector<Permission> granted;
  } table[] = {
      {Role::kViewer, {Permission::kRead}},
      {Role::kOperator, {Permission::kRead, Permission::kOperate}},
      {Role::kApprover, {Permission::kRead, Permission::kApprove}},
      {Role::kWorker, {Permission::kWork}},
      {Role::kAdmin,
       {Permission::kRead, Permission::kOperate, Permission::kApprove, Permission::kManageAccess}},
  };
  for (const auto& row : table) {
    for (const Permission permission : kAll) {
      const bool expected =
          std::find(row.granted.begin(), row.granted.end(), permission) != row.granted.end();
      EXPECT_EQ(Grants(row.role, permission), expected)
          << RoleName(row.role) << " / " << PermissionName(permission);
    }
  }
}

TEST(AccessTest, NamespacesMatchExactly) {
  const Principal acme = WithGrant("acme", Role::kOperator);
  EXPECT_TRUE(acme.May(Permission::kOperate, "acme"));
  EXPECT_FALSE(acme.May(Permission::kOperate, "acme-eu"));
  EXPECT_FALSE(acme.May(Permission::kOperate, "acm"));
  EXPECT_FALSE(acme.May(Permission::kOperate, ""));
  EXPECT_FALSE(acme.May(Permission::kApprove, "acme"));
}

TEST(AccessTest, NothingGrantedIsDenied) {
  Principal nobody;
  nobody.issuer = "fanfare";
  nobody.subject = "empty";
  for (const Permission permission : kAll) {
    EXPECT_FALSE(nobody.May(permission, "default"));
    EXPECT_FALSE(nobody.MayAnywhere(permission));
  }
}

TEST(AccessTest, AClusterAdminMayEverythingEverywhere) {
  Principal admin;
  admin.cluster_admin = true;
  for (const Permission permission : kAll) EXPECT_TRUE(admin.May(permission, "anything"));
}

TEST(AccessTest, ADenialNamesWhoWhatAndWhere) {
  const absl::Status status =
      Authorize(WithGrant("acme", Role::kViewer), Permission::kOperate, "globex");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(), "token ci-bot may not operate in namespace globex");
}

TEST(AccessTest, RolesParseByName) {
  for (const Role role :
       {Role::kViewer, Role::kOperator, Role::kApprover, Role::kWorker, Role::kAdmin}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
}

}  // namespace
}  // namespace fanfare::auth
