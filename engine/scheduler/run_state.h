// RunState: everything the coordinator holds in memory about one active run.
//
// A RunState owns the run's record, its step instances, the grouping of instances by step
// and iteration, and the changes not yet written: dirty instances and new history events.
// The Scheduler mutates it; the coordinator flushes the changes into a store batch once per
// engine cycle. Not thread-safe: one engine thread owns every RunState.
#ifndef FANFARE_ENGINE_SCHEDULER_RUN_STATE_H_
#define FANFARE_ENGINE_SCHEDULER_RUN_STATE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "engine/expr/value.h"
#include "engine/scheduler/compiled_campaign.h"
#include "engine/scheduler/step_instance.h"
#include "fanfare/v1/run.pb.h"

namespace fanfare::scheduler {

// The instances of one step in one iteration (iteration 0 outside repeat blocks).
struct StepGroup {
  // True once the step's needs were met and its instances began to be created.
  bool expanded = false;
  std::vector<StepInstance*> instances;

  // True while a fan-out's instances are still being created, over several engine cycles:
  // the group is pending, whatever its instances have done.
  bool expanding() const {
    return !instances.empty() && instances.front()->fan_out_items.is_list();
  }
};

// A step of a scope iteration whose expansion waits for a later engine cycle: its needs are
// met (or its fan-out is part-created) but the cycle's budget of new instances was spent.
struct DeferredExpansion {
  const Scope* scope;
  int step_index;
  int iteration;
};

class RunState {
 public:
  RunState(v1::Run record, std::shared_ptr<const CompiledCampaign> campaign, expr::Value params);

  RunState(const RunState&) = delete;
  RunState& operator=(const RunState&) = delete;

  const v1::Run& record() const { return record_; }
  // Mutating the record marks it dirty.
  v1::Run& mutable_record();
  const CompiledCampaign& campaign() const { return *campaign_; }
  const std::shared_ptr<const CompiledCampaign>& campaign_ptr() const { return campaign_; }
  const expr::Value& params() const { return params_; }
  const std::string& run_id() const { return record_.run_id(); }
  const std::string& ns() const { return record_.namespace_(); }
  bool terminal() const;

  // Creates an instance (owned by this run) in the group of (scope, def, iteration).
  // REQUIRES: no instance with the same key exists.
  StepInstance& AddInstance(const Scope& scope, const StepDef& def, int iteration,
                            std::string key);
  StepInstance* Find(absl::string_view key);
  const std::vector<std::unique_ptr<StepInstance>>& instances() const { return instances_; }
  // Drops instances (compacted repeat iterations). They must be written as deleted.
  void RemoveInstances(const absl::flat_hash_set<const StepInstance*>& doomed);

  StepGroup& Group(const Scope& scope, int step_index, int iteration);
  const StepGroup* FindGroup(const Scope& scope, int step_index, int iteration) const;

  // Expansions waiting for a later cycle, oldest first. Not stored: after a restart,
  // Scheduler::Resume finds them again from the instances.
  std::deque<DeferredExpansion>& deferred() { return deferred_; }

  // How many of the first steps of (scope, iteration) are known to be settled (their group's
  // outcome is not pending), so that deciding whether a scope is done costs O(1) amortised
  // instead of a scan of every step per change. Settled steps stay settled until a rerun,
  // which calls ResetSettled().
  int& settled_prefix(const Scope& scope, int iteration) {
    return settled_prefix_[std::make_pair(&scope, iteration)];
  }
  void ForgetSettled(const Scope& scope, int iteration) {
    settled_prefix_.erase(std::make_pair(&scope, iteration));
  }
  void ResetSettled() { settled_prefix_.clear(); }

  // The current iteration of repeat step `repeat_index` (0 before the first).
  int iteration(int repeat_index) const;
  void set_iteration(int repeat_index, int iteration);
  // Iterations older than this were compacted away.
  int first_kept_iteration(int repeat_index) const;
  void set_first_kept_iteration(int repeat_index, int iteration);

  // Signals that arrived before a step waited for them.
  struct BufferedSignal {
    std::string name;
    expr::Value payload;
    std::string identity;
  };
  std::vector<BufferedSignal>& buffered_signals() { return signals_; }
  const std::vector<BufferedSignal>& buffered_signals() const { return signals_; }
  // Marks the run record as changed (for state kept in the record, such as signals).
  void TouchRecord();

