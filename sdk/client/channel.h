// NewCoordinatorChannel: how the SDK (fanfare::Client, fanfare::Worker) opens its gRPC
// channel to fanfared.
//
// While a channel waits to reconnect, gRPC fails every call at once with UNAVAILABLE, and
// by default it waits 1 s after the first failed connection, growing to 2 min. The SDK's
// own retries would all fall inside one such wait, so the channel reconnects on the
// caller's schedule instead: `reconnect_initial`, growing to `reconnect_max`.
#ifndef FANFARE_SDK_CLIENT_CHANNEL_H_
#define FANFARE_SDK_CLIENT_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace fanfare {

struct ChannelOptions {
  // host:port of fanfared.
  std::string address;
  // TLS: when set, the channel uses it; `tls_root_certs` (PEM) overrides the system roots.
  bool tls = false;
  std::string tls_root_certs;
  // The client's own certificate chain and private key (PEM), for a fanfared that requires
  // client certificates (mTLS); both or neither.
  std::string tls_cert_chain;
  std::string tls_private_key;
  absl::Duration reconnect_initial = absl::Milliseconds(100);
  absl::Duration reconnect_max = absl::Seconds(5);
};

std::shared_ptr<grpc::Channel> NewCoordinatorChannel(const ChannelOptions& options);

// The TLS files a program is given (the CLI's and fanfare-worker's --tls-ca, --tls-cert,
// --tls-key), and what they hold.
struct ClientTlsFiles {
  std::string ca_path;    // the CA bundle fanfared's certificate is checked against
  std::string cert_path;  // the client's certificate chain, for mTLS
  std::string key_path;   // its private key
};
struct ClientTls {
  bool enabled = false;  // any file given
  std::string root_certs;
  std::string cert_chain;
  std::string private_key;
};
// Reads the files. InvalidArgument if only one of cert and key is given, or a file cannot be
// read (naming it).
absl::StatusOr<ClientTls> ReadClientTls(const ClientTlsFiles& files);

// Sends `token` (an API token; none if empty) with the call `context` is for, as
// `authorization: Bearer <token>`. Each call carries it: the coordinator judges every call
// by its own credentials.
void AttachToken(grpc::ClientContext& context, const std::string& token);

}  // namespace fanfare

#endif  // FANFARE_SDK_CLIENT_CHANNEL_H_
