// Pieces of Value that the evaluator shares: bounded rendering and comparison.
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_VALUE_INTERNAL_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_VALUE_INTERNAL_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/expr/value.h"

namespace fanfare::expr {

// Values nested deeper than this are not walked: rendering prints "...", equality compares
// storage identity. Nothing an expression builds comes close; it guards against callers.
inline constexpr int kMaxWalkDepth = 200;

// Appends v.DebugString() (or v.ToText() if `as_text`) to `out`, stopping soon after `out`
// reaches `limit` bytes. Returns false if it stopped early.
bool AppendRendering(const Value& v, bool as_text, size_t limit, std::string* out);

// Structural equality as Value::operator== defines it. Adds the number of values compared
// to *work when `work` is not null.
bool EqualValues(const Value& a, const Value& b, size_t* work);

// The order of two numbers (int or double, mixed exactly): negative, zero or positive;
// nullopt if either is NaN. REQUIRES: a.is_number() && b.is_number().
std::optional<int> CompareNumbers(const Value& a, const Value& b);

// Shortest text that reads back as the same double: 1.5, 2, 1e+21, NaN, Infinity.
std::string FormatDouble(double d);
// RFC 3339 in UTC with fractional seconds only when present: 2026-12-01T09:00:00Z.
std::string FormatTimestamp(absl::Time t);
// JSON-style quoting: "say \"hi\"\n".
std::string Quote(absl::string_view s);

// "an int", "a string", "null": a kind's name as a message reads it.
std::string KindWithArticle(Value::Kind kind);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_VALUE_INTERNAL_H_
