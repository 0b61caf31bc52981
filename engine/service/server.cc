#include "engine/service/server.h"

#include "absl/strings/str_cat.h"
#include "engine/service/unparsable_requests.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"

namespace fanfare::service {

absl::StatusOr<std::unique_ptr<Server>> Server::Start(coordinator::Coordinator* coordinator,
                                                      const std::string& address,
                                                      ServerOptions options) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<Server> server(new Server(coordinator, options));
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (options.tls.enabled()) {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> tls =
        ServerTlsCredentials(options.tls);
    if (!tls.ok()) return tls.status();
    credentials = *std::move(tls);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, credentials, &server->port_);
  builder.RegisterService(&server->campaigns_);
  builder.RegisterService(&server->workers_);
  builder.RegisterService(&server->admin_);
  builder.RegisterService(&server->accounts_);
  builder.SetMaxReceiveMessageSize(8 << 20);
  builder.experimental().SetInterceptorCreators(UnparsableRequestInterceptors(
      {v1::CampaignService::service_full_name(), v1::WorkerService::service_full_name(),
       v1::AdminService::service_full_name(), v1::AccountService::service_full_name()}));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address,
                                               " (in use, or not a local address?)"));
  }
  return server;
}

Server::~Server() { Shutdown(); }

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
}

void Server::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace fanfare::service
