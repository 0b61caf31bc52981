// YamlValue: a YAML node read the way campaign files read values (the YAML 1.2 core schema:
// `yes` is a string, `1e3` a number), for other readers of YAML values such as the CLI's
// --param and --params-file.
#ifndef FANFARE_ENGINE_DEFINITION_YAML_VALUE_H_
#define FANFARE_ENGINE_DEFINITION_YAML_VALUE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "yaml-cpp/yaml.h"

namespace fanfare::definition {

// The value of `node`, parsed from `text`; InvalidArgument naming `what` and the position of
// each problem (a value too deep, a number that is not finite, …).
absl::StatusOr<google::protobuf::Value> YamlValue(const YAML::Node& node, absl::string_view text,
                                                  absl::string_view what);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_YAML_VALUE_H_
