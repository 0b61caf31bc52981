#include "sdk/worker/task_errors.h"

#include <string>

#include "absl/strings/cord.h"
#include "base/proto_time.h"

namespace fanfare {
namespace {

// The payload carries the whole TaskFailure, so nothing is lost between the handler and
// the report.
constexpr absl::string_view kFailureUrl = "type.fanfare.dev/fanfare.v1.TaskFailure";

absl::StatusCode CodeFor(v1::ErrorType type) {
  switch (type) {
    case v1::ERROR_TYPE_RETRYABLE: return absl::StatusCode::kUnavailable;
    case v1::ERROR_TYPE_THROTTLED: return absl::StatusCode::kResourceExhausted;
    case v1::ERROR_TYPE_AUTH_EXPIRED: return absl::StatusCode::kUnauthenticated;
    case v1::ERROR_TYPE_REJECTED_INPUT: return absl::StatusCode::kInvalidArgument;
    case v1::ERROR_TYPE_DUPLICATE: return absl::StatusCode::kAlreadyExists;
    case v1::ERROR_TYPE_OUTCOME_UNKNOWN: return absl::StatusCode::kUnknown;
    case v1::ERROR_TYPE_TIMEOUT: return absl::StatusCode::kDeadlineExceeded;
    case v1::ERROR_TYPE_CANCELED: return absl::StatusCode::kCancelled;
    default: return absl::StatusCode::kInternal;
  }
}

absl::Status WithFailure(v1::TaskFailure failure) {
  absl::Status status(CodeFor(failure.type()), failure.message());
  status.SetPayload(kFailureUrl, absl::Cord(failure.SerializeAsString()));
  return status;
}

absl::Status Make(v1::ErrorType type, absl::string_view message, absl::string_view code) {
  v1::TaskFailure failure;
  failure.set_type(type);
  failure.set_message(std::string(message));
  failure.set_code(std::string(code));
  return WithFailure(std::move(failure));
}

v1::ErrorType TypeForCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted: return v1::ERROR_TYPE_RETRYABLE;
    case absl::StatusCode::kDeadlineExceeded: return v1::ERROR_TYPE_TIMEOUT;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition: return v1::ERROR_TYPE_REJECTED_INPUT;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied: return v1::ERROR_TYPE_AUTH_EXPIRED;
    case absl::StatusCode::kResourceExhausted: return v1::ERROR_TYPE_THROTTLED;
    case absl::StatusCode::kAlreadyExists: return v1::ERROR_TYPE_DUPLICATE;
    case absl::StatusCode::kCancelled: return v1::ERROR_TYPE_CANCELED;
    default: return v1::ERROR_TYPE_INTERNAL;
  }
}

}  // namespace

absl::Status Retryable(absl::string_view message, absl::string_view code) {
  return Make(v1::ERROR_TYPE_RETRYABLE, message, code);
}

absl::Status Throttled(absl::string_view message, absl::Duration retry_after,
                       absl::string_view code) {
  v1::TaskFailure failure;
  failure.set_type(v1::ERROR_TYPE_THROTTLED);
  failure.set_message(std::string(message));
  failure.set_code(std::string(code));
  *failure.mutable_retry_after() = ToProtoDuration(retry_after);
  return WithFailure(std::move(failure));
}

absl::Status AuthExpired(absl::string_view message, absl::string_view code) {
  return Make(v1::ERROR_TYPE_AUTH_EXPIRED, message, code);
}

absl::Status RejectedInput(absl::string_view message, absl::string_view code) {
  return Make(v1::ERROR_TYPE_REJECTED_INPUT, message, code);
}

absl::Status Duplicate(absl::string_view message, absl::string_view code) {
  return Make(v1::ERROR_TYPE_DUPLICATE, message, code);
}

absl::Status OutcomeUnknown(absl::string_view message, absl::string_view code) {
  return Make(v1::ERROR_TYPE_OUTCOME_UNKNOWN, message, code);
}

absl::Status ReconcileNotFound(absl::string_view message) {
  return OutcomeUnknown(message, kNotFoundCode);
}

absl::Status CustomFailure(absl::string_view custom_type, absl::string_view message,
                           bool retryable) {
  v1::TaskFailure failure;
  failure.set_type(retryable ? v1::ERROR_TYPE_RETRYABLE : v1::ERROR_TYPE_REJECTED_INPUT);
  failure.set_message(std::string(message));
  failure.set_custom_type(std::string(custom_type));
  return WithFailure(std::move(failure));
}

v1::TaskFailure ToTaskFailure(const absl::Status& status) {
  v1::TaskFailure failure;
  if (auto payload = status.GetPayload(kFailureUrl);
      payload.has_value() && failure.ParseFromString(std::string(*payload))) {
    return failure;
  }
  failure.Clear();
  failure.set_type(TypeForCode(status.code()));
  failure.set_message(std::string(status.message()));
  return failure;
}

v1::ErrorType ErrorTypeOf(const absl::Status& status) { return ToTaskFailure(status).type(); }

}  // namespace fanfare
