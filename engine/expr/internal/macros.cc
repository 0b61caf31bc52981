// The list macros: exists, all, map and filter, over a list's items or a map's keys.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/expr/expression.h"
#include "engine/expr/internal/evaluator.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

absl::string_view MacroName(MacroKind kind) {
  switch (kind) {
    case MacroKind::kExists: return "exists";
    case MacroKind::kAll: return "all";
    case MacroKind::kMap: return "map";
    case MacroKind::kFilter: return "filter";
  }
  return "?";
}

}  // namespace

template <typename Visit>
bool Evaluator::ForEach(const Node& node, const Value& range, Visit visit) {
  const Value*& local = context_.locals()[node.slot];
  bool ok = true;
  if (range.is_list()) {
    for (const Value& item : range.list()) {
      if (!(ok = context_.Iterate())) break;
      local = &item;
      if (!visit(item)) break;
    }
  } else {
    for (const auto& entry : range.map()) {
      if (!(ok = context_.Iterate())) break;
      const Value key = Value::String(entry.first);
      local = &key;
      if (!visit(key)) break;
    }
  }
  local = nullptr;
  return ok;
}

Value Evaluator::NotABool(const Node& node, const Value& result) const {
  if (result.is_error()) return result;
  return Value::Error(absl::StrCat("the condition of ", MacroName(node.macro),
                                   "() must be a bool, but ",
                                   context_.Text(*node.children[1]), " is ",
                                   KindWithArticle(result.kind())));
}

const Value& Evaluator::Macro(const Node& node, Value* scratch) {
  Value temporary;
  const Value& range = Eval(*node.children[0], &temporary);
  if (range.is_error()) return Keep(range, range, temporary, scratch);
  if (!range.is_list() && !range.is_map()) {
    return Set(scratch, Value::Error(absl::StrCat(
                            MacroName(node.macro), "() needs a list or map, but ",
                            context_.Text(*node.children[0]), " is ",
                            KindWithArticle(range.kind()))));
  }
  if (node.macro == MacroKind::kExists || node.macro == MacroKind::kAll) {
    return Quantifier(node, range, scratch);
  }
  return Transform(node, range, scratch);
}

// exists() is true as soon as one item passes; all() false as soon as one fails. Only if
// neither settles it does an error (or non-bool) from another item become the result, as in
// CEL.
const Value& Evaluator::Quantifier(const Node& node, const Value& range, Value* scratch) {
  const bool settles_on = node.macro == MacroKind::kExists;
  bool settled = false;
  Value problem;
  const bool ok = ForEach(node, range, [&](const Value&) {
    Value temporary;
    const Value& result = Eval(*node.children[1], &temporary);
    if (result.is_bool()) {
      settled = result.bool_value() == settles_on;
      return !settled;
    }
    if (problem.is_null()) problem = NotABool(node, result);
    return true;
  });
  if (!ok) return Set(scratch, context_.ExhaustedError());
  if (settled) return Set(scratch, Value::Bool(settles_on));
  if (!problem.is_null()) return Set(scratch, std::move(problem));
  return Set(scratch, Value::Bool(!settles_on));
}

const Value& Evaluator::Transform(const Node& node, const Value& range, Value* scratch) {
  const bool is_map = node.macro == MacroKind::kMap;
  Value::List items;
  Value problem;
  const bool ok = ForEach(node, range, [&](const Value& item) {
    Value temporary;
    const Value& result = Eval(*node.children[1], &temporary);
    if (is_map ? result.is_error() : !result.is_bool()) {
      problem = is_map ? result : NotABool(node, result);
      return false;
    }
    if (!is_map && !result.bool_value()) return true;
    if (items.size() == kMaxListSize) {
      problem = Value::Error(absl::StrCat(MacroName(node.macro), "() would build a list over ",
                                          kMaxListSize, " items"));
      return false;
    }
    if (!context_.Charge(1)) return false;
    const Value& kept = is_map ? result : item;
    items.push_back(&kept == &temporary ? std::move(temporary) : kept);
    return true;
  });
  if (!ok || context_.exhausted()) return Set(scratch, context_.ExhaustedError());
  if (!problem.is_null()) return Set(scratch, std::move(problem));
  return Set(scratch, Value::MakeList(std::move(items)));
}

}  // namespace fanfare::expr
