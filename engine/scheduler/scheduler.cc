// Eligibility, expansion, preparation and completion of step instances and runs.
#include "engine/scheduler/scheduler.h"

#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/definition/action_catalog.h"
#include "engine/definition/item_key.h"
#include "engine/definition/limits.h"
#include "engine/expr/proto_value.h"
#include "base/proto_time.h"

namespace fanfare::scheduler {
namespace {


v1::EventType EventFor(v1::StepState state) {
  switch (state) {
    case v1::STEP_STATE_SUCCEEDED: return v1::EVENT_TYPE_STEP_SUCCEEDED;
    case v1::STEP_STATE_FAILED: return v1::EVENT_TYPE_STEP_FAILED;
    case v1::STEP_STATE_SKIPPED: return v1::EVENT_TYPE_STEP_SKIPPED;
    default: return v1::EVENT_TYPE_STEP_CANCELED;
  }
}

v1::EventType EventFor(v1::RunStatus status) {
  switch (status) {
    case v1::RUN_STATUS_SUCCEEDED: return v1::EVENT_TYPE_RUN_SUCCEEDED;
    case v1::RUN_STATUS_FAILED: return v1::EVENT_TYPE_RUN_FAILED;
    default: return v1::EVENT_TYPE_RUN_CANCELED;
  }
}

}  // namespace

GroupOutcome OutcomeOf(const StepGroup& group, const StepDef& def) {
  if (!group.expanded || group.expanding()) return GroupOutcome::kPending;
  int failed = 0, canceled = 0, succeeded = 0;
  for (const StepInstance* instance : group.instances) {
    switch (instance->state) {
      case v1::STEP_STATE_SUCCEEDED: ++succeeded; break;
      case v1::STEP_STATE_FAILED: ++failed; break;
      case v1::STEP_STATE_CANCELED: ++canceled; break;
      case v1::STEP_STATE_SKIPPED: break;
      default: return GroupOutcome::kPending;
    }
  }
  if (canceled > 0) return GroupOutcome::kCanceled;
  if (failed > 0) {
    return def.continue_on_failure ? GroupOutcome::kFailedTolerated : GroupOutcome::kFailed;
  }
  return succeeded > 0 ? GroupOutcome::kSucceeded : GroupOutcome::kSkipped;
}

Scheduler::Scheduler(const Clock& clock, absl::BitGenRef random, SchedulerHost& host,
                     SchedulerOptions options)
    : clock_(clock), random_(random), host_(host), options_(options) {}

void Scheduler::Start(RunState& run) {
  run.mutable_record().set_status(v1::RUN_STATUS_RUNNING);
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_RUN_STARTED, clock_.Now(), nullptr);
  event.set_actor(run.record().started_by());
  event.set_message(absl::StrCat("campaign ", run.campaign().name(), " v",
                                 run.campaign().version()));
  StartScope(run, run.campaign().root(), 0);
}

void Scheduler::StartScope(RunState& run, const Scope& scope, int iteration) {
  for (int root : scope.roots) TryStart(run, scope, root, iteration);
}

void Scheduler::TryStart(RunState& run, const Scope& scope, int step_index, int iteration) {
  if (run.terminal() || !ScopeLive(run, scope, iteration)) return;
  if (const StepGroup* group = run.FindGroup(scope, step_index, iteration);
      group != nullptr && group->expanded) {
    return;
  }
  const StepDef& def = scope.steps[step_index];
  bool need_skipped = false;
  for (int need : def.needs) {
    const StepGroup* group = run.FindGroup(scope, need, iteration);
    const GroupOutcome outcome =
        group == nullptr ? GroupOutcome::kPending : OutcomeOf(*group, scope.steps[need]);
    switch (outcome) {
      case GroupOutcome::kPending:
      case GroupOutcome::kFailed:
      case GroupOutcome::kCanceled:
        return;  // not yet; or the run (or iteration) is ending anyway
      case GroupOutcome::kSkipped:
      case GroupOutcome::kFailedTolerated:
        need_skipped = true;
        break;
      case GroupOutcome::kSucceeded:
        break;
    }
  }
  if (Budget() == 0) {
    Defer(run, scope, step_index, iteration);
    return;
  }
  Expand(run, scope, def, iteration, need_skipped && !def.when.has_value());
}

