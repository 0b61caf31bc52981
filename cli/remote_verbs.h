// The functions behind the remote verbs; remote_commands.cc lists them with their flags.
// Each returns an exit code (command.h) and writes only to the context's streams.
#ifndef FANFARE_CLI_REMOTE_VERBS_H_
#define FANFARE_CLI_REMOTE_VERBS_H_

#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/output.h"
#include "cli/render.h"
#include "cli/run_summary.h"
#include "sdk/client/client.h"

namespace fanfare::cli {

// run_commands.cc
int ApplyVerb(const Args& args, CliContext& context);
int RunVerb(const Args& args, CliContext& context);

// read_commands.cc
int GetVerb(const Args& args, CliContext& context);
int ListVerb(const Args& args, CliContext& context);
int CampaignsVerb(const Args& args, CliContext& context);
int HistoryVerb(const Args& args, CliContext& context);
int WorkersVerb(const Args& args, CliContext& context);

// control_commands.cc
int CancelVerb(const Args& args, CliContext& context);
int PauseVerb(const Args& args, CliContext& context);
int ResumeVerb(const Args& args, CliContext& context);
int ApproveVerb(const Args& args, CliContext& context);
int RejectVerb(const Args& args, CliContext& context);
int SignalVerb(const Args& args, CliContext& context);
int RetryVerb(const Args& args, CliContext& context);
// `fanfare workers release ACCOUNT [--network N]`; WorkersVerb hands it over.
int ReleaseHoldVerb(const Args& args, CliContext& context);

// community_command.cc: `fanfare community authors|ambassadors`.
int CommunityVerb(const Args& args, CliContext& context);

// admin_commands.cc: `fanfare admin tokens create|list|revoke`.
int AdminVerb(const Args& args, CliContext& context);
// webhook_commands.cc: `fanfare admin webhooks add|list|remove`; AdminVerb hands it over.
int WebhooksVerb(const Args& args, CliContext& context);
// admin_commands.cc: `fanfare audit [--since DURATION]`.
int AuditVerb(const Args& args, CliContext& context);
// `fanfare accounts list|add|import|connect|remove` (account_commands.cc).
int AccountsVerb(const Args& args, CliContext& context);
// `fanfare accounts connect NETWORK --alias ALIAS --client-id ID` (connect_command.cc).
int ConnectAccountVerb(const Args& args, CliContext& context);

// watch_command.cc
int WatchVerb(const Args& args, CliContext& context);
// Follows `run_id` until it ends: a table redrawn in place when context.interactive, one line
// per history event otherwise. kExitOk if the run succeeded, kExitFailed if it failed or was
// cancelled (saying why on context.err), or the exit code of a failed call. With `summarize`,
// it then prints the run's summary (run_summary.h) over every event it saw.
int WatchToEnd(Client& client, const std::string& run_id, RenderStyle style, CliContext& context,
               bool summarize = false);

// summary_command.cc
int SummaryVerb(const Args& args, CliContext& context);
// A summary of `run_id` with nothing added yet: the campaign version the run is pinned to.
absl::StatusOr<RunSummary> StartSummary(Client& client, const std::string& run_id);
// Prints `summary` of `run` with the campaign's spend as it is now, as a table or (`format`)
// a JSON or YAML document; kExitOk or the exit code of a failed call.
int PrintSummary(Client& client, const RunSummary& summary, const v1::Run& run,
                 const RenderStyle& style, CliContext& context,
                 OutputFormat format = OutputFormat::kTable);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_REMOTE_VERBS_H_
