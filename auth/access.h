// Access: who is calling (Principal), what they may do (Role, Permission), and the one rule
// that decides it (Principal::May).
//
// Roles are granted per namespace and match it exactly: an operator of "acme" has no rights
// in "acme-eu". A cluster admin may do everything everywhere. Anything not granted is denied.
//
//   viewer    read campaigns, runs, history and dispatch state
//   operator  viewer's rights; apply campaigns; start, cancel, pause, resume, retry and
//             signal runs; release holds
//   approver  viewer's rights; approve and reject steps
//   worker    serve the namespace's tasks (WorkerService); nothing else
//   admin     operator's and approver's rights; manage the namespace's API tokens
//
// Values; thread-compatible.
#ifndef FANFARE_AUTH_ACCESS_H_
#define FANFARE_AUTH_ACCESS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fanfare::auth {

enum class Role { kViewer, kOperator, kApprover, kWorker, kAdmin };

enum class Permission {
  kRead,          // Get*, List*, WatchRun, GetHistory, GetDispatchState
  kOperate,       // ApplyCampaign, StartRun, CancelRun, PauseRun, ResumeRun, RetryRun,
                  // SignalRun, ReleaseHold
  kApprove,       // ApproveStep, RejectStep
  kWork,          // every WorkerService method
  kManageAccess,  // AdminService's token methods
};

absl::string_view RoleName(Role role);
// "viewer", "operator", "approver", "worker" or "admin"; nullopt otherwise.
std::optional<Role> ParseRole(absl::string_view name);
absl::string_view PermissionName(Permission permission);
// Whether `role` carries `permission` (the table above).
bool Grants(Role role, Permission permission);

struct Grant {
  std::string ns;
  Role role;
};

// A verified caller. `issuer` says how it was verified ("fanfare" for an API token);
// `subject` names it within the issuer (a token's name).
struct Principal {
  std::string issuer;
  std::string subject;
  std::vector<Grant> grants;
  bool cluster_admin = false;

  // Everything, everywhere: what every call is when authentication is off (`--dev`).
  static Principal Unauthenticated();

  // Whether the principal may exercise `permission` in namespace `ns`.
  bool May(Permission permission, absl::string_view ns) const;
  // Whether it may in at least one namespace.
  bool MayAnywhere(Permission permission) const;
  // "token ci-bot", for messages and records.
  std::string DisplayName() const;
  // Who the principal is, issuer and subject, as one unambiguous string: what a worker's
  // leases are bound to.
  std::string Key() const;
};

// OK if `principal` may; otherwise PERMISSION_DENIED naming the principal, the permission
// and the namespace ("token ci-bot may not operate in namespace globex").
absl::Status Authorize(const Principal& principal, Permission permission, absl::string_view ns);

}  // namespace fanfare::auth

#endif  // FANFARE_AUTH_ACCESS_H_
