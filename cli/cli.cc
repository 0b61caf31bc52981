#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/suggest.h"
#include "cli/command.h"

namespace fanfare::cli {
namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> commands = OfflineCommands();
  for (Command& c : RemoteCommands()) commands.push_back(std::move(c));
  return commands;
}

void PrintUsage(const std::vector<Command>& commands, std::ostream& out) {
  out << "usage: fanfare VERB [FLAGS] [ARGS]\n\nverbs:\n";
  for (const Command& c : commands) {
    out << absl::StrFormat("  %-10s %s\n", c.name, c.summary);
  }
  out << "\nRun `fanfare VERB --help` for a verb's flags. Exit codes: 0 ok, 1 failed, "
         "2 usage, 3 coordinator unreachable, 4 not found, 5 refused.\n";
}

void PrintCommandUsage(const Command& c, std::ostream& out) {
  out << "usage: fanfare " << c.name << " [FLAGS] " << c.operands << "\n\n"
      << c.summary << "\n";
  if (!c.flags.empty()) out << "\nflags:\n" << FlagHelp(c.flags);
}

}  // namespace

int ReportError(const absl::Status& status, CliContext& context) {
  // Always a reason: a status without a message (from a peer that gave none) says its code.
  if (status.message().empty()) {
    context.err << "error: " << absl::StatusCodeToString(status.code())
                << " (no reason was given)\n";
  } else {
    context.err << "error: " << status.message() << "\n";
  }
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded: return kExitUnavailable;
    case absl::StatusCode::kNotFound: return kExitNotFound;
    case absl::StatusCode::kInvalidArgument: return kExitFailed;
    default: return kExitRefused;
  }
}

int RunCli(const std::vector<std::string>& argv, CliContext& context) {
  const std::vector<Command> commands = AllCommands();
  if (argv.empty() || argv[0] == "help" || argv[0] == "--help" || argv[0] == "-h") {
    PrintUsage(commands, argv.empty() ? context.err : context.out);
    return argv.empty() ? kExitUsage : kExitOk;
  }
  std::vector<std::string> names;
  for (const Command& c : commands) {
    names.push_back(c.name);
    if (c.name != argv[0]) continue;
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    if (std::find(rest.begin(), rest.end(), "--help") != rest.end()) {
      PrintCommandUsage(c, context.out);
      return kExitOk;
    }
    absl::StatusOr<Args> args = Args::Parse(rest, c.flags);
    if (!args.ok()) {
      context.err << "error: " << args.status().message() << "\n";
      PrintCommandUsage(c, context.err);
      return kExitUsage;
    }
    return c.run(*args, context);
  }
  context.err << "error: unknown verb '" << argv[0] << "'" << DidYouMean(argv[0], names) << "\n";
  PrintUsage(commands, context.err);
  return kExitUsage;
}

}  // namespace fanfare::cli
