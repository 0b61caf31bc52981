#include "cli/run_summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "base/proto_time.h"
#include "cli/views.h"

namespace fanfare::cli {
namespace {

using google::protobuf::Value;

// "optimize/measure[facebook]#54": the step ids from the top, the for_each item, the repeat
// iteration (0 outside a repeat).
struct StepKey {
  std::vector<std::string> path;
  std::string item;
  int iteration = 0;
};

StepKey ParseStepKey(absl::string_view key) {
  StepKey parsed;
  if (const size_t hash = key.rfind('#'); hash != absl::string_view::npos &&
                                          absl::SimpleAtoi(key.substr(hash + 1), &parsed.iteration)) {
    key = key.substr(0, hash);
  }
  for (absl::string_view segment : absl::StrSplit(key, '/')) {
    const size_t open = segment.find('[');
    if (open != absl::string_view::npos && absl::EndsWith(segment, "]")) {
      parsed.item = std::string(segment.substr(open + 1, segment.size() - open - 2));
      segment = segment.substr(0, open);
    }
    parsed.path.emplace_back(segment);
  }
  return parsed;
}

const v1::Step* FindStep(const google::protobuf::RepeatedPtrField<v1::Step>& steps,
                         const std::vector<std::string>& path, size_t depth = 0) {
  for (const v1::Step& step : steps) {
    if (step.id() != path[depth]) continue;
    if (depth + 1 == path.size()) return &step;
    return step.has_repeat() ? FindStep(step.repeat().steps(), path, depth + 1) : nullptr;
  }
  return nullptr;
}

// The network and verb of a step's action: "{{ item }}.publish" for item "x" is
// {"x", "publish"}; "facebook.pause" is {"facebook", "pause"}.
std::pair<std::string, std::string> NetworkAndVerb(const v1::Step& step, const std::string& item) {
  const std::string& action = step.action();
  const size_t dot = action.rfind('.');
  if (dot == std::string::npos) return {"", ""};
  std::string network = action.substr(0, dot);
  if (absl::StrContains(network, "{{")) network = item;
  return {network, std::string(absl::StripAsciiWhitespace(action.substr(dot + 1)))};
}

const Value* Field(const Value& value, absl::string_view name) {
  if (!value.has_struct_value()) return nullptr;
  auto it = value.struct_value().fields().find(std::string(name));
  return it == value.struct_value().fields().end() ? nullptr : &it->second;
}

std::string Text(const Value& value, absl::string_view name) {
  const Value* field = Field(value, name);
  return field != nullptr && field->has_string_value() ? field->string_value() : "";
}

double Number(const Value& value, absl::string_view name) {
  const Value* field = Field(value, name);
  return field != nullptr && field->has_number_value() ? field->number_value() : 0;
}

// "1,234.56"
std::string Amount(double units) {
  const std::string fixed = absl::StrFormat("%.2f", std::abs(units));
  const size_t whole_digits = fixed.size() - 3;
  std::string out = units < 0 ? "-" : "";
  for (size_t i = 0; i < whole_digits; ++i) {
    if (i > 0 && (whole_digits - i) % 3 == 0) out += ',';
    out += fixed[i];
  }
  return out + fixed.substr(whole_digits);
}

std::string OneLine(const std::string& text) {
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, absl::ByAnyChar(" \n\t"), absl::SkipEmpty())) {
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  return line;
}

std::string Percent(int64_t part, int64_t whole) {
  return whole > 0 ? absl::StrFormat("%d%%", static_cast<int>(100.0 * part / whole + 0.5)) : "-";
}

}  // namespace

RunSummary::RunSummary(v1::Campaign campaign) : campaign_(std::move(campaign)) {
  currency_ = campaign_.spec().budget().currency();
  if (currency_.empty()) currency_ = campaign_.spend().currency();
}

std::string RunSummary::Sparkline(const std::vector<double>& values) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  const double top = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  std::string line;
  for (double value : values) {
    const int level = top > 0 ? static_cast<int>(std::lround(7 * std::max(value, 0.0) / top)) : 0;
    line += kBars[level];
  }
  return line;
}

