#include "engine/service/call_gate.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/coordinator/namespaces.h"
#include "fanfare/v1/coordinator.pb.h"
#include "fanfare/v1/worker.pb.h"

namespace fanfare::service {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

// The request's `namespace` field, by reflection: the method table guarantees it is there
// (tests/auth/method_rules_test.cc).
std::string NamespaceField(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("namespace");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return "";
  }
  return request.GetReflection()->GetString(request, field);
}

}  // namespace

absl::StatusOr<auth::Principal> CallGate::Authenticate(
    const grpc::ServerContextBase& context) const {
  if (tokens_ == nullptr) return auth::Principal::Unauthenticated();
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find("authorization");
  if (found == metadata.end()) {
    return absl::UnauthenticatedError(
        "no credentials: the call carries no API token (`authorization: Bearer fft_…`)");
  }
  if (metadata.count("authorization") > 1) {
    return absl::UnauthenticatedError("more than one authorization header");
  }
  const absl::string_view value(found->second.data(), found->second.size());
  if (!absl::StartsWith(value, kBearer)) {
    return absl::UnauthenticatedError("the authorization header is not `Bearer <token>`");
  }
  return tokens_->Authenticate(value.substr(kBearer.size()), clock_.Now());
}

absl::StatusOr<auth::Principal> CallGate::Admit(const grpc::ServerContextBase& context,
                                                absl::string_view method,
                                                const google::protobuf::Message& request) const {
  absl::StatusOr<auth::Principal> principal = Authenticate(context);
  if (!principal.ok()) return principal.status();
  const auth::MethodRule* rule = auth::FindMethodRule(method);
  if (rule == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(method, " is in no access rule"));
  }
  if (rule->ns_from == auth::NamespaceFrom::kLeasedTask) {
    // The task's namespace is known where the task is; here the caller must serve some.
    if (principal->MayAnywhere(rule->permission)) return principal;
    return absl::PermissionDeniedError(absl::StrCat(principal->DisplayName(), " may not ",
                                                    auth::PermissionName(rule->permission),
                                                    " in any namespace"));
  }
  if (absl::Status status =
          auth::Authorize(*principal, rule->permission, NamespaceOf(*rule, request));
      !status.ok()) {
    return status;
  }
  return principal;
}

const google::protobuf::FieldDescriptor* CallGate::IdentityField(
    const google::protobuf::Descriptor& type) {
  const google::protobuf::FieldDescriptor* field = type.FindFieldByName("identity");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return nullptr;
  }
  return field;
}

std::string CallGate::NamespaceOf(const auth::MethodRule& rule,
                                  const google::protobuf::Message& request) {
  std::string ns;
  switch (rule.ns_from) {
    case auth::NamespaceFrom::kRequest:
      ns = NamespaceField(request);
      break;
    case auth::NamespaceFrom::kCampaignSpec:
      if (const auto* apply = dynamic_cast<const v1::ApplyCampaignRequest*>(&request)) {
        ns = apply->spec().metadata().namespace_();
      }
      break;
    case auth::NamespaceFrom::kWorkerHello:
      if (const auto* hello = dynamic_cast<const v1::WorkerHello*>(&request)) {
        ns = hello->namespace_();
      }
      break;
    case auth::NamespaceFrom::kLeasedTask:
      return "";
  }
  return coordinator::NamespaceOr(ns);
}

}  // namespace fanfare::service
