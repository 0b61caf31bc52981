#include "engine/dispatch/fair_queue.h"

#include <algorithm>
#include <cassert>

namespace fanfare::dispatch {

void FairQueue::Push(uint64_t task_id, int priority, const std::string& group, int weight) {
  Level& level = levels_[priority];
  auto [it, inserted] = level.groups.try_emplace(group);
  if (inserted) level.order.push_back(group);
  it->second.weight = std::max(1, weight);
  it->second.tasks.push_back(task_id);
  ++size_;
}

FairQueue::Group& FairQueue::Current() {
  assert(size_ > 0);
  while (true) {
    Level& level = levels_.begin()->second;
    if (level.order.empty()) {
      levels_.erase(levels_.begin());
      continue;
    }
    level.turn %= level.order.size();
    auto it = level.groups.find(level.order[level.turn]);
    if (!it->second.tasks.empty()) return it->second;
    level.groups.erase(it);
    level.order.erase(level.order.begin() + static_cast<std::ptrdiff_t>(level.turn));
  }
}

uint64_t FairQueue::Front() { return Current().tasks.front(); }

void FairQueue::PopFront() {
  Group& group = Current();
  group.tasks.pop_front();
  --size_;
  if (++group.served >= group.weight || group.tasks.empty()) {
    group.served = 0;
    ++levels_.begin()->second.turn;
  }
}

}  // namespace fanfare::dispatch
