// Conversions between nlohmann::json (how adapters read and build API payloads) and
// google.protobuf.Value / Struct (how tasks carry inputs and outputs).
//
// Numbers: protobuf Values hold doubles, so integers above 2^53 lose precision; ids are
// therefore always carried as strings, and money as int64 micros (exact up to 9e12 units).
#ifndef FANFARE_WORKERS_COMMON_JSON_VALUE_H_
#define FANFARE_WORKERS_COMMON_JSON_VALUE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "nlohmann/json.hpp"

namespace fanfare::workers {

using Json = nlohmann::json;

google::protobuf::Value ToValue(const Json& json);
Json FromValue(const google::protobuf::Value& value);
Json FromStruct(const google::protobuf::Struct& s);

// Parses `text`; nullopt if it is not JSON (never throws).
std::optional<Json> ParseJson(absl::string_view text);

// Non-throwing accessors: the member as a string / number, or the fallback when it is
// missing or of another type. Numbers given as strings (the Graph API does this) are
// converted by JsonNumber; JsonString renders numbers as integers when they are integral.
std::string JsonString(const Json& json, absl::string_view key, absl::string_view fallback = "");
double JsonNumber(const Json& json, absl::string_view key, double fallback = 0);
const Json& JsonMember(const Json& json, absl::string_view key);  // null Json if absent

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_JSON_VALUE_H_
