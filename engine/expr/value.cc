#include "engine/expr/value.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

// Dereferences the variant alternative a REQUIRES clause promised; a broken promise is a
// caller bug, and fails loudly.
template <typename T, typename Variant>
const T& Get(const Variant& storage) {
  const T* value = std::get_if<T>(&storage);
  assert(value != nullptr && "Value accessor called on a Value of another kind");
  return *value;
}

}  // namespace

Value Value::Bool(bool b) { return Value(Storage(b)); }
Value Value::Int(int64_t i) { return Value(Storage(i)); }
Value Value::Double(double d) { return Value(Storage(d)); }
Value Value::String(std::string s) {
  return Value(Storage(std::make_shared<const std::string>(std::move(s))));
}
Value Value::MakeList(List items) {
  return Value(Storage(std::make_shared<const List>(std::move(items))));
}
Value Value::MakeMap(Map entries) {
  return Value(Storage(std::make_shared<const Map>(std::move(entries))));
}
Value Value::Timestamp(absl::Time t) { return Value(Storage(t)); }
Value Value::Duration(absl::Duration d) { return Value(Storage(d)); }
Value Value::Error(std::string message) {
  return Value(Storage(std::make_shared<const ErrorBox>(ErrorBox{std::move(message)})));
}

// The variant's alternatives are declared in Kind's order.
Value::Kind Value::kind() const { return static_cast<Kind>(storage_.index()); }

bool Value::bool_value() const { return Get<bool>(storage_); }
int64_t Value::int_value() const { return Get<int64_t>(storage_); }
double Value::double_value() const { return Get<double>(storage_); }
double Value::number_value() const {
  return is_int() ? static_cast<double>(int_value()) : double_value();
}
const std::string& Value::string_value() const {
  return *Get<std::shared_ptr<const std::string>>(storage_);
}
const Value::List& Value::list() const { return *Get<std::shared_ptr<const List>>(storage_); }
const Value::Map& Value::map() const { return *Get<std::shared_ptr<const Map>>(storage_); }
absl::Time Value::timestamp_value() const { return Get<absl::Time>(storage_); }
absl::Duration Value::duration_value() const { return Get<absl::Duration>(storage_); }
const std::string& Value::error_message() const {
  return Get<std::shared_ptr<const ErrorBox>>(storage_)->message;
}

const Value* Value::Find(absl::string_view key) const {
  if (!is_map()) return nullptr;
  const Map& entries = map();
  auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

absl::string_view Value::KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kDouble: return "double";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kMap: return "map";
    case Kind::kTimestamp: return "timestamp";
    case Kind::kDuration: return "duration";
    case Kind::kError: return "error";
  }
  return "unknown";
}

bool Value::operator==(const Value& other) const { return EqualValues(*this, other, nullptr); }

std::string Value::DebugString() const {
  std::string out;
  AppendRendering(*this, /*as_text=*/false, std::string::npos, &out);
  return out;
}

std::string Value::ToText() const {
  if (is_string()) return string_value();
  return DebugString();
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), d);
  return std::string(buffer, result.ptr);
}

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string KindWithArticle(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kInt: return "an int";
    case Value::Kind::kError: return "an error";
    default: return absl::StrCat("a ", Value::KindName(kind));
  }
}

}  // namespace fanfare::expr
