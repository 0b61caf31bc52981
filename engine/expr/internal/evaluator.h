// Evaluates a parse tree by walking it.
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_EVALUATOR_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_EVALUATOR_H_

#include "absl/strings/string_view.h"
#include "engine/expr/expression.h"
#include "engine/expr/internal/ast.h"
#include "engine/expr/internal/eval_context.h"
#include "engine/expr/value.h"

namespace fanfare::expr {

// The value of the tree at `root`, parsed from `source` with `locals` macro variables.
// Never fails: problems are error Values.
Value EvaluateTree(const Node& root, absl::string_view source, int locals,
                   const Activation& vars);

// One evaluation's walker. Each rule returns a reference either to `*scratch` or to a value
// that outlives the evaluation (a literal in the tree, a variable of the Activation, a part
// of either, or the element a macro variable is bound to while the macro runs), so that
// reading `steps.copy.output.text` copies nothing until the end.
class Evaluator {
 public:
  explicit Evaluator(EvalContext& context) : context_(context) {}

  const Value& Eval(const Node& node, Value* scratch);

 private:
  const Value& Set(Value* scratch, Value value) {
    *scratch = std::move(value);
    return *scratch;
  }
  // `part` lies inside `whole`; if `whole` is the caller's `temporary`, which is about to go
  // away, `part` is copied to *scratch first.
  const Value& Keep(const Value& part, const Value& whole, const Value& temporary,
                    Value* scratch) {
    if (&whole != &temporary) return part;
    return Set(scratch, part);
  }

  // evaluator.cc
  const Value& Variable(const Node& node, Value* scratch);
  const Value& Select(const Node& node, Value* scratch);
  const Value& Has(const Node& node, Value* scratch);
  const Value& Index(const Node& node, Value* scratch);
  const Value& IndexList(const Node& node, const Value& list, const Value& index,
                         Value* scratch);
  const Value& Unary(const Node& node, Value* scratch);
  const Value& Binary(const Node& node, Value* scratch);
  const Value& Logic(const Node& node, Value* scratch);
  const Value& Conditional(const Node& node, Value* scratch);
  const Value& Call(const Node& node, Value* scratch);

  // literals.cc: list and map literals with non-constant parts.
  const Value& List(const Node& node, Value* scratch);
  const Value& Map(const Node& node, Value* scratch);

  // macros.cc
  const Value& Macro(const Node& node, Value* scratch);
  const Value& Quantifier(const Node& node, const Value& range, Value* scratch);
  const Value& Transform(const Node& node, const Value& range, Value* scratch);
  // Binds each element of `range` (a list's items, a map's keys) to the macro's variable
  // and calls visit(element) until it returns false. False if the iteration budget ran
  // out.
  template <typename Visit>
  bool ForEach(const Node& node, const Value& range, Visit visit);
  // "the condition of exists() must be a bool; x.score is an int", or `result` itself if
  // it is an error.
  Value NotABool(const Node& node, const Value& result) const;

  EvalContext& context_;
};

// "no key "cpc" in steps.x.output (keys: clicks, impressions)".
Value MissingKey(const Value& map, absl::string_view key, absl::string_view where);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_EVALUATOR_H_
