#include "engine/definition/item_key.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace fanfare::definition {
namespace {

// A string that can name an instance: short, and printable (it is part of a step key).
bool Nameable(const std::string& s) {
  return s.size() <= kMaxItemKeyBytes &&
         std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

}  // namespace

std::string ItemKey(const expr::Value& item, size_t index) {
  if (item.is_string() && Nameable(item.string_value())) return item.string_value();
  if (item.is_int()) return absl::StrCat(item.int_value());
  // A whole double within int64's range (converting one outside it is undefined).
  if (item.is_double() && std::trunc(item.double_value()) == item.double_value() &&
      std::abs(item.double_value()) < 9.2e18) {
    return absl::StrCat(static_cast<int64_t>(item.double_value()));
  }
  if (const expr::Value* id = item.Find("id");
      id != nullptr && id->is_string() && Nameable(id->string_value())) {
    return id->string_value();
  }
  return absl::StrCat(index);
}

}  // namespace fanfare::definition
