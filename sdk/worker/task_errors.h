// How a task handler says why it failed.
//
// Handlers return absl::Status; these constructors attach what the coordinator needs to
// decide what happens next (retry, hold the account, fail at once, settle as UNKNOWN), and
// ToTaskFailure() reads it back when the worker reports the outcome.
//
//   if (response.status == 429) return Throttled("x: 300 posts per 3h used", Seconds(900));
//   if (response.status == 401) return AuthExpired("token for account 'acme' expired", "190");
//
// A plain status without these markers is classified by its code: kUnavailable and
// kDeadlineExceeded as RETRYABLE, kInvalidArgument as REJECTED_INPUT, kUnauthenticated and
// kPermissionDenied as AUTH_EXPIRED, kResourceExhausted as THROTTLED, kAlreadyExists as
// DUPLICATE, kCancelled as CANCELED, everything else as INTERNAL.
#ifndef FANFARE_SDK_WORKER_TASK_ERRORS_H_
#define FANFARE_SDK_WORKER_TASK_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fanfare/v1/run.pb.h"
#include "fanfare/v1/worker.pb.h"

namespace fanfare {

// Transient; a retry may succeed. `code` is the network's own error code, if any.
absl::Status Retryable(absl::string_view message, absl::string_view code = "");
// The network throttled the account; the coordinator holds it for `retry_after`.
absl::Status Throttled(absl::string_view message, absl::Duration retry_after,
                       absl::string_view code = "");
// Credentials expired or were revoked; retrying cannot help until a person fixes them.
absl::Status AuthExpired(absl::string_view message, absl::string_view code = "");
// The network refused the input; retrying cannot help.
absl::Status RejectedInput(absl::string_view message, absl::string_view code = "");
// The network says this was already done.
absl::Status Duplicate(absl::string_view message, absl::string_view code = "");
// The request was sent but its outcome is not known (e.g. the connection dropped after
// sending). The coordinator settles it with `reconcile`, never by a blind retry.
absl::Status OutcomeUnknown(absl::string_view message, absl::string_view code = "");
// The code of the one reconcile answer that lets the coordinator execute an action again:
// the lookup completed and found no trace of it.
inline constexpr absl::string_view kNotFoundCode = "not_found";
// A reconcile's answer that the action never took effect: OutcomeUnknown with kNotFoundCode.
// Only for a lookup that completed; a lookup that failed is an ordinary failure, and the
// coordinator reconciles again.
absl::Status ReconcileNotFound(absl::string_view message);
// The code of the failure a fenced write gets (TaskContext::BeforeWrite): the attempt lost
// its lease, or was stopped, before the write; nothing was sent.
inline constexpr absl::string_view kFencedCode = "fenced";
// A failure of the worker's own kind, matched against a step's retry.non_retryable_errors.
absl::Status CustomFailure(absl::string_view custom_type, absl::string_view message,
                           bool retryable = true);

// The failure to report for `status`. REQUIRES: !status.ok().
v1::TaskFailure ToTaskFailure(const absl::Status& status);

// The error type `status` carries (or its code implies). REQUIRES: !status.ok().
v1::ErrorType ErrorTypeOf(const absl::Status& status);

}  // namespace fanfare

#endif  // FANFARE_SDK_WORKER_TASK_ERRORS_H_
