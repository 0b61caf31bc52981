#include "sdk/client/channel.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/files.h"

namespace fanfare {
namespace {

int Milliseconds(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, 1 << 30));
}

}  // namespace

std::shared_ptr<grpc::Channel> NewCoordinatorChannel(const ChannelOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (options.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.tls_root_certs;
    ssl.pem_cert_chain = options.tls_cert_chain;
    ssl.pem_private_key = options.tls_private_key;
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  // A run with every step, or a message of many tasks, may exceed gRPC's 4 MiB default.
  args.SetMaxReceiveMessageSize(64 << 20);
  // (Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: despite its name it is the minimum time a
  // connection attempt may take, which a slow network or TLS handshake needs.)
  const int initial = Milliseconds(options.reconnect_initial);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, initial);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              std::max(initial, Milliseconds(options.reconnect_max)));
  // After a failed connection the channel asks its resolver again, and the DNS resolver
  // refuses to answer more often than every 30 s by default: the channel then sits in
  // TRANSIENT_FAILURE long after the coordinator is back. Our schedule decides instead.
  args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, initial);
  return grpc::CreateCustomChannel(options.address, credentials, args);
}

absl::StatusOr<ClientTls> ReadClientTls(const ClientTlsFiles& files) {
  ClientTls tls;
  if (files.cert_path.empty() != files.key_path.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  const auto read = [](const std::string& path, std::string& out) -> absl::Status {
    if (path.empty()) return absl::OkStatus();
    absl::StatusOr<std::string> contents = ReadWholeFile(path);
    if (!contents.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("cannot read TLS file ", path));
    }
    out = *std::move(contents);
    return absl::OkStatus();
  };
  for (const auto& [path, out] : {std::pair{&files.ca_path, &tls.root_certs},
                                  std::pair{&files.cert_path, &tls.cert_chain},
                                  std::pair{&files.key_path, &tls.private_key}}) {
    if (absl::Status status = read(*path, *out); !status.ok()) return status;
  }
  tls.enabled = !files.ca_path.empty() || !files.cert_path.empty();
  return tls;
}

void AttachToken(grpc::ClientContext& context, const std::string& token) {
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
}

}  // namespace fanfare
