#include "engine/scheduler/step_instance.h"

#include "absl/strings/str_cat.h"

namespace fanfare::scheduler {

std::string InstanceKey(const Scope& scope, const StepDef& def, absl::string_view item_key,
                        bool fans_out, int iteration) {
  std::string key = absl::StrCat(scope.key_prefix, def.id);
  if (fans_out) absl::StrAppend(&key, "[", item_key, "]");
  if (iteration > 0) absl::StrAppend(&key, "#", iteration);
  return key;
}

std::string IdempotencyKey(absl::string_view ns, absl::string_view run_id,
                           absl::string_view instance_key) {
  return absl::StrCat(ns, "/", run_id, "/", instance_key);
}

bool IsTerminal(v1::RunStatus status) {
  return status == v1::RUN_STATUS_SUCCEEDED || status == v1::RUN_STATUS_FAILED ||
         status == v1::RUN_STATUS_CANCELED;
}

bool IsTerminal(v1::StepState state) {
  switch (state) {
    case v1::STEP_STATE_SUCCEEDED:
    case v1::STEP_STATE_FAILED:
    case v1::STEP_STATE_SKIPPED:
    case v1::STEP_STATE_CANCELED:
      return true;
    default:
      return false;
  }
}

}  // namespace fanfare::scheduler
