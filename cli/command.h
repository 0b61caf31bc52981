// The `fanfare` CLI's verbs and how they run.
//
// Each verb is a Command: a name, its flags and a function from parsed arguments to an exit
// code. Output goes to the context's streams so that tests can run verbs in-process.
#ifndef FANFARE_CLI_COMMAND_H_
#define FANFARE_CLI_COMMAND_H_

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/args.h"

namespace fanfare::cli {

// Exit codes, documented in docs/cli.md.
enum ExitCode : int {
  kExitOk = 0,
  // The operation ran and failed: an invalid definition, a run that failed or was cancelled.
  kExitFailed = 1,
  // Bad command line.
  kExitUsage = 2,
  // The coordinator could not be reached.
  kExitUnavailable = 3,
  // The campaign, run or step does not exist.
  kExitNotFound = 4,
  // The coordinator refused the call (state conflict, invalid request, internal error).
  kExitRefused = 5,
};

// Where a verb writes and what it knows of its environment.
struct CliContext {
  std::ostream& out;
  std::ostream& err;
  // True when `out` is a terminal: live views redraw in place instead of printing lines.
  bool interactive = false;
  // FANFARE_ADDRESS, if set.
  std::string address_from_env;
  // $USER, if set: the default --identity of remote verbs.
  std::string user_from_env;
  // For golden tests: every time prints as "hh:mm:ss" and every duration as "<dur>", so that
  // tables keep their alignment from one run to the next.
  bool placeholder_times = false;
  // FANFARE_TOKEN, if set: the default --token of remote verbs.
  std::string token_from_env;
  // FANFARE_TLS_CA, FANFARE_TLS_CERT, FANFARE_TLS_KEY, if set: the defaults of --tls-ca,
  // --tls-cert and --tls-key.
  std::string tls_ca_from_env;
  std::string tls_cert_from_env;
  std::string tls_key_from_env;
};

struct Command {
  std::string name;
  // e.g. "FILE...".
  std::string operands;
  std::string summary;
  std::vector<FlagSpec> flags;
  std::function<int(const Args&, CliContext&)> run;
};

// Verbs that need no coordinator: validate, graph.
std::vector<Command> OfflineCommands();

// Verbs that talk to fanfared: apply, run, get, list, campaigns, watch, history, cancel,
// pause, resume, approve, reject, signal, retry, workers, admin, audit.
std::vector<Command> RemoteCommands();

// Runs `argv` (without the program name). Prints usage for `help`, no verb or an unknown
// verb.
int RunCli(const std::vector<std::string>& argv, CliContext& context);

// Prints `status` as "error: …" and maps its code to an exit code.
int ReportError(const absl::Status& status, CliContext& context);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_COMMAND_H_
