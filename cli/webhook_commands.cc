// `fanfare admin webhooks add|list|remove`: a namespace's notifications (docs/operations.md,
// "Webhooks").
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "cli/render.h"

namespace fanfare::cli {
namespace {

constexpr absl::string_view kUsage =
    "admin webhooks add URL --events TYPE,… [--format json|slack] [--name NAME] | list | "
    "remove ID";

std::string FormatName(v1::WebhookFormat format) {
  return format == v1::WEBHOOK_FORMAT_SLACK ? "slack" : "json";
}

std::string WebhookLine(const v1::Webhook& webhook, const RenderStyle& style) {
  std::string line = absl::StrCat(webhook.id(), "  ", webhook.name(), "  ", webhook.url(), "  ",
                                  FormatName(webhook.format()), "  ",
                                  absl::StrJoin(webhook.events(), ","), "\n    ",
                                  webhook.pending(), " pending");
  if (webhook.has_oldest_pending_at()) {
    absl::StrAppend(&line, " (oldest ", style.Time(webhook.oldest_pending_at()), ")");
  }
  absl::StrAppend(&line, ", ", webhook.delivered(), " delivered and ", webhook.failed_tries(),
                  " tries failed since fanfared started");
  if (webhook.has_last_delivered_at()) {
    absl::StrAppend(&line, ", last delivered ", style.Time(webhook.last_delivered_at()));
  }
  if (!webhook.last_error().empty()) {
    absl::StrAppend(&line, "\n    last error: ", webhook.last_error());
  }
  return line + "\n";
}

int AddWebhookVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "admin webhooks add", "URL", 3, 3);
  if (!remote.ok()) return UsageError(remote.status(), context);
  v1::AddWebhookRequest request;
  request.set_url(args.positional()[2]);
  request.set_name(args.GetOr("name", ""));
  for (const std::string& list : args.GetAll("events")) {
    for (absl::string_view type : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
      request.add_events(std::string(absl::StripAsciiWhitespace(type)));
    }
  }
  if (request.events().empty()) {
    return UsageError(absl::InvalidArgumentError(
                          "admin webhooks add needs --events: one or more of "
                          "approval.requested, run.failed, run.succeeded, step.unknown, "
                          "budget.capped, account.reconnect"),
                      context);
  }
  const std::string format = args.GetOr("format", "json");
  if (format != "json" && format != "slack") {
    return UsageError(absl::InvalidArgumentError("--format: json or slack"), context);
  }
  request.set_format(format == "slack" ? v1::WEBHOOK_FORMAT_SLACK : v1::WEBHOOK_FORMAT_JSON);
  absl::StatusOr<v1::AddWebhookResponse> added = remote->client->AddWebhook(request);
  if (!added.ok()) return ReportRemoteError(added.status(), *remote->client, context);
  return PrintResult(
      *remote, *added,
      absl::StrCat(added->signing_secret(), "\n\n", WebhookLine(added->webhook(), remote->style),
                   "The signing secret is shown this once: give it to the receiver, which checks "
                   "each delivery's Fanfare-Signature header with it.\n"),
      context);
}

int ListWebhooksVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "admin webhooks list", "", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::ListWebhooksResponse> listed = remote->client->ListWebhooks();
  if (!listed.ok()) return ReportRemoteError(listed.status(), *remote->client, context);
  std::string lines;
  for (const v1::Webhook& webhook : listed->webhooks()) {
    absl::StrAppend(&lines, WebhookLine(webhook, remote->style));
  }
  if (lines.empty()) lines = "no webhooks\n";
  return PrintResult(*remote, *listed, lines, context);
}

int RemoveWebhookVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote =
      PrepareRemote(args, context, "admin webhooks remove", "ID", 3, 3);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::Webhook> removed = remote->client->RemoveWebhook(args.positional()[2]);
  if (!removed.ok()) return ReportRemoteError(removed.status(), *remote->client, context);
  return PrintResult(*remote, *removed,
                     absl::StrCat("removed ", WebhookLine(*removed, remote->style)), context);
}

}  // namespace

int WebhooksVerb(const Args& args, CliContext& context) {
  const std::vector<std::string>& operands = args.positional();
  const std::string verb = operands.size() >= 2 ? operands[1] : "";
  if (verb == "add") return AddWebhookVerb(args, context);
  if (verb == "list") return ListWebhooksVerb(args, context);
  if (verb == "remove") return RemoveWebhookVerb(args, context);
  return UsageError(absl::InvalidArgumentError(absl::StrCat("usage: fanfare ", kUsage)), context);
}

}  // namespace fanfare::cli
