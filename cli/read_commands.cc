// fanfare get, list, campaigns, history and workers: verbs that only read.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/suggest.h"
#include "cli/param_values.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "cli/views.h"

namespace fanfare::cli {
namespace {

// Coordinator pages hold at most this many items.
constexpr int kMaxPage = 1000;

// "running", "RUNNING" or "RUN_STATUS_RUNNING".
absl::StatusOr<v1::RunStatus> ParseRunStatus(const std::string& text) {
  std::vector<std::string> names;
  for (int i = v1::RunStatus_MIN + 1; i <= v1::RunStatus_MAX; ++i) {
    if (v1::RunStatus_IsValid(i)) {
      names.push_back(absl::AsciiStrToLower(RunStatusName(static_cast<v1::RunStatus>(i))));
    }
  }
  std::string name = absl::AsciiStrToLower(text);
  if (absl::StartsWith(name, "run_status_")) name = name.substr(11);
  if (name == "cancelled") name = "canceled";
  v1::RunStatus status;
  if (v1::RunStatus_Parse(absl::StrCat("RUN_STATUS_", absl::AsciiStrToUpper(name)), &status) &&
      status != v1::RUN_STATUS_UNSPECIFIED) {
    return status;
  }
  return absl::InvalidArgumentError(absl::StrCat("--status ", text, ": unknown status",
                                                 DidYouMean(name, names), "; expected one of ",
                                                 absl::StrJoin(names, ", ")));
}

absl::Status FillListRequest(const Args& args, v1::ListRunsRequest& request) {
  if (std::optional<std::string> status = args.Get("status")) {
    absl::StatusOr<v1::RunStatus> parsed = ParseRunStatus(*status);
    if (!parsed.ok()) return parsed.status();
    request.set_status(*parsed);
  }
  request.set_campaign(args.GetOr("campaign", ""));
  for (const std::string& label : args.GetAll("label")) {
    absl::StatusOr<std::pair<std::string, std::string>> kv = SplitKeyValue("label", label);
    if (!kv.ok()) return kv.status();
    (*request.mutable_labels())[kv->first] = kv->second;
  }
  request.set_page_token(args.GetOr("page-token", ""));
  return absl::OkStatus();
}

// Fetches pages with `fetch` until `limit` items or the last page. `items` gives a response's
// repeated field. The result holds every item and the token of the page after them.
template <typename Response, typename Request, typename Fetch, typename Items>
absl::StatusOr<Response> CollectPages(Request request, int64_t limit, Fetch fetch, Items items) {
  Response all;
  do {
    const int64_t remaining = limit - items(all)->size();
    request.set_page_size(static_cast<int>(std::min<int64_t>(remaining, kMaxPage)));
    absl::StatusOr<Response> page = fetch(request);
    if (!page.ok()) return page.status();
    for (auto& item : *items(*page)) *items(all)->Add() = std::move(item);
    all.set_next_page_token(page->next_page_token());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty() && items(all)->size() < limit);
  return all;
}

// Tells how to see the next page, on context.err so that stdout stays the table.
void MorePages(absl::string_view what, absl::string_view verb, const std::string& token,
               CliContext& context) {
  if (token.empty()) return;
  context.err << "(more " << what << ": fanfare " << verb << " --page-token " << token << ")\n";
}

}  // namespace

int GetVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "get", "RUN_ID", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::Run> run = remote->client->GetRun(args.positional()[0]);
  if (!run.ok()) return ReportRemoteError(run.status(), *remote->client, context);
  return PrintResult(*remote, *run, RenderRun(*run, remote->style), context);
}

int ListVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "list", "", 0, 0);
  if (!remote.ok()) return UsageError(remote.status(), context);
  v1::ListRunsRequest request;
  absl::Status filled = FillListRequest(args, request);
  absl::StatusOr<int64_t> limit = args.GetInt("limit", 50, 1, INT64_MAX);
  if (!filled.ok() || !limit.ok())
    return UsageError(filled.ok() ? limit.status() : filled, context);
  absl::StatusOr<v1::ListRunsResponse> all = CollectPages<v1::ListRunsResponse>(
      request, *limit, [&](const auto& r) { return remote->client->ListRuns(r); },
      [](v1::ListRunsResponse& r) { return r.mutable_runs(); });
  if (!all.ok()) return ReportRemoteError(all.status(), *remote->client, context);
  const int exit_code =
      PrintResult(*remote, *all, RenderRunList(all->runs(), remote->style), context);
  if (remote->format == OutputFormat::kTable) {
    MorePages("runs", "list", all->next_page_token(), context);
  }
  return exit_code;
}

int CampaignsVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "campaigns", "", 0, 0);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<int64_t> limit = args.GetInt("limit", 50, 1, INT64_MAX);
  if (!limit.ok()) return UsageError(limit.status(), context);
  v1::ListCampaignsRequest request;
  request.set_page_token(args.GetOr("page-token", ""));
  absl::StatusOr<v1::ListCampaignsResponse> all = CollectPages<v1::ListCampaignsResponse>(
      request, *limit, [&](const auto& r) { return remote->client->ListCampaigns(r); },
      [](v1::ListCampaignsResponse& r) { return r.mutable_campaigns(); });
  if (!all.ok()) return ReportRemoteError(all.status(), *remote->client, context);
  const int exit_code =
      PrintResult(*remote, *all, RenderCampaignList(all->campaigns(), remote->style), context);
  if (remote->format == OutputFormat::kTable) {
    MorePages("campaigns", "campaigns", all->next_page_token(), context);
  }
  return exit_code;
}

int HistoryVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "history", "RUN_ID", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<int64_t> from = args.GetInt("from", 1, 1, INT64_MAX);
  absl::StatusOr<int64_t> limit = args.GetInt("limit", INT64_MAX, 1, INT64_MAX);
  if (!from.ok() || !limit.ok())
    return UsageError(from.ok() ? limit.status() : from.status(), context);
  v1::GetHistoryRequest request;
  request.set_run_id(args.positional()[0]);
  request.set_from_seq(*from);
  absl::StatusOr<v1::GetHistoryResponse> all = CollectPages<v1::GetHistoryResponse>(
      request, *limit, [&](const auto& r) { return remote->client->GetHistory(r); },
      [](v1::GetHistoryResponse& r) { return r.mutable_events(); });
  if (!all.ok()) return ReportRemoteError(all.status(), *remote->client, context);
  const int exit_code =
      PrintResult(*remote, *all, RenderHistory(all->events(), remote->style), context);
  if (!all->next_page_token().empty() && !all->events().empty() &&
      remote->format == OutputFormat::kTable) {
    context.err << "(more events: fanfare history " << request.run_id() << " --from "
                << all->events(all->events_size() - 1).seq() + 1 << ")\n";
  }
  return exit_code;
}

int WorkersVerb(const Args& args, CliContext& context) {
  if (!args.positional().empty() && args.positional()[0] == "release") {
    return ReleaseHoldVerb(args, context);
  }
  if (args.Has("network")) {
    return UsageError(absl::InvalidArgumentError(
                          "--network goes with `fanfare workers release ACCOUNT`"),
                      context);
  }
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "workers", "[release ACCOUNT]", 0, 0);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::DispatchState> state = remote->client->GetDispatchState();
  if (!state.ok()) return ReportRemoteError(state.status(), *remote->client, context);
  return PrintResult(*remote, *state, RenderDispatchState(*state, remote->style), context);
}

}  // namespace fanfare::cli
