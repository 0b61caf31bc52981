// Loading campaign definitions: YAML, or protobuf text, JSON or binary, all through one
// validator.
//
//   absl::StatusOr<v1::CampaignSpec> spec = LoadCampaignFile("examples/launch.yaml");
//   if (!spec.ok()) std::cerr << spec.status().message();   // every problem, one per line
#ifndef FANFARE_ENGINE_DEFINITION_LOADER_H_
#define FANFARE_ENGINE_DEFINITION_LOADER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/definition/diagnostics.h"
#include "fanfare/v1/campaign.pb.h"

namespace fanfare::definition {

enum class SourceFormat {
  kYaml,         // .yaml, .yml
  kTextProto,    // .textproto, .txtpb, .pbtxt
  kJson,         // .json (the protobuf JSON mapping, snake_case or lowerCamel names)
  kBinaryProto,  // .binpb, .pb
};

// The format a file name's extension implies; InvalidArgument for unknown extensions.
absl::StatusOr<SourceFormat> FormatForPath(absl::string_view path);

// A parsed definition and every problem found in it.
struct LoadResult {
  v1::CampaignSpec spec;
  SourceMap source_map;
  std::vector<Diagnostic> diagnostics;
  // OK, or InvalidArgument listing every diagnostic.
  absl::Status status;
};

// Parses `content` and validates it. `source_name` names it in diagnostics.
LoadResult ParseCampaign(absl::string_view content, SourceFormat format,
                         absl::string_view source_name);

// As ParseCampaign, for a spec that is already a message (e.g. received over gRPC). The
// result's `spec` is left empty: the caller has it (a copy would cost as much as the check).
LoadResult CheckCampaign(const v1::CampaignSpec& spec, absl::string_view source_name);

// Reads, parses and validates a file; the spec, or InvalidArgument with every problem
// (NotFound if the file cannot be read).
absl::StatusOr<v1::CampaignSpec> LoadCampaignFile(const std::string& path);

// Reads a whole file. NotFound / PermissionDenied / Internal with the path in the message.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_LOADER_H_