void RunSummary::Add(const v1::HistoryEvent& event) {
  const absl::Time at = FromProtoTime(event.time());
  switch (event.type()) {
    case v1::EVENT_TYPE_STEP_SUCCEEDED:
      AddSucceeded(event);
      return;
    case v1::EVENT_TYPE_STEP_APPROVED:
    case v1::EVENT_TYPE_STEP_REJECTED:
      notes_.push_back({at, absl::StrCat(event.step_key(),
                                         event.type() == v1::EVENT_TYPE_STEP_APPROVED
                                             ? " approved by "
                                             : " rejected by ",
                                         event.actor(),
                                         event.message().empty() ? "" : ": ", event.message())});
      return;
    case v1::EVENT_TYPE_BUDGET_GUARDRAIL:
      notes_.push_back({at, absl::StrCat("budget guardrail on ", event.step_key(),
                                         event.message().empty() ? "" : ": ", event.message())});
      return;
    case v1::EVENT_TYPE_ITERATION_STARTED:
      first_iteration_seen_.try_emplace(event.step_key(),
                                        static_cast<int>(Number(event.detail(), "iteration")));
      return;
    case v1::EVENT_TYPE_ITERATIONS_COMPACTED:
      compacted_.insert(event.step_key());
      return;
    case v1::EVENT_TYPE_STEP_FAILED:
    case v1::EVENT_TYPE_STEP_UNKNOWN:
      notes_.push_back({at, absl::StrCat(event.step_key(), " ",
                                         absl::AsciiStrToLower(StepStateName(event.state())),
                                         ": ", event.error().message())});
      return;
    default:
      return;
  }
}

void RunSummary::AddSucceeded(const v1::HistoryEvent& event) {
  const StepKey key = ParseStepKey(event.step_key());
  const v1::Step* step = FindStep(campaign_.spec().steps(), key.path);
  if (step == nullptr) return;
  const auto [network, verb] = NetworkAndVerb(*step, key.item);
  const Value& output = event.detail();
  const absl::Time at = FromProtoTime(event.time());
  if (verb == "publish") {
    posts_.push_back({network, Text(output, "post_id"), Text(output, "url")});
  } else if (verb == "boost") {
    ads_.push_back({network, Text(output, "ad_id"), Number(output, "daily_budget")});
  } else if (verb == "insights") {
    // A post's lifetime totals are no measurement of a period: summing them would count
    // the same clicks again.
    if (const Value* window = Field(output, "window");
        window != nullptr && Field(*window, "lifetime") != nullptr) {
      return;
    }
    first_measurement_ = std::min(first_measurement_, at);
    measurements_.push_back({at, key.iteration, network,
                             static_cast<int64_t>(Number(output, "impressions")),
                             static_cast<int64_t>(Number(output, "clicks")), Number(output, "cpc"),
                             static_cast<int64_t>(Number(output, "spend_micros")),
                             Text(output, "status"), Number(output, "daily_budget")});
  } else if (verb == "comments" || verb == "search") {
    community_.AddRead(at, output);
  } else if (verb == "moderate") {
    community_.AddModeration(at, output);
  } else if (verb == "ambassadors") {
    community_.AddAmbassadors(at, output);
  } else if (verb == "pause" || verb == "resume" || verb == "set_budget") {
    std::string effect = verb == "set_budget"
                             ? absl::StrCat("daily budget ",
                                            Amount(Number(output, "previous_budget_micros") / 1e6),
                                            " → ", Amount(Number(output, "budget_micros") / 1e6))
                             : absl::StrCat("ad ", Text(output, "status").empty()
                                                       ? verb
                                                       : Text(output, "status"));
    adjustments_.push_back({at, key.iteration, network, key.path.back(),
                            step->when().empty() ? "(always)" : OneLine(step->when()),
                            std::move(effect)});
  }
}

std::string RunSummary::Money(int64_t micros) const {
  return absl::StrCat(Amount(micros / 1e6), currency_.empty() ? "" : " ", currency_);
}

std::string RunSummary::Render(const v1::Run& run, const v1::SpendStatus& spend,
                               const RenderStyle& style) const {
  std::string out = absl::StrCat(
      "Summary of run ", run.run_id(), " — campaign ", run.campaign(), " v",
      run.campaign_version(), ", ", RunStatusName(run.status()), ", ",
      style.Time(run.created_at()), " → ", style.Time(run.ended_at()), " (",
      style.Elapsed(run.created_at(), run.ended_at()), ")\n");
  for (const std::string& part : {RenderPosts(), RenderAds(), RenderSpend(spend, style),
                                  RenderMeasurements(), community_.Render(),
                                  RenderAdjustments(style), RenderNotes(style)}) {
    if (!part.empty()) absl::StrAppend(&out, "\n", part);
  }
  return out;
}