size_t Scheduler::Budget() const {
  const int limit = options_.max_new_instances_per_cycle;
  if (limit <= 0) return std::numeric_limits<size_t>::max();
  return created_this_cycle_ >= limit ? 0 : static_cast<size_t>(limit - created_this_cycle_);
}

void Scheduler::Defer(RunState& run, const Scope& scope, int step_index, int iteration) {
  const bool first = run.deferred().empty();
  run.deferred().push_back(DeferredExpansion{&scope, step_index, iteration});
  if (first) host_.Deferred(run);
}

bool Scheduler::ContinueDeferred(RunState& run) {
  std::deque<DeferredExpansion>& deferred = run.deferred();
  // Each pass expands at least one instance, or finds the entry stale: the loop ends.
  while (!deferred.empty() && !run.terminal() && Budget() > 0) {
    const DeferredExpansion next = deferred.front();
    deferred.pop_front();
    const StepGroup* group = run.FindGroup(*next.scope, next.step_index, next.iteration);
    if (group != nullptr && group->expanding()) {
      if (!ScopeLive(run, *next.scope, next.iteration)) continue;
      ContinueFanOut(run, *next.scope, next.scope->steps[next.step_index], next.iteration,
                     expr::Value(group->instances.front()->fan_out_items));
    } else {
      TryStart(run, *next.scope, next.step_index, next.iteration);
    }
  }
  if (run.terminal()) deferred.clear();
  return !deferred.empty();
}

bool Scheduler::ScopeLive(const RunState& run, const Scope& scope, int iteration) const {
  if (scope.owner < 0) return true;
  const Scope& top = run.campaign().root();
  const StepGroup* repeat = run.FindGroup(top, scope.owner, 0);
  return repeat != nullptr && !repeat->instances.empty() &&
         repeat->instances.front()->state == v1::STEP_STATE_RUNNING &&
         run.iteration(scope.owner) == iteration;
}

void Scheduler::ResumeDeferred(RunState& run) {
  if (run.terminal() || run.record().status() == v1::RUN_STATUS_SCHEDULED) return;
  const Scope& top = run.campaign().root();
  ResumeScope(run, top, 0);
  for (const StepDef& def : top.steps) {
    if (def.kind != StepDef::Kind::kRepeat) continue;
    const int iteration = run.iteration(def.index);
    if (iteration > 0 && ScopeLive(run, *def.body, iteration)) {
      ResumeScope(run, *def.body, iteration);
    }
  }
}

void Scheduler::ResumeScope(RunState& run, const Scope& scope, int iteration) {
  for (const StepDef& def : scope.steps) {
    if (run.terminal()) return;
    const StepGroup* group = run.FindGroup(scope, def.index, iteration);
    if (group != nullptr && group->expanding()) {
      Defer(run, scope, def.index, iteration);
    } else if (group == nullptr || !group->expanded) {
      TryStart(run, scope, def.index, iteration);
    }
  }
}

void Scheduler::Expand(RunState& run, const Scope& scope, const StepDef& def, int iteration,
                       bool propagate_skip) {
  run.Group(scope, def.index, iteration).expanded = true;
  auto add = [&](absl::string_view item_key, bool fanned) -> StepInstance& {
    return Create(run, scope, def, iteration, item_key, fanned);
  };
  if (propagate_skip) {
    StepInstance& instance = add("", false);
    instance.waiting.set_detail("skipped because a step it needs was skipped or failed");
    Finish(run, instance, v1::STEP_STATE_SKIPPED);
    return;
  }
  if (!def.fans_out) {
    Prepare(run, add("", false));
    return;
  }
  expr::Value items = def.items_template.has_value()
                          ? def.items_template->Render(
                                MakeActivation(run, scope, iteration, nullptr, &def))
                          : expr::Value::MakeList(def.literal_items);
  if (items.is_error() || !items.is_list()) {
    StepInstance& instance = add("", false);
    FailInstance(run, instance, v1::ERROR_TYPE_INVALID,
                 items.is_error() ? absl::StrCat("for_each: ", items.error_message())
                                  : absl::StrCat("for_each must yield a list, got ",
                                                 items.kind_name()));
    return;
  }
  if (items.list().size() > static_cast<size_t>(definition::kMaxForEachItems)) {
    StepInstance& instance = add("", false);
    FailInstance(run, instance, v1::ERROR_TYPE_INVALID,
                 absl::StrCat("for_each yielded ", items.list().size(), " items; at most ",
                              definition::kMaxForEachItems, " are allowed"));
    return;
  }
  if (items.list().empty()) {
    StepInstance& instance = add("", false);
    instance.waiting.set_detail("for_each yielded no items");
    Finish(run, instance, v1::STEP_STATE_SKIPPED);
    return;
  }
  absl::flat_hash_set<std::string> keys;
  for (size_t i = 0; i < items.list().size(); ++i) {
    if (!keys.insert(definition::ItemKey(items.list()[i], i)).second) {
      StepInstance& instance = add("", false);
      FailInstance(run, instance, v1::ERROR_TYPE_INVALID,
                   absl::StrCat("for_each item key '",
                                definition::Echo(definition::ItemKey(items.list()[i], i), 63),
                                "' appears twice; give map items distinct `id`s"));
      return;
    }
  }
  ContinueFanOut(run, scope, def, iteration, items);
}

