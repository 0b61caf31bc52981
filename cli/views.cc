#include "cli/views.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/proto_time.h"
#include "google/protobuf/util/json_util.h"

namespace fanfare::cli {
namespace {

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

// A param or output value: strings as they are, everything else as compact JSON.
std::string ValueText(const google::protobuf::Value& value) {
  if (value.has_string_value()) return value.string_value();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) return "?";
  return json;
}

// "k1=v1, k2=v2" in key order; "-" when empty.
template <typename Map, typename Fn>
std::string Pairs(const Map& map, Fn value_text) {
  std::map<std::string, std::string> sorted;
  for (const auto& [key, value] : map) sorted[key] = value_text(value);
  if (sorted.empty()) return "-";
  return absl::StrJoin(sorted, ", ", absl::PairFormatter("="));
}

std::string ErrorText(const v1::StepError& error) {
  if (error.type() == v1::ERROR_TYPE_UNSPECIFIED && error.message().empty()) return "";
  std::string type =
      absl::AsciiStrToLower(absl::StripPrefix(v1::ErrorType_Name(error.type()), "ERROR_TYPE_"));
  if (!error.code().empty()) absl::StrAppend(&type, " ", error.code());
  return absl::StrCat(type, ": ", error.message());
}

std::string WaitingText(const v1::WaitingReason& waiting, const RenderStyle& style) {
  std::string kind = absl::AsciiStrToLower(
      absl::StripPrefix(v1::WaitingReason::Kind_Name(waiting.kind()), "KIND_"));
  std::replace(kind.begin(), kind.end(), '_', ' ');
  std::string text = kind;
  if (IsSet(waiting.until())) absl::StrAppend(&text, " until ", style.Time(waiting.until()));
  if (!waiting.detail().empty()) absl::StrAppend(&text, ": ", waiting.detail());
  return text;
}

// What a person wants to know about an instance beyond its state: who runs it, what it
// waits for, what went wrong.
std::string StepDetail(const v1::StepInstance& step, const RenderStyle& style) {
  std::vector<std::string> parts;
  if (step.state() == v1::STEP_STATE_RUNNING && !step.worker_id().empty()) {
    parts.push_back(absl::StrCat("worker ", step.worker_id()));
  }
  if (step.state() == v1::STEP_STATE_WAITING && step.has_waiting()) {
    parts.push_back(WaitingText(step.waiting(), style));
  }
  if (step.state() != v1::STEP_STATE_SUCCEEDED) {
    if (std::string error = ErrorText(step.last_error()); !error.empty()) parts.push_back(error);
  }
  return absl::StrJoin(parts, "; ");
}

struct Progress {
  int done = 0;
  int total = 0;
};

Progress ProgressOf(const v1::Run& run) {
  Progress p;
  for (const auto& [state, count] : run.step_counts()) {
    v1::StepState parsed;
    p.total += count;
    if (v1::StepState_Parse(state, &parsed) && IsTerminal(parsed)) p.done += count;
  }
  return p;
}

std::string ProgressLine(const v1::Run& run) {
  const Progress p = ProgressOf(run);
  return absl::StrCat(ProgressBar(p.done, p.total), " steps done");
}

std::string Attempt(int attempt) { return attempt == 0 ? "-" : absl::StrCat(attempt); }

// The approval steps waiting for a decision, each with who approved already and the command
// that approves exactly what the step shows now.
std::string PendingApprovals(const v1::Run& run) {
  std::string out;
  for (const v1::StepInstance& step : run.steps()) {
    if (step.state() != v1::STEP_STATE_WAITING || step.waiting().approval_digest().empty()) {
      continue;
    }
    if (out.empty()) absl::StrAppend(&out, "\nWaiting for approval:\n");
    std::vector<std::string> given;
    for (const v1::Approval& approval : step.approvals()) given.push_back(approval.subject());
    absl::StrAppend(&out, "  ", step.key(),
                    given.empty() ? "" : absl::StrCat(" (approved by ", absl::StrJoin(given, ", "),
                                                      " so far)"),
                    ": fanfare approve ", run.run_id(), " ", step.key(), " --digest ",
                    step.waiting().approval_digest(), "\n");
  }
  return out;
}

}  // namespace

