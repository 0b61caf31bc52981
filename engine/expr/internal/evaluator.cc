#include "engine/expr/internal/evaluator.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/suggest.h"
#include "engine/expr/internal/functions.h"
#include "engine/expr/internal/operators.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

// "params.x is a string".
std::string IsA(absl::string_view where, const Value& value) {
  return absl::StrCat(where, " is ", KindWithArticle(value.kind()));
}

}  // namespace

Value EvaluateTree(const Node& root, absl::string_view source, int locals,
                   const Activation& vars) {
  EvalContext context(vars, source, locals);
  Evaluator evaluator(context);
  Value scratch;
  const Value& result = evaluator.Eval(root, &scratch);
  if (context.exhausted()) return context.ExhaustedError();
  if (&result == &scratch) return scratch;
  return result;
}

Value MissingKey(const Value& map, absl::string_view key, absl::string_view where) {
  constexpr size_t kKeysShown = 10;
  constexpr size_t kKeysSuggested = 1000;
  std::vector<std::string> keys;
  for (const auto& [name, unused] : map.map()) {
    if (keys.size() == kKeysSuggested) break;
    keys.push_back(name);
  }
  if (keys.empty()) return Value::Error(absl::StrCat("no key ", Quote(key), " in ", where,
                                                     " (it is empty)"));
  std::string message = absl::StrCat("no key ", Quote(key), " in ", where, " (");
  if (std::string near = ClosestMatch(key, keys); !near.empty()) {
    absl::StrAppend(&message, "did you mean ", Quote(near), "? ");
  }
  const size_t shown = std::min(keys.size(), kKeysShown);
  absl::StrAppend(&message, "keys: ",
                  absl::StrJoin(keys.begin(), keys.begin() + static_cast<long>(shown), ", "));
  if (map.map().size() > shown) absl::StrAppend(&message, ", ... ", map.map().size() - shown,
                                                " more");
  message.push_back(')');
  return Value::Error(std::move(message));
}

const Value& Evaluator::Eval(const Node& node, Value* scratch) {
  if (!context_.Charge(1)) return Set(scratch, context_.ExhaustedError());
  switch (node.kind) {
    case NodeKind::kLiteral: return node.literal;
    case NodeKind::kVariable: return Variable(node, scratch);
    case NodeKind::kLocal: return *context_.locals()[node.slot];
    case NodeKind::kSelect: return Select(node, scratch);
    case NodeKind::kHas: return Has(node, scratch);
    case NodeKind::kIndex: return Index(node, scratch);
    case NodeKind::kUnary: return Unary(node, scratch);
    case NodeKind::kBinary: return Binary(node, scratch);
    case NodeKind::kAnd:
    case NodeKind::kOr: return Logic(node, scratch);
    case NodeKind::kConditional: return Conditional(node, scratch);
    case NodeKind::kList: return List(node, scratch);
    case NodeKind::kMap: return Map(node, scratch);
    case NodeKind::kCall: return Call(node, scratch);
    case NodeKind::kMacro: return Macro(node, scratch);
  }
  return Set(scratch, Value::Error("unknown expression node"));
}

const Value& Evaluator::Variable(const Node& node, Value* scratch) {
  if (const Value* value = context_.vars().Find(node.name); value != nullptr) return *value;
  const std::vector<std::string> names = context_.vars().names();
  std::string message = absl::StrCat("unknown variable ", Quote(node.name));
  if (std::string near = ClosestMatch(node.name, names); !near.empty()) {
    absl::StrAppend(&message, " (did you mean ", Quote(near), "?)");
  } else if (names.empty()) {
    absl::StrAppend(&message, " (no variables are set here)");
  } else {
    absl::StrAppend(&message, "; the variables are ", absl::StrJoin(names, ", "));
  }
  return Set(scratch, Value::Error(std::move(message)));
}

const Value& Evaluator::Select(const Node& node, Value* scratch) {
  const Node& operand = *node.children[0];
  Value temporary;
  const Value& object = Eval(operand, &temporary);
  if (object.is_map()) {
    const Value* field = object.Find(node.name);
    if (field != nullptr) return Keep(*field, object, temporary, scratch);
    return Set(scratch, MissingKey(object, node.name, context_.Text(operand)));
  }
  if (object.is_error()) return Keep(object, object, temporary, scratch);
  std::string message = absl::StrCat("cannot read ", Quote(node.name), " of ",
                                     context_.Text(operand), ": it is ",
                                     KindWithArticle(object.kind()));
  if (!object.is_null()) absl::StrAppend(&message, ", not a map");
  return Set(scratch, Value::Error(std::move(message)));
}

const Value& Evaluator::Has(const Node& node, Value* scratch) {
  const Node& operand = *node.children[0];
  Value temporary;
  const Value& object = Eval(operand, &temporary);
  if (object.is_map()) return Set(scratch, Value::Bool(object.Find(node.name) != nullptr));
  if (object.is_null()) return Set(scratch, Value::Bool(false));
  if (object.is_error()) return Keep(object, object, temporary, scratch);
  return Set(scratch, Value::Error(absl::StrCat("has() needs a map, but ",
                                                IsA(context_.Text(operand), object))));
}

