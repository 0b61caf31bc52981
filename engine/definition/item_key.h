// The key that names one instance of a for_each step: `publish[facebook]`.
//
// A string item is its own key; an integer its decimal text; a map with a string `id` field
// takes that id; any other item — and a string or id longer than kMaxItemKeyBytes or holding
// control characters — its 0-based position. Keys must be unique within a step; downstream
// steps read `steps.<id>.outputs[<key>]`.
#ifndef FANFARE_ENGINE_DEFINITION_ITEM_KEY_H_
#define FANFARE_ENGINE_DEFINITION_ITEM_KEY_H_

#include <string>

#include "engine/expr/value.h"

namespace fanfare::definition {

inline constexpr size_t kMaxItemKeyBytes = 100;

std::string ItemKey(const expr::Value& item, size_t index);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_ITEM_KEY_H_
