// The fixed set of built-in functions: their names and arities (checked when parsing) and
// their implementations (run when evaluating).
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_FUNCTIONS_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_FUNCTIONS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/expr/internal/ast.h"
#include "engine/expr/internal/eval_context.h"
#include "engine/expr/value.h"

namespace fanfare::expr {

struct FunctionSpec {
  absl::string_view name;
  Function function;
  bool global;   // callable as name(args)
  bool method;   // callable as receiver.name(args)
  int min_args;  // counting a method's receiver
  int max_args;  // counting a method's receiver; -1 for no limit
  absl::string_view usage;  // for messages: "s.contains(t)"
};

// nullptr if `name` is not a function. Macros (has, exists, all, map, filter) are not
// functions: the parser handles them.
const FunctionSpec* FindFunction(absl::string_view name);

// The name `function` is called by.
absl::string_view FunctionName(Function function);

// Every function and macro name, for "did you mean" suggestions.
std::vector<std::string> CallableNames();

// Runs `function` on evaluated `args` (a method's receiver first). REQUIRES: the arity was
// checked against FindFunction(); no argument is an error Value.
Value CallFunction(Function function, absl::Span<const Value> args, EvalContext& context);

// duration(x) and timestamp(x), which the parser also runs on constant arguments.
Value ToDuration(const Value& arg);
Value ToTimestamp(const Value& arg);

// The range timestamps must stay in: years 1 to 9999, as in RFC 3339.
bool TimestampInRange(absl::Time t);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_FUNCTIONS_H_
