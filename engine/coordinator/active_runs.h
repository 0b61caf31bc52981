// ActiveRuns: the runs the engine holds in memory (its working set: every run that is not
// terminal, and ended runs until their last write is durable), and what each task id names.
// The one key of a run in memory, "ns/run_id", is made here (Key).
//
// Not thread-safe: owned by the engine thread.
#ifndef FANFARE_ENGINE_COORDINATOR_ACTIVE_RUNS_H_
#define FANFARE_ENGINE_COORDINATOR_ACTIVE_RUNS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "engine/scheduler/run_state.h"
#include "engine/scheduler/step_instance.h"

namespace fanfare::coordinator {

class ActiveRuns {
 public:
  // What a task id names: an instance of a run, or (instance null) the run's own start timer.
  struct Task {
    scheduler::RunState* run = nullptr;
    scheduler::StepInstance* instance = nullptr;
  };
  using RunMap = absl::flat_hash_map<std::string, std::unique_ptr<scheduler::RunState>>;

  // "ns/run_id".
  static std::string Key(absl::string_view ns, absl::string_view run_id);

  // The run, or null if it is not in memory.
  scheduler::RunState* Find(absl::string_view ns, absl::string_view run_id) const;
  scheduler::RunState* FindKey(absl::string_view key) const;
  // Holds `run`, and the task ids of its instances and start timer.
  scheduler::RunState& Add(std::unique_ptr<scheduler::RunState> run);
  // Drops `run` (which must be held) and its task ids.
  void Remove(const scheduler::RunState& run);

  void AddTask(uint64_t task_id, Task task) { tasks_[task_id] = task; }
  void RemoveTask(uint64_t task_id) { tasks_.erase(task_id); }
  // What `task_id` names, or null if nothing in memory.
  const Task* FindTask(uint64_t task_id) const;
  // The instance `task_id` names, or null if it names none (unknown, or a start timer).
  const Task* FindInstance(uint64_t task_id) const;

  const RunMap& runs() const { return runs_; }
  size_t size() const { return runs_.size(); }

 private:
  RunMap runs_;
  absl::flat_hash_map<uint64_t, Task> tasks_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_ACTIVE_RUNS_H_
