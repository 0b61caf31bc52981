// The standard process_* series every Prometheus client library exports (CPU seconds,
// resident and virtual memory, open and maximum file descriptors, start time), read from
// /proc/self on Linux.
#ifndef FANFARE_METRICS_PROCESS_COLLECTOR_H_
#define FANFARE_METRICS_PROCESS_COLLECTOR_H_

#include "metrics/registry.h"

namespace fanfare::metrics {

// Adds a collector of this process's series to `registry`. Series that cannot be read (no
// /proc) are left out.
void AddProcessCollector(Registry& registry);

}  // namespace fanfare::metrics

#endif  // FANFARE_METRICS_PROCESS_COLLECTOR_H_
