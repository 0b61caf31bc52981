// MetricsServer: serves a Registry's page at GET /metrics over plain HTTP, for Prometheus to
// scrape. Anything else is 404.
//
//   ASSIGN_OR_RETURN(auto server, metrics::MetricsServer::Start("127.0.0.1:9464", &registry));
//   std::printf("metrics on %s\n", server->address().c_str());
//
// `listen` is HOST:PORT (port 0 picks a free one) or a bare PORT, which means loopback.
// Nothing is served beyond loopback unless HOST says so.
//
// Thread safety: Start and the accessors are thread-safe; the destructor stops serving and
// waits for the server's threads. The registry must outlive the server.
#ifndef FANFARE_METRICS_METRICS_SERVER_H_
#define FANFARE_METRICS_METRICS_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/http_listener.h"
#include "metrics/registry.h"

namespace fanfare::metrics {

class MetricsServer {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                              const Registry* registry);

  int port() const { return listener_->port(); }
  // host:port as bound, e.g. "127.0.0.1:9464".
  std::string address() const { return listener_->address(); }

 private:
  explicit MetricsServer(std::unique_ptr<HttpListener> listener)
      : listener_(std::move(listener)) {}

  std::unique_ptr<HttpListener> listener_;
};

}  // namespace fanfare::metrics

#endif  // FANFARE_METRICS_METRICS_SERVER_H_
