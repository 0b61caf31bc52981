// Dispatcher: ready tasks per (namespace, queue), the workers that serve them, and the
// matching of one to the other under credit-based flow control.
//
// The Dispatcher holds task ids, not tasks: an id whose instance is no longer queued (it was
// cancelled, or leased by another path) is skipped when it reaches the front. Fairness and
// rate limits decide the order in which queues and tasks are offered (engine/dispatch/
// docs in docs/architecture.md).
//
// Not thread-safe: owned by the engine thread.
#ifndef FANFARE_ENGINE_DISPATCH_DISPATCHER_H_
#define FANFARE_ENGINE_DISPATCH_DISPATCHER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "engine/dispatch/fair_queue.h"
#include "engine/dispatch/worker_session.h"

namespace fanfare::dispatch {

class Dispatcher {
 public:
  // Registers a session; a session with the same id replaces the old one, which is returned
  // (or null) so that the caller can close it, and whose tasks are no longer indexed.
  std::unique_ptr<WorkerSession> AddSession(std::unique_ptr<WorkerSession> session);
  // Removes and returns a session (null if unknown).
  std::unique_ptr<WorkerSession> RemoveSession(absl::string_view session_id);
  WorkerSession* FindSession(absl::string_view session_id);
  const absl::flat_hash_map<std::string, std::unique_ptr<WorkerSession>>& sessions() const {
    return sessions_;
  }

  // The index of leased tasks to the session running them, so that an outcome or a cancel
  // finds its session in O(1). Started records that `session` runs `task_id` (taking one of
  // its credits; a task another session held is taken from it); Stopped forgets the task and
  // returns the session that ran it, or null.
  void Started(uint64_t task_id, WorkerSession& session);
  WorkerSession* Stopped(uint64_t task_id);
  // The session running `task_id`, or null.
  WorkerSession* RunningOn(uint64_t task_id) const;

  // Queues a task in its queue, behind tasks of higher or equal priority and taking turns
  // with other campaigns (`group`) by `weight` (FairQueue).
  void Enqueue(const std::string& ns, const std::string& queue, uint64_t task_id,
               int priority = 0, const std::string& group = "", int weight = 1);

  // What the matcher learns about a queued task id.
  struct Candidate {
    bool valid = false;  // false: the id is stale, drop it
    std::string action;  // to check the session serves it
  };
  using Inspect = absl::FunctionRef<Candidate(uint64_t task_id)>;
  // Leases `task_id` to `session`; returns false if it could not after all.
  using Assign = absl::FunctionRef<bool(uint64_t task_id, WorkerSession& session)>;

  // Offers queued tasks to sessions with credit, round-robin per queue, until no session can
  // take any queued task. Returns the number of tasks assigned.
  int Match(Inspect inspect, Assign assign);

  // Tasks waiting in each (namespace, queue), stale ids included.
  std::vector<std::pair<std::pair<std::string, std::string>, size_t>> Depths() const;
  size_t queued() const;

 private:
  using QueueKey = std::pair<std::string, std::string>;  // namespace, queue
  struct Queue {
    FairQueue tasks;
  };

  std::vector<WorkerSession*> SessionsFor(const QueueKey& key) const;
  int MatchQueue(const QueueKey& key, Queue& queue, Inspect inspect, Assign assign);

  // Forgets the tasks `session` runs (it is leaving).
  void Unindex(const WorkerSession& session);

  absl::flat_hash_map<std::string, std::unique_ptr<WorkerSession>> sessions_;
  absl::flat_hash_map<uint64_t, WorkerSession*> running_on_;
  std::map<QueueKey, Queue> queues_;
  // Round-robin: the session each queue gave its last task to; the next turn is the next
  // session by id. Kept by id, not position, so that it holds while sessions run out of
  // credit or come and go, and while the queue is empty between tasks.
  std::map<QueueKey, std::string> last_served_;
};

}  // namespace fanfare::dispatch

#endif  // FANFARE_ENGINE_DISPATCH_DISPATCHER_H_
