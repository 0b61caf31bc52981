#include "cli/output.h"

#include <algorithm>
#include <ostream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace fanfare::cli {
namespace {

using Json = nlohmann::ordered_json;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

void SortKeys(Json& object, bool recursive) {
  if (object.is_array()) {
    if (recursive) {
      for (Json& item : object) SortKeys(item, true);
    }
    return;
  }
  if (!object.is_object()) return;
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  Json sorted = Json::object();
  for (const std::string& key : keys) {
    Json& value = sorted[key] = std::move(object[key]);
    if (recursive) SortKeys(value, true);
  }
  object = std::move(sorted);
}

// Sorts the objects of `json` that stand for protobuf maps (Structs are maps too), whose
// order would otherwise follow hash order. `json` is the JSON mapping of a `type` message.
void SortMaps(const Descriptor* type, Json& json) {
  const std::string& name = type->full_name();
  if (name == "google.protobuf.Struct" || name == "google.protobuf.Value" ||
      name == "google.protobuf.ListValue") {
    SortKeys(json, /*recursive=*/true);
    return;
  }
  if (!json.is_object()) return;  // Timestamp, Duration and wrappers print as scalars.
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    auto it = json.find(field->name());
    if (it == json.end()) continue;
    if (field->is_map()) {
      SortKeys(*it, /*recursive=*/false);
      const FieldDescriptor* value = field->message_type()->map_value();
      if (value->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      for (Json& entry : *it) SortMaps(value->message_type(), entry);
    } else if (field->is_repeated()) {
      for (Json& item : *it) SortMaps(field->message_type(), item);
    } else {
      SortMaps(field->message_type(), *it);
    }
  }
}

// True when `s` reads back as the same string if written without quotes.
bool CanBePlain(const std::string& s) {
  if (s.empty() || s.back() == ' ' || s.back() == ':') return false;
  // YAML 1.2 core schema words, and the YAML 1.1 booleans older readers still honour.
  static const char* const kReserved[] = {"null", "~", "true", "false", "yes", "no", "on", "off"};
  const std::string lower = absl::AsciiStrToLower(s);
  for (const char* word : kReserved) {
    if (lower == word) return false;
  }
  const unsigned char first = s[0];
  if (!(absl::ascii_isalpha(first) || first == '_' || first == '/' || first >= 0x80)) {
    return false;
  }
  for (unsigned char c : s) {
    if (!(absl::ascii_isalnum(c) || c >= 0x80 || absl::StrContains("_-./@+: ", c))) return false;
  }
  return !absl::StrContains(s, ": ");
}

std::string YamlScalar(const Json& value) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    return CanBePlain(s) ? s : Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  if (value.is_object()) return "{}";
  if (value.is_array()) return "[]";
  return value.dump();
}

bool IsBlock(const Json& value) {
  return (value.is_object() || value.is_array()) && !value.empty();
}

// The lines of a non-empty object or array, starting at column 0.
std::vector<std::string> YamlLines(const Json& value) {
  std::vector<std::string> lines;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string key = YamlScalar(Json(it.key()));
      if (!IsBlock(*it)) {
        lines.push_back(absl::StrCat(key, ": ", YamlScalar(*it)));
        continue;
      }
      lines.push_back(absl::StrCat(key, ":"));
      for (const std::string& line : YamlLines(*it)) lines.push_back(absl::StrCat("  ", line));
    }
    return lines;
  }
  for (const Json& item : value) {
    if (!IsBlock(item)) {
      lines.push_back(absl::StrCat("- ", YamlScalar(item)));
      continue;
    }
    std::vector<std::string> nested = YamlLines(item);
    for (size_t i = 0; i < nested.size(); ++i) {
      lines.push_back(absl::StrCat(i == 0 ? "- " : "  ", nested[i]));
    }
  }
  return lines;
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "yaml") return OutputFormat::kYaml;
  return absl::InvalidArgumentError(
      absl::StrCat("--output ", text, ": expected table, json or yaml"));
}

absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string compact;
  // Fails only for values JSON cannot hold, such as a NaN in a step's output.
  if (auto status = google::protobuf::util::MessageToJsonString(message, &compact, options);
      !status.ok()) {
    return absl::InternalError(absl::StrCat("cannot print ", message.GetDescriptor()->name(),
                                            " as JSON: ", status.ToString(),
                                            "; use --output table"));
  }
  Json json = Json::parse(compact, nullptr, false);
  SortMaps(message.GetDescriptor(), json);
  return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string JsonToYaml(absl::string_view text) {
  Json json = Json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded()) return "";
  if (!IsBlock(json)) return YamlScalar(json) + "\n";
  std::string out;
  for (const std::string& line : YamlLines(json)) absl::StrAppend(&out, line, "\n");
  return out;
}

absl::Status PrintMessage(const google::protobuf::Message& message, OutputFormat format,
                          std::ostream& out) {
  absl::StatusOr<std::string> json = MessageToJson(message);
  if (!json.ok()) return json.status();
  out << (format == OutputFormat::kYaml ? JsonToYaml(*json) : *json);
  return absl::OkStatus();
}

}  // namespace fanfare::cli
