// The implementations behind CallFunction(), grouped by file. Each takes evaluated,
// non-error arguments whose count the parser checked, and returns a value or an error
// Value whose message names the function.
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_BUILTINS_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_BUILTINS_H_

#include "absl/types/span.h"
#include "engine/expr/internal/ast.h"
#include "engine/expr/internal/eval_context.h"
#include "engine/expr/value.h"

namespace fanfare::expr {

// "size() needs a string, list or map, not an int".
Value ArgumentError(absl::string_view function, absl::string_view needs, const Value& got);

// functions.cc
Value Size(const Value& x);
Value MinMax(absl::Span<const Value> args, bool max, EvalContext& context);
Value Abs(const Value& x);
Value Round(absl::Span<const Value> args);

// conversions.cc (ToDuration and ToTimestamp are in functions.h)
Value ToInt(const Value& x);
Value ToDouble(const Value& x);
Value ToText(const Value& x, EvalContext& context);
Value TimestampPart(Function part, absl::Span<const Value> args);

// string_functions.cc
Value StringTest(Function function, const Value& s, const Value& t);
Value ChangeCase(Function function, const Value& s, EvalContext& context);
Value Join(absl::Span<const Value> args, EvalContext& context);

// community_functions.cc: sentiment, hasLink, isLinkOnly, isAllCaps, containsAny.
Value TextSignal(Function function, absl::Span<const Value> args, EvalContext& context);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_BUILTINS_H_
