// The built-in step kinds, carried out by the coordinator itself: wait, approval, signal and
// repeat.
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/durations.h"
#include "engine/scheduler/scheduler.h"
#include "base/proto_time.h"

namespace fanfare::scheduler {
namespace {

// A timestamp value, or an RFC 3339 string.
bool ReadTime(const expr::Value& value, absl::Time* out) {
  if (value.is_timestamp()) {
    *out = value.timestamp_value();
    return true;
  }
  std::string error;
  return value.is_string() &&
         absl::ParseTime(absl::RFC3339_full, value.string_value(), out, &error);
}

}  // namespace

void Scheduler::PrepareBuiltin(RunState& run, StepInstance& instance,
                               const expr::Activation& vars) {
  const StepDef& def = *instance.def;
  const absl::Time now = clock_.Now();
  instance.started_at = now;
  switch (def.kind) {
    case StepDef::Kind::kWait: {
      absl::Time until = now + def.wait_duration;
      if (def.wait_until.has_value()) {
        const expr::Value value = def.wait_until->Render(vars);
        if (!ReadTime(value, &until)) {
          FailInstance(run, instance, v1::ERROR_TYPE_INVALID,
                       absl::StrCat("wait.until must be a time, got ",
                                    value.is_error() ? value.error_message() : value.DebugString()));
          return;
        }
      }
      if (until <= now) {
        Finish(run, instance, v1::STEP_STATE_SUCCEEDED);
        return;
      }
      instance.state = v1::STEP_STATE_WAITING;
      instance.waiting.set_kind(v1::WaitingReason::KIND_TIMER);
      *instance.waiting.mutable_until() = ToProtoTime(until);
      SetTimer(run, instance, TimerKind::kWait, until);
      break;
    }
    case StepDef::Kind::kApproval:
      AwaitDecisions(run, instance, vars);
      return;
    case StepDef::Kind::kSignal: {
      instance.state = v1::STEP_STATE_WAITING;
      instance.waiting.set_kind(v1::WaitingReason::KIND_SIGNAL);
      instance.waiting.set_detail(absl::StrCat("waiting for signal '", def.signal_name, "'"));
      if (TakeBufferedSignal(run, instance)) return;
      if (def.decision_timeout != absl::InfiniteDuration()) {
        *instance.waiting.mutable_until() = ToProtoTime(now + def.decision_timeout);
        SetTimer(run, instance, TimerKind::kDecisionTimeout, now + def.decision_timeout);
      }
      break;
    }
    case StepDef::Kind::kRepeat:
      instance.state = v1::STEP_STATE_RUNNING;
      run.Touch(instance);
      StartIteration(run, instance);
      return;
    case StepDef::Kind::kAction:
      return;
  }
  run.Touch(instance);
  run.AddEvent(v1::EVENT_TYPE_STEP_WAITING, now, &instance).set_message(instance.waiting.detail());
}

void Scheduler::BuiltinTimerFired(RunState& run, StepInstance& instance, TimerKind kind) {
  const StepDef& def = *instance.def;
  switch (kind) {
    case TimerKind::kWait:
      Finish(run, instance, v1::STEP_STATE_SUCCEEDED);
      return;
    case TimerKind::kNextIteration:
      StartIteration(run, instance);
      return;
    case TimerKind::kDecisionTimeout: {
      const std::string waited = fanfare::FormatDuration(def.decision_timeout);
      if (def.kind == StepDef::Kind::kApproval && def.skip_on_timeout) {
        instance.waiting.set_detail(absl::StrCat("no decision within ", waited, "; skipped"));
        Finish(run, instance, v1::STEP_STATE_SKIPPED);
        return;
      }
      FailInstance(run, instance, v1::ERROR_TYPE_TIMEOUT,
                   def.kind == StepDef::Kind::kApproval
                       ? absl::StrCat("no decision within ", waited)
                       : absl::StrCat("signal '", def.signal_name, "' did not arrive within ",
                                      waited));
      return;
    }
    default:
      return;
  }
}

int Scheduler::Signal(RunState& run, const std::string& name, const expr::Value& payload,
                      const std::string& identity) {
  const int delivered = DeliverSignal(run, name, payload, identity);
  if (delivered == 0) {
    // Nobody waits yet: the first signal step of that name to wait takes it.
    run.buffered_signals().push_back({name, payload, identity});
    run.TouchRecord();
    v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_SIGNAL_RECEIVED, clock_.Now(), nullptr);
    event.set_actor(identity);
    event.set_message(absl::StrCat("signal '", name, "' buffered until a step waits for it"));
  }
  return delivered;
}

int Scheduler::DeliverSignal(RunState& run, const std::string& name, const expr::Value& payload,
                             const std::string& identity) {
  std::vector<StepInstance*> waiting;
  for (const auto& instance : run.instances()) {
    if (instance->state == v1::STEP_STATE_WAITING &&
        instance->def->kind == StepDef::Kind::kSignal && instance->def->signal_name == name) {
      waiting.push_back(instance.get());
    }
  }
  for (StepInstance* instance : waiting) {
    if (instance->terminal()) continue;
    instance->decided_by = identity;
    instance->output = payload;
    run.AddEvent(v1::EVENT_TYPE_SIGNAL_RECEIVED, clock_.Now(), instance).set_actor(identity);
    Finish(run, *instance, v1::STEP_STATE_SUCCEEDED);
  }
  return static_cast<int>(waiting.size());
}

