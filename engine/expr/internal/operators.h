// The language's operators on evaluated operands. Each returns a value or an error Value;
// an error operand is returned as it is (the first, if both are errors).
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_OPERATORS_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_OPERATORS_H_

#include "engine/expr/internal/ast.h"
#include "engine/expr/internal/eval_context.h"
#include "engine/expr/value.h"

namespace fanfare::expr {

enum class Ordering { kLess, kEqual, kGreater, kUnordered, kIncomparable };

// How `a` orders against `b`: numbers (int and double mixed, exactly), strings (by bytes),
// bools (false < true), timestamps and durations. kUnordered when a NaN is involved,
// kIncomparable for other kinds or mixed kinds.
Ordering Order(const Value& a, const Value& b);

// + - * / %: numbers, string and list concatenation, time arithmetic.
Value Arithmetic(BinaryOp op, const Value& left, const Value& right, EvalContext& context);

// == != < <= > >= and `in`.
Value Relation(BinaryOp op, const Value& left, const Value& right, EvalContext& context);

// Unary minus: ints (overflow is an error), doubles, durations.
Value Negate(const Value& operand);

// The operator's symbol: "+", "<=", "in".
absl::string_view OperatorSymbol(BinaryOp op);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_OPERATORS_H_
