// List and map literals with parts only known at evaluation time. (All-constant literals
// are built once, by the parser.)
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/expr/internal/evaluator.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {

const Value& Evaluator::List(const Node& node, Value* scratch) {
  if (!context_.Charge(node.children.size())) return Set(scratch, context_.ExhaustedError());
  Value::List items;
  items.reserve(node.children.size());
  for (const std::unique_ptr<Node>& child : node.children) {
    Value temporary;
    const Value& item = Eval(*child, &temporary);
    if (item.is_error()) return Keep(item, item, temporary, scratch);
    items.push_back(&item == &temporary ? std::move(temporary) : item);
  }
  return Set(scratch, Value::MakeList(std::move(items)));
}

const Value& Evaluator::Map(const Node& node, Value* scratch) {
  if (!context_.Charge(node.children.size() / 2)) {
    return Set(scratch, context_.ExhaustedError());
  }
  Value::Map entries;
  for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
    Value key_temporary;
    const Value& key = Eval(*node.children[i], &key_temporary);
    if (key.is_error()) return Keep(key, key, key_temporary, scratch);
    if (!key.is_string()) {
      return Set(scratch, Value::Error(absl::StrCat("map keys must be strings, but ",
                                                    context_.Text(*node.children[i]), " is ",
                                                    KindWithArticle(key.kind()))));
    }
    Value value_temporary;
    const Value& value = Eval(*node.children[i + 1], &value_temporary);
    if (value.is_error()) return Keep(value, value, value_temporary, scratch);
    const bool inserted =
        entries.emplace(key.string_value(), &value == &value_temporary ? std::move(value_temporary)
                                                                       : value)
            .second;
    if (!inserted) {
      return Set(scratch, Value::Error(absl::StrCat("duplicate key ", Quote(key.string_value()),
                                                    " in map")));
    }
  }
  return Set(scratch, Value::MakeMap(std::move(entries)));
}

}  // namespace fanfare::expr
