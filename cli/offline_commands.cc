// fanfare validate and fanfare graph: verbs that read campaign files and need no coordinator.
#include <ostream>

#include "absl/strings/str_cat.h"
#include "engine/definition/graph.h"
#include "engine/definition/loader.h"
#include "cli/campaign_files.h"
#include "cli/command.h"

namespace fanfare::cli {
namespace {

int Validate(const Args& args, CliContext& context) {
  if (args.positional().empty()) {
    context.err << "error: validate needs at least one FILE\n";
    return kExitUsage;
  }
  int exit_code = kExitOk;
  for (const std::string& path : args.positional()) {
    definition::LoadResult result = LoadCampaignForCli(path);
    if (result.status.ok()) {
      if (!args.Has("quiet")) context.out << path << ": ok (" << result.spec.metadata().name() << ")\n";
      continue;
    }
    exit_code = kExitFailed;
    PrintLoadFailure(result, context);
  }
  return exit_code;
}

int Graph(const Args& args, CliContext& context) {
  if (args.positional().size() != 1) {
    context.err << "error: graph needs exactly one FILE\n";
    return kExitUsage;
  }
  absl::StatusOr<definition::GraphFormat> format =
      definition::ParseGraphFormat(args.GetOr("format", "dot"));
  if (!format.ok()) {
    context.err << "error: " << format.status().message() << "\n";
    return kExitUsage;
  }
  definition::LoadResult result = LoadCampaignForCli(args.positional()[0]);
  if (!result.status.ok()) {
    PrintLoadFailure(result, context);
    return kExitFailed;
  }
  context.out << definition::RenderGraph(result.spec, *format);
  return kExitOk;
}

}  // namespace

std::vector<Command> OfflineCommands() {
  return {
      Command{"validate", "FILE...",
              "Check campaign files (YAML, .textproto, .json, .binpb); print every problem with "
              "file:line:column. Exit 0 if all are valid, 1 otherwise.",
              {{"quiet", "", "print nothing for valid files"}},
              Validate},
      Command{"graph", "FILE",
              "Draw a campaign's steps as a graph (pipe DOT into `dot -Tsvg`).",
              {{"format", "dot|mermaid", "output format (default dot)"}},
              Graph},
  };
}

}  // namespace fanfare::cli
