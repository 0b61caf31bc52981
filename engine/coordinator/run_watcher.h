// RunWatcher: what WatchRun subscribes to the engine.
#ifndef FANFARE_ENGINE_COORDINATOR_RUN_WATCHER_H_
#define FANFARE_ENGINE_COORDINATOR_RUN_WATCHER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "fanfare/v1/run.pb.h"

namespace fanfare::coordinator {

// Receives a run's history as it becomes durable. Every method is called on the engine
// thread and must return quickly (hand the events to the transport).
class RunWatcher {
 public:
  virtual ~RunWatcher() = default;

  // Called once after registration. Events with seq below `first_live_seq` are already in
  // the store (read them there); every later event will arrive through OnEvents. `live`
  // is false when the run is over: no event will follow. NotFound if there is no such run.
  virtual void OnRegistered(absl::StatusOr<int64_t> first_live_seq, bool live) = 0;
  // Durable events, in sequence order.
  virtual void OnEvents(const std::vector<v1::HistoryEvent>& events) = 0;
  // The run is over; nothing follows.
  virtual void OnFinished() = 0;
  // True once the client went away; the engine then drops the watcher.
  virtual bool Closed() const = 0;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_RUN_WATCHER_H_
