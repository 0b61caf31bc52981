// Server: fanfared's gRPC server, with CampaignService, WorkerService, AdminService, health
// checking and server reflection. Every call to Fanfare's services passes its CallGate
// (call_gate.h). A request to one of Fanfare's methods that does not parse is answered
// INVALID_ARGUMENT naming the method (unparsable_requests.h).
//
//   ASSIGN_OR_RETURN(auto server, Server::Start(coordinator.get(), "127.0.0.1:0"));
//   int port = server->port();
#ifndef FANFARE_ENGINE_SERVICE_SERVER_H_
#define FANFARE_ENGINE_SERVICE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/coordinator/coordinator.h"
#include "engine/service/account_service.h"
#include "auth/worker_certificate.h"
#include "engine/service/admin_service.h"
#include "engine/service/backups.h"
#include "engine/service/call_gate.h"
#include "engine/service/campaign_service.h"
#include "engine/service/server_tls.h"
#include "engine/service/worker_service.h"
#include "grpcpp/grpcpp.h"

namespace fanfare::service {

struct ServerOptions {
  // Whether calls must carry an API token (CallGate). Off: every call may do everything, as
  // `fanfared --dev` on loopback.
  bool authenticate = false;
  // TLS (and mTLS with a client CA); not enabled(): plaintext.
  ServerTlsOptions tls;
  // With `authenticate`: JWTs from this identity provider are accepted beside API tokens.
  // Must outlive the server; null: API tokens only.
  const auth::JwtVerifier* jwt = nullptr;
  // With `authenticate` and client certificates (tls.client_ca_path): a call without a token
  // whose certificate's URI SAN is spiffe://<this>/ns/<ns>/worker/<name> is that worker.
  // Empty: certificates identify nobody.
  std::string worker_trust_domain = std::string(auth::kDefaultWorkerTrustDomain);
  // What AdminService's CreateBackup and GetStatus need (admin_service.h); null backups:
  // CreateBackup is UNAVAILABLE.
  CoordinatorFacts facts;
  Backups* backups = nullptr;
};

class Server {
 public:
  // Listens on `address` ("127.0.0.1:7600"; port 0 picks a free one), with TLS if
  // options.tls is enabled, else plaintext. The coordinator must outlive the server.
  static absl::StatusOr<std::unique_ptr<Server>> Start(coordinator::Coordinator* coordinator,
                                                       const std::string& address,
                                                       ServerOptions options = {});
  ~Server();

  // The port actually bound.
  int port() const { return port_; }
  // Stops accepting calls and ends those in flight (waiting at most `grace`).
  void Shutdown(absl::Duration grace = absl::Seconds(2));
  // Blocks until Shutdown() has been called and the server has stopped.
  void Wait();

 private:
  Server(coordinator::Coordinator* coordinator, const ServerOptions& options)
      : gate_(options.authenticate ? &coordinator->tokens() : nullptr,
              options.authenticate ? options.jwt : nullptr, &coordinator->clock(),
              options.authenticate && !options.tls.client_ca_path.empty()
                  ? options.worker_trust_domain
                  : ""),
        campaigns_(coordinator, &gate_),
        workers_(coordinator, &gate_),
        admin_(coordinator, &gate_, options.facts, options.backups),
        accounts_(coordinator, &gate_) {}

  CallGate gate_;
  CampaignServiceImpl campaigns_;
  WorkerServiceImpl workers_;
  AdminServiceImpl admin_;
  AccountServiceImpl accounts_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_SERVER_H_
