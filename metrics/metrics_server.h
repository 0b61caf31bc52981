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

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "metrics/registry.h"

namespace httplib {
class Server;
}

namespace fanfare::metrics {

class MetricsServer {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                              const Registry* registry);
  ~MetricsServer();

  int port() const { return port_; }
  // host:port as bound, e.g. "127.0.0.1:9464".
  std::string address() const;

 private:
  MetricsServer() = default;

  std::unique_ptr<httplib::Server> server_;
  std::string host_;
  int port_ = 0;
  std::atomic<bool> exited_{false};  // the accept loop has returned
  std::thread thread_;
};

}  // namespace fanfare::metrics

#endif  // FANFARE_METRICS_METRICS_SERVER_H_
