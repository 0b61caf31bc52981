#include "engine/dispatch/dispatcher.h"

#include <algorithm>

namespace fanfare::dispatch {

std::unique_ptr<WorkerSession> Dispatcher::AddSession(std::unique_ptr<WorkerSession> session) {
  std::unique_ptr<WorkerSession>& slot = sessions_[session->session_id()];
  std::unique_ptr<WorkerSession> previous = std::move(slot);
  slot = std::move(session);
  if (previous != nullptr) Unindex(*previous);
  return previous;
}

std::unique_ptr<WorkerSession> Dispatcher::RemoveSession(absl::string_view session_id) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return nullptr;
  std::unique_ptr<WorkerSession> session = std::move(it->second);
  sessions_.erase(it);
  Unindex(*session);
  return session;
}

void Dispatcher::Unindex(const WorkerSession& session) {
  for (const uint64_t task_id : session.running()) {
    auto it = running_on_.find(task_id);
    if (it != running_on_.end() && it->second == &session) running_on_.erase(it);
  }
}

void Dispatcher::Started(uint64_t task_id, WorkerSession& session) {
  WorkerSession*& slot = running_on_[task_id];
  if (slot != nullptr && slot != &session) slot->Stopped(task_id);
  slot = &session;
  session.Started(task_id);
}

WorkerSession* Dispatcher::Stopped(uint64_t task_id) {
  auto it = running_on_.find(task_id);
  if (it == running_on_.end()) return nullptr;
  WorkerSession* session = it->second;
  running_on_.erase(it);
  session->Stopped(task_id);
  return session;
}

WorkerSession* Dispatcher::RunningOn(uint64_t task_id) const {
  auto it = running_on_.find(task_id);
  return it == running_on_.end() ? nullptr : it->second;
}

WorkerSession* Dispatcher::FindSession(absl::string_view session_id) {
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void Dispatcher::Enqueue(const std::string& ns, const std::string& queue, uint64_t task_id,
                         int priority, const std::string& group, int weight) {
  queues_[QueueKey(ns, queue)].tasks.Push(task_id, priority, group, weight);
}

std::vector<WorkerSession*> Dispatcher::SessionsFor(const QueueKey& key) const {
  std::vector<WorkerSession*> out;
  for (const auto& [id, session] : sessions_) {
    if (session->ns() != key.first || !session->CanTake()) continue;
    const auto& queues = session->hello().queues();
    if (std::find(queues.begin(), queues.end(), key.second) != queues.end()) {
      out.push_back(session.get());
    }
  }
  // A stable order, so that round-robin positions mean something from call to call.
  std::sort(out.begin(), out.end(), [](const WorkerSession* a, const WorkerSession* b) {
    return a->session_id() < b->session_id();
  });
  return out;
}

int Dispatcher::MatchQueue(const QueueKey& key, Queue& queue, Inspect inspect, Assign assign) {
  std::vector<WorkerSession*> sessions = SessionsFor(key);
  std::string& last_served = last_served_[key];
  int assigned = 0;
  while (!queue.tasks.empty() && !sessions.empty()) {
    const uint64_t task_id = queue.tasks.Front();
    const Candidate candidate = inspect(task_id);
    if (!candidate.valid) {
      queue.tasks.PopFront();
      continue;
    }
    // The next session in turn that serves this action: the first after the last served.
    const size_t next = std::upper_bound(sessions.begin(), sessions.end(), last_served,
                                         [](const std::string& id, const WorkerSession* s) {
                                           return id < s->session_id();
                                         }) -
                        sessions.begin();
    WorkerSession* chosen = nullptr;
    for (size_t i = 0; i < sessions.size() && chosen == nullptr; ++i) {
      WorkerSession* s = sessions[(next + i) % sessions.size()];
      if (s->Serves(key.second, candidate.action)) chosen = s;
    }
    if (chosen == nullptr) break;  // nobody with credit serves the task at the front
    last_served = chosen->session_id();
    queue.tasks.PopFront();
    if (assign(task_id, *chosen)) ++assigned;
    if (!chosen->CanTake()) {
      sessions.erase(std::find(sessions.begin(), sessions.end(), chosen));
    }
  }
  return assigned;
}

int Dispatcher::Match(Inspect inspect, Assign assign) {
  int assigned = 0;
  for (auto it = queues_.begin(); it != queues_.end();) {
    assigned += MatchQueue(it->first, it->second, inspect, assign);
    if (it->second.tasks.empty()) {
      it = queues_.erase(it);
    } else {
      ++it;
    }
  }
  return assigned;
}

std::vector<std::pair<std::pair<std::string, std::string>, size_t>> Dispatcher::Depths() const {
  std::vector<std::pair<std::pair<std::string, std::string>, size_t>> out;
  for (const auto& [key, queue] : queues_) out.emplace_back(key, queue.tasks.size());
  return out;
}

size_t Dispatcher::queued() const {
  size_t total = 0;
  for (const auto& [key, queue] : queues_) total += queue.tasks.size();
  return total;
}

}  // namespace fanfare::dispatch
