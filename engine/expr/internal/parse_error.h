// Parse errors: InvalidArgument statuses that carry the byte offset of the problem.
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_PARSE_ERROR_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_PARSE_ERROR_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fanfare::expr {

// InvalidArgument(message), with `offset` readable through ParseErrorOffset().
absl::Status ParseError(size_t offset, absl::string_view message);

// `status` with its offset moved by `delta` (for an expression embedded in a template).
// Statuses without an offset are returned unchanged.
absl::Status ShiftParseError(const absl::Status& status, size_t delta);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_PARSE_ERROR_H_
