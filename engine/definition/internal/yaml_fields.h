// Typed reads of YAML nodes that report every problem with its line and column.
// Private to engine/definition.
#ifndef FANFARE_ENGINE_DEFINITION_INTERNAL_YAML_FIELDS_H_
#define FANFARE_ENGINE_DEFINITION_INTERNAL_YAML_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "engine/definition/diagnostics.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/struct.pb.h"
#include "yaml-cpp/yaml.h"

namespace fanfare::definition::internal {

// The position yaml-cpp recorded for `node` (1-based), or unknown.
SourcePosition PositionOf(const YAML::Node& node);

// Reads fields of one YAML document into protobuf messages, recording each field's position
// in a SourceMap and each problem in Diagnostics. Every read reports its own problems and
// returns nullopt (or false) so that callers simply skip the field and go on: one pass finds
// every mistake.
class YamlFields {
 public:
  // All three must outlive this object; `text` is the document the nodes were parsed from.
  YamlFields(absl::string_view text, SourceMap* source_map, Diagnostics* diagnostics)
      : text_(text), source_map_(*source_map), diagnostics_(*diagnostics) {}

  // Records where `path` is. For a quoted scalar that is where its content starts (after the
  // quote), so that offsets into the string map onto columns.
  void Mark(const YAML::Node& node, const std::string& path);
  // Reports a problem at `node`.
  void Error(const YAML::Node& node, absl::string_view path, absl::string_view step,
             std::string message);

  using FieldFn = absl::FunctionRef<void(const std::string& key, const YAML::Node& value,
                                         const std::string& path)>;
  // Calls `fn` for each entry of the map `node` whose key is in `known`, in document order.
  // Unknown keys (with a did-you-mean hint), duplicate keys and a non-map `node` are
  // reported. Returns false if `node` is not a map.
  bool ForEachField(const YAML::Node& node, const std::string& path, absl::string_view step,
                    const std::vector<std::string>& known, FieldFn fn);

  // Scalars. `what` describes the expected value for messages ("a duration").
  std::optional<std::string> String(const YAML::Node& node, const std::string& path,
                                    absl::string_view step);
  std::optional<bool> Bool(const YAML::Node& node, const std::string& path,
                           absl::string_view step);
  std::optional<int64_t> Int(const YAML::Node& node, const std::string& path,
                             absl::string_view step);
  std::optional<double> Double(const YAML::Node& node, const std::string& path,
                               absl::string_view step);
  // "90s", "6h", "2d", "1h30m".
  std::optional<google::protobuf::Duration> Duration(const YAML::Node& node,
                                                     const std::string& path,
                                                     absl::string_view step);
  // A decimal amount of currency ("5000", 12.5) as micro-units.
  std::optional<int64_t> Money(const YAML::Node& node, const std::string& path,
                               absl::string_view step);
  // A scalar or a list of scalars.
  std::optional<std::vector<std::string>> StringList(const YAML::Node& node,
                                                     const std::string& path,
                                                     absl::string_view step);
  // Any YAML value as a JSON-like value; plain scalars resolve per the YAML 1.2 core schema
  // (null, booleans, integers, floats), quoted scalars are strings. At most kMaxValues
  // values are read per document, counting an alias each time it is used, so that a few
  // lines of nested aliases cannot expand into billions of values; collections nest at most
  // kMaxNesting deep.
  std::optional<google::protobuf::Value> Value(const YAML::Node& node, const std::string& path,
                                               absl::string_view step);

  static constexpr size_t kMaxValues = 100'000;

 private:
  std::optional<std::string> Scalar(const YAML::Node& node, const std::string& path,
                                    absl::string_view step, absl::string_view what);

  absl::string_view text_;
  SourceMap& source_map_;
  Diagnostics& diagnostics_;
  size_t values_read_ = 0;
  int depth_ = 0;
};

}  // namespace fanfare::definition::internal

#endif  // FANFARE_ENGINE_DEFINITION_INTERNAL_YAML_FIELDS_H_