StepInstance& Scheduler::Create(RunState& run, const Scope& scope, const StepDef& def,
                                int iteration, absl::string_view item_key, bool fanned) {
  StepInstance& instance =
      run.AddInstance(scope, def, iteration, InstanceKey(scope, def, item_key, fanned, iteration));
  host_.Register(run, instance);
  ++created_this_cycle_;
  return instance;
}

void Scheduler::ContinueFanOut(RunState& run, const Scope& scope, const StepDef& def,
                               int iteration, const expr::Value& items) {
  StepGroup& group = run.Group(scope, def.index, iteration);
  const expr::Value::List& list = items.list();
  const size_t begin = group.instances.size();
  const size_t end = begin + std::min(list.size() - begin, std::max<size_t>(1, Budget()));
  // Create this part's instances before preparing any, and keep the items with the first
  // instance until the last exists: the group is pending until it is complete, however many
  // of its instances finish (a `when` that is false finishes at once).
  std::vector<StepInstance*> created;
  for (size_t i = begin; i < end; ++i) {
    const std::string key = definition::ItemKey(list[i], i);
    StepInstance& instance = Create(run, scope, def, iteration, key, /*fanned=*/true);
    instance.item = list[i];
    instance.item_key = key;
    instance.item_index = static_cast<int>(i);
    created.push_back(&instance);
  }
  StepInstance& first = *group.instances.front();
  const bool complete = end == list.size();
  if (complete != !first.fan_out_items.is_list()) {
    first.fan_out_items = complete ? expr::Value() : items;
    run.Touch(first);
  }
  for (StepInstance* instance : created) {
    if (run.terminal()) return;
    Prepare(run, *instance);
  }
  if (!complete) Defer(run, scope, def.index, iteration);
}

void Scheduler::Prepare(RunState& run, StepInstance& instance) {
  const StepDef& def = *instance.def;
  if (!ApprovalsHold(run, instance)) return;
  const expr::Activation vars =
      MakeActivation(run, *instance.scope, instance.iteration, &instance, &def);
  if (def.when.has_value()) {
    const expr::Value condition = def.when->Evaluate(vars);
    if (condition.is_error() || !condition.is_bool()) {
      FailInstance(run, instance, v1::ERROR_TYPE_INVALID,
                   condition.is_error()
                       ? absl::StrCat("when: ", condition.error_message())
                       : absl::StrCat("when must be true or false, got ", condition.kind_name()));
      return;
    }
    if (!condition.bool_value()) {
      instance.waiting.set_detail(absl::StrCat("when was false: ", def.proto->when()));
      Finish(run, instance, v1::STEP_STATE_SKIPPED);
      return;
    }
  }
  if (def.kind != StepDef::Kind::kAction) {
    PrepareBuiltin(run, instance, vars);
    return;
  }
  if (PrepareAction(run, instance, vars)) MakeReady(run, instance);
}

