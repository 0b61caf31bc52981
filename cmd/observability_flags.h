// The flags fanfared and fanfare-worker share for their logs and metrics: --log_level,
// --log_format and --metrics_listen (docs/operations.md, "Logs" and "Metrics").
#ifndef FANFARE_CMD_OBSERVABILITY_FLAGS_H_
#define FANFARE_CMD_OBSERVABILITY_FLAGS_H_

#include <string>

#include "absl/status/status.h"

namespace fanfare {

// Configures base/log.h from --log_level and --log_format; InvalidArgument saying which is
// wrong. Call once, after the flags are parsed.
absl::Status ConfigureLoggingFromFlags();

// --metrics_listen: where to serve /metrics, or empty for nowhere.
std::string MetricsListenFlag();

}  // namespace fanfare

#endif  // FANFARE_CMD_OBSERVABILITY_FLAGS_H_
