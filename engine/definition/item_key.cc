#include "engine/definition/item_key.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace fanfare::definition {

std::string ItemKey(const expr::Value& item, size_t index) {
  if (item.is_string()) return item.string_value();
  if (item.is_int()) return absl::StrCat(item.int_value());
  // A whole double within int64's range (converting one outside it is undefined).
  if (item.is_double() && std::trunc(item.double_value()) == item.double_value() &&
      std::abs(item.double_value()) < 9.2e18) {
    return absl::StrCat(static_cast<int64_t>(item.double_value()));
  }
  if (const expr::Value* id = item.Find("id"); id != nullptr && id->is_string()) {
    return id->string_value();
  }
  return absl::StrCat(index);
}

}  // namespace fanfare::definition
