#include "engine/scheduler/run_state.h"

#include <algorithm>
#include <cassert>

#include "engine/base/proto_time.h"

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

bool RunState::terminal() const {
  switch (record_.status()) {
    case v1::RUN_STATUS_SUCCEEDED:
    case v1::RUN_STATUS_FAILED:
    case v1::RUN_STATUS_CANCELED:
      return true;
    default:
      return false;
  }
}

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
  }
  record_.set_last_event_seq(event.seq());
  MarkChanged();
  record_dirty_ = true;
  return event;
}

bool RunState::has_changes() const {
  return record_dirty_ || !dirty_.empty() || !deleted_.empty() || !events_.empty();
}

RunState::Changes RunState::TakeChanges() {
  Changes changes;
  changes.record_dirty = record_dirty_;
  changes.instances = std::move(dirty_);
  changes.deleted_keys = std::move(deleted_);
  changes.events = std::move(events_);
  changed_ = false;
  record_dirty_ = false;
  dirty_.clear();
  dirty_set_.clear();
  deleted_.clear();
  events_.clear();
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
