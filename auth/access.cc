#include "auth/access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace fanfare::auth {
namespace {

constexpr struct {
  Role role;
  absl::string_view name;
} kRoleNames[] = {{Role::kViewer, "viewer"},
                  {Role::kOperator, "operator"},
                  {Role::kApprover, "approver"},
                  {Role::kWorker, "worker"},
                  {Role::kAdmin, "admin"}};

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& entry : kRoleNames) {
    if (entry.role == role) return entry.name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (const auto& entry : kRoleNames) {
    if (entry.name == name) return entry.role;
  }
  return std::nullopt;
}

absl::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kRead:
      return "read";
    case Permission::kOperate:
      return "operate";
    case Permission::kApprove:
      return "approve";
    case Permission::kWork:
      return "serve tasks";
    case Permission::kManageAccess:
      return "manage access";
  }
  return "unknown";
}

bool Grants(Role role, Permission permission) {
  switch (role) {
    case Role::kViewer:
      return permission == Permission::kRead;
    case Role::kOperator:
      return permission == Permission::kRead || permission == Permission::kOperate;
    case Role::kApprover:
      return permission == Permission::kRead || permission == Permission::kApprove;
    case Role::kWorker:
      return permission == Permission::kWork;
    case Role::kAdmin:
      return permission != Permission::kWork;
  }
  return false;
}

Principal Principal::Unauthenticated() {
  Principal principal;
  principal.issuer = "none";
  principal.subject = "anonymous";
  principal.cluster_admin = true;
  return principal;
}

bool Principal::May(Permission permission, absl::string_view ns) const {
  if (cluster_admin) return true;
  return std::any_of(grants.begin(), grants.end(), [&](const Grant& grant) {
    return grant.ns == ns && Grants(grant.role, permission);
  });
}

bool Principal::MayAnywhere(Permission permission) const {
  if (cluster_admin) return true;
  return std::any_of(grants.begin(), grants.end(),
                     [&](const Grant& grant) { return Grants(grant.role, permission); });
}

std::string Principal::Key() const {
  return absl::StrCat(issuer.size(), ":", issuer, subject);
}

std::string Principal::DisplayName() const {
  if (issuer == "fanfare") return absl::StrCat("token ", subject);
  return absl::StrCat(subject, " (", issuer, ")");
}

absl::Status Authorize(const Principal& principal, Permission permission, absl::string_view ns) {
  if (principal.May(permission, ns)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      principal.DisplayName(), " may not ", PermissionName(permission), " in namespace ", ns));
}

}  // namespace fanfare::auth
