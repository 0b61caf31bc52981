// TaskInput: typed, validated access to an action's `with` (the task's input Struct).
// Every failure is RejectedInput naming the action and the field, e.g.
//   "facebook.publish: 'text' is required".
#ifndef FANFARE_WORKERS_COMMON_TASK_INPUT_H_
#define FANFARE_WORKERS_COMMON_TASK_INPUT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "workers/common/json_value.h"
#include "workers/common/money.h"

namespace fanfare::workers {

struct TimeWindow {
  absl::Time since;
  absl::Time until;
};

class TaskInput {
 public:
  // `action` ("facebook.publish") prefixes every message.
  TaskInput(std::string action, const google::protobuf::Struct& input);

  const std::string& action() const { return action_; }
  const Json& json() const { return json_; }
  bool Has(absl::string_view field) const;

  absl::StatusOr<std::string> RequiredString(absl::string_view field) const;
  // The first of `fields` present; RejectedInput naming them all if none is.
  absl::StatusOr<std::string> RequiredOneOf(std::initializer_list<absl::string_view> fields) const;
  std::string OptionalString(absl::string_view field, absl::string_view fallback = "") const;
  // A list of strings, or one string as a list of one; empty if absent.
  absl::StatusOr<std::vector<std::string>> StringList(absl::string_view field) const;

  // A positive amount (a number, or a decimal string) in `currency`.
  absl::StatusOr<Money> RequiredAmount(absl::string_view field, absl::string_view currency) const;
  // "currency" if given (validated), else `fallback`.
  absl::StatusOr<std::string> Currency(absl::string_view fallback) const;

  // The measurement window: {"since","until"} as RFC 3339, or "window" as a duration
  // ("6h", "30d") ending at `now`; 24h ending at `now` when none is given.
  absl::StatusOr<TimeWindow> Window(absl::Time now) const;
  // When a boost ends: "end_time" (RFC 3339) or "duration" from `now`; nullopt if neither.
  absl::StatusOr<std::optional<absl::Time>> EndTime(absl::Time now) const;

  // RejectedInput("<action>: '<field>' <problem>").
  absl::Status Reject(absl::string_view field, absl::string_view problem) const;

 private:
  absl::StatusOr<absl::Time> TimeField(absl::string_view field) const;

  std::string action_;
  Json json_;
};

// "2026-12-01T09:00:00Z".
std::string Rfc3339(absl::Time t);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_TASK_INPUT_H_
