// RetryRun: re-executing a failed or cancelled run.
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/suggest.h"
#include "engine/definition/limits.h"
#include "engine/scheduler/scheduler.h"

namespace fanfare::scheduler {
namespace {

// The steps of `root` downstream of `start`, `start` included.
absl::flat_hash_set<int> Downstream(const Scope& root, int start) {
  absl::flat_hash_set<int> seen = {start};
  std::vector<int> frontier = {start};
  while (!frontier.empty()) {
    const int index = frontier.back();
    frontier.pop_back();
    for (int dependent : root.steps[index].dependents) {
      if (seen.insert(dependent).second) frontier.push_back(dependent);
    }
  }
  return seen;
}

bool FailedOrCanceled(const StepInstance& instance) {
  return instance.state == v1::STEP_STATE_FAILED || instance.state == v1::STEP_STATE_CANCELED;
}

}  // namespace

void Scheduler::ResetForRerun(RunState& run, StepInstance& instance) {
  instance.attempts_before_rerun = instance.attempt - instance.reconcile_attempts;
  instance.purpose = v1::TASK_PURPOSE_EXECUTE;
  instance.last_error.Clear();
  instance.waiting.Clear();
  instance.ended_at = absl::InfinitePast();
  instance.state = v1::STEP_STATE_PENDING;
  run.Touch(instance);
}

absl::Status Scheduler::Rerun(RunState& run, const std::string& from_step,
                              const std::string& identity) {
  const v1::RunStatus status = run.record().status();
  if (status != v1::RUN_STATUS_FAILED && status != v1::RUN_STATUS_CANCELED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "only a failed or cancelled run can be retried; run '", run.run_id(), "' is ",
        absl::StripPrefix(v1::RunStatus_Name(status), "RUN_STATUS_")));
  }
  const Scope& root = run.campaign().root();
  run.ResetSettled();  // steps that were settled are about to run again
  absl::flat_hash_set<int> redo;  // top-level steps re-executed from scratch
  if (!from_step.empty()) {
    const StepDef* def = root.Find(from_step);
    if (def == nullptr) {
      std::vector<std::string> ids;
      for (const StepDef& d : root.steps) ids.push_back(d.id);
      return absl::NotFoundError(absl::StrCat("campaign ", run.campaign().name(),
                                              " has no step '", definition::Echo(from_step, 63), "'",
                                              DidYouMean(from_step, ids)));
    }
    redo = Downstream(root, def->index);
  }
  // What to drop (re-executed from scratch) and what to reset in place.
  absl::flat_hash_set<const StepInstance*> doomed;
  std::vector<StepInstance*> reset;
  for (const auto& instance : run.instances()) {
    const int top = instance->scope == &root ? instance->def->index : instance->scope->owner;
    if (redo.contains(top)) {
      doomed.insert(instance.get());
    } else if (FailedOrCanceled(*instance)) {
      reset.push_back(instance.get());
    }
  }
  if (doomed.empty() && reset.empty() && redo.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("run '", run.run_id(), "' has no failed or cancelled step to retry"));
  }
  const absl::Time now = clock_.Now();
  v1::Run& record = run.mutable_record();
  record.set_status(v1::RUN_STATUS_RUNNING);
  record.clear_error();
  record.clear_ended_at();
  v1::HistoryEvent& event = run.AddEvent(v1::EVENT_TYPE_RUN_RETRIED, now, nullptr);
  event.set_actor(identity);
  event.set_message(from_step.empty() ? "retrying the failed and cancelled steps"
                                      : absl::StrCat("retrying from step ", from_step));

  for (const StepInstance* instance : doomed) host_.Forget(*instance);
  run.RemoveInstances(doomed);
  for (int index : redo) {
    if (root.steps[index].kind == StepDef::Kind::kRepeat) {
      run.set_iteration(index, 0);
      run.set_first_kept_iteration(index, 1);
    }
  }
  for (StepInstance* instance : reset) {
    ResetForRerun(run, *instance);
    // A loop goes on with its current iteration, whose failed steps are reset too; it must
    // be running again before any of them can finish.
    if (instance->def->kind == StepDef::Kind::kRepeat) instance->state = v1::STEP_STATE_RUNNING;
  }
  // Prepare after every reset, so that no group looks finished half-way.
  for (StepInstance* instance : reset) {
    if (run.terminal()) break;
    if (instance->def->kind == StepDef::Kind::kRepeat) continue;
    if (!instance->idempotent && instance->in_doubt() && !instance->queue.empty()) {
      // An attempt may have acted and nobody found out: settle that before acting again.
      QueueForReconcile(run, *instance);
      continue;
    }
    Prepare(run, *instance);
  }
  // The steps to redo start again, and so does whatever expansion the run's end cut short
  // (a fan-out created in part, a step deferred to a later cycle).
  ResumeDeferred(run);
  return absl::OkStatus();
}

}  // namespace fanfare::scheduler