bool Scheduler::TakeBufferedSignal(RunState& run, StepInstance& instance) {
  auto& buffered = run.buffered_signals();
  auto it = std::find_if(buffered.begin(), buffered.end(), [&](const RunState::BufferedSignal& s) {
    return s.name == instance.def->signal_name;
  });
  if (it == buffered.end()) return false;
  instance.output = it->payload;
  instance.decided_by = it->identity;
  buffered.erase(it);
  run.TouchRecord();
  Finish(run, instance, v1::STEP_STATE_SUCCEEDED);
  return true;
}

void Scheduler::StartIteration(RunState& run, StepInstance& repeat) {
  const StepDef& def = *repeat.def;
  const int iteration = run.iteration(def.index) + 1;
  run.set_iteration(def.index, iteration);
  repeat.state = v1::STEP_STATE_RUNNING;
  repeat.waiting.Clear();
  run.Touch(repeat);
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_ITERATION_STARTED, clock_.Now(), &repeat);
  event.set_message(absl::StrCat("iteration ", iteration));
  (*event.mutable_detail()->mutable_struct_value()->mutable_fields())["iteration"]
      .set_number_value(iteration);
  StartScope(run, *def.body, iteration);
}

void Scheduler::IterationDone(RunState& run, const Scope& block, int iteration) {
  const Scope& top = run.campaign().root();
  const StepDef& def = top.steps[block.owner];
  StepInstance* repeat = run.Find(InstanceKey(top, def, "", false, 0));
  if (repeat == nullptr || repeat->state != v1::STEP_STATE_RUNNING ||
      run.iteration(def.index) != iteration) {
    return;  // already handled
  }
  const expr::Activation vars = MakeActivation(run, block, iteration, nullptr, &def);
  bool done = def.max_iterations > 0 && iteration >= def.max_iterations;
  if (def.until.has_value()) {
    const expr::Value until = def.until->Evaluate(vars);
    if (until.is_error() || !until.is_bool()) {
      FailInstance(run, *repeat, v1::ERROR_TYPE_INVALID,
                   absl::StrCat("until: ", until.is_error() ? until.error_message()
                                                           : "must be true or false"));
      return;
    }
    done = done || until.bool_value();
  }
  // The block's own steps only: the enclosing scope's view would hold this very output and
  // nest one level deeper every iteration.
  repeat->output = expr::Value::MakeMap({{"iterations", expr::Value::Int(iteration)},
                                         {"last", StepsView(run, block, iteration)}});
  CompactIterations(run, *repeat);
  if (done) {
    Finish(run, *repeat, v1::STEP_STATE_SUCCEEDED);
    return;
  }
  if (def.every <= absl::ZeroDuration()) {
    StartIteration(run, *repeat);
    return;
  }
  const absl::Time next = clock_.Now() + def.every;
  repeat->state = v1::STEP_STATE_WAITING;
  repeat->waiting.set_kind(v1::WaitingReason::KIND_NEXT_ITERATION);
  *repeat->waiting.mutable_until() = ToProtoTime(next);
  repeat->waiting.set_detail(absl::StrCat("iteration ", iteration + 1, " at ",
                                          absl::FormatTime(absl::RFC3339_sec, next, absl::UTCTimeZone())));
  SetTimer(run, *repeat, TimerKind::kNextIteration, next);
}

void Scheduler::CompactIterations(RunState& run, StepInstance& repeat) {
  const int index = repeat.def->index;
  const int current = run.iteration(index);
  const int first_kept = run.first_kept_iteration(index);
  const int new_first = current - options_.keep_iterations + 1;
  if (new_first <= first_kept) return;
  absl::flat_hash_set<const StepInstance*> doomed;
  for (const auto& instance : run.instances()) {
    if (instance->scope == repeat.def->body.get() && instance->iteration < new_first) {
      doomed.insert(instance.get());
    }
  }
  for (const StepInstance* instance : doomed) host_.Forget(*instance);
  run.RemoveInstances(doomed);
  run.set_first_kept_iteration(index, new_first);
  // Their history goes too, and the previous compaction notice is replaced by a new one:
  // a loop that runs for a year keeps a bounded history.
  std::vector<int64_t> events;
  for (int i = first_kept; i < new_first; ++i) {
    if (const std::vector<int64_t>* seqs = run.IterationEvents(index, i)) {
      events.insert(events.end(), seqs->begin(), seqs->end());
    }
    run.ForgetIterationEvents(index, i);
  }
  if (const int64_t previous = run.compaction_event(index); previous > 0) {
    events.push_back(previous);
  }
  run.DeleteEvents(events);
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_ITERATIONS_COMPACTED, clock_.Now(), &repeat);
  event.set_message(absl::StrCat("iterations 1-", new_first - 1,
                                 " compacted: their step instances and history are summarised "
                                 "in the repeat step's output"));
  run.set_compaction_event(index, event.seq());
}

}  // namespace fanfare::scheduler
