// Approval steps: who may decide, how many must approve, and what exactly they approved.
//
// When an approval step starts waiting it records the digest of its subject: the campaign
// version, the run's params, its item and the views of every step it depends on (the copy,
// the variants, the accounts and budgets its dependents will use come from there). Each
// approval keeps the digest it approved. A step downstream of the approval (directly or not)
// checks, when it is prepared, that the digest is still what it would be now; if not (a
// retried upstream step produced something else), the approval is asked for again and the
// step is held until it is given. Each such check costs a digest of the approval's upstream
// views; the cycle's bound on new instances bounds how many one cycle makes.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/proto_time.h"
#include "base/sha256.h"
#include "engine/expr/proto_value.h"
#include "engine/scheduler/scheduler.h"

namespace fanfare::scheduler {
namespace {

std::string ShortDigest(absl::string_view digest) { return std::string(digest.substr(0, 12)); }

bool HasApproved(const StepInstance& instance, const std::string& subject) {
  return std::any_of(instance.approvals.begin(), instance.approvals.end(),
                     [&](const v1::Approval& a) { return a.subject() == subject; });
}

// Whether `decision` is one already recorded, so that making it again changes nothing.
bool AlreadyDecided(const StepInstance& instance, const Scheduler::Decision& decision) {
  if (decision.approve) {
    return (instance.state == v1::STEP_STATE_WAITING ||
            instance.state == v1::STEP_STATE_SUCCEEDED) &&
           HasApproved(instance, decision.subject);
  }
  return instance.state == v1::STEP_STATE_FAILED &&
         instance.last_error.type() == v1::ERROR_TYPE_REJECTED_INPUT &&
         instance.decided_by == decision.subject;
}

int RequiredApprovals(const StepDef& def) {
  return std::max(1, def.proto->approval().min_approvers());
}

}  // namespace

std::string Scheduler::ApprovalDigest(const RunState& run, const StepInstance& approval) const {
  google::protobuf::Struct subject;
  auto& fields = *subject.mutable_fields();
  fields["campaign"].set_string_value(run.campaign().name());
  fields["campaign_version"].set_number_value(static_cast<double>(run.campaign().version()));
  *fields["params"].mutable_struct_value() = run.record().params();
  // The views hold outputs that converted once already; one that did not shows as null.
  expr::ToProto(approval.item, &fields["item"]).IgnoreError();
  expr::ToProto(UpstreamView(run, approval), &fields["upstream"]).IgnoreError();
  return MessageSha256Hex(subject);
}

void Scheduler::AwaitDecisions(RunState& run, StepInstance& instance,
                               const expr::Activation& vars) {
  const StepDef& def = *instance.def;
  const absl::Time now = clock_.Now();
  instance.state = v1::STEP_STATE_WAITING;
  instance.approvals.clear();
  instance.decided_by.clear();
  instance.waiting.Clear();
  instance.waiting.set_kind(v1::WaitingReason::KIND_APPROVAL);
  instance.waiting.set_approval_digest(ApprovalDigest(run, instance));
  if (def.approval_message.has_value()) {
    instance.waiting.set_detail(def.approval_message->Render(vars).ToText());
  }
  if (def.decision_timeout != absl::InfiniteDuration()) {
    *instance.waiting.mutable_until() = ToProtoTime(now + def.decision_timeout);
    SetTimer(run, instance, TimerKind::kDecisionTimeout, now + def.decision_timeout);
  }
  run.Touch(instance);
  run.AddEvent(v1::EVENT_TYPE_STEP_WAITING, now, &instance).set_message(instance.waiting.detail());
}

absl::Status Scheduler::Decide(RunState& run, StepInstance& instance, const Decision& decision) {
  const StepDef& def = *instance.def;
  if (def.kind != StepDef::Kind::kApproval) {
    return absl::FailedPreconditionError(
        absl::StrCat("step ", instance.key, " is not an approval step"));
  }
  if (AlreadyDecided(instance, decision)) return absl::OkStatus();
  if (instance.state != v1::STEP_STATE_WAITING) {
    return absl::FailedPreconditionError(absl::StrCat(
        "step ", instance.key, " is not waiting for a decision (it is ",
        absl::StripPrefix(v1::StepState_Name(instance.state), "STEP_STATE_"), ")"));
  }
  if (instance.held_for_approval) {
    return absl::FailedPreconditionError(absl::StrCat(
        "step ", instance.key, " cannot be decided yet: ", instance.waiting.detail()));
  }
  if (absl::Status may = MayDecide(run, instance, decision); !may.ok()) return may;
  if (instance.waiting.approval_digest().empty()) {
    // Waiting since before approvals had digests: what it asks is what it sees now.
    instance.waiting.set_approval_digest(ApprovalDigest(run, instance));
    run.Touch(instance);
  }
  if (!decision.digest.empty() && decision.digest != instance.waiting.approval_digest()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "step ", instance.key, " now asks to approve something else than what was reviewed ",
        "(digest ", ShortDigest(decision.digest), "…, now ",
        ShortDigest(instance.waiting.approval_digest()), "…): review it again"));
  }
  if (decision.approve) {
    Approve(run, instance, decision);
  } else {
    Reject(run, instance, decision);
  }
  return absl::OkStatus();
}