bool Scheduler::PrepareAction(RunState& run, StepInstance& instance,
                              const expr::Activation& vars) {
  const StepDef& def = *instance.def;
  const auto& catalog = definition::ActionCatalog::Default();
  instance.queue = def.queue;
  if (def.queue_template.has_value()) {
    const expr::Value queue = def.queue_template->Render(vars);
    if (!queue.is_string() || !definition::IsLowerIdentifier(queue.string_value())) {
      FailInstance(run, instance, v1::ERROR_TYPE_INVALID,
                   absl::StrCat("action: the queue must be a network or pool name, got ",
                                queue.is_error() ? queue.error_message() : queue.DebugString()));
      return false;
    }
    instance.queue = queue.string_value();
    if (catalog.IsBuiltinQueue(instance.queue) && catalog.Find(instance.queue, def.verb) == nullptr) {
      FailInstance(run, instance, v1::ERROR_TYPE_INVALID,
                   absl::StrCat(instance.queue, " has no action '", def.verb, "'"));
      return false;
    }
  }
  instance.action = absl::StrCat(instance.queue, ".", def.verb);
  instance.idempotent = def.IsIdempotent(instance.queue);
  const expr::Value input =
      def.with.has_value() ? def.with->Render(vars) : expr::Value::MakeMap({});
  absl::StatusOr<google::protobuf::Struct> proto =
      input.is_error() ? absl::InvalidArgumentError(input.error_message())
                       : expr::ToProtoStruct(input);
  if (!proto.ok()) {
    FailInstance(run, instance, v1::ERROR_TYPE_INVALID, std::string(proto.status().message()));
    return false;
  }
  instance.input = *std::move(proto);
  const expr::Value* account = input.Find("account");
  instance.account = account != nullptr && account->is_string()
                         ? account->string_value()
                         : run.campaign().DefaultAccount(instance.queue);
  return true;
}

void Scheduler::Finish(RunState& run, StepInstance& instance, v1::StepState state) {
  const absl::Time now = clock_.Now();
  ClearLease(instance);
  ClearTimer(instance);
  instance.state = state;
  instance.ended_at = now;
  instance.held_for_approval = false;
  if (state != v1::STEP_STATE_SKIPPED) instance.waiting.Clear();
  run.Touch(instance);
  host_.Ended(run, instance);
  v1::HistoryEvent& event = run.AddEvent(EventFor(state), now, &instance);
  if (state == v1::STEP_STATE_FAILED || state == v1::STEP_STATE_CANCELED) {
    *event.mutable_error() = instance.last_error;
  } else if (state == v1::STEP_STATE_SKIPPED) {
    event.set_message(instance.waiting.detail());
  } else if (!expr::ToProto(instance.output, event.mutable_detail()).ok()) {
    event.clear_detail();  // Succeed accepts only outputs that convert; this is never reached
  }
  AfterGroupChange(run, *instance.scope, instance.def->index, instance.iteration);
  if (instance.def->kind == StepDef::Kind::kApproval && !run.terminal()) ResumeHeld(run);
}

void Scheduler::FailInstance(RunState& run, StepInstance& instance, v1::ErrorType type,
                             std::string message) {
  instance.last_error.Clear();
  instance.last_error.set_type(type);
  instance.last_error.set_message(std::move(message));
  Finish(run, instance, v1::STEP_STATE_FAILED);
}

void Scheduler::AfterGroupChange(RunState& run, const Scope& scope, int step_index,
                                 int iteration) {
  if (run.terminal()) return;
  const StepDef& def = scope.steps[step_index];
  const StepGroup* group = run.FindGroup(scope, step_index, iteration);
  const GroupOutcome outcome = OutcomeOf(*group, def);
  if (outcome == GroupOutcome::kPending || outcome == GroupOutcome::kCanceled) return;
  if (outcome == GroupOutcome::kFailed) {
    const StepInstance* failed = nullptr;
    for (const StepInstance* i : group->instances) {
      if (i->state == v1::STEP_STATE_FAILED) failed = i;
    }
    v1::StepError error = failed->last_error;
    error.set_message(absl::StrCat("step ", failed->key, " failed: ", error.message()));
    if (scope.owner < 0) {
      EndRun(run, v1::RUN_STATUS_FAILED, error, "");
      return;
    }
    // A failure inside a repeat block fails the repeat step, in the enclosing scope.
    const Scope& top = run.campaign().root();
    StepInstance* repeat = run.Find(InstanceKey(top, top.steps[scope.owner], "", false, 0));
    CancelUnfinished(run, &scope, iteration);
    FailInstance(run, *repeat, error.type(),
                 absl::StrCat("iteration ", iteration, ": ", error.message()));
    return;
  }
  for (int dependent : def.dependents) TryStart(run, scope, dependent, iteration);
  if (run.terminal()) return;
  // Steps before the settled prefix stay settled (until a rerun resets it): each step is
  // passed once, and each change rechecks only the first unsettled one.
  int& settled = run.settled_prefix(scope, iteration);
  for (; settled < static_cast<int>(scope.steps.size()); ++settled) {
    const StepGroup* g = run.FindGroup(scope, settled, iteration);
    if (g == nullptr || OutcomeOf(*g, scope.steps[settled]) == GroupOutcome::kPending) return;
  }
  run.ForgetSettled(scope, iteration);
  ScopeDone(run, scope, iteration);
}

