#include "cli/param_values.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/definition/yaml_value.h"
#include "yaml-cpp/yaml.h"

namespace fanfare::cli {
namespace {

using google::protobuf::Value;

// Parses YAML text; InvalidArgument naming `what` and the position on a syntax error.
absl::StatusOr<YAML::Node> LoadYaml(absl::string_view text, absl::string_view what) {
  try {
    // yaml-cpp reports syntax errors by exception; they stop here.
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ":", e.mark.line + 1, ":", e.mark.column + 1, ": not valid YAML or JSON: ", e.msg));
  }
}

bool TakesText(const v1::CampaignSpec* spec, const std::string& name) {
  if (spec == nullptr) return false;
  for (const v1::ParamSpec& param : spec->params()) {
    if (param.name() != name) continue;
    return param.type() == v1::PARAM_TYPE_STRING || param.type() == v1::PARAM_TYPE_DURATION ||
           param.type() == v1::PARAM_TYPE_TIMESTAMP;
  }
  return false;
}

Value Text(std::string text) {
  Value value;
  value.set_string_value(std::move(text));
  return value;
}

absl::Status AddFile(absl::string_view content, absl::string_view file_name,
                     const v1::CampaignSpec* spec, google::protobuf::Struct& params) {
  absl::StatusOr<YAML::Node> root = LoadYaml(content, file_name);
  if (!root.ok()) return root.status();
  if (!root->IsDefined() || root->IsNull()) return absl::OkStatus();
  if (!root->IsMap()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file_name, ": expected a map of param names to values, e.g. `daily_budget: 40`"));
  }
  for (const auto& entry : *root) {
    const std::string name = entry.first.Scalar();
    absl::StatusOr<Value> value =
        TakesText(spec, name) && entry.second.IsScalar()
            ? Text(entry.second.Scalar())
            : definition::YamlValue(entry.second, content,
                                    absl::StrCat(file_name, " param ", name));
    if (!value.ok()) return value.status();
    (*params.mutable_fields())[name] = *std::move(value);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Value> ParseValueText(absl::string_view text, absl::string_view what) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (trimmed.empty()) return Text("");
  const bool structured = trimmed[0] == '[' || trimmed[0] == '{';
  absl::StatusOr<YAML::Node> node = LoadYaml(text, what);
  if (!node.ok()) {
    if (structured) return node.status();
    return Text(std::string(text));
  }
  // Only a value that starts like a list or map may be one: "a: b" or "- a" stay text.
  if ((node->IsMap() || node->IsSequence()) && !structured) return Text(std::string(text));
  if (!node->IsDefined()) return Text(std::string(text));
  return definition::YamlValue(*node, text, what);
}

absl::StatusOr<std::pair<std::string, std::string>> SplitKeyValue(absl::string_view flag,
                                                                  absl::string_view text) {
  const size_t eq = text.find('=');
  if (eq == absl::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " ", text, ": expected KEY=VALUE, e.g. --", flag,
                     flag == "param" ? " daily_budget=40" : " team=growth"));
  }
  return std::make_pair(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
}

absl::StatusOr<google::protobuf::Struct> BuildParams(const std::vector<std::string>& param_flags,
                                                     absl::string_view file_content,
                                                     absl::string_view file_name,
                                                     const v1::CampaignSpec* spec) {
  google::protobuf::Struct params;
  if (!file_content.empty()) {
    if (absl::Status added = AddFile(file_content, file_name, spec, params); !added.ok()) {
      return added;
    }
  }
  for (const std::string& flag : param_flags) {
    absl::StatusOr<std::pair<std::string, std::string>> kv = SplitKeyValue("param", flag);
    if (!kv.ok()) return kv.status();
    auto& [name, text] = *kv;
    absl::StatusOr<Value> value =
        TakesText(spec, name) ? Text(text) : ParseValueText(text, absl::StrCat("--param ", name));
    if (!value.ok()) return value.status();
    (*params.mutable_fields())[name] = *std::move(value);
  }
  return params;
}

}  // namespace fanfare::cli
