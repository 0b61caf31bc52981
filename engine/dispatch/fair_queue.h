// FairQueue: the ready tasks of one (namespace, queue) in the order they are offered to
// workers: higher priority first; within a priority, campaigns take turns — a campaign of
// weight w is served w tasks per turn — and within a campaign, first in, first out. So a
// campaign that queues ten thousand posts cannot starve another sharing the account.
//
// Not thread-safe.
#ifndef FANFARE_ENGINE_DISPATCH_FAIR_QUEUE_H_
#define FANFARE_ENGINE_DISPATCH_FAIR_QUEUE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fanfare::dispatch {

class FairQueue {
 public:
  void Push(uint64_t task_id, int priority, const std::string& group, int weight = 1);
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // The task offered next. REQUIRES: !empty(). Stable until PopFront().
  uint64_t Front();
  void PopFront();

 private:
  struct Group {
    std::deque<uint64_t> tasks;
    int weight = 1;
    int served = 0;  // in the current turn
  };
  struct Level {
    std::map<std::string, Group> groups;
    std::vector<std::string> order;  // turn order
    size_t turn = 0;
  };
  // The level and group whose task is next, dropping empty ones.
  Group& Current();

  std::map<int, Level, std::greater<>> levels_;
  size_t size_ = 0;
};

}  // namespace fanfare::dispatch

#endif  // FANFARE_ENGINE_DISPATCH_FAIR_QUEUE_H_
