#include "cmd/observability_flags.h"

#include "absl/flags/flag.h"
#include "base/log.h"

ABSL_FLAG(std::string, log_level, "info",
          "least level logged on stderr: debug, info, warning, error (docs/operations.md, Logs)");
ABSL_FLAG(std::string, log_format, "logfmt", "log lines as `logfmt` or `json`");
ABSL_FLAG(std::string, metrics_listen, "",
          "serve Prometheus metrics at http://HOST:PORT/metrics (a bare PORT means loopback; "
          "docs/operations.md, Metrics); default: none");

namespace fanfare {

absl::Status ConfigureLoggingFromFlags() {
  return log::Configure(absl::GetFlag(FLAGS_log_level), absl::GetFlag(FLAGS_log_format));
}

std::string MetricsListenFlag() { return absl::GetFlag(FLAGS_metrics_listen); }

}  // namespace fanfare
