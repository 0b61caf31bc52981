#include "engine/definition/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/definition/proto_reader.h"
#include "engine/definition/validator.h"
#include "engine/definition/yaml_reader.h"

namespace fanfare::definition {
namespace {

LoadResult Finish(LoadResult result, Diagnostics& diagnostics) {
  result.status = diagnostics.ToStatus();
  result.diagnostics = diagnostics.all();
  return result;
}

// True if the reader already reported a problem at `path` or at one of its ancestors. The
// field it could not read is left unset, and the validator would report that again as
// missing ("wait needs a duration" after "invalid duration \"90x\"").
bool ReadErrorCovers(const std::vector<Diagnostic>& read_errors, absl::string_view path) {
  for (const Diagnostic& d : read_errors) {
    if (d.path.empty() || !absl::StartsWith(path, d.path)) continue;
    if (path.size() == d.path.size() || path[d.path.size()] == '.' || path[d.path.size()] == '[') {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<SourceFormat> FormatForPath(absl::string_view path) {
  if (absl::EndsWith(path, ".yaml") || absl::EndsWith(path, ".yml")) return SourceFormat::kYaml;
  if (absl::EndsWith(path, ".textproto") || absl::EndsWith(path, ".txtpb") ||
      absl::EndsWith(path, ".pbtxt")) {
    return SourceFormat::kTextProto;
  }
  if (absl::EndsWith(path, ".json")) return SourceFormat::kJson;
  if (absl::EndsWith(path, ".binpb") || absl::EndsWith(path, ".pb")) {
    return SourceFormat::kBinaryProto;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": unknown file type; campaigns are .yaml/.yml, .textproto, .json or .binpb"));
}

LoadResult ParseCampaign(absl::string_view content, SourceFormat format,
                         absl::string_view source_name) {
  LoadResult result;
  Diagnostics diagnostics{std::string(source_name), &result.source_map};
  switch (format) {
    case SourceFormat::kYaml:
      result.spec = ReadYamlCampaign(content, &result.source_map, &diagnostics);
      break;
    case SourceFormat::kTextProto:
      result.spec = ReadTextProtoCampaign(content, &result.source_map, &diagnostics);
      break;
    case SourceFormat::kJson:
      result.spec = ReadJsonCampaign(content, &diagnostics);
      break;
    case SourceFormat::kBinaryProto:
      result.spec = ReadBinaryCampaign(content, &diagnostics);
      break;
  }
  // A document that did not parse at all has nothing left to validate.
  const bool unreadable = !diagnostics.empty() && result.spec.ByteSizeLong() == 0;
  if (!unreadable) {
    const std::vector<Diagnostic> read_errors = diagnostics.all();
    Diagnostics checked{std::string(source_name), &result.source_map};
    ValidateCampaign(result.spec, &checked);
    for (const Diagnostic& d : checked.all()) {
      if (!ReadErrorCovers(read_errors, d.path)) {
        diagnostics.AddAt(d.position, d.path, d.step_id, d.message);
      }
    }
  }
  return Finish(std::move(result), diagnostics);
}

LoadResult CheckCampaign(const v1::CampaignSpec& spec, absl::string_view source_name) {
  LoadResult result;
  result.spec = spec;
  Diagnostics diagnostics{std::string(source_name), nullptr};
  ValidateCampaign(result.spec, &diagnostics);
  return Finish(std::move(result), diagnostics);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    std::string message = absl::StrCat("cannot read ", path, ": ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::InternalError(message);
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

absl::StatusOr<v1::CampaignSpec> LoadCampaignFile(const std::string& path) {
  absl::StatusOr<SourceFormat> format = FormatForPath(path);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  LoadResult result = ParseCampaign(*content, *format, path);
  if (!result.status.ok()) return result.status;
  return std::move(result.spec);
}

}  // namespace fanfare::definition
