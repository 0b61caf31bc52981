// fanfare apply and fanfare run: storing campaigns and starting runs.
#include <filesystem>
#include <optional>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "engine/definition/loader.h"
#include "cli/campaign_files.h"
#include "cli/param_values.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "cli/views.h"

namespace fanfare::cli {
namespace {

std::string AppliedLine(const v1::ApplyCampaignResponse& applied) {
  return absl::StrCat("campaign ", applied.campaign().spec().metadata().name(), ": version ",
                      applied.campaign().version(),
                      applied.changed() ? " (changed)" : " (unchanged)");
}

// True when `target` of `fanfare run` names a file rather than a campaign: it exists, or it
// has a campaign file's extension (campaign names have no '.').
bool NamesFile(const std::string& target) {
  std::error_code error;
  return std::filesystem::is_regular_file(target, error) || definition::FormatForPath(target).ok();
}

// The StartRun request's flags other than the campaign: --id, --label, --priority, --param,
// --params-file. InvalidArgument (a usage error) for malformed ones.
absl::Status FillRequest(const Args& args, const v1::CampaignSpec* spec,
                         v1::StartRunRequest& request) {
  request.set_run_id(args.GetOr("id", ""));
  for (const std::string& label : args.GetAll("label")) {
    absl::StatusOr<std::pair<std::string, std::string>> kv = SplitKeyValue("label", label);
    if (!kv.ok()) return kv.status();
    (*request.mutable_labels())[kv->first] = kv->second;
  }
  absl::StatusOr<int64_t> priority = args.GetInt("priority", 0, -100, 100);
  if (!priority.ok()) return priority.status();
  request.set_priority(static_cast<int32_t>(*priority));
  std::string file_content;
  const std::string file_name = args.GetOr("params-file", "");
  if (!file_name.empty()) {
    absl::StatusOr<std::string> content = definition::ReadFile(file_name);
    if (!content.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--params-file: ", content.status().message()));
    }
    file_content = *std::move(content);
  }
  absl::StatusOr<google::protobuf::Struct> params =
      BuildParams(args.GetAll("param"), file_content, file_name, spec);
  if (!params.ok()) return params.status();
  *request.mutable_params() = *std::move(params);
  return absl::OkStatus();
}

// Applies the campaign file `path` for `run`, saying so on context.err. The spec, or the exit
// code to return.
std::optional<v1::CampaignSpec> ApplyForRun(const std::string& path, Client& client,
                                            v1::StartRunRequest& request, CliContext& context,
                                            int& exit_code) {
  definition::LoadResult loaded = LoadCampaignForCli(path);
  if (!loaded.status.ok()) {
    PrintLoadFailure(loaded, context);
    exit_code = kExitFailed;
    return std::nullopt;
  }
  absl::StatusOr<v1::ApplyCampaignResponse> applied = client.ApplyCampaign(loaded.spec, path);
  if (!applied.ok()) {
    exit_code = ReportRemoteError(applied.status(), client, context);
    return std::nullopt;
  }
  context.err << AppliedLine(*applied) << "\n";
  request.set_campaign(loaded.spec.metadata().name());
  request.set_campaign_version(applied->campaign().version());
  return std::move(loaded.spec);
}

}  // namespace

int ApplyVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "apply", "FILE...", 1, SIZE_MAX);
  if (!remote.ok()) return UsageError(remote.status(), context);
  // Every file is checked before any is applied, so that a typo stores nothing.
  std::vector<definition::LoadResult> loaded;
  bool all_valid = true;
  for (const std::string& path : args.positional()) {
    loaded.push_back(LoadCampaignForCli(path));
    if (!loaded.back().status.ok()) {
      PrintLoadFailure(loaded.back(), context);
      all_valid = false;
    }
  }
  if (!all_valid) {
    context.err << "error: nothing was applied; fix the problems above and apply again\n";
    return kExitFailed;
  }
  const bool dry_run = args.Has("dry-run");
  for (size_t i = 0; i < loaded.size(); ++i) {
    absl::StatusOr<v1::ApplyCampaignResponse> applied =
        remote->client->ApplyCampaign(loaded[i].spec, args.positional()[i], dry_run);
    if (!applied.ok()) return ReportRemoteError(applied.status(), *remote->client, context);
    if (dry_run) {
      context.out << "campaign " << loaded[i].spec.metadata().name()
                  << ": valid (dry run; nothing stored)\n";
    } else {
      context.out << AppliedLine(*applied) << "\n";
    }
  }
  return kExitOk;
}

int RunVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "run", "CAMPAIGN_OR_FILE", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  const bool watch = args.Has("watch");
  if (watch && remote->format != OutputFormat::kTable) {
    return UsageError(absl::InvalidArgumentError("run: --watch prints a live view; leave out "
                                                 "--output, or use `fanfare get` afterwards"),
                      context);
  }
  if (args.Has("summary") && !watch) {
    return UsageError(absl::InvalidArgumentError("run: --summary needs --watch"), context);
  }
  Client& client = *remote->client;
  const std::string& target = args.positional()[0];
  v1::StartRunRequest request = StartRunRequest(target);
  std::optional<v1::CampaignSpec> spec;
  if (NamesFile(target)) {
    int exit_code = kExitOk;
    spec = ApplyForRun(target, client, request, context, exit_code);
    if (!spec) return exit_code;
  } else if (args.Has("param") || args.Has("params-file")) {
    // The campaign's declarations say which params are text (so `--param tag=2024` stays
    // "2024"); pin the run to the version whose declarations were used.
    absl::StatusOr<v1::Campaign> campaign = client.GetCampaign(target);
    if (!campaign.ok()) return ReportRemoteError(campaign.status(), client, context);
    spec = campaign->spec();
    request.set_campaign_version(campaign->version());
  }
  if (absl::Status filled = FillRequest(args, spec ? &*spec : nullptr, request); !filled.ok()) {
    return UsageError(filled, context);
  }
  absl::StatusOr<v1::StartRunResponse> started = client.StartRun(request);
  if (!started.ok()) return ReportRemoteError(started.status(), client, context);
  const v1::Run& run = started->run();
  if (remote->format != OutputFormat::kTable) return PrintResult(*remote, run, "", context);
  const std::string what = absl::StrCat(run.campaign(), " version ", run.campaign_version());
  if (started->created()) {
    context.out << "run " << run.run_id() << " started (" << what << ")\n";
  } else {
    context.out << "run " << run.run_id() << " already exists (" << what << ", "
                << RunStatusName(run.status()) << ")\n";
  }
  if (!watch) return kExitOk;
  context.out.flush();
  return WatchToEnd(client, run.run_id(), remote->style, context, args.Has("summary"));
}

}  // namespace fanfare::cli
