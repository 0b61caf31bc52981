#include "engine/definition/yaml_value.h"

#include <optional>
#include <string>

#include "engine/definition/diagnostics.h"
#include "engine/definition/internal/yaml_fields.h"

namespace fanfare::definition {

absl::StatusOr<google::protobuf::Value> YamlValue(const YAML::Node& node, absl::string_view text,
                                                  absl::string_view what) {
  SourceMap source_map;
  Diagnostics diagnostics{std::string(what), &source_map};
  internal::YamlFields fields(text, &source_map, &diagnostics);
  std::optional<google::protobuf::Value> value = fields.Value(node, "", "");
  if (!diagnostics.empty()) return diagnostics.ToStatus();
  return value ? *std::move(value) : google::protobuf::Value();
}

}  // namespace fanfare::definition