std::string StepStateName(v1::StepState state) {
  return std::string(absl::StripPrefix(v1::StepState_Name(state), "STEP_STATE_"));
}

std::string RunStatusName(v1::RunStatus status) {
  return std::string(absl::StripPrefix(v1::RunStatus_Name(status), "RUN_STATUS_"));
}

std::string EventTypeName(v1::EventType type) {
  return std::string(absl::StripPrefix(v1::EventType_Name(type), "EVENT_TYPE_"));
}

bool IsTerminal(v1::StepState state) {
  return state == v1::STEP_STATE_SUCCEEDED || state == v1::STEP_STATE_FAILED ||
         state == v1::STEP_STATE_SKIPPED || state == v1::STEP_STATE_CANCELED;
}

bool IsTerminal(v1::RunStatus status) {
  return status == v1::RUN_STATUS_SUCCEEDED || status == v1::RUN_STATUS_FAILED ||
         status == v1::RUN_STATUS_CANCELED;
}

std::string RenderRun(const v1::Run& run, const RenderStyle& style) {
  std::string out;
  auto fact = [&](absl::string_view name, const std::string& value) {
    absl::StrAppend(&out, absl::StrFormat("%-10s %s\n", absl::StrCat(name, ":"), value));
  };
  fact("Run", run.run_id());
  fact("Campaign", absl::StrCat(run.campaign(), " (version ", run.campaign_version(), ")"));
  fact("Status", RunStatusName(run.status()));
  fact("Created", absl::StrCat(style.Time(run.created_at()), run.started_by().empty() ? "" : " by ",
                               run.started_by()));
  if (IsSet(run.start_at()) && FromProtoTime(run.start_at()) != FromProtoTime(run.created_at())) {
    fact("Starts", style.Time(run.start_at()));
  }
  fact("Ended", IsSet(run.ended_at())
                    ? absl::StrCat(style.Time(run.ended_at()), " (took ",
                                   style.Elapsed(run.created_at(), run.ended_at()), ")")
                    : "-");
  if (run.priority() != 0) fact("Priority", absl::StrCat(run.priority()));
  fact("Labels", Pairs(run.labels(), [](const std::string& v) { return v; }));
  fact("Params", Pairs(run.params().fields(), ValueText));
  if (std::string error = ErrorText(run.error()); !error.empty()) fact("Error", error);
  fact("Progress", ProgressLine(run));
  absl::StrAppend(&out, "\n");
  Table steps({"STEP", "STATE", "ACTION", "ATTEMPT", "STARTED", "DURATION", "DETAIL"});
  for (const v1::StepInstance& step : run.steps()) {
    steps.AddRow({step.key(), StepStateName(step.state()), step.action(), Attempt(step.attempt()),
                  style.Time(step.started_at()), style.Elapsed(step.started_at(), step.ended_at()),
                  StepDetail(step, style)});
  }
  absl::StrAppend(&out, steps.ToString());
  absl::StrAppend(&out, PendingApprovals(run));
  return out;
}

std::string RenderRunList(const google::protobuf::RepeatedPtrField<v1::Run>& runs,
                          const RenderStyle& style) {
  if (runs.empty()) return "No runs found.\n";
  Table table({"RUN", "CAMPAIGN", "STATUS", "STEPS", "CREATED", "DURATION", "LABELS"});
  for (const v1::Run& run : runs) {
    const Progress p = ProgressOf(run);
    table.AddRow({run.run_id(), absl::StrCat(run.campaign(), " v", run.campaign_version()),
                  RunStatusName(run.status()), absl::StrCat(p.done, "/", p.total),
                  style.Time(run.created_at()), style.Elapsed(run.created_at(), run.ended_at()),
                  Pairs(run.labels(), [](const std::string& v) { return v; })});
  }
  return table.ToString();
}

