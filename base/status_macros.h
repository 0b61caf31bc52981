// RETURN_IF_ERROR and ASSIGN_OR_RETURN: the one place Fanfare defines them.
//
// Debian's Abseil (20220623) has no status_macros.h, so these are written once, here.
//
//   absl::Status Load() {
//     RETURN_IF_ERROR(Open());
//     ASSIGN_OR_RETURN(Spec spec, Parse(text));
//     ...
//   }
#ifndef FANFARE_BASE_STATUS_MACROS_H_
#define FANFARE_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define FANFARE_STATUS_CONCAT_INNER_(a, b) a##b
#define FANFARE_STATUS_CONCAT_(a, b) FANFARE_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status); returns it from the enclosing function if not OK.
#define RETURN_IF_ERROR(expr)                 \
  do {                                        \
    ::absl::Status _fanfare_status = (expr);  \
    if (!_fanfare_status.ok()) return _fanfare_status; \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status if not OK, otherwise moves
// its value into `lhs`, which may be a declaration ("auto x") or an existing variable.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  FANFARE_ASSIGN_OR_RETURN_IMPL_(FANFARE_STATUS_CONCAT_(_fanfare_statusor_, __LINE__), lhs, rexpr)

#define FANFARE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = *std::move(statusor)

#endif  // FANFARE_BASE_STATUS_MACROS_H_
