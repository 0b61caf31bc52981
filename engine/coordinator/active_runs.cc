#include "engine/coordinator/active_runs.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace fanfare::coordinator {

std::string ActiveRuns::Key(absl::string_view ns, absl::string_view run_id) {
  return absl::StrCat(ns, "/", run_id);
}

scheduler::RunState* ActiveRuns::Find(absl::string_view ns, absl::string_view run_id) const {
  return FindKey(Key(ns, run_id));
}

scheduler::RunState* ActiveRuns::FindKey(absl::string_view key) const {
  auto it = runs_.find(key);
  return it == runs_.end() ? nullptr : it->second.get();
}

scheduler::RunState& ActiveRuns::Add(std::unique_ptr<scheduler::RunState> run) {
  scheduler::RunState& ref = *run;
  for (const auto& instance : ref.instances()) tasks_[instance->task_id] = Task{&ref, instance.get()};
  if (ref.start_task_id != 0) tasks_[ref.start_task_id] = Task{&ref, nullptr};
  runs_[Key(ref.ns(), ref.run_id())] = std::move(run);
  return ref;
}

void ActiveRuns::Remove(const scheduler::RunState& run) {
  for (const auto& instance : run.instances()) tasks_.erase(instance->task_id);
  tasks_.erase(run.start_task_id);
  runs_.erase(Key(run.ns(), run.run_id()));
}

const ActiveRuns::Task* ActiveRuns::FindTask(uint64_t task_id) const {
  auto it = tasks_.find(task_id);
  return it == tasks_.end() ? nullptr : &it->second;
}

const ActiveRuns::Task* ActiveRuns::FindInstance(uint64_t task_id) const {
  const Task* task = FindTask(task_id);
  return task == nullptr || task->instance == nullptr ? nullptr : task;
}

}  // namespace fanfare::coordinator