std::string RenderCampaignList(const google::protobuf::RepeatedPtrField<v1::Campaign>& campaigns,
                               const RenderStyle& style) {
  if (campaigns.empty()) return "No campaigns found. Apply one with `fanfare apply FILE`.\n";
  Table table({"CAMPAIGN", "VERSION", "STEPS", "PARAMS", "SCHEDULE", "APPLIED", "DESCRIPTION"});
  for (const v1::Campaign& campaign : campaigns) {
    const v1::CampaignSpec& spec = campaign.spec();
    std::vector<std::string> params;
    for (const v1::ParamSpec& param : spec.params()) params.push_back(param.name());
    table.AddRow({spec.metadata().name(), absl::StrCat(campaign.version()),
                  absl::StrCat(spec.steps_size()),
                  params.empty() ? "-" : absl::StrJoin(params, ","),
                  spec.schedule().cron().empty() ? "-" : spec.schedule().cron(),
                  style.Time(campaign.applied_at()), spec.metadata().description()});
  }
  return table.ToString();
}

std::string RenderHistory(const google::protobuf::RepeatedPtrField<v1::HistoryEvent>& events,
                          const RenderStyle& style) {
  Table table({"SEQ", "TIME", "EVENT", "STEP", "ATTEMPT", "ACTOR", "MESSAGE"});
  for (const v1::HistoryEvent& event : events) {
    std::string message = event.message();
    if (std::string error = ErrorText(event.error()); !error.empty()) {
      message = message.empty() || message == event.error().message()
                    ? error
                    : absl::StrCat(message, " (", error, ")");
    }
    table.AddRow({absl::StrCat(event.seq()), style.Time(event.time()), EventTypeName(event.type()),
                  event.step_key().empty() ? "-" : event.step_key(), Attempt(event.attempt()),
                  event.actor().empty() ? "-" : event.actor(), message});
  }
  return table.ToString();
}

std::string RenderDispatchState(const v1::DispatchState& state, const RenderStyle& style) {
  std::string out;
  if (state.workers().empty()) {
    absl::StrAppend(&out, "No workers are connected.\n");
  } else {
    Table workers({"WORKER", "IDENTITY", "TRANSPORT", "QUEUES", "RUNNING", "FREE", "CONNECTED"});
    for (const auto& w : state.workers()) {
      workers.AddRow({w.worker_id(), w.identity().empty() ? "-" : w.identity(), w.transport(),
                      absl::StrJoin(w.queues(), ","), absl::StrCat(w.running_tasks()),
                      absl::StrCat(w.free_slots()), style.Time(w.connected_at())});
    }
    absl::StrAppend(&out, workers.ToString());
  }
  absl::StrAppend(&out, "\n");
  if (state.queues().empty()) {
    absl::StrAppend(&out, "No queues have work.\n");
  } else {
    Table queues({"QUEUE", "NAMESPACE", "READY", "RUNNING", "THROTTLED"});
    for (const auto& q : state.queues()) {
      queues.AddRow({q.queue(), q.namespace_(), absl::StrCat(q.ready()), absl::StrCat(q.running()),
                     absl::StrCat(q.throttled())});
    }
    absl::StrAppend(&out, queues.ToString());
  }
  absl::StrAppend(&out, "\n");
  if (state.rate_limits().empty()) {
    absl::StrAppend(&out, "No rate limits are in force.\n");
  } else {
    Table limits({"NETWORK", "ACCOUNT", "CLASS", "AVAILABLE", "HELD UNTIL", "DETAIL"});
    for (const auto& r : state.rate_limits()) {
      limits.AddRow({r.network(), r.account(), r.endpoint_class(),
                     absl::StrFormat("%g/%g", r.available(), r.capacity()),
                     style.Time(r.held_until()), r.detail()});
    }
    absl::StrAppend(&out, limits.ToString());
  }
  return out;
}

