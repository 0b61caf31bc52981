#include "cli/campaign_files.h"

#include <ostream>

#include "cli/command.h"

namespace fanfare::cli {

definition::LoadResult LoadCampaignForCli(const std::string& path) {
  definition::LoadResult result;
  absl::StatusOr<definition::SourceFormat> format = definition::FormatForPath(path);
  absl::StatusOr<std::string> content =
      format.ok() ? definition::ReadFile(path) : absl::StatusOr<std::string>(format.status());
  if (!content.ok()) {
    result.status = content.status();
    return result;
  }
  return definition::ParseCampaign(*content, *format, path);
}

void PrintLoadFailure(const definition::LoadResult& result, CliContext& context) {
  if (result.diagnostics.empty()) {
    ReportError(result.status, context);
    return;
  }
  context.err << result.status.message() << "\n";
}

}  // namespace fanfare::cli
