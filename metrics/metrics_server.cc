#include "metrics/metrics_server.h"

#include <httplib.h>

#include <utility>

namespace fanfare::metrics {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& listen,
                                                                    const Registry* registry) {
  absl::StatusOr<std::unique_ptr<HttpListener>> listener =
      HttpListener::Start(listen, "metrics", [registry](httplib::Server& http) {
        http.Get("/metrics", [registry](const httplib::Request&, httplib::Response& res) {
          res.set_content(registry->Expose(), kExpositionContentType);
        });
      });
  if (!listener.ok()) return listener.status();
  return std::unique_ptr<MetricsServer>(new MetricsServer(*std::move(listener)));
}

}  // namespace fanfare::metrics
