// The one table of what each RPC needs: a permission (access.h) in a namespace taken from a
// known place in the request. Every method Fanfare serves has exactly one rule; a method
// without one is denied (tests/auth/method_rules_test.cc checks the table against the
// services' descriptors).
#ifndef FANFARE_AUTH_METHOD_RULES_H_
#define FANFARE_AUTH_METHOD_RULES_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "auth/access.h"

namespace fanfare::auth {

// Where a call's namespace comes from.
enum class NamespaceFrom {
  kRequest,       // the request's `namespace` ("default" if empty)
  kCampaignSpec,  // ApplyCampaign: spec.metadata.namespace ("default" if empty)
  kWorkerHello,   // Connect: the first message's hello.namespace
  kLeasedTask,    // CompleteTask, FailTask, Heartbeat: the task's; any namespace the caller
                  // serves is admitted here and the task is checked where it is known
  kCluster,       // none: the call concerns the whole coordinator; cluster admins only
};

struct MethodRule {
  absl::string_view method;  // full gRPC name: "/fanfare.v1.CampaignService/StartRun"
  Permission permission;
  NamespaceFrom ns_from;
  // Whether the call changes what a person would audit — campaigns, runs, approvals, holds,
  // tokens — so that it leaves an audit record, allowed or denied. Reads and the workers'
  // task traffic do not.
  bool audited = false;
};

absl::Span<const MethodRule> MethodRules();
// The rule for `method`, or null.
const MethodRule* FindMethodRule(absl::string_view method);

}  // namespace fanfare::auth

#endif  // FANFARE_AUTH_METHOD_RULES_H_
