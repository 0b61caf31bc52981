#include "engine/expr/internal/operators.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/expr/expression.h"
#include "engine/expr/internal/functions.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

Value Overflow(int64_t a, BinaryOp op, int64_t b) {
  return Value::Error(absl::StrCat("integer overflow: ", a, " ", OperatorSymbol(op), " ", b,
                                   " does not fit in an int"));
}

Value IntArithmetic(BinaryOp op, int64_t a, int64_t b) {
  int64_t result = 0;
  switch (op) {
    case BinaryOp::kAdd:
      if (__builtin_add_overflow(a, b, &result)) return Overflow(a, op, b);
      return Value::Int(result);
    case BinaryOp::kSub:
      if (__builtin_sub_overflow(a, b, &result)) return Overflow(a, op, b);
      return Value::Int(result);
    case BinaryOp::kMul:
      if (__builtin_mul_overflow(a, b, &result)) return Overflow(a, op, b);
      return Value::Int(result);
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
      if (b == 0) return Value::Error(op == BinaryOp::kDiv ? "division by zero" : "modulo by zero");
      if (a == std::numeric_limits<int64_t>::min() && b == -1) return Overflow(a, op, b);
      return Value::Int(op == BinaryOp::kDiv ? a / b : a % b);
    default:
      return Value::Error("not an arithmetic operator");
  }
}

Value DoubleArithmetic(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd: return Value::Double(a + b);
    case BinaryOp::kSub: return Value::Double(a - b);
    case BinaryOp::kMul: return Value::Double(a * b);
    case BinaryOp::kDiv:
      if (b == 0) return Value::Error("division by zero");
      return Value::Double(a / b);
    case BinaryOp::kMod:
      return Value::Error("% needs two ints, not doubles; convert with int(x)");
    default:
      return Value::Error("not an arithmetic operator");
  }
}

Value Concatenate(const Value& a, const Value& b, EvalContext& context) {
  if (a.is_string()) {
    const size_t size = a.string_value().size() + b.string_value().size();
    if (size > kMaxValueSize) {
      return Value::Error(absl::StrCat("string too long: concatenating would make ", size,
                                       " bytes (the limit is ", kMaxValueSize, ")"));
    }
    if (!context.Charge(size)) return context.ExhaustedError();
    return Value::String(absl::StrCat(a.string_value(), b.string_value()));
  }
  const size_t size = a.list().size() + b.list().size();
  if (size > kMaxListSize) {
    return Value::Error(absl::StrCat("list too long: concatenating would make ", size,
                                     " items (the limit is ", kMaxListSize, ")"));
  }
  if (!context.Charge(size)) return context.ExhaustedError();
  Value::List items;
  items.reserve(size);
  items.insert(items.end(), a.list().begin(), a.list().end());
  items.insert(items.end(), b.list().begin(), b.list().end());
  return Value::MakeList(std::move(items));
}

Value CheckedTimestamp(absl::Time t) {
  if (!TimestampInRange(t)) return Value::Error("timestamp out of range (years 1 to 9999)");
  return Value::Timestamp(t);
}

Value CheckedDuration(absl::Duration d) {
  if (d == absl::InfiniteDuration() || d == -absl::InfiniteDuration()) {
    return Value::Error("duration overflow");
  }
  return Value::Duration(d);
}

// Duration scaled by a number: d * n or d / n.
Value ScaleDuration(BinaryOp op, absl::Duration d, const Value& n) {
  if (n.is_double() && !std::isfinite(n.double_value())) {
    return Value::Error("cannot scale a duration by a NaN or infinite number");
  }
  if (op == BinaryOp::kMul) {
    return CheckedDuration(n.is_int() ? d * n.int_value() : d * n.double_value());
  }
  if (n.number_value() == 0) return Value::Error("division by zero");
  return CheckedDuration(n.is_int() ? d / n.int_value() : d / n.double_value());
}

// Null when no rule applies.
Value TimeArithmetic(BinaryOp op, const Value& a, const Value& b) {
  const bool add = op == BinaryOp::kAdd;
  const bool sub = op == BinaryOp::kSub;
  if (a.is_timestamp() && b.is_duration() && (add || sub)) {
    return CheckedTimestamp(add ? a.timestamp_value() + b.duration_value()
                                : a.timestamp_value() - b.duration_value());
  }
  if (a.is_duration() && b.is_timestamp() && add) {
    return CheckedTimestamp(b.timestamp_value() + a.duration_value());
  }
  if (a.is_timestamp() && b.is_timestamp() && sub) {
    return CheckedDuration(a.timestamp_value() - b.timestamp_value());
  }
  if (a.is_duration() && b.is_duration()) {
    if (add || sub) {
      return CheckedDuration(add ? a.duration_value() + b.duration_value()
                                 : a.duration_value() - b.duration_value());
    }
    if (op == BinaryOp::kDiv) {
      if (b.duration_value() == absl::ZeroDuration()) return Value::Error("division by zero");
      return Value::Double(absl::FDivDuration(a.duration_value(), b.duration_value()));
    }
  }
  if (a.is_duration() && b.is_number() && (op == BinaryOp::kMul || op == BinaryOp::kDiv)) {
    return ScaleDuration(op, a.duration_value(), b);
  }
  if (a.is_number() && b.is_duration() && op == BinaryOp::kMul) {
    return ScaleDuration(op, b.duration_value(), a);
  }
  return Value::Null();
}

