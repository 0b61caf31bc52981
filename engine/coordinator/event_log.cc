#include "engine/coordinator/event_log.h"

#include "base/enum_label.h"

namespace fanfare::coordinator {

log::Level EventLevel(const v1::HistoryEvent& event) {
  switch (event.type()) {
    case v1::EVENT_TYPE_RUN_FAILED:
    case v1::EVENT_TYPE_STEP_FAILED:
    case v1::EVENT_TYPE_STEP_UNKNOWN:
    case v1::EVENT_TYPE_BUDGET_GUARDRAIL:
      return log::Level::kWarning;
    case v1::EVENT_TYPE_RUN_CANCELED:
    case v1::EVENT_TYPE_RUN_PAUSED:
    case v1::EVENT_TYPE_RUN_RESUMED:
    case v1::EVENT_TYPE_RUN_RETRIED:
    case v1::EVENT_TYPE_STEP_ATTEMPT_FAILED:
    case v1::EVENT_TYPE_STEP_APPROVED:
    case v1::EVENT_TYPE_STEP_REJECTED:
      return log::Level::kInfo;
    default:
      return log::Level::kDebug;
  }
}

std::vector<v1::HistoryEvent> EventsToLog(const std::vector<v1::HistoryEvent>& events) {
  std::vector<v1::HistoryEvent> logged;
  for (const v1::HistoryEvent& event : events) {
    if (log::Enabled(EventLevel(event))) logged.push_back(event);
  }
  return logged;
}

void LogEvent(const std::string& ns, const std::string& run_id, const v1::HistoryEvent& event) {
  log::Line line(EventLevel(event), "engine",
                 EnumLabel(v1::EventType_Name(event.type()), "EVENT_TYPE_"));
  line.Field("namespace", ns).Field("run", run_id).FieldIfSet("step", event.step_key());
  if (event.attempt() > 0) line.Field("attempt", event.attempt());
  line.FieldIfSet("actor", event.actor());
  if (event.has_error()) {
    line.Field("error_type", EnumLabel(v1::ErrorType_Name(event.error().type()), "ERROR_TYPE_"));
    line.FieldIfSet("error", event.error().message());
  } else {
    line.FieldIfSet("detail", event.message());
  }
  if (event.type() == v1::EVENT_TYPE_STEP_ATTEMPT_FAILED && event.has_detail()) {
    const auto& fields = event.detail().struct_value().fields();
    if (auto retry = fields.find("will_retry"); retry != fields.end()) {
      line.Field("will_retry", retry->second.bool_value());
    }
  }
}

}  // namespace fanfare::coordinator