absl::Status Scheduler::MayDecide(const RunState& run, const StepInstance& instance,
                                  const Decision& decision) const {
  const v1::ApprovalSpec& spec = instance.def->proto->approval();
  const auto& approvers = spec.approvers();
  if (!approvers.empty() &&
      std::find(approvers.begin(), approvers.end(), decision.subject) == approvers.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat("'", decision.subject, "' may not decide ", instance.key,
                     "; approvers are ", absl::StrJoin(approvers, ", ")));
  }
  const bool counts_people = spec.separation_of_duties() || RequiredApprovals(*instance.def) > 1;
  if (counts_people && decision.subject.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "deciding ", instance.key, " needs the decider's name: the step counts approvers"));
  }
  if (decision.approve && spec.separation_of_duties() &&
      decision.subject == run.record().started_by()) {
    return absl::PermissionDeniedError(
        absl::StrCat("'", decision.subject, "' started run '", run.run_id(),
                     "' and may not approve ", instance.key, " (separation_of_duties)"));
  }
  return absl::OkStatus();
}

void Scheduler::Approve(RunState& run, StepInstance& instance, const Decision& decision) {
  const absl::Time now = clock_.Now();
  v1::Approval& approval = instance.approvals.emplace_back();
  approval.set_issuer(decision.issuer);
  approval.set_subject(decision.subject);
  *approval.mutable_approved_at() = ToProtoTime(now);
  approval.set_digest(instance.waiting.approval_digest());
  approval.set_comment(decision.comment);
  instance.decided_by = decision.subject;
  run.Touch(instance);
  const int required = RequiredApprovals(*instance.def);
  const int given = static_cast<int>(instance.approvals.size());
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_STEP_APPROVED, now, &instance);
  event.set_actor(decision.subject);
  event.set_message(required == 1 ? decision.comment
                                  : absl::StrCat("approval ", given, " of ", required,
                                                 decision.comment.empty() ? "" : ": ",
                                                 decision.comment));
  if (given < required) return;
  expr::Value::List approvers;
  for (const v1::Approval& a : instance.approvals) {
    approvers.push_back(expr::Value::String(a.subject()));
  }
  instance.output = expr::Value::MakeMap({{"approved", expr::Value::Bool(true)},
                                          {"by", expr::Value::String(decision.subject)},
                                          {"approvers", expr::Value::MakeList(std::move(approvers))},
                                          {"comment", expr::Value::String(decision.comment)}});
  Finish(run, instance, v1::STEP_STATE_SUCCEEDED);
}