Value NoOperator(BinaryOp op, const Value& a, const Value& b) {
  std::string message = absl::StrCat("cannot apply ", OperatorSymbol(op), " to ", a.kind_name(),
                                     " and ", b.kind_name());
  if (op == BinaryOp::kAdd && (a.is_string() || b.is_string()) &&
      (a.is_number() || b.is_number())) {
    absl::StrAppend(&message, "; convert the number with string(x)");
  } else if (a.is_null() || b.is_null()) {
    absl::StrAppend(&message, "; a value is missing (null)");
  }
  return Value::Error(std::move(message));
}

Value Membership(const Value& item, const Value& container, EvalContext& context) {
  if (container.is_map()) {
    return Value::Bool(item.is_string() && container.Find(item.string_value()) != nullptr);
  }
  if (!container.is_list()) {
    std::string message = absl::StrCat("the right side of 'in' must be a list or map, not ",
                                       KindWithArticle(container.kind()));
    if (container.is_string()) absl::StrAppend(&message, "; for text write s.contains(t)");
    return Value::Error(std::move(message));
  }
  size_t work = 0;
  bool found = false;
  for (const Value& element : container.list()) {
    if (EqualValues(item, element, &work)) {
      found = true;
      break;
    }
  }
  if (!context.Charge(work)) return context.ExhaustedError();
  return Value::Bool(found);
}

template <typename T>
Ordering OrderOf(const T& a, const T& b) {
  return a < b ? Ordering::kLess : (b < a ? Ordering::kGreater : Ordering::kEqual);
}

}  // namespace

absl::string_view OperatorSymbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kEq: return "==";
    case BinaryOp::kNe: return "!=";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kIn: return "in";
  }
  return "?";
}

Ordering Order(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    const std::optional<int> order = CompareNumbers(a, b);
    if (!order.has_value()) return Ordering::kUnordered;
    return *order < 0 ? Ordering::kLess : (*order > 0 ? Ordering::kGreater : Ordering::kEqual);
  }
  if (a.kind() != b.kind()) return Ordering::kIncomparable;
  switch (a.kind()) {
    case Value::Kind::kString: return OrderOf(a.string_value(), b.string_value());
    case Value::Kind::kBool: return OrderOf(a.bool_value(), b.bool_value());
    case Value::Kind::kTimestamp: return OrderOf(a.timestamp_value(), b.timestamp_value());
    case Value::Kind::kDuration: return OrderOf(a.duration_value(), b.duration_value());
    default: return Ordering::kIncomparable;
  }
}

Value Arithmetic(BinaryOp op, const Value& left, const Value& right, EvalContext& context) {
  if (left.is_error()) return left;
  if (right.is_error()) return right;
  if (left.is_int() && right.is_int()) {
    return IntArithmetic(op, left.int_value(), right.int_value());
  }
  if (left.is_number() && right.is_number()) {
    return DoubleArithmetic(op, left.number_value(), right.number_value());
  }
  if (op == BinaryOp::kAdd && ((left.is_string() && right.is_string()) ||
                               (left.is_list() && right.is_list()))) {
    return Concatenate(left, right, context);
  }
  Value time = TimeArithmetic(op, left, right);
  if (!time.is_null()) return time;
  return NoOperator(op, left, right);
}

Value Relation(BinaryOp op, const Value& left, const Value& right, EvalContext& context) {
  if (left.is_error()) return left;
  if (right.is_error()) return right;
  if (op == BinaryOp::kIn) return Membership(left, right, context);
  if (op == BinaryOp::kEq || op == BinaryOp::kNe) {
    size_t work = 0;
    const bool equal = EqualValues(left, right, &work);
    if (!context.Charge(work)) return context.ExhaustedError();
    return Value::Bool(equal == (op == BinaryOp::kEq));
  }
  const Ordering order = Order(left, right);
  switch (order) {
    case Ordering::kIncomparable:
      return Value::Error(absl::StrCat("cannot compare ", left.kind_name(), " and ",
                                       right.kind_name(), " with ", OperatorSymbol(op)));
    case Ordering::kUnordered: return Value::Bool(false);
    case Ordering::kLess:
      return Value::Bool(op == BinaryOp::kLt || op == BinaryOp::kLe);
    case Ordering::kEqual:
      return Value::Bool(op == BinaryOp::kLe || op == BinaryOp::kGe);
    case Ordering::kGreater:
      return Value::Bool(op == BinaryOp::kGt || op == BinaryOp::kGe);
  }
  return Value::Bool(false);
}

Value Negate(const Value& operand) {
  switch (operand.kind()) {
    case Value::Kind::kError: return operand;
    case Value::Kind::kInt:
      if (operand.int_value() == std::numeric_limits<int64_t>::min()) {
        return Value::Error("integer overflow: -(-9223372036854775808) does not fit in an int");
      }
      return Value::Int(-operand.int_value());
    case Value::Kind::kDouble: return Value::Double(-operand.double_value());
    case Value::Kind::kDuration: return Value::Duration(-operand.duration_value());
    default:
      return Value::Error(absl::StrCat("cannot negate ", KindWithArticle(operand.kind())));
  }
}

}  // namespace fanfare::expr
