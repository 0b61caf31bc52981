// fanfare summary: a run's summary replayed from its stored history (run_summary.h).
#include <utility>

#include "cli/output.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "cli/run_summary.h"

namespace fanfare::cli {

absl::StatusOr<RunSummary> StartSummary(Client& client, const std::string& run_id) {
  absl::StatusOr<v1::Run> run = client.GetRun(run_id);
  if (!run.ok()) return run.status();
  absl::StatusOr<v1::Campaign> campaign = client.GetCampaign(run->campaign(), run->campaign_version());
  if (!campaign.ok()) return campaign.status();
  return RunSummary(*std::move(campaign));
}

int PrintSummary(Client& client, const RunSummary& summary, const v1::Run& run,
                 const RenderStyle& style, CliContext& context, OutputFormat format) {
  // The latest version carries the campaign's spend as the coordinator counts it now.
  absl::StatusOr<v1::Campaign> now = client.GetCampaign(run.campaign());
  if (!now.ok()) return ReportRemoteError(now.status(), client, context);
  if (format == OutputFormat::kTable) {
    context.out << "\n" << summary.Render(run, now->spend(), style) << std::flush;
  } else {
    const std::string json = summary.ToJson(run, now->spend()).dump(2) + "\n";
    context.out << (format == OutputFormat::kJson ? json : JsonToYaml(json)) << std::flush;
  }
  return kExitOk;
}

int SummaryVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "summary", "RUN_ID", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  Client& client = *remote->client;
  const std::string& run_id = args.positional()[0];
  absl::StatusOr<RunSummary> summary = StartSummary(client, run_id);
  if (!summary.ok()) return ReportRemoteError(summary.status(), client, context);
  v1::GetHistoryRequest request;
  request.set_run_id(run_id);
  do {
    absl::StatusOr<v1::GetHistoryResponse> page = client.GetHistory(request);
    if (!page.ok()) return ReportRemoteError(page.status(), client, context);
    for (const v1::HistoryEvent& event : page->events()) summary->Add(event);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  absl::StatusOr<v1::Run> run = client.GetRun(run_id);
  if (!run.ok()) return ReportRemoteError(run.status(), client, context);
  return PrintSummary(client, *summary, *run, remote->style, context, remote->format);
}

}  // namespace fanfare::cli
