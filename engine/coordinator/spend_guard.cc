#include "engine/coordinator/spend_guard.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/definition/loader.h"

namespace fanfare::coordinator {
namespace {

// The built-in campaign that pauses a capped campaign's ads, one instance per ad.
constexpr char kGuardCampaign[] = R"yaml(
name: budget-guard
description: Pauses the ads of a campaign that reached its total budget (started by fanfared).
params:
  campaign: {type: string, required: true}
  ads: {type: list, required: true}
steps:
  - id: pause
    for_each: "{{ params.ads }}"
    action: "{{ item.network }}.pause"
    with:
      account: "{{ item.account }}"
      ad_id: "{{ item.ad_id }}"
      ad_set_id: "{{ item.ad_set_id }}"
    retry: {max_attempts: 20, initial_backoff: 5s, max_backoff: 10m}
)yaml";

SpendTask SpendTaskOf(const scheduler::RunState& run, const scheduler::StepInstance& instance) {
  return SpendTask{.ns = run.ns(),
                   .campaign = run.campaign().name(),
                   .budget = &run.campaign().spec().budget(),
                   .network = instance.queue,
                   .account = instance.account,
                   .verb = instance.def->verb,
                   .input = &instance.input,
                   .task_id = instance.task_id};
}

}  // namespace

bool SpendGuard::Admit(scheduler::RunState& run, scheduler::StepInstance& instance) {
  // A reconcile keeps the reservation its execution made.
  if (!MovesMoney(instance.def->verb) || instance.purpose == v1::TASK_PURPOSE_RECONCILE) return true;
  SpendLedger::Verdict verdict = ledger_.Reserve(SpendTaskOf(run, instance), clock_->Now());
  if (verdict.kind == SpendLedger::Verdict::Kind::kAllow) return true;
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_BUDGET_GUARDRAIL, clock_->Now(), &instance);
  event.set_message(verdict.reason);
  if (verdict.kind == SpendLedger::Verdict::Kind::kClip) {
    (*instance.input.mutable_fields())["daily_budget"].set_number_value(
        static_cast<double>(verdict.budget_micros) / 1e6);
    run.Touch(instance);
    return true;
  }
  scheduler_->Skip(run, instance, absl::StrCat("budget guardrail: ", verdict.reason));
  return false;
}

std::optional<google::protobuf::ListValue> SpendGuard::RecordSuccess(
    scheduler::RunState& run, const scheduler::StepInstance& instance,
    const google::protobuf::Value& output) {
  if (instance.purpose == v1::TASK_PURPOSE_RECONCILE && instance.def->verb != "boost") {
    return std::nullopt;
  }
  if (!ledger_.Record(SpendTaskOf(run, instance), output)) return std::nullopt;
  const std::string& ns = run.ns();
  const std::string& campaign = run.campaign().name();
  google::protobuf::ListValue ads = ledger_.ActiveAds(ns, campaign);
  ledger_.MarkCapped(ns, campaign);
  if (ads.values_size() == 0) return std::nullopt;
  return ads;
}

void SpendGuard::Ended(const scheduler::RunState& run, const scheduler::StepInstance& instance) {
  if (instance.def == nullptr || !MovesMoney(instance.def->verb)) return;
  // A step that ended without success may have an attempt still acting (lost, reported
  // unknown, or cancelled while leased): its reservation counts until that one cannot act.
  const absl::Time now = clock_->Now();
  const absl::Time until = instance.state == v1::STEP_STATE_SUCCEEDED
                               ? now
                               : std::max(now, instance.unsettled_until);
  ledger_.Release(run.ns(), run.campaign().name(), instance.task_id, until, now);
}

absl::StatusOr<SpendGuard::PauseRun> SpendGuard::PauseRunFor(const std::string& ns,
                                                             const std::string& campaign,
                                                             google::protobuf::ListValue ads) {
  definition::LoadResult guard =
      definition::ParseCampaign(kGuardCampaign, definition::SourceFormat::kYaml, "budget-guard");
  if (!guard.status.ok()) return guard.status;
  PauseRun pause;
  *pause.apply.mutable_spec() = std::move(guard.spec);
  pause.apply.mutable_spec()->mutable_metadata()->set_namespace_(ns);
  pause.start.set_namespace_(ns);
  pause.start.set_campaign("budget-guard");
  pause.start.set_run_id(absl::StrCat(campaign, "-budget-guard"));
  pause.start.set_identity("budget guardrail");
  auto& params = *pause.start.mutable_params()->mutable_fields();
  params["campaign"].set_string_value(campaign);
  *params["ads"].mutable_list_value() = std::move(ads);
  return pause;
}

void SpendGuard::PauseStarted(scheduler::RunState& run, const scheduler::StepInstance& instance,
                              const std::string& pause_run) {
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_BUDGET_GUARDRAIL, clock_->Now(), &instance);
  event.set_message(absl::StrCat("total budget reached: no further spend is admitted, and run ",
                                 pause_run, " pauses the campaign's live ads"));
}

void SpendGuard::PauseFailed(scheduler::RunState& run, const scheduler::StepInstance& instance,
                             const absl::Status& why) {
  // The cap holds for new spend (MarkCapped) whatever happened, but the ads already live keep
  // spending until someone pauses them: say so where the run's owner looks.
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_BUDGET_GUARDRAIL, clock_->Now(), &instance);
  event.set_message(absl::StrCat("total budget reached, but the run pausing the campaign's ",
                                 "ads could not start: ", why.message()));
}

}  // namespace fanfare::coordinator
