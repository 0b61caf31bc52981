#include "workers/common/json_value.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace fanfare::workers {

google::protobuf::Value ToValue(const Json& json) {
  google::protobuf::Value value;
  switch (json.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      value.set_null_value(google::protobuf::NULL_VALUE);
      break;
    case Json::value_t::boolean:
      value.set_bool_value(json.get<bool>());
      break;
    case Json::value_t::number_integer:
      value.set_number_value(static_cast<double>(json.get<int64_t>()));
      break;
    case Json::value_t::number_unsigned:
      value.set_number_value(static_cast<double>(json.get<uint64_t>()));
      break;
    case Json::value_t::number_float:
      value.set_number_value(json.get<double>());
      break;
    case Json::value_t::string:
      value.set_string_value(json.get<std::string>());
      break;
    case Json::value_t::array: {
      auto* list = value.mutable_list_value();
      for (const Json& item : json) *list->add_values() = ToValue(item);
      break;
    }
    case Json::value_t::object: {
      auto* fields = value.mutable_struct_value()->mutable_fields();
      for (auto it = json.begin(); it != json.end(); ++it) (*fields)[it.key()] = ToValue(*it);
      break;
    }
    case Json::value_t::binary:
      value.set_null_value(google::protobuf::NULL_VALUE);
      break;
  }
  return value;
}

Json FromValue(const google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kBoolValue: return value.bool_value();
    case google::protobuf::Value::kNumberValue: {
      const double d = value.number_value();
      if (std::trunc(d) == d && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
      return d;
    }
    case google::protobuf::Value::kStringValue: return value.string_value();
    case google::protobuf::Value::kListValue: {
      Json list = Json::array();
      for (const auto& item : value.list_value().values()) list.push_back(FromValue(item));
      return list;
    }
    case google::protobuf::Value::kStructValue: return FromStruct(value.struct_value());
    default: return nullptr;
  }
}

Json FromStruct(const google::protobuf::Struct& s) {
  Json object = Json::object();
  for (const auto& [key, value] : s.fields()) object[key] = FromValue(value);
  return object;
}

std::optional<Json> ParseJson(absl::string_view text) {
  Json json = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return std::nullopt;
  return json;
}

const Json& JsonMember(const Json& json, absl::string_view key) {
  static const Json* const kNull = new Json(nullptr);
  if (!json.is_object()) return *kNull;
  auto it = json.find(std::string(key));
  return it == json.end() ? *kNull : *it;
}

std::string JsonString(const Json& json, absl::string_view key, absl::string_view fallback) {
  const Json& member = JsonMember(json, key);
  if (member.is_string()) return member.get<std::string>();
  if (member.is_number_integer()) return absl::StrCat(member.get<int64_t>());
  if (member.is_number_unsigned()) return absl::StrCat(member.get<uint64_t>());
  if (member.is_number_float()) return absl::StrCat(member.get<double>());
  return std::string(fallback);
}

double JsonNumber(const Json& json, absl::string_view key, double fallback) {
  const Json& member = JsonMember(json, key);
  if (member.is_number()) return member.get<double>();
  double parsed = 0;
  if (member.is_string() && absl::SimpleAtod(member.get<std::string>(), &parsed)) return parsed;
  return fallback;
}

}  // namespace fanfare::workers
