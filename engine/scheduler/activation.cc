// The variables expressions see: params, steps, item, index, iteration, previous, run.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "engine/scheduler/scheduler.h"

namespace fanfare::scheduler {
namespace {

expr::Value StateName(v1::StepState state) {
  return expr::Value::String(
      std::string(absl::StripPrefix(v1::StepState_Name(state), "STEP_STATE_")));
}

const char* OutcomeName(GroupOutcome outcome) {
  switch (outcome) {
    case GroupOutcome::kSucceeded: return "SUCCEEDED";
    case GroupOutcome::kSkipped: return "SKIPPED";
    case GroupOutcome::kFailedTolerated:
    case GroupOutcome::kFailed: return "FAILED";
    case GroupOutcome::kCanceled: return "CANCELED";
    default: return "PENDING";
  }
}

// What `steps.<id>` holds for one step in one iteration.
expr::Value StepView(const StepGroup* group, const StepDef& def) {
  if (group == nullptr || !group->expanded) {
    return expr::Value::MakeMap({{"state", expr::Value::String("PENDING")}});
  }
  if (!def.fans_out || (group->instances.size() == 1 && group->instances[0]->item_index < 0)) {
    const StepInstance* instance = group->instances.empty() ? nullptr : group->instances[0];
    if (def.fans_out) {
      return expr::Value::MakeMap({{"state", StateName(instance->state)},
                                   {"outputs", expr::Value::MakeMap({})},
                                   {"output_list", expr::Value::MakeList({})}});
    }
    return expr::Value::MakeMap({{"state", StateName(instance->state)},
                                 {"output", instance->output}});
  }
  expr::Value::Map outputs;
  expr::Value::List list;
  for (const StepInstance* instance : group->instances) {
    outputs.emplace(instance->item_key, instance->output);
    list.push_back(instance->output);
  }
  return expr::Value::MakeMap({{"state", expr::Value::String(OutcomeName(OutcomeOf(*group, def)))},
                               {"outputs", expr::Value::MakeMap(std::move(outputs))},
                               {"output_list", expr::Value::MakeList(std::move(list))}});
}

void AddStepViews(const RunState& run, const Scope& scope, int iteration, expr::Value::Map& out) {
  for (const StepDef& def : scope.steps) {
    out.insert_or_assign(def.id, StepView(run.FindGroup(scope, def.index, iteration), def));
  }
}

// The views of the steps `reader` reads: in `scope` (at `iteration`) where it has them, else
// at the top (a step in a repeat block may read the steps before the block).
void AddReadViews(const RunState& run, const StepDef& reader, const Scope& scope, int iteration,
                  expr::Value::Map& out) {
  const Scope& top = run.campaign().root();
  for (const std::string& id : reader.reads) {
    if (const StepDef* def = scope.Find(id)) {
      out.insert_or_assign(id, StepView(run.FindGroup(scope, def->index, iteration), *def));
    } else if (const StepDef* outer = top.Find(id); outer != nullptr && &scope != &top) {
      out.insert_or_assign(id, StepView(run.FindGroup(top, outer->index, 0), *outer));
    }
  }
}

// Adds the views of the steps `def` depends on in (scope, iteration), directly or not.
void AddUpstreamViews(const RunState& run, const Scope& scope, const StepDef& def, int iteration,
                      expr::Value::Map& out) {
  std::vector<int> frontier = def.needs;
  while (!frontier.empty()) {
    const StepDef& need = scope.steps[frontier.back()];
    frontier.pop_back();
    const auto [it, added] =
        out.try_emplace(need.id, StepView(run.FindGroup(scope, need.index, iteration), need));
    if (added) frontier.insert(frontier.end(), need.needs.begin(), need.needs.end());
  }
}

}  // namespace

expr::Value UpstreamView(const RunState& run, const StepInstance& instance) {
  expr::Value::Map steps;
  AddUpstreamViews(run, *instance.scope, *instance.def, instance.iteration, steps);
  expr::Value::Map view = {{"steps", expr::Value::MakeMap(std::move(steps))}};
  if (const Scope& top = run.campaign().root(); instance.scope != &top) {
    expr::Value::Map outer;
    AddUpstreamViews(run, top, top.steps[instance.scope->owner], 0, outer);
    view.emplace("outer_steps", expr::Value::MakeMap(std::move(outer)));
  }
  return expr::Value::MakeMap(std::move(view));
}

expr::Value StepsView(const RunState& run, const Scope& scope, int iteration) {
  expr::Value::Map steps;
  AddStepViews(run, scope, iteration, steps);
  return expr::Value::MakeMap(std::move(steps));
}

expr::Activation Scheduler::MakeActivation(const RunState& run, const Scope& scope,
                                           int iteration, const StepInstance* instance,
                                           const StepDef* reader) const {
  expr::Activation vars;
  vars.set_now(clock_.Now());
  const v1::Run& record = run.record();
  vars.Set("params", run.params());
  expr::Value::Map labels;
  for (const auto& [key, value] : record.labels()) labels.emplace(key, expr::Value::String(value));
  vars.Set("run", expr::Value::MakeMap({{"id", expr::Value::String(record.run_id())},
                                        {"namespace", expr::Value::String(record.namespace_())},
                                        {"labels", expr::Value::MakeMap(std::move(labels))}}));
  vars.Set("campaign",
           expr::Value::MakeMap({{"name", expr::Value::String(run.campaign().name())},
                                 {"version", expr::Value::Int(run.campaign().version())}}));
  const Scope& top = run.campaign().root();
  // Only what the reader's expressions read: a view of every step would make preparing each
  // instance cost as much as the campaign is large.
  const bool all = reader == nullptr || reader->reads_all;
  expr::Value::Map steps;
  if (all) {
    AddStepViews(run, top, 0, steps);
    if (&scope != &top) AddStepViews(run, scope, iteration, steps);
  } else {
    AddReadViews(run, *reader, scope, iteration, steps);
  }
  if (&scope != &top) {
    vars.Set("iteration", expr::Value::Int(iteration));
    expr::Value::Map previous;
    if (iteration > 1 && (all || reader->reads_previous)) {
      if (all) {
        AddStepViews(run, scope, iteration - 1, previous);
      } else {
        AddReadViews(run, *reader, scope, iteration - 1, previous);
      }
    }
    vars.Set("previous",
             expr::Value::MakeMap({{"steps", expr::Value::MakeMap(std::move(previous))}}));
  }
  vars.Set("steps", expr::Value::MakeMap(std::move(steps)));
  if (instance != nullptr && instance->item_index >= 0) {
    vars.Set("item", instance->item);
    vars.Set("index", expr::Value::Int(instance->item_index));
  }
  return vars;
}

}  // namespace fanfare::scheduler
