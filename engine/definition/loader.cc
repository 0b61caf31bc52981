#include "engine/definition/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/definition/limits.h"
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

// The position of byte `offset` of `content`: 1-based line, and column in bytes.
SourcePosition PositionOfByte(absl::string_view content, size_t offset) {
  const absl::string_view before = content.substr(0, offset);
  const size_t line_start = before.rfind('\n');
  const int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const size_t column = line_start == absl::string_view::npos ? offset : offset - line_start - 1;
  return SourcePosition{line, static_cast<int>(column) + 1};
}

// Refuses a source too large to be a campaign, or (for the text formats) one that is not
// UTF-8, before any parser sees it. Returns false if it was refused.
bool CheckSource(absl::string_view content, SourceFormat format, Diagnostics& diagnostics) {
  if (content.size() > kMaxCampaignBytes) {
    diagnostics.AddAt(SourcePosition{}, "", "",
                      absl::StrCat("the campaign is ", content.size(), " bytes; at most ",
                                   kMaxCampaignBytes, " (1 MiB) are allowed"));
    return false;
  }
  if (format == SourceFormat::kBinaryProto) return true;
  if (const size_t bad = InvalidUtf8Offset(content); bad != absl::string_view::npos) {
    diagnostics.AddAt(PositionOfByte(content, bad), "", "",
                      absl::StrCat("the file is not UTF-8 text (byte ", bad,
                                   " is not part of a valid UTF-8 character)"));
    return false;
  }
  return true;
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
  if (!CheckSource(content, format, diagnostics)) return Finish(std::move(result), diagnostics);
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
    diagnostics.AddDropped(checked.dropped());
  }
  return Finish(std::move(result), diagnostics);
}

LoadResult CheckCampaign(const v1::CampaignSpec& spec, absl::string_view source_name) {
  LoadResult result;
  Diagnostics diagnostics{std::string(source_name), nullptr};
  ValidateCampaign(spec, &diagnostics);
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
