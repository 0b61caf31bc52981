#include "engine/expr/internal/parse_error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/expr/expression.h"

namespace fanfare::expr {
namespace {

constexpr absl::string_view kOffsetPayload = "type.fanfare.dev/fanfare.expr.ParseErrorOffset";

}  // namespace

absl::Status ParseError(size_t offset, absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kOffsetPayload, absl::Cord(absl::StrCat(offset)));
  return status;
}

absl::Status ShiftParseError(const absl::Status& status, size_t delta) {
  const std::optional<size_t> offset = ParseErrorOffset(status);
  if (!offset.has_value()) return status;
  return ParseError(*offset + delta, status.message());
}

std::optional<size_t> ParseErrorOffset(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return std::nullopt;
  const absl::optional<absl::Cord> payload = status.GetPayload(kOffsetPayload);
  if (!payload.has_value()) return std::nullopt;
  size_t offset = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &offset)) return std::nullopt;
  return offset;
}

}  // namespace fanfare::expr
