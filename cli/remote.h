// What every verb that talks to fanfared shares: the --address, --namespace, --identity and
// --output flags, connecting, and turning the coordinator's errors into messages that say
// what to do, with the documented exit codes (command.h).
#ifndef FANFARE_CLI_REMOTE_H_
#define FANFARE_CLI_REMOTE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cli/args.h"
#include "cli/command.h"
#include "cli/output.h"
#include "cli/render.h"
#include "sdk/client/client.h"

namespace fanfare::cli {

constexpr char kDefaultAddress[] = "127.0.0.1:7600";

// `flags` followed by the flags every remote verb takes; `with_output` adds --output.
std::vector<FlagSpec> RemoteFlags(std::vector<FlagSpec> flags, bool with_output);

// A remote verb, ready to call: a client for --address / --namespace / --identity, the
// --output format and the style its tables use.
struct Remote {
  std::unique_ptr<Client> client;
  OutputFormat format = OutputFormat::kTable;
  RenderStyle style;
};

// Checks that `args` has between `min_operands` and `max_operands` operands (described by
// `operands`, e.g. "RUN_ID STEP", in the message), reads --output and connects (lazily: no
// call is made). InvalidArgument describing a usage error otherwise.
absl::StatusOr<Remote> PrepareRemote(const Args& args, const CliContext& context,
                                     absl::string_view verb, absl::string_view operands,
                                     size_t min_operands, size_t max_operands);

// Prints "error: <message>" for a bad command line and returns kExitUsage.
int UsageError(const absl::Status& status, CliContext& context);

// Prints a failed call's status as "error: …", adding what to do (start fanfared, list runs,
// apply the campaign), and returns its exit code.
int ReportRemoteError(const absl::Status& status, const Client& client, CliContext& context);

// Prints `message` as --output asks: a table (`table`, already rendered) or the message as
// JSON or YAML. Returns kExitOk, or the exit code of a message JSON cannot hold.
int PrintResult(const Remote& remote, const google::protobuf::Message& message,
                const std::string& table, CliContext& context);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_REMOTE_H_