std::vector<std::string> RenderWatchFrame(const v1::Run& run, const RenderStyle& style,
                                          size_t width, size_t max_steps) {
  std::vector<std::string> lines;
  lines.push_back(absl::StrCat("run ", run.run_id(), "  ", run.campaign(), " v",
                               run.campaign_version(), "  ", RunStatusName(run.status()), "  ",
                               style.Elapsed(run.created_at(), run.ended_at())));
  lines.push_back(ProgressLine(run));
  // Which rows to show: active and failed instances first, then the rest in order.
  const int n = run.steps_size();
  std::vector<bool> shown(n, static_cast<size_t>(n) <= max_steps);
  size_t budget = max_steps > 0 ? max_steps - 1 : 0;
  for (int pass = 0; pass < 2 && static_cast<size_t>(n) > max_steps; ++pass) {
    for (int i = 0; i < n && budget > 0; ++i) {
      const v1::StepState state = run.steps(i).state();
      const bool urgent = !IsTerminal(state) || state == v1::STEP_STATE_FAILED;
      if (!shown[i] && (pass == 1 || urgent)) {
        shown[i] = true;
        --budget;
      }
    }
  }
  Table table({"STEP", "STATE", "ATTEMPT", "DURATION", "DETAIL"});
  int hidden = 0;
  for (int i = 0; i < n; ++i) {
    if (!shown[i]) {
      ++hidden;
      continue;
    }
    const v1::StepInstance& step = run.steps(i);
    table.AddRow({step.key(), StepStateName(step.state()), Attempt(step.attempt()),
                  style.Elapsed(step.started_at(), step.ended_at()), StepDetail(step, style)});
  }
  for (std::string& line : table.Lines()) lines.push_back(std::move(line));
  if (hidden > 0) lines.push_back(absl::StrCat("… and ", hidden, " more steps"));
  for (std::string& line : lines) line = Truncate(line, width);
  return lines;
}

std::string EventLines::Line(const v1::HistoryEvent& event) {
  const std::string key = event.step_key().empty() ? "" : event.step_key();
  std::string what = EventTypeName(event.type());
  if (absl::StartsWith(what, "STEP_")) what = what.substr(5);
  if (absl::StartsWith(what, "RUN_")) what = what.substr(4);
  std::string line =
      absl::StrCat(style_.Time(event.time()), " ", key.empty() ? "run" : key, " ", what);
  if (event.attempt() > 0) absl::StrAppend(&line, " attempt ", event.attempt());
  switch (event.type()) {
    case v1::EVENT_TYPE_RUN_STARTED:
    case v1::EVENT_TYPE_STEP_STARTED:
      started_[key] = event.time();
      break;
    case v1::EVENT_TYPE_RUN_SUCCEEDED:
    case v1::EVENT_TYPE_RUN_FAILED:
    case v1::EVENT_TYPE_RUN_CANCELED:
    case v1::EVENT_TYPE_STEP_SUCCEEDED:
    case v1::EVENT_TYPE_STEP_ATTEMPT_FAILED:
    case v1::EVENT_TYPE_STEP_FAILED:
    case v1::EVENT_TYPE_STEP_UNKNOWN:
      if (auto it = started_.find(key); it != started_.end()) {
        absl::StrAppend(&line, " (", style_.Elapsed(it->second, event.time()), ")");
        started_.erase(it);
      }
      break;
    default:
      break;
  }
  if (!event.actor().empty()) absl::StrAppend(&line, " by ", event.actor());
  std::string message = event.message();
  if (std::string error = ErrorText(event.error()); !error.empty()) {
    message = message.empty() || message == event.error().message()
                  ? error
                  : absl::StrCat(message, " (", error, ")");
  }
  if (!message.empty()) absl::StrAppend(&line, ": ", message);
  return line;
}

}  // namespace fanfare::cli