nlohmann::json RunSummary::ToJson(const v1::Run& run, const v1::SpendStatus& spend) const {
  auto when = [](absl::Time t) {
    return t == absl::InfinitePast() ? "" : absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
  };
  nlohmann::json out = {
      {"run_id", run.run_id()}, {"campaign", run.campaign()}, {"version", run.campaign_version()},
      {"status", RunStatusName(run.status())},
      {"created_at", run.has_created_at() ? when(FromProtoTime(run.created_at())) : ""},
      {"ended_at", run.has_ended_at() ? when(FromProtoTime(run.ended_at())) : ""}};
  nlohmann::json& posts = out["posts"] = nlohmann::json::array();
  for (const Post& p : posts_) posts.push_back({{"network", p.network}, {"post_id", p.post_id}, {"url", p.url}});
  nlohmann::json& ads = out["ads"] = nlohmann::json::array();
  for (const Ad& a : ads_) {
    ads.push_back({{"network", a.network}, {"ad_id", a.ad_id}, {"daily_budget", a.daily_budget}});
  }
  nlohmann::json& measurements = out["measurements"] = nlohmann::json::array();
  for (const Measurement& m : measurements_) {
    measurements.push_back({{"at", when(m.at)}, {"iteration", m.iteration}, {"network", m.network},
                            {"impressions", m.impressions}, {"clicks", m.clicks}, {"cpc", m.cpc},
                            {"spend_micros", m.spend_micros}, {"status", m.status},
                            {"daily_budget", m.daily_budget}});
  }
  nlohmann::json& adjustments = out["adjustments"] = nlohmann::json::array();
  for (const Adjustment& a : adjustments_) {
    adjustments.push_back({{"at", when(a.at)}, {"iteration", a.iteration}, {"network", a.network},
                           {"step", a.step}, {"rule", a.rule}, {"effect", a.effect}});
  }
  out["community"] = community_.ToJson();
  nlohmann::json& notes = out["notes"] = nlohmann::json::array();
  for (const Note& n : notes_) notes.push_back({{"at", when(n.at)}, {"text", n.text}});
  out["spend"] = {{"spent_micros", spend.spent_micros()},
                  {"committed_daily_micros", spend.committed_daily_micros()},
                  {"currency", currency_}};
  return out;
}

std::string RunSummary::RenderPosts() const {
  if (posts_.empty()) return "";
  Table table({"NETWORK", "POST ID", "URL"});
  for (const Post& post : posts_) table.AddRow({post.network, post.post_id, post.url});
  return absl::StrCat("Posts\n", table.ToString());
}

std::string RunSummary::RenderAds() const {
  if (ads_.empty()) return "";
  Table table({"NETWORK", "AD ID", "STARTING DAILY BUDGET"});
  for (const Ad& ad : ads_) {
    table.AddRow({ad.network, ad.ad_id, Money(static_cast<int64_t>(ad.daily_budget * 1e6))});
  }
  return absl::StrCat("Ads\n", table.ToString());
}

std::string RunSummary::RenderSpend(const v1::SpendStatus& spend, const RenderStyle& style) const {
  const v1::Budget& budget = campaign_.spec().budget();
  if (measurements_.empty() && spend.spent_micros() == 0 && spend.committed_daily_micros() == 0) {
    return "";
  }
  // Measured spend per day since the first measurement.
  std::vector<int64_t> per_day;
  for (const Measurement& m : measurements_) {
    const size_t day = static_cast<size_t>((m.at - first_measurement_) / absl::Hours(24));
    if (per_day.size() <= day) per_day.resize(day + 1, 0);
    per_day[day] += m.spend_micros;
  }
  std::string out = "Ad spend";
  if (budget.total_micros() > 0 || budget.daily_max_micros() > 0) {
    absl::StrAppend(&out, " against the budget (total ", Money(budget.total_micros()),
                    ", at most ", Money(budget.daily_max_micros()), " a day)");
  }
  absl::StrAppend(&out, "\n");
  if (!per_day.empty()) {
    std::vector<double> values(per_day.begin(), per_day.end());
    absl::StrAppend(&out, "  per day  ", Sparkline(values), "  days 1–", per_day.size(), "\n");
    Table table({"DAY", "FROM", "SPENT", "TOTAL", "OF BUDGET"});
    int64_t total = 0;
    for (size_t day = 0; day < per_day.size(); ++day) {
      total += per_day[day];
      table.AddRow({absl::StrCat(day + 1), style.Time(first_measurement_ + absl::Hours(24) * day),
                    Money(per_day[day]), Money(total), Percent(total, budget.total_micros())});
    }
    absl::StrAppend(&out, table.ToString());
  }
  absl::StrAppend(&out, "  campaign total, all runs: spent ", Money(spend.spent_micros()));
  if (spend.total_micros() > 0) {
    absl::StrAppend(&out, " of ", Money(spend.total_micros()), " (",
                    Percent(spend.spent_micros(), spend.total_micros()), ")");
  }
  absl::StrAppend(&out, "; committed now ", Money(spend.committed_daily_micros()), " a day over ",
                  spend.active_ads(), " active ad(s), ", spend.paused_ads(), " paused",
                  spend.capped() ? "; CAPPED: the total was reached and the ads paused" : "",
                  "\n");
  return out;
}

