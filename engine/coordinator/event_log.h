// The log lines of a run's history events (docs/operations.md, "Logs"): what goes wrong or
// needs a person at info and above, the rest at debug, so that a healthy system is quiet.
#ifndef FANFARE_ENGINE_COORDINATOR_EVENT_LOG_H_
#define FANFARE_ENGINE_COORDINATOR_EVENT_LOG_H_

#include <string>
#include <vector>

#include "base/log.h"
#include "fanfare/v1/run.pb.h"

namespace fanfare::coordinator {

// The level `event` is logged at.
log::Level EventLevel(const v1::HistoryEvent& event);

// The events of `events` the log would write now (their level is enabled).
std::vector<v1::HistoryEvent> EventsToLog(const std::vector<v1::HistoryEvent>& events);

// Writes one line for `event` of run `run_id` in namespace `ns`.
void LogEvent(const std::string& ns, const std::string& run_id, const v1::HistoryEvent& event);

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_EVENT_LOG_H_
