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

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace fanfare {

struct ChannelOptions {
  // host:port of fanfared.
  std::string address;
  // TLS: when set, the channel uses it; `tls_root_certs` (PEM) overrides the system roots.
  bool tls = false;
  std::string tls_root_certs;
  absl::Duration reconnect_initial = absl::Milliseconds(100);
  absl::Duration reconnect_max = absl::Seconds(5);
};

std::shared_ptr<grpc::Channel> NewCoordinatorChannel(const ChannelOptions& options);

// Sends `token` (an API token; none if empty) with the call `context` is for, as
// `authorization: Bearer <token>`. Each call carries it: the coordinator judges every call
// by its own credentials.
void AttachToken(grpc::ClientContext& context, const std::string& token);

}  // namespace fanfare

#endif  // FANFARE_SDK_CLIENT_CHANNEL_H_
