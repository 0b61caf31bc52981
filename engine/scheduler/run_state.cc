#include "engine/scheduler/run_state.h"

#include <algorithm>
#include <cassert>

#include "absl/strings/numbers.h"

#include "base/proto_time.h"

namespace fanfare::scheduler {

RunState::RunState(v1::Run record, std::shared_ptr<const CompiledCampaign> campaign,
                   expr::Value params)
    : record_(std::move(record)), campaign_(std::move(campaign)), params_(std::move(params)) {}

v1::Run& RunState::mutable_record() {
  MarkChanged();
  record_dirty_ = true;
  return record_;
}

void RunState::MarkChanged() {
  if (changed_) return;
  changed_ = true;
  if (change_list_ != nullptr) change_list_->push_back(this);
}

bool RunState::terminal() const { return IsTerminal(record_.status()); }

StepInstance& RunState::AddInstance(const Scope& scope, const StepDef& def, int iteration,
                                    std::string key) {
  auto instance = std::make_unique<StepInstance>();
  instance->key = std::move(key);
  instance->scope = &scope;
  instance->def = &def;
  instance->iteration = iteration;
  StepInstance& ref = *instance;
  const bool inserted = by_key_.emplace(ref.key, &ref).second;
  assert(inserted);
  (void)inserted;
  instances_.push_back(std::move(instance));
  Group(scope, def.index, iteration).instances.push_back(&ref);
  Touch(ref);
  return ref;
}

StepInstance* RunState::Find(absl::string_view key) {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second;
}

void RunState::RemoveInstances(const absl::flat_hash_set<const StepInstance*>& doomed) {
  for (auto it = groups_.begin(); it != groups_.end();) {
    auto& members = it->second.instances;
    const bool gone = !members.empty() && doomed.contains(members.front());
    if (gone) {
      groups_.erase(it++);
    } else {
      ++it;
    }
  }
  MarkChanged();
  for (const StepInstance* instance : doomed) {
    by_key_.erase(instance->key);
    deleted_.push_back(instance->key);
    dirty_set_.erase(const_cast<StepInstance*>(instance));
  }
  dirty_.erase(std::remove_if(dirty_.begin(), dirty_.end(),
                              [&](StepInstance* i) { return doomed.contains(i); }),
               dirty_.end());
  instances_.erase(std::remove_if(instances_.begin(), instances_.end(),
                                  [&](const auto& i) { return doomed.contains(i.get()); }),
                   instances_.end());
}

StepGroup& RunState::Group(const Scope& scope, int step_index, int iteration) {
  return groups_[GroupKey{&scope, step_index, iteration}];
}

const StepGroup* RunState::FindGroup(const Scope& scope, int step_index, int iteration) const {
  auto it = groups_.find(GroupKey{&scope, step_index, iteration});
  return it == groups_.end() ? nullptr : &it->second;
}

int RunState::iteration(int repeat_index) const {
  auto it = iterations_.find(repeat_index);
  return it == iterations_.end() ? 0 : it->second;
}

void RunState::set_iteration(int repeat_index, int iteration) {
  iterations_[repeat_index] = iteration;
}

int RunState::first_kept_iteration(int repeat_index) const {
  auto it = first_kept_.find(repeat_index);
  return it == first_kept_.end() ? 1 : it->second;
}

void RunState::set_first_kept_iteration(int repeat_index, int iteration) {
  first_kept_[repeat_index] = iteration;
}

void RunState::TouchRecord() {
  MarkChanged();
  record_dirty_ = true;
}

const std::vector<int64_t>* RunState::IterationEvents(int repeat_index, int iteration) const {
  auto by_repeat = iteration_events_.find(repeat_index);
  if (by_repeat == iteration_events_.end()) return nullptr;
  auto it = by_repeat->second.find(iteration);
  return it == by_repeat->second.end() ? nullptr : &it->second;
}

void RunState::NoteIterationEvent(v1::EventType type, const StepInstance& instance,
                                  int64_t seq) {
  if (instance.scope->owner >= 0) {
    iteration_events_[instance.scope->owner][instance.iteration].push_back(seq);
  } else if (type == v1::EVENT_TYPE_ITERATION_STARTED) {
    iteration_events_[instance.def->index][iteration(instance.def->index)].push_back(seq);
  }
}

void RunState::NoteStoredEvent(const v1::HistoryEvent& event) {
  // Block steps' keys are "<repeat id>/<step>…#<iteration>"; ITERATION_STARTED events carry
  // their iteration in detail.
  const std::string& key = event.step_key();
  const size_t slash = key.find('/');
  const StepDef* repeat = campaign_->root().Find(key.substr(0, slash));
  if (repeat == nullptr || repeat->kind != StepDef::Kind::kRepeat) return;
  int iteration = 0;
  if (slash != std::string::npos) {
    const size_t hash = key.rfind('#');
    if (hash == std::string::npos || !absl::SimpleAtoi(key.substr(hash + 1), &iteration)) return;
  } else if (event.type() == v1::EVENT_TYPE_ITERATION_STARTED) {
    const auto& fields = event.detail().struct_value().fields();
    auto it = fields.find("iteration");
    if (it == fields.end()) return;
    iteration = static_cast<int>(it->second.number_value());
  } else {
    return;
  }
  iteration_events_[repeat->index][iteration].push_back(event.seq());
}

void RunState::ForgetIterationEvents(int repeat_index, int iteration) {
  if (auto it = iteration_events_.find(repeat_index); it != iteration_events_.end()) {
    it->second.erase(iteration);
  }
}

void RunState::DeleteEvents(const std::vector<int64_t>& seqs) {
  if (seqs.empty()) return;
  MarkChanged();
  deleted_events_.insert(deleted_events_.end(), seqs.begin(), seqs.end());
}

int64_t RunState::compaction_event(int repeat_index) const {
  auto it = compaction_events_.find(repeat_index);
  return it == compaction_events_.end() ? 0 : it->second;
}

void RunState::set_compaction_event(int repeat_index, int64_t seq) {
  compaction_events_[repeat_index] = seq;
  TouchRecord();
}

void RunState::set_start_timer(absl::Time at) {
  start_timer_ = at;
  TouchRecord();
}

void RunState::Touch(StepInstance& instance) {
  MarkChanged();
  if (dirty_set_.insert(&instance).second) dirty_.push_back(&instance);
}

v1::HistoryEvent& RunState::AddEvent(v1::EventType type, absl::Time now,
                                     const StepInstance* instance) {
  v1::HistoryEvent& event = events_.emplace_back();
  event.set_seq(next_event_seq_++);
  *event.mutable_time() =
      ToProtoTime(now);
  event.set_type(type);
  event.set_run_id(record_.run_id());
  if (instance != nullptr) {
    event.set_step_key(instance->key);
    event.set_attempt(instance->attempt);
    event.set_state(instance->state);
    NoteIterationEvent(type, *instance, event.seq());
  }
  record_.set_last_event_seq(event.seq());
  MarkChanged();
  record_dirty_ = true;
  return event;
}

bool RunState::has_changes() const {
  return record_dirty_ || !dirty_.empty() || !deleted_.empty() || !events_.empty() ||
         !deleted_events_.empty();
}

RunState::Changes RunState::TakeChanges() {
  Changes changes;
  changes.record_dirty = record_dirty_;
  changes.instances = std::move(dirty_);
  changes.deleted_keys = std::move(deleted_);
  changes.events = std::move(events_);
  changes.deleted_events = std::move(deleted_events_);
  changed_ = false;
  record_dirty_ = false;
  dirty_.clear();
  dirty_set_.clear();
  deleted_.clear();
  events_.clear();
  deleted_events_.clear();
  return changes;
}

absl::flat_hash_map<std::string, int32_t> RunState::CountStates() const {
  absl::flat_hash_map<std::string, int32_t> counts;
  for (const auto& instance : instances_) {
    ++counts[v1::StepState_Name(instance->state)];
  }
  return counts;
}

}  // namespace fanfare::scheduler
