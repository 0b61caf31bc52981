// The state of one evaluation: the variables, the macro-bound locals and the work budget.
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_EVAL_CONTEXT_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_EVAL_CONTEXT_H_

#include <cstddef>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "engine/expr/expression.h"
#include "engine/expr/internal/ast.h"
#include "engine/expr/value.h"

namespace fanfare::expr {

// Lives on the stack of one Evaluate() call; not shared between threads.
class EvalContext {
 public:
  EvalContext(const Activation& vars, absl::string_view source, int locals)
      : vars_(vars), source_(source), locals_(locals, nullptr) {}

  EvalContext(const EvalContext&) = delete;
  EvalContext& operator=(const EvalContext&) = delete;

  const Activation& vars() const { return vars_; }

  // locals()[slot] is the value the enclosing macro bound to its variable.
  absl::InlinedVector<const Value*, 4>& locals() { return locals_; }

  // The source text of `node`, shortened for a message: `steps.copy.output`.
  std::string Text(const Node& node) const;

  // Spends `units` of the evaluation's work budget (kMaxEvaluationWork). False once it is
  // spent; from then on the evaluation's result is the budget error whatever else happens.
  bool Charge(size_t units) {
    work_ += units;
    if (work_ <= kMaxEvaluationWork) return true;
    Exhaust("the expression does too much work (over the limit of " +
            std::to_string(kMaxEvaluationWork) + " steps); iterate over smaller lists");
    return false;
  }
  // Counts one macro iteration against kMaxMacroIterations; false once over.
  bool Iterate();

  bool exhausted() const { return !exhausted_message_.empty(); }
  // The error every budget failure becomes. REQUIRES: exhausted().
  Value ExhaustedError() const { return Value::Error(exhausted_message_); }

 private:
  void Exhaust(std::string message) {
    if (exhausted_message_.empty()) exhausted_message_ = std::move(message);
  }

  const Activation& vars_;
  absl::string_view source_;
  absl::InlinedVector<const Value*, 4> locals_;
  size_t work_ = 0;
  size_t iterations_ = 0;
  std::string exhausted_message_;
};

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_EVAL_CONTEXT_H_
