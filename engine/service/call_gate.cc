#include "engine/service/call_gate.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "auth/worker_certificate.h"
#include "base/sha256.h"
#include "engine/coordinator/namespaces.h"
#include "fanfare/v1/accounts.pb.h"
#include "fanfare/v1/admin.pb.h"
#include "fanfare/v1/coordinator.pb.h"
#include "fanfare/v1/worker.pb.h"
#include "grpc/grpc_security_constants.h"

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

// What a call acts on, for the audit trail: "run/step", a run, a campaign, or a token.
std::string TargetOf(const google::protobuf::Message& request) {
  if (const auto* apply = dynamic_cast<const v1::ApplyCampaignRequest*>(&request)) {
    return apply->spec().metadata().name();
  }
  const google::protobuf::Descriptor& type = *request.GetDescriptor();
  const google::protobuf::Reflection& reflection = *request.GetReflection();
  const auto text = [&](const char* name) -> std::string {
    const google::protobuf::FieldDescriptor* field = type.FindFieldByName(name);
    if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
        field->is_repeated()) {
      return "";
    }
    return reflection.GetString(request, field);
  };
  if (std::string run = text("run_id"); !run.empty()) {
    const std::string step = text("step_key");
    return step.empty() ? run : absl::StrCat(run, "/", step);
  }
  for (const char* name : {"campaign", "account", "alias", "id", "name"}) {
    if (std::string target = text(name); !target.empty()) return target;
  }
  return "";
}

// The SHA-256 of `request` as sent — but of an account's secrets, or a webhook's URL, not even
// a hash is kept.
std::string RequestDigest(const google::protobuf::Message& request) {
  if (const auto* put = dynamic_cast<const v1::PutAccountRequest*>(&request)) {
    v1::PutAccountRequest without_secrets = *put;
    without_secrets.clear_secrets();
    return Sha256Hex(without_secrets.SerializeAsString());
  }
  if (const auto* add = dynamic_cast<const v1::AddWebhookRequest*>(&request)) {
    v1::AddWebhookRequest without_url = *add;  // a URL may be a secret (a Slack webhook's)
    without_url.clear_url();
    return Sha256Hex(without_url.SerializeAsString());
  }
  return Sha256Hex(request.SerializeAsString());
}

// Whether `request` is about the cluster admins' tokens, which only a cluster admin may make
// or list, whatever namespace it names.
bool ForClusterAdmins(const google::protobuf::Message& request) {
  if (const auto* create = dynamic_cast<const v1::CreateTokenRequest*>(&request)) {
    return create->cluster_admin();
  }
  if (const auto* list = dynamic_cast<const v1::ListTokensRequest*>(&request)) {
    return list->cluster_admins();
  }
  return false;
}

}  // namespace

std::optional<internal::AuditRecord> CallGate::AuditOf(absl::string_view method,
                                                       const google::protobuf::Message& request,
                                                       const auth::Principal* caller,
                                                       const absl::Status& admitted) const {
  const auth::MethodRule* rule = auth::FindMethodRule(method);
  if (rule == nullptr || !rule->audited) return std::nullopt;
  internal::AuditRecord record;
  record.set_namespace_(NamespaceOf(*rule, request));
  record.set_method(std::string(method.substr(method.rfind('/') + 1)));
  if (caller != nullptr) {
    record.set_issuer(caller->issuer);
    record.set_subject(caller->subject);
  }
  record.set_target(TargetOf(request));
  record.set_allowed(admitted.ok());
  record.set_denial(std::string(admitted.message()));
  record.set_request_sha256(RequestDigest(request));
  return record;
}

absl::StatusOr<auth::Principal> CallGate::Authenticate(
    const grpc::ServerContextBase& context) const {
  if (tokens_ == nullptr) return auth::Principal::Unauthenticated();
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find("authorization");
  if (found == metadata.end()) {
    if (!worker_trust_domain_.empty()) return WorkerByCertificate(context);
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
  const absl::string_view token = value.substr(kBearer.size());
  if (jwt_ != nullptr && auth::JwtVerifier::LooksLikeJwt(token)) {
    return jwt_->Verify(token, clock_.Now());
  }
  return tokens_->Authenticate(token, clock_.Now());
}

absl::StatusOr<auth::Principal> CallGate::WorkerByCertificate(
    const grpc::ServerContextBase& context) const {
  const std::shared_ptr<const grpc::AuthContext> peer = context.auth_context();
  std::vector<absl::string_view> uris;
  if (peer != nullptr) {
    for (const grpc::string_ref& uri : peer->FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME)) {
      uris.emplace_back(uri.data(), uri.size());
    }
  }
  absl::StatusOr<auth::Principal> worker =
      auth::WorkerFromCertificate(uris, worker_trust_domain_);
  if (worker.ok()) return worker;
  return absl::UnauthenticatedError(
      absl::StrCat("no credentials: the call carries no API token (`authorization: Bearer ",
                   "fft_…`), and ", worker.status().message()));
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
  if (rule->ns_from == auth::NamespaceFrom::kCluster) {
    if (principal->cluster_admin) return principal;
    return absl::PermissionDeniedError(
        absl::StrCat(principal->DisplayName(), " may not ", method.substr(method.rfind('/') + 1),
                     ": it concerns the whole coordinator, and only a cluster admin may"));
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
  if (ForClusterAdmins(request) && !principal->cluster_admin) {
    return absl::PermissionDeniedError(absl::StrCat(
        principal->DisplayName(), " may not ", method.substr(method.rfind('/') + 1),
        " for the cluster admins: only a cluster admin may"));
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
    case auth::NamespaceFrom::kCluster:
      return "";
  }
  return coordinator::NamespaceOr(ns);
}

}  // namespace fanfare::service