void Scheduler::Reject(RunState& run, StepInstance& instance, const Decision& decision) {
  instance.decided_by = decision.subject;
  v1::HistoryEvent& event =
      run.AddEvent(v1::EVENT_TYPE_STEP_REJECTED, clock_.Now(), &instance);
  event.set_actor(decision.subject);
  event.set_message(decision.comment);
  instance.output = expr::Value::MakeMap({{"approved", expr::Value::Bool(false)},
                                          {"by", expr::Value::String(decision.subject)},
                                          {"comment", expr::Value::String(decision.comment)}});
  FailInstance(run, instance, v1::ERROR_TYPE_REJECTED_INPUT,
               absl::StrCat("rejected by ", decision.subject,
                            decision.comment.empty() ? "" : ": ", decision.comment));
}

bool Scheduler::ApprovalsHold(RunState& run, StepInstance& instance) {
  const Scope& top = run.campaign().root();
  const Scope& scope = *instance.scope;
  const std::vector<int>* outer =
      &scope == &top ? nullptr : &top.steps[scope.owner].upstream_approvals;
  if (instance.def->upstream_approvals.empty() && (outer == nullptr || outer->empty())) {
    return true;
  }
  std::vector<std::string> waiting;  // approvals to be given (again) first
  bool not_given = false;            // an approval upstream was skipped or failed
  auto check = [&](const Scope& in, int index, int iteration) {
    const StepDef& def = in.steps[index];
    const StepGroup* group = run.FindGroup(in, index, iteration);
    const GroupOutcome outcome =
        group == nullptr ? GroupOutcome::kPending : OutcomeOf(*group, def);
    if (outcome != GroupOutcome::kSucceeded) {
      if (outcome == GroupOutcome::kPending) waiting.push_back(def.id);
      not_given = not_given || outcome != GroupOutcome::kPending;
      return;
    }
    for (StepInstance* approval : group->instances) {
      if (approval->approvals.empty() ||
          ApprovalDigest(run, *approval) == approval->approvals.back().digest()) {
        continue;
      }
      Reopen(run, *approval);
      waiting.push_back(approval->key);
    }
  };
  for (int index : instance.def->upstream_approvals) check(scope, index, instance.iteration);
  if (outer != nullptr) {
    for (int index : *outer) check(top, index, 0);
  }
  if (waiting.empty()) {
    const bool was_held = std::exchange(instance.held_for_approval, false);
    // Held, then the approval ended without being given: as for a step whose need was
    // skipped, unless its own `when` decides.
    if (was_held && not_given && !instance.def->when.has_value()) {
      instance.waiting.set_detail("an approval it waited for was not given");
      Finish(run, instance, v1::STEP_STATE_SKIPPED);
      return false;
    }
    return true;
  }
  instance.held_for_approval = true;
  instance.state = v1::STEP_STATE_WAITING;
  instance.waiting.Clear();
  instance.waiting.set_kind(v1::WaitingReason::KIND_APPROVAL);
  instance.waiting.set_detail(absl::StrCat("waiting for ", absl::StrJoin(waiting, ", "),
                                           " to be approved: what it approves changed"));
  run.Touch(instance);
  run.AddEvent(v1::EVENT_TYPE_STEP_WAITING, clock_.Now(), &instance)
      .set_message(instance.waiting.detail());
  return false;
}

void Scheduler::Reopen(RunState& run, StepInstance& approval) {
  run.ResetSettled();  // a settled step is pending again
  approval.output = expr::Value();
  approval.ended_at = absl::InfinitePast();
  const expr::Activation vars =
      MakeActivation(run, *approval.scope, approval.iteration, &approval, approval.def);
  AwaitDecisions(run, approval, vars);
}

void Scheduler::ResumeHeld(RunState& run) {
  std::vector<StepInstance*> held;
  for (const auto& instance : run.instances()) {
    if (instance->held_for_approval) held.push_back(instance.get());
  }
  for (StepInstance* instance : held) {
    if (run.terminal()) return;
    if (instance->held_for_approval) Prepare(run, *instance);
  }
}

}  // namespace fanfare::scheduler
