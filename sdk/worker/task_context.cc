#include "sdk/worker/task_context.h"

#include "absl/strings/str_cat.h"
#include "sdk/worker/task_errors.h"

namespace fanfare {

absl::Status TaskContext::BeforeWrite() {
  if (cancelled()) {
    return OutcomeUnknown(absl::StrCat(action(), " attempt ", task_.attempt(),
                                       " was stopped (cancelled, or its lease lost) before a "
                                       "write, which was not sent"),
                          kFencedCode);
  }
  return fence_ == nullptr ? absl::OkStatus() : fence_->BeforeWrite(task_);
}

}  // namespace fanfare
