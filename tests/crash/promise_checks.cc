#include "tests/crash/promise_checks.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "workers/common/adapter.h"

namespace fanfare::crash {
namespace {

std::string Usd(int64_t micros) { return absl::StrFormat("%.2f USD", micros / 1e6); }

std::string OutputString(const v1::StepInstance& step, const std::string& field) {
  const auto& fields = step.output().struct_value().fields();
  auto it = fields.find(field);
  return it == fields.end() ? "" : it->second.string_value();
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// "Promise suite run promise-03-r1 on instagram" → "promise-03-r1"; "" if none.
std::string RunOfText(const std::string& text) {
  size_t at = text.find("run ");
  if (at == std::string::npos) return "";
  at += 4;
  return text.substr(at, text.find_first_of(" \n", at) - at);
}

// "Fanfare fanfare-1a2b3c4d5e6f" → "fanfare-1a2b3c4d5e6f"; "" if the name holds none.
std::string ReferenceOfName(const std::string& name) {
  const size_t at = name.find("fanfare-");
  return at == std::string::npos ? "" : name.substr(at, name.find(' ', at) - at);
}

// The ad objects of one client reference on the network.
struct BoostObjects {
  std::vector<std::string> campaigns;  // "<network>:<id>"
  int ad_sets = 0;
  int ads = 0;
};

// Why a FAILED run failed, if the faults justify it: every failed step used up its attempts
// on transient errors or lost attempts (the last one of a publish or boost lost and then
// found, by its reconcile, never to have acted: "not_found"). Empty if not justified;
// `*detail` says what failed either way.
std::string JustifiedFailure(const v1::Run& run, int max_attempts, std::string* detail) {
  std::vector<std::string> failed;
  bool justified = true;
  for (const v1::StepInstance& step : run.steps()) {
    if (step.state() != v1::STEP_STATE_FAILED) continue;
    const v1::ErrorType type = step.last_error().type();
    failed.push_back(absl::StrCat(step.key(), " after ", step.attempt(), " attempts: ",
                                  v1::ErrorType_Name(type), ": ", step.last_error().message()));
    const bool lost_and_not_found =
        type == v1::ERROR_TYPE_OUTCOME_UNKNOWN && step.last_error().code() == "not_found";
    justified = justified && step.attempt() >= max_attempts &&
                (type == v1::ERROR_TYPE_RETRYABLE || type == v1::ERROR_TYPE_TIMEOUT ||
                 lost_and_not_found);
  }
  *detail = failed.empty() ? absl::StrCat("no failed step; run error: ",
                                          run.error().message())
                           : absl::StrJoin(failed, "; ");
  return justified && !failed.empty() ? "a step used up its attempts on transient errors or lost "
                                        "attempts"
                                      : "";
}

std::string Unfinished(const v1::Run& run) {
  std::vector<std::string> open;
  for (const v1::StepInstance& step : run.steps()) {
    const v1::StepState s = step.state();
    if (s == v1::STEP_STATE_SUCCEEDED || s == v1::STEP_STATE_FAILED ||
        s == v1::STEP_STATE_SKIPPED) {
      continue;
    }
    open.push_back(absl::StrCat(step.key(), " ", v1::StepState_Name(s), " attempt ",
                                step.attempt(),
                                step.has_last_error()
                                    ? absl::StrCat(" (", step.last_error().message(), ")")
                                    : ""));
  }
  return absl::StrCat(v1::RunStatus_Name(run.status()), "; open steps: ",
                      open.empty() ? "none" : absl::StrJoin(open, ", "));
}

}  // namespace

void CheckReplies(const Json& comments, const std::vector<RunReport>& runs, Findings& findings) {
  std::vector<std::string>& problems = findings.reply_problems;
  std::map<std::string, std::vector<std::string>> held;  // by run
  for (const Json& c : comments.value("comments", Json::array())) {
    if (!c.value("by_account", false)) continue;
    const std::string run = RunOfText(c.value("text", ""));
    if (run.empty()) continue;
    findings.replies++;
    held[run].push_back(c.value("id", ""));
  }
  for (const RunReport& report : runs) {
    if (!report.run.has_value()) continue;
    for (const v1::StepInstance& step : report.run->steps()) {
      if (step.step_id() != "reply") continue;
      const std::vector<std::string>& ids = held[report.run_id];
      const std::string where = absl::StrCat("run ", report.run_id, " ", step.key(), " (",
                                             v1::StepState_Name(step.state()), ")");
      if (ids.size() > 1) {
        findings.extra_replies += static_cast<int>(ids.size()) - 1;
        problems.push_back(absl::StrCat(where, ": ", ids.size(), " replies: ",
                                        absl::StrJoin(ids, ", ")));
      }
      if (step.state() == v1::STEP_STATE_SUCCEEDED) {
        findings.expected_replies++;
        const std::string reported = OutputString(step, "reply_id");
        if (!Contains(ids, reported)) {
          problems.push_back(absl::StrCat(where, ": reports reply ", reported, " but x holds ",
                                          ids.empty() ? "none" : absl::StrJoin(ids, ", ")));
        }
      } else if ((step.state() == v1::STEP_STATE_FAILED ||
                  step.state() == v1::STEP_STATE_SKIPPED) && !ids.empty()) {
        problems.push_back(absl::StrCat(where, ": did not succeed, yet x holds ",
                                        absl::StrJoin(ids, ", ")));
      }
    }
  }
}

void CheckPosts(const Json& posts, const std::vector<RunReport>& runs, Findings& findings) {
  std::vector<std::string>& problems = findings.post_problems;
  std::set<std::string> suite_runs;
  for (const RunReport& report : runs) suite_runs.insert(report.run_id);
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> held;  // (run, net)
  for (const Json& post : posts.value("posts", Json::array())) {
    const std::string network = post.value("network", "");
    const std::string id = post.value("id", "");
    const std::string run = RunOfText(post.value("text", ""));
    if (suite_runs.count(run) == 0) {
      problems.push_back(absl::StrCat("post ", id, " on ", network,
                                      " belongs to no run of the suite: '",
                                      post.value("text", ""), "'"));
      continue;
    }
    findings.posts++;
    held[{run, network}].push_back(id);
  }
  for (const RunReport& report : runs) {
    if (!report.run.has_value()) continue;
    for (const v1::StepInstance& step : report.run->steps()) {
      if (step.step_id() != "publish") continue;
      const std::vector<std::string>& ids = held[{report.run_id, step.item()}];
      const std::string where = absl::StrCat("run ", report.run_id, " ", step.key(), " (",
                                             v1::StepState_Name(step.state()), ")");
      if (ids.size() > 1) {
        findings.extra_posts += static_cast<int>(ids.size()) - 1;
        problems.push_back(absl::StrCat(where, ": ", ids.size(), " posts on ", step.item(),
                                        ": ", absl::StrJoin(ids, ", ")));
      }
      if (step.state() == v1::STEP_STATE_SUCCEEDED) {
        findings.expected_posts++;
        const std::string reported = OutputString(step, "post_id");
        if (ids.empty()) {
          problems.push_back(absl::StrCat(where, ": reports post ", reported, " but ",
                                          step.item(), " holds none"));
        } else if (!Contains(ids, reported)) {
          problems.push_back(absl::StrCat(where, ": reports post ", reported, " but ",
                                          step.item(), " holds ", absl::StrJoin(ids, ", ")));
        }
      } else if ((step.state() == v1::STEP_STATE_FAILED ||
                  step.state() == v1::STEP_STATE_SKIPPED) && !ids.empty()) {
        problems.push_back(absl::StrCat(where, ": did not succeed, yet ", step.item(),
                                        " holds ", absl::StrJoin(ids, ", ")));
      }
    }
  }
}

void CheckAds(const Json& ads, const std::vector<RunReport>& runs, Findings& findings) {
  std::vector<std::string>& problems = findings.ad_problems;
  std::map<std::string, BoostObjects> by_reference;
  std::vector<std::string> unnamed;
  for (const Json& entity : ads.value("ads", Json::array())) {
    const std::string kind = entity.value("kind", "");
    const std::string reference = ReferenceOfName(entity.value("name", ""));
    const std::string id = absl::StrCat(entity.value("network", ""), ":", entity.value("id", ""));
    if (kind == "campaign") findings.ad_campaigns++;
    if (reference.empty()) {
      if (kind == "campaign") unnamed.push_back(id);
      continue;
    }
    BoostObjects& objects = by_reference[reference];
    if (kind == "campaign") objects.campaigns.push_back(id);
    if (kind == "adset") objects.ad_sets++;
    if (kind == "ad") objects.ads++;
  }
  for (const std::string& id : unnamed) {
    problems.push_back(absl::StrCat("ad campaign ", id, " carries no client reference"));
  }
  for (const RunReport& report : runs) {
    if (!report.run.has_value()) continue;
    for (const v1::StepInstance& step : report.run->steps()) {
      if (step.step_id() != "boost") continue;
      const std::string reference = workers::ClientReference(step.idempotency_key());
      auto it = by_reference.find(reference);
      const BoostObjects objects = it == by_reference.end() ? BoostObjects{} : it->second;
      if (it != by_reference.end()) by_reference.erase(it);
      const std::string where =
          absl::StrCat("run ", report.run_id, " ", step.key(), " (", reference, ", ",
                       v1::StepState_Name(step.state()), ")");
      findings.extra_campaigns += std::max(0, static_cast<int>(objects.campaigns.size()) - 1);
      findings.extra_ads += std::max(0, objects.ads - 1);
      if (objects.campaigns.size() > 1 || objects.ad_sets > 1 || objects.ads > 1) {
        problems.push_back(absl::StrCat(where, ": ", objects.campaigns.size(),
                                        " ad campaigns (", absl::StrJoin(objects.campaigns, ", "),
                                        "), ", objects.ad_sets, " ad sets, ", objects.ads,
                                        " ads"));
      }
      if (step.state() != v1::STEP_STATE_SUCCEEDED) continue;
      findings.boosts++;
      const std::string reported =
          absl::StrCat(step.item(), ":", OutputString(step, "campaign_id"));
      if (!Contains(objects.campaigns, reported)) {
        problems.push_back(absl::StrCat(where, ": reports ad campaign ", reported,
                                        " but the network holds [",
                                        absl::StrJoin(objects.campaigns, ", "), "]"));
      }
    }
  }
  for (const auto& [reference, objects] : by_reference) {
    if (objects.campaigns.empty()) continue;
    problems.push_back(absl::StrCat("ad campaigns ", absl::StrJoin(objects.campaigns, ", "),
                                    " (", reference, ") belong to no boost of the suite"));
  }
}

void CheckBudgets(const Json& budgets, const std::vector<CampaignCap>& caps, Findings& findings) {
  std::vector<std::string>& problems = findings.budget_problems;
  const Json accounts = budgets.value("accounts", Json::object());
  for (const CampaignCap& cap : caps) {
    const Json account = accounts.value(cap.ad_account, Json::object());
    const int64_t highest = account.value("max_daily_budget_micros", int64_t{0});
    const int64_t now = account.value("daily_budget_micros", int64_t{0});
    // The summary quotes the account that came closest to its cap, or went furthest past it.
    if (findings.cap_micros == 0 ||
        highest - cap.daily_max_micros > findings.max_committed_micros - findings.cap_micros) {
      findings.max_committed_micros = highest;
      findings.cap_micros = cap.daily_max_micros;
    }
    if (highest > cap.daily_max_micros) {
      findings.accounts_over_cap++;
      problems.push_back(absl::StrCat("campaign ", cap.campaign, " (", cap.ad_account,
                                      "): the ad sets' daily budgets reached ", Usd(highest),
                                      " at ", account.value("max_at", ""),
                                      ", over its daily_max of ", Usd(cap.daily_max_micros)));
    }
    if (now != cap.ledger_committed_micros) {
      problems.push_back(absl::StrCat("campaign ", cap.campaign, " (", cap.ad_account,
                                      "): the network commits ", Usd(now),
                                      " a day, the coordinator's ledger ",
                                      Usd(cap.ledger_committed_micros)));
    }
  }
}

void CheckRunsFinished(const std::vector<RunReport>& runs, int max_attempts, Findings& findings) {
  std::vector<std::string>& problems = findings.run_problems;
  for (const RunReport& report : runs) {
    if (!report.acknowledged) continue;
    if (!report.run.has_value()) {
      findings.unfinished++;
      problems.push_back(absl::StrCat("run ", report.run_id,
                                      ": started (acknowledged) but unknown to the coordinator"));
      continue;
    }
    const v1::Run& run = *report.run;
    if (run.status() == v1::RUN_STATUS_SUCCEEDED) {
      findings.succeeded++;
      continue;
    }
    if (run.status() == v1::RUN_STATUS_FAILED) {
      std::string detail;
      const std::string reason = JustifiedFailure(run, max_attempts, &detail);
      if (!reason.empty()) {
        findings.failed_justified++;
        findings.failure_reasons[reason]++;
      } else {
        findings.failed_other++;
        problems.push_back(absl::StrCat("run ", report.run_id, " FAILED: ", detail));
      }
      continue;
    }
    findings.unfinished++;
    problems.push_back(absl::StrCat("run ", report.run_id, " did not finish: ", Unfinished(run)));
  }
}

}  // namespace fanfare::crash
