// fanfare cancel, pause, resume, approve, reject, signal and retry: verbs that change a run.
// Each prints one line saying what happened, or with --output the run as it now is. Also
// `fanfare workers release`, which lifts an account's hold.
#include <functional>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/param_values.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "cli/views.h"

namespace fanfare::cli {
namespace {

using RunCall = std::function<absl::StatusOr<v1::Run>(Client&, const std::vector<std::string>&)>;
using Describe = std::function<std::string(const v1::Run&, const std::vector<std::string>&)>;

int ControlVerb(const Args& args, CliContext& context, absl::string_view verb,
                absl::string_view operands, size_t operand_count, const RunCall& call,
                const Describe& describe) {
  absl::StatusOr<Remote> remote =
      PrepareRemote(args, context, verb, operands, operand_count, operand_count);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::Run> run = call(*remote->client, args.positional());
  if (!run.ok()) return ReportRemoteError(run.status(), *remote->client, context);
  return PrintResult(*remote, *run, describe(*run, args.positional()) + "\n", context);
}

std::string RunNow(const v1::Run& run) {
  return absl::StrCat("run ", run.run_id(), " is ",
                      absl::AsciiStrToLower(RunStatusName(run.status())));
}

}  // namespace

int CancelVerb(const Args& args, CliContext& context) {
  const std::string reason = args.GetOr("reason", "");
  return ControlVerb(
      args, context, "cancel", "RUN_ID", 1,
      [&](Client& c, const auto& ops) { return c.CancelRun(ops[0], reason); },
      [](const v1::Run& run, const auto&) { return RunNow(run); });
}

int PauseVerb(const Args& args, CliContext& context) {
  const std::string reason = args.GetOr("reason", "");
  return ControlVerb(
      args, context, "pause", "RUN_ID", 1,
      [&](Client& c, const auto& ops) { return c.PauseRun(ops[0], reason); },
      [](const v1::Run& run, const auto&) { return RunNow(run); });
}

int ResumeVerb(const Args& args, CliContext& context) {
  return ControlVerb(
      args, context, "resume", "RUN_ID", 1,
      [](Client& c, const auto& ops) { return c.ResumeRun(ops[0]); },
      [](const v1::Run& run, const auto&) { return RunNow(run); });
}

int ApproveVerb(const Args& args, CliContext& context) {
  const std::string comment = args.GetOr("comment", "");
  const std::string digest = args.GetOr("digest", "");
  return ControlVerb(
      args, context, "approve", "RUN_ID STEP", 2,
      [&](Client& c, const auto& ops) { return c.ApproveStep(ops[0], ops[1], comment, digest); },
      [](const v1::Run& run, const auto& ops) {
        for (const v1::StepInstance& step : run.steps()) {
          if (step.key() == ops[1] && step.state() == v1::STEP_STATE_WAITING) {
            return absl::StrCat("step ", ops[1], " of run ", run.run_id(), ": approval ",
                                step.approvals_size(), " recorded; it waits for more");
          }
        }
        return absl::StrCat("step ", ops[1], " of run ", run.run_id(), " approved");
      });
}

int RejectVerb(const Args& args, CliContext& context) {
  const std::string comment = args.GetOr("comment", "");
  return ControlVerb(
      args, context, "reject", "RUN_ID STEP", 2,
      [&](Client& c, const auto& ops) { return c.RejectStep(ops[0], ops[1], comment); },
      [](const v1::Run& run, const auto& ops) {
        return absl::StrCat("step ", ops[1], " of run ", run.run_id(), " rejected");
      });
}

int SignalVerb(const Args& args, CliContext& context) {
  absl::StatusOr<google::protobuf::Value> payload = google::protobuf::Value();
  payload->set_null_value(google::protobuf::NULL_VALUE);
  if (std::optional<std::string> text = args.Get("payload")) {
    payload = ParseValueText(*text, "--payload");
    if (!payload.ok()) return UsageError(payload.status(), context);
  }
  return ControlVerb(
      args, context, "signal", "RUN_ID NAME", 2,
      [&](Client& c, const auto& ops) { return c.SignalRun(ops[0], ops[1], *payload); },
      [](const v1::Run& run, const auto& ops) {
        return absl::StrCat("signal ", ops[1], " sent to run ", run.run_id());
      });
}

int RetryVerb(const Args& args, CliContext& context) {
  const std::string from = args.GetOr("from", "");
  return ControlVerb(
      args, context, "retry", "RUN_ID", 1,
      [&](Client& c, const auto& ops) { return c.RetryRun(ops[0], from); },
      [](const v1::Run& run, const auto&) { return RunNow(run); });
}

int ReleaseHoldVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote =
      PrepareRemote(args, context, "workers release", "ACCOUNT", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::ReleaseHoldResponse> released =
      remote->client->ReleaseHold(args.positional()[1], args.GetOr("network", ""));
  if (!released.ok()) return ReportRemoteError(released.status(), *remote->client, context);
  std::string lines;
  for (const v1::ReleaseHoldResponse::Hold& hold : released->released()) {
    absl::StrAppend(&lines, "released ", hold.network(), "/",
                    hold.account().empty() ? "(default)" : hold.account(), " (held until ",
                    remote->style.Time(hold.held_until()), ": ", hold.detail(), ")\n");
  }
  return PrintResult(*remote, *released, lines, context);
}

}  // namespace fanfare::cli