void Scheduler::ScopeDone(RunState& run, const Scope& scope, int iteration) {
  if (scope.owner >= 0) {
    IterationDone(run, scope, iteration);
    return;
  }
  EndRun(run, v1::RUN_STATUS_SUCCEEDED, v1::StepError(), "");
}

void Scheduler::EndRun(RunState& run, v1::RunStatus status, const v1::StepError& error,
                       const std::string& identity) {
  if (run.terminal()) return;
  const absl::Time now = clock_.Now();
  v1::Run& record = run.mutable_record();
  record.set_status(status);
  *record.mutable_ended_at() = ToProtoTime(now);
  if (status != v1::RUN_STATUS_SUCCEEDED) *record.mutable_error() = error;
  CancelUnfinished(run, nullptr, 0);
  v1::HistoryEvent& event = run.AddEvent(EventFor(status), now, nullptr);
  event.set_actor(identity);
  event.set_message(error.message());
  if (status != v1::RUN_STATUS_SUCCEEDED) *event.mutable_error() = error;
}

void Scheduler::CancelUnfinished(RunState& run, const Scope* scope, int iteration) {
  const absl::Time now = clock_.Now();
  for (const auto& instance : run.instances()) {
    if (instance->terminal()) continue;
    if (scope != nullptr && (instance->scope != scope || instance->iteration != iteration)) {
      continue;
    }
    if (instance->leased()) {
      host_.CancelAttempt(run, *instance);
      // The worker may not hear of it (it may be reconnecting): it acts until its lease ends.
      instance->DoubtUntil(instance->lease_deadline + options_.fence_margin);
    }
    ClearLease(*instance);
    ClearTimer(*instance);
    instance->state = v1::STEP_STATE_CANCELED;
    instance->ended_at = now;
    run.Touch(*instance);
    host_.Ended(run, *instance);
  }
}

void Scheduler::Pause(RunState& run, const std::string& identity, const std::string& reason) {
  if (run.record().status() == v1::RUN_STATUS_PAUSED) return;
  run.mutable_record().set_status(v1::RUN_STATUS_PAUSED);
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_RUN_PAUSED, clock_.Now(), nullptr);
  event.set_actor(identity);
  event.set_message(reason);
}

void Scheduler::Resume(RunState& run, const std::string& identity) {
  if (run.record().status() != v1::RUN_STATUS_PAUSED) return;
  run.mutable_record().set_status(v1::RUN_STATUS_RUNNING);
  run.AddEvent(v1::EVENT_TYPE_RUN_RESUMED, clock_.Now(), nullptr).set_actor(identity);
  for (const auto& instance : run.instances()) {
    if (instance->queued()) host_.Enqueue(run, *instance);
    if (instance->timer_kind != TimerKind::kNone) host_.Rearm(run, *instance);
  }
}

void Scheduler::Cancel(RunState& run, const std::string& reason, const std::string& identity) {
  v1::StepError error;
  error.set_type(v1::ERROR_TYPE_CANCELED);
  error.set_message(reason.empty() ? absl::StrCat("cancelled by ", identity.empty() ? "a client" : identity)
                                   : reason);
  EndRun(run, v1::RUN_STATUS_CANCELED, error, identity);
}

}  // namespace fanfare::scheduler
