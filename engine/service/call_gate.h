// CallGate: who is calling, and whether they may, for every call fanfared serves.
//
// A call is authenticated by its `authorization: Bearer …` metadata — an API token
// (`fft_…`, auth/api_token.h) or, when configured, a JWT from the company's identity
// provider (auth/jwt_verifier.h) — and authorized by the one method table
// (auth/method_rules.h) against the namespace the rule names. gRPC 1.51 keeps its AuthContext per connection, so nothing of a
// call's identity is ever stored on the connection: each call is judged by its own metadata,
// and three calls on one channel with three tokens get three sets of rights.
//
// With authentication off (`fanfared --dev`, or no registry) every call is
// auth::Principal::Unauthenticated(): everything is allowed.
//
// Thread-safe; the registry and clock must outlive the gate.
#ifndef FANFARE_ENGINE_SERVICE_CALL_GATE_H_
#define FANFARE_ENGINE_SERVICE_CALL_GATE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/access.h"
#include "auth/jwt_verifier.h"
#include "auth/method_rules.h"
#include "auth/token_registry.h"
#include "base/clock.h"
#include "fanfare/internal/records.pb.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"

namespace fanfare::service {

class CallGate {
 public:
  // `tokens` null: authentication off. `jwt` null: JWTs are not accepted.
  // `worker_trust_domain` empty: client certificates identify nobody; else a call without a
  // token whose verified client certificate names a worker of that trust domain is that
  // worker (auth/worker_certificate.h). Only for servers that verify client certificates.
  CallGate(auth::TokenRegistry* tokens, const auth::JwtVerifier* jwt, const Clock* clock,
           std::string worker_trust_domain = "")
      : tokens_(tokens),
        jwt_(jwt),
        clock_(*clock),
        worker_trust_domain_(std::move(worker_trust_domain)) {}

  bool enabled() const { return tokens_ != nullptr; }

  // The caller, from the call's metadata (or, without a token, from its client certificate
  // if certificates identify workers). UNAUTHENTICATED if it carries no credentials, or a
  // token that is malformed, unknown, expired or revoked (the message says which).
  absl::StatusOr<auth::Principal> Authenticate(const grpc::ServerContextBase& context) const;

  // Authenticates the call and admits it to `method` (a full name, as in the method table)
  // with `request`, whose namespace the method's rule names. PERMISSION_DENIED (naming who,
  // what and where) if the caller may not; a method without a rule is denied.
  absl::StatusOr<auth::Principal> Admit(const grpc::ServerContextBase& context,
                                        absl::string_view method,
                                        const google::protobuf::Message& request) const;

  // With authentication on, the name a request records as its actor (its `identity`: who
  // started, paused, cancelled, approved…) is the caller's — the token's name — whatever the
  // request says. Returns a copy of `request` so stamped, or null if nothing is to change
  // (authentication off, or a request without `identity`).
  template <typename Request>
  std::shared_ptr<Request> Stamped(const auth::Principal& caller, const Request& request) const {
    if (!enabled()) return nullptr;
    const google::protobuf::FieldDescriptor* field = IdentityField(*Request::descriptor());
    if (field == nullptr) return nullptr;
    auto stamped = std::make_shared<Request>(request);
    stamped->GetReflection()->SetString(stamped.get(), field, caller.subject);
    return stamped;
  }

  // The audit record of a call to `method` with `request` (nullopt if the method is not
  // audited: auth::MethodRule::audited): who — `caller`, or null if the call could not be
  // authenticated — did it, to which target, whether it was `admitted`, and the request's
  // SHA-256 (a PutAccount's without its secrets). The engine stamps the time.
  std::optional<internal::AuditRecord> AuditOf(absl::string_view method,
                                               const google::protobuf::Message& request,
                                               const auth::Principal* caller,
                                               const absl::Status& admitted) const;

  // The namespace `rule` names in `request` ("default" if empty); empty for kLeasedTask.
  static std::string NamespaceOf(const auth::MethodRule& rule,
                                 const google::protobuf::Message& request);

 private:
  // The request type's `identity` string field, or null.
  static const google::protobuf::FieldDescriptor* IdentityField(
      const google::protobuf::Descriptor& type);

  // The worker the call's client certificate names (auth::WorkerFromCertificate).
  absl::StatusOr<auth::Principal> WorkerByCertificate(
      const grpc::ServerContextBase& context) const;

  auth::TokenRegistry* tokens_;
  const auth::JwtVerifier* jwt_;
  const Clock& clock_;
  const std::string worker_trust_domain_;
};

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_CALL_GATE_H_
