#include "workers/common/task_input.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/durations.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

TaskInput::TaskInput(std::string action, const google::protobuf::Struct& input)
    : action_(std::move(action)), json_(FromStruct(input)) {}

absl::Status TaskInput::Reject(absl::string_view field, absl::string_view problem) const {
  return RejectedInput(absl::StrCat(action_, ": '", field, "' ", problem));
}

bool TaskInput::Has(absl::string_view field) const {
  const Json& member = JsonMember(json_, field);
  return !member.is_null() && !(member.is_string() && member.get<std::string>().empty());
}

absl::StatusOr<std::string> TaskInput::RequiredString(absl::string_view field) const {
  const Json& member = JsonMember(json_, field);
  if (member.is_null()) return Reject(field, "is required");
  if (!member.is_string() && !member.is_number()) return Reject(field, "must be a string");
  std::string value = JsonString(json_, field);
  if (value.empty()) return Reject(field, "must not be empty");
  return value;
}

absl::StatusOr<std::string> TaskInput::RequiredOneOf(
    std::initializer_list<absl::string_view> fields) const {
  for (absl::string_view field : fields) {
    if (Has(field)) return RequiredString(field);
  }
  return RejectedInput(absl::StrCat(action_, ": one of '", absl::StrJoin(fields, "', '"),
                                    "' is required"));
}

std::string TaskInput::OptionalString(absl::string_view field, absl::string_view fallback) const {
  return JsonString(json_, field, fallback);
}

absl::StatusOr<std::vector<std::string>> TaskInput::StringList(absl::string_view field) const {
  const Json& member = JsonMember(json_, field);
  std::vector<std::string> out;
  if (member.is_null()) return out;
  if (member.is_string()) {
    out.push_back(member.get<std::string>());
    return out;
  }
  if (!member.is_array()) return Reject(field, "must be a list of strings");
  for (const Json& item : member) {
    if (!item.is_string()) return Reject(field, "must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::string> TaskInput::Currency(absl::string_view fallback) const {
  std::string currency = OptionalString("currency", fallback);
  if (!ValidateCurrency(currency).ok()) {
    return Reject("currency", "must be an ISO 4217 code such as USD");
  }
  return currency;
}

absl::StatusOr<Money> TaskInput::RequiredAmount(absl::string_view field,
                                                absl::string_view currency) const {
  const Json& member = JsonMember(json_, field);
  absl::StatusOr<Money> money = absl::InvalidArgumentError("missing");
  if (member.is_null()) return Reject(field, "is required");
  if (member.is_number()) {
    money = MoneyFromDouble(member.get<double>(), currency);
  } else if (member.is_string()) {
    money = MoneyFromDecimal(member.get<std::string>(), currency);
  } else {
    return Reject(field, "must be an amount in currency units, e.g. 40 or \"40.00\"");
  }
  if (!money.ok()) return Reject(field, money.status().message());
  if (money->micros <= 0) return Reject(field, "must be greater than zero");
  return money;
}

absl::StatusOr<absl::Time> TaskInput::TimeField(absl::string_view field) const {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, OptionalString(field), &t, &error)) {
    return Reject(field, "must be an RFC 3339 time such as 2026-12-01T09:00:00Z");
  }
  return t;
}

absl::StatusOr<TimeWindow> TaskInput::Window(absl::Time now) const {
  TimeWindow window{now - absl::Hours(24), now};
  if (Has("since") || Has("until")) {
    if (Has("since")) {
      absl::StatusOr<absl::Time> since = TimeField("since");
      if (!since.ok()) return since.status();
      window.since = *since;
    }
    if (Has("until")) {
      absl::StatusOr<absl::Time> until = TimeField("until");
      if (!until.ok()) return until.status();
      window.until = *until;
    }
  } else if (Has("window")) {
    absl::StatusOr<absl::Duration> d = ParseDuration(OptionalString("window"));
    if (!d.ok() || *d <= absl::ZeroDuration()) {
      return Reject("window", "must be a positive duration such as 6h or 30d");
    }
    window.since = now - *d;
  }
  if (window.since >= window.until) return Reject("since", "must be before 'until'");
  return window;
}

absl::StatusOr<std::optional<absl::Time>> TaskInput::EndTime(absl::Time now) const {
  if (Has("end_time")) {
    absl::StatusOr<absl::Time> end = TimeField("end_time");
    if (!end.ok()) return end.status();
    if (*end <= now) return Reject("end_time", "must be in the future");
    return std::optional<absl::Time>(*end);
  }
  if (Has("duration")) {
    absl::StatusOr<absl::Duration> d = ParseDuration(OptionalString("duration"));
    if (!d.ok() || *d <= absl::ZeroDuration()) {
      return Reject("duration", "must be a positive duration such as 14d");
    }
    return std::optional<absl::Time>(now + *d);
  }
  return std::optional<absl::Time>();
}

}  // namespace fanfare::workers