std::string RunSummary::RenderMeasurements() const {
  if (measurements_.empty()) return "";
  // Per network: clicks and CPC per measurement, then per-day totals.
  std::map<std::string, std::vector<const Measurement*>> by_network;
  for (const Measurement& m : measurements_) by_network[m.network].push_back(&m);
  std::string out = absl::StrCat("Measurements (", measurements_.size(), ")\n");
  for (const auto& [network, list] : by_network) {
    std::vector<double> clicks, cpc;
    for (const Measurement* m : list) {
      clicks.push_back(static_cast<double>(m->clicks));
      cpc.push_back(m->cpc);
    }
    absl::StrAppend(&out, absl::StrFormat("  %-10s clicks %s\n  %-10s CPC    %s\n", network,
                                          Sparkline(clicks), "", Sparkline(cpc)));
  }
  Table table({"DAY", "NETWORK", "IMPRESSIONS", "CLICKS", "CPC", "SPEND", "STATUS", "DAILY BUDGET"});
  struct DayTotals {
    int64_t impressions = 0, clicks = 0, spend_micros = 0;
    std::string status;
    double daily_budget = 0;
  };
  std::map<std::pair<size_t, std::string>, DayTotals> days;
  for (const Measurement& m : measurements_) {
    DayTotals& day = days[{static_cast<size_t>((m.at - first_measurement_) / absl::Hours(24)),
                           m.network}];
    day.impressions += m.impressions;
    day.clicks += m.clicks;
    day.spend_micros += m.spend_micros;
    day.status = m.status;  // as of the day's last measurement
    day.daily_budget = m.daily_budget;
  }
  for (const auto& [key, day] : days) {
    const double cpc = day.clicks > 0 ? day.spend_micros / 1e6 / day.clicks : 0;
    table.AddRow({absl::StrCat(key.first + 1), key.second, absl::StrCat(day.impressions),
                  absl::StrCat(day.clicks), day.clicks > 0 ? Amount(cpc) : "-",
                  Money(day.spend_micros), day.status,
                  day.daily_budget > 0 ? Money(static_cast<int64_t>(day.daily_budget * 1e6)) : ""});
  }
  return absl::StrCat(out, table.ToString());
}

std::string RunSummary::RenderAdjustments(const RenderStyle& style) const {
  if (adjustments_.empty()) return "Adjustments: none; no rule fired\n";
  Table table({"WHEN", "ITERATION", "NETWORK", "STEP", "EFFECT", "RULE"});
  for (const Adjustment& a : adjustments_) {
    table.AddRow({style.Time(a.at), a.iteration > 0 ? absl::StrCat("#", a.iteration) : "",
                  a.network, a.step, a.effect, a.rule});
  }
  return absl::StrCat("Adjustments (", adjustments_.size(), ")\n", table.ToString());
}

std::string RunSummary::RenderNotes(const RenderStyle& style) const {
  std::vector<std::string> lines;
  for (const Note& note : notes_) lines.push_back(absl::StrCat(style.Time(note.at), "  ", note.text));
  for (const std::string& repeat : compacted_) {
    auto seen = first_iteration_seen_.find(repeat);
    if (seen != first_iteration_seen_.end() && seen->second <= 1) continue;
    lines.push_back(absl::StrCat(repeat, ": ",
                                 seen == first_iteration_seen_.end()
                                     ? "its iterations were"
                                     : absl::StrCat("iterations before #", seen->second, " were"),
                                 " compacted before this summary read them, so they are missing "
                                 "above; "
                                 "`fanfare run --watch --summary` and `fanfare watch --summary` "
                                 "see every iteration"));
  }
  if (lines.empty()) return "";
  return absl::StrCat("Notes\n  ", absl::StrJoin(lines, "\n  "), "\n");
}

}  // namespace fanfare::cli
