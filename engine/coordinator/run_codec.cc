#include "engine/coordinator/run_codec.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "engine/expr/proto_value.h"

namespace fanfare::coordinator {
namespace {

using scheduler::Scope;
using scheduler::StepInstance;

// 0 for the campaign's steps, else 1 + the index of the repeat step owning the block.
int ScopeNumber(const Scope& scope) { return scope.owner < 0 ? 0 : scope.owner + 1; }

const Scope* ScopeOf(const Scope& root, int number) {
  if (number == 0) return &root;
  const int owner = number - 1;
  if (owner < 0 || owner >= static_cast<int>(root.steps.size()) || !root.steps[owner].body) {
    return nullptr;
  }
  return root.steps[owner].body.get();
}

void SetTime(google::protobuf::Timestamp* out, absl::Time t) {
  if (t != absl::InfinitePast() && t != absl::InfiniteFuture()) *out = ToProtoTime(t);
}

absl::Time ReadTime(const google::protobuf::Timestamp& t) { return FromProtoTime(t); }

// What the instance does: its resolved action, or the built-in kind's name.
std::string ActionOf(const StepInstance& instance) {
  switch (instance.def->kind) {
    case scheduler::StepDef::Kind::kWait: return "wait";
    case scheduler::StepDef::Kind::kApproval: return "approval";
    case scheduler::StepDef::Kind::kSignal: return "signal";
    case scheduler::StepDef::Kind::kRepeat: return "repeat";
    case scheduler::StepDef::Kind::kAction: break;
  }
  return instance.action.empty() ? instance.def->proto->action() : instance.action;
}

// The public view of an instance, without what depends on its run.
void FillView(const StepInstance& instance, v1::StepInstance& out) {
  out.set_key(instance.key);
  out.set_step_id(instance.def->id);
  out.set_item(instance.item_key);
  out.set_iteration(instance.iteration);
  out.set_state(instance.state);
  out.set_action(ActionOf(instance));
  out.set_attempt(instance.attempt);
  out.set_task_id(instance.task_id);
  SetTime(out.mutable_ready_at(), instance.ready_at);
  SetTime(out.mutable_started_at(), instance.started_at);
  SetTime(out.mutable_ended_at(), instance.ended_at);
  if (!instance.output.is_null() && !expr::ToProto(instance.output, out.mutable_output()).ok()) {
    out.clear_output();  // Succeed accepts only outputs that convert; this is never reached
  }
  if (instance.last_error.type() != v1::ERROR_TYPE_UNSPECIFIED) {
    *out.mutable_last_error() = instance.last_error;
  }
  if (instance.waiting.ByteSizeLong() > 0) *out.mutable_waiting() = instance.waiting;
  if (instance.leased()) out.set_worker_id(instance.worker_id);
  out.set_account(instance.account);
  out.mutable_approvals()->Assign(instance.approvals.begin(), instance.approvals.end());
}

}  // namespace

internal::RunRecord EncodeRun(const scheduler::RunState& run) {
  internal::RunRecord record;
  *record.mutable_run() = run.record();
  record.mutable_run()->clear_steps();
  // A recovered record holds the counts of its last write, which may be out of date.
  record.mutable_run()->clear_step_counts();
  for (const auto& [state, count] : run.CountStates()) {
    (*record.mutable_run()->mutable_step_counts())[state] = count;
  }
  record.set_next_event_seq(run.next_event_seq());
  record.set_start_task_id(run.start_task_id);
  for (const auto& signal : run.buffered_signals()) {
    internal::BufferedSignal& out = *record.add_signals();
    out.set_name(signal.name);
    if (auto payload = expr::ToProto(signal.payload); payload.ok()) *out.mutable_payload() = *payload;
    out.set_identity(signal.identity);
  }
  const Scope& root = run.campaign().root();
  for (const auto& def : root.steps) {
    if (def.kind != scheduler::StepDef::Kind::kRepeat) continue;
    if (const int i = run.iteration(def.index); i > 0) (*record.mutable_iterations())[def.index] = i;
    if (const int k = run.first_kept_iteration(def.index); k > 1) {
      (*record.mutable_first_kept_iterations())[def.index] = k;
    }
    if (const int64_t seq = run.compaction_event(def.index); seq > 0) {
      (*record.mutable_compaction_event_seqs())[def.index] = seq;
    }
  }
  return record;
}

v1::StepInstance PublicInstance(const StepInstance& instance, const scheduler::RunState& run) {
  v1::StepInstance out;
  FillView(instance, out);
  out.set_idempotency_key(scheduler::IdempotencyKey(run.ns(), run.run_id(), instance.key));
  return out;
}

void EncodeStep(const StepInstance& instance, internal::StepRecord& record) {
  FillView(instance, *record.mutable_instance());
  record.mutable_instance()->set_worker_id(instance.worker_id);
  record.set_scope(ScopeNumber(*instance.scope));
  record.set_step_index(instance.def->index);
  if (instance.item_index >= 0 && !expr::ToProto(instance.item, record.mutable_item()).ok()) {
    record.clear_item();  // items come from lists that converted when the step expanded
  }
  record.set_item_index(instance.item_index);
  if (instance.fan_out_items.is_list()) {
    google::protobuf::Value items;
    if (expr::ToProto(instance.fan_out_items, &items).ok()) {
      record.mutable_fan_out_items()->Swap(items.mutable_list_value());
    }
  }
  *record.mutable_input() = instance.input;
  record.set_queue(instance.queue);
  record.set_idempotent(instance.idempotent);
  record.set_purpose(instance.purpose);
  record.set_reconcile_attempts(instance.reconcile_attempts);
  record.set_lease_deadline_us(ToMicrosOrZero(instance.lease_deadline));
  record.set_attempt_deadline_us(ToMicrosOrZero(instance.attempt_deadline));
  record.set_timer_at_us(ToMicrosOrZero(instance.timer_at));
  record.set_timer_kind(static_cast<int>(instance.timer_kind));
  record.set_decided_by(instance.decided_by);
  record.set_lease_holder(instance.lease_holder);
  record.set_held_for_approval(instance.held_for_approval);
  record.set_attempts_before_rerun(instance.attempts_before_rerun);
  record.set_unsettled_until_us(instance.in_doubt() ? absl::ToUnixMicros(instance.unsettled_until)
                                                    : 0);
}

v1::Run PublicRun(const scheduler::RunState& run) {
  v1::Run out = EncodeRun(run).run();
  for (const auto& instance : run.instances()) *out.add_steps() = PublicInstance(*instance, run);
  return out;
}

absl::StatusOr<std::unique_ptr<scheduler::RunState>> DecodeRun(
    const internal::RunRecord& record,
    std::shared_ptr<const scheduler::CompiledCampaign> campaign,
    std::vector<internal::StepRecord> steps) {
  const Scope& root = campaign->root();
  auto run = std::make_unique<scheduler::RunState>(
      record.run(), campaign, expr::FromProto(record.run().params()));
  run->set_next_event_seq(record.next_event_seq());
  for (const auto& [index, iteration] : record.iterations()) run->set_iteration(index, iteration);
  for (const auto& [index, first] : record.first_kept_iterations()) {
    run->set_first_kept_iteration(index, first);
  }
  for (const auto& [index, seq] : record.compaction_event_seqs()) {
    run->set_compaction_event(index, seq);
  }
  for (const internal::BufferedSignal& signal : record.signals()) {
    run->buffered_signals().push_back(
        {signal.name(), expr::FromProto(signal.payload()), signal.identity()});
  }
  run->start_task_id = record.start_task_id();
  if (record.run().status() == v1::RUN_STATUS_SCHEDULED) {
    run->set_start_timer(FromProtoTime(record.run().start_at()));
  }
  // Creation order: scope, iteration, step, item. Groups list their instances in item order.
  std::sort(steps.begin(), steps.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(a.scope(), a.instance().iteration(), a.step_index(), a.item_index()) <
           std::make_tuple(b.scope(), b.instance().iteration(), b.step_index(), b.item_index());
  });
  for (internal::StepRecord& step : steps) {
    if (step.instance().key().empty()) {
      return absl::DataLossError(
          absl::StrCat("run ", record.run().run_id(), ": a step record has no key"));
    }
    const Scope* scope = ScopeOf(root, step.scope());
    if (scope == nullptr || step.step_index() < 0 ||
        step.step_index() >= static_cast<int>(scope->steps.size()) ||
        scope->steps[step.step_index()].id != step.instance().step_id()) {
      return absl::DataLossError(absl::StrCat("run ", record.run().run_id(), ": step record '",
                                              step.instance().key(),
                                              "' does not match campaign ", campaign->name(),
                                              " v", campaign->version()));
    }
    const v1::StepInstance& view = step.instance();
    StepInstance& instance = run->AddInstance(*scope, scope->steps[step.step_index()],
                                              view.iteration(), view.key());
    run->Group(*scope, step.step_index(), view.iteration()).expanded = true;
    instance.item = expr::FromProto(step.item());
    instance.item_key = view.item();
    instance.item_index = step.item_index();
    if (step.has_fan_out_items()) {
      google::protobuf::Value items;
      *items.mutable_list_value() = std::move(*step.mutable_fan_out_items());
      instance.fan_out_items = expr::FromProto(items);
    }
    instance.state = view.state();
    instance.attempt = view.attempt();
    instance.task_id = view.task_id();
    instance.purpose = static_cast<v1::TaskPurpose>(step.purpose());
    instance.queue = step.queue();
    instance.action = view.action();
    instance.account = view.account();
    instance.input = std::move(*step.mutable_input());
    instance.idempotent = step.idempotent();
    instance.reconcile_attempts = step.reconcile_attempts();
    instance.ready_at = view.has_ready_at() ? ReadTime(view.ready_at()) : absl::InfinitePast();
    instance.started_at = view.has_started_at() ? ReadTime(view.started_at()) : absl::InfinitePast();
    instance.ended_at = view.has_ended_at() ? ReadTime(view.ended_at()) : absl::InfinitePast();
    instance.lease_deadline = FromMicrosOrZero(step.lease_deadline_us(), absl::InfiniteFuture());
    instance.attempt_deadline = FromMicrosOrZero(step.attempt_deadline_us(), absl::InfiniteFuture());
    instance.timer_at = FromMicrosOrZero(step.timer_at_us(), absl::InfiniteFuture());
    instance.timer_kind = static_cast<scheduler::TimerKind>(step.timer_kind());
    instance.unsettled_until = FromMicrosOrZero(step.unsettled_until_us(), absl::InfinitePast());
    instance.worker_id = view.worker_id();
    if (view.has_output()) instance.output = expr::FromProto(view.output());
    instance.last_error = view.last_error();
    instance.waiting = view.waiting();
    instance.decided_by = step.decided_by();
    instance.lease_holder = step.lease_holder();
    instance.held_for_approval = step.held_for_approval();
    instance.approvals.assign(view.approvals().begin(), view.approvals().end());
    instance.attempts_before_rerun = step.attempts_before_rerun();
  }
  // Nothing above is a change: the records are what the store holds.
  run->TakeChanges();
  return run;
}

}  // namespace fanfare::coordinator