const Value& Evaluator::Index(const Node& node, Value* scratch) {
  const Node& operand = *node.children[0];
  Value container_temporary;
  const Value& container = Eval(operand, &container_temporary);
  if (container.is_error()) return Keep(container, container, container_temporary, scratch);
  Value index_temporary;
  const Value& index = Eval(*node.children[1], &index_temporary);
  if (index.is_error()) return Keep(index, index, index_temporary, scratch);
  if (container.is_list()) {
    const Value& item = IndexList(node, container, index, scratch);
    if (&item == scratch) return item;
    return Keep(item, container, container_temporary, scratch);
  }
  if (container.is_map()) {
    if (!index.is_string()) {
      return Set(scratch, Value::Error(absl::StrCat("map keys are strings; cannot look up ",
                                                    KindWithArticle(index.kind()), " in ",
                                                    context_.Text(operand))));
    }
    const Value* item = container.Find(index.string_value());
    if (item != nullptr) return Keep(*item, container, container_temporary, scratch);
    return Set(scratch, MissingKey(container, index.string_value(), context_.Text(operand)));
  }
  std::string message = absl::StrCat("cannot index ", context_.Text(operand), ": it is ",
                                     KindWithArticle(container.kind()));
  if (!container.is_null()) absl::StrAppend(&message, ", not a list or map");
  return Set(scratch, Value::Error(std::move(message)));
}

const Value& Evaluator::IndexList(const Node& node, const Value& list, const Value& index,
                                  Value* scratch) {
  const std::string where = context_.Text(*node.children[0]);
  if (!index.is_int()) {
    return Set(scratch, Value::Error(absl::StrCat("a list index must be an int, not ",
                                                  KindWithArticle(index.kind()))));
  }
  const int64_t i = index.int_value();
  if (i < 0) {
    return Set(scratch, Value::Error(absl::StrCat("index ", i, " into ", where,
                                                  ": negative indexes are not allowed")));
  }
  if (static_cast<uint64_t>(i) >= list.list().size()) {
    return Set(scratch, Value::Error(absl::StrCat("index ", i, " is out of range: ", where,
                                                  " has ", list.list().size(), " items")));
  }
  return list.list()[static_cast<size_t>(i)];
}

const Value& Evaluator::Unary(const Node& node, Value* scratch) {
  Value temporary;
  const Value& operand = Eval(*node.children[0], &temporary);
  if (node.unary_op == UnaryOp::kNegate) return Set(scratch, Negate(operand));
  if (operand.is_bool()) return Set(scratch, Value::Bool(!operand.bool_value()));
  if (operand.is_error()) return Keep(operand, operand, temporary, scratch);
  return Set(scratch, Value::Error(absl::StrCat(
                          "! needs a bool, but ", IsA(context_.Text(*node.children[0]), operand))));
}

const Value& Evaluator::Binary(const Node& node, Value* scratch) {
  Value left_temporary;
  const Value& left = Eval(*node.children[0], &left_temporary);
  if (left.is_error()) return Keep(left, left, left_temporary, scratch);
  Value right_temporary;
  const Value& right = Eval(*node.children[1], &right_temporary);
  switch (node.binary_op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod: return Set(scratch, Arithmetic(node.binary_op, left, right, context_));
    default: return Set(scratch, Relation(node.binary_op, left, right, context_));
  }
}

// CEL's commutative logic: false && x is false and true || x is true whatever x is, even an
// error, on either side.
const Value& Evaluator::Logic(const Node& node, Value* scratch) {
  const bool is_and = node.kind == NodeKind::kAnd;
  Value left_temporary;
  const Value& left = Eval(*node.children[0], &left_temporary);
  if (left.is_bool() && left.bool_value() != is_and) return Set(scratch, Value::Bool(!is_and));
  Value right_temporary;
  const Value& right = Eval(*node.children[1], &right_temporary);
  if (right.is_bool() && right.bool_value() != is_and) return Set(scratch, Value::Bool(!is_and));
  if (left.is_bool() && right.is_bool()) return Set(scratch, Value::Bool(is_and));
  const bool left_bad = !left.is_bool();
  const Value& bad = left_bad ? left : right;
  if (bad.is_error()) return Set(scratch, bad);
  return Set(scratch, Value::Error(absl::StrCat(
                          is_and ? "&&" : "||", " needs bools, but ",
                          IsA(context_.Text(*node.children[left_bad ? 0 : 1]), bad))));
}

const Value& Evaluator::Conditional(const Node& node, Value* scratch) {
  Value temporary;
  const Value& condition = Eval(*node.children[0], &temporary);
  if (condition.is_bool()) return Eval(*node.children[condition.bool_value() ? 1 : 2], scratch);
  if (condition.is_error()) return Keep(condition, condition, temporary, scratch);
  return Set(scratch, Value::Error(absl::StrCat("the condition of ?: must be a bool, but ",
                                                IsA(context_.Text(*node.children[0]),
                                                    condition))));
}

const Value& Evaluator::Call(const Node& node, Value* scratch) {
  absl::InlinedVector<Value, 4> args;
  args.reserve(node.children.size());
  for (const std::unique_ptr<Node>& child : node.children) {
    Value temporary;
    const Value& arg = Eval(*child, &temporary);
    if (arg.is_error()) return Keep(arg, arg, temporary, scratch);
    args.push_back(&arg == &temporary ? std::move(temporary) : arg);
  }
  return Set(scratch, CallFunction(node.function, args, context_));
}

}  // namespace fanfare::expr