  // History of repeat iterations, so that compaction can delete it: the seqs of the events
  // of iteration `iteration` of repeat step `repeat_index`.
  const std::vector<int64_t>* IterationEvents(int repeat_index, int iteration) const;
  void ForgetIterationEvents(int repeat_index, int iteration);
  // Recovery: files a stored event under its repeat iteration, as AddEvent would have.
  void NoteStoredEvent(const v1::HistoryEvent& event);
  // Deletes stored history events (they go in the next flush).
  void DeleteEvents(const std::vector<int64_t>& seqs);
  // The seq of the repeat step's current ITERATIONS_COMPACTED event, or 0.
  int64_t compaction_event(int repeat_index) const;
  void set_compaction_event(int repeat_index, int64_t seq);

  // The run's own timer: when a SCHEDULED run starts. InfiniteFuture when none.
  absl::Time start_timer() const { return start_timer_; }
  void set_start_timer(absl::Time at);
  // The id the start timer is indexed under (allocated by the coordinator).
  uint64_t start_task_id = 0;
  // The coordinator's bookkeeping: the start timer armed in its due heap, if any.
  absl::Time armed_start_timer = absl::InfiniteFuture();

  // Marks an instance as changed since the last flush.
  void Touch(StepInstance& instance);
  // Appends a history event, numbering it. Returns it for callers to fill in details.
  v1::HistoryEvent& AddEvent(v1::EventType type, absl::Time now, const StepInstance* instance);

  // Changes since the last flush; TakeChanges() hands them over and clears them.
  struct Changes {
    bool record_dirty = false;
    std::vector<StepInstance*> instances;
    std::vector<std::string> deleted_keys;
    std::vector<v1::HistoryEvent> events;
    std::vector<int64_t> deleted_events;
  };
  bool has_changes() const;
  // History events added since the last flush.
  size_t pending_events() const { return events_.size(); }
  Changes TakeChanges();

  // Count of instances per state name, for the record's step_counts.
  absl::flat_hash_map<std::string, int32_t> CountStates() const;

  // `list` (owned by the caller) receives this run the first time it changes after each
  // TakeChanges(), so that a flush visits only changed runs.
  void set_change_list(std::vector<RunState*>* list) { change_list_ = list; }

  int64_t next_event_seq() const { return next_event_seq_; }
  void set_next_event_seq(int64_t seq) { next_event_seq_ = seq; }

 private:
  struct GroupKey {
    const Scope* scope;
    int step_index;
    int iteration;
    bool operator==(const GroupKey& o) const {
      return scope == o.scope && step_index == o.step_index && iteration == o.iteration;
    }
    template <typename H>
    friend H AbslHashValue(H h, const GroupKey& k) {
      return H::combine(std::move(h), k.scope, k.step_index, k.iteration);
    }
  };

  v1::Run record_;
  std::shared_ptr<const CompiledCampaign> campaign_;
  expr::Value params_;
  std::vector<std::unique_ptr<StepInstance>> instances_;
  absl::flat_hash_map<std::string, StepInstance*> by_key_;
  absl::flat_hash_map<GroupKey, StepGroup> groups_;
  absl::flat_hash_map<std::pair<const Scope*, int>, int> settled_prefix_;
  std::deque<DeferredExpansion> deferred_;
  absl::flat_hash_map<int, int> iterations_;
  absl::flat_hash_map<int, int> first_kept_;
  std::vector<BufferedSignal> signals_;
  // repeat index → iteration → event seqs.
  absl::flat_hash_map<int, std::map<int, std::vector<int64_t>>> iteration_events_;
  absl::flat_hash_map<int, int64_t> compaction_events_;
  absl::Time start_timer_ = absl::InfiniteFuture();
  std::vector<int64_t> deleted_events_;
  int64_t next_event_seq_ = 1;

  void MarkChanged();
  // Files `seq` under the iteration of its repeat block, if `instance` is in one.
  void NoteIterationEvent(v1::EventType type, const StepInstance& instance, int64_t seq);

  std::vector<RunState*>* change_list_ = nullptr;
  bool changed_ = false;
  bool record_dirty_ = false;
  absl::flat_hash_set<StepInstance*> dirty_set_;
  std::vector<StepInstance*> dirty_;
  std::vector<std::string> deleted_;
  std::vector<v1::HistoryEvent> events_;
};

}  // namespace fanfare::scheduler

#endif  // FANFARE_ENGINE_SCHEDULER_RUN_STATE_H_
