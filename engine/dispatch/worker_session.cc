#include "engine/dispatch/worker_session.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace fanfare::dispatch {

WorkerSession::WorkerSession(std::string session_id, v1::WorkerHello hello, Transport transport,
                             std::shared_ptr<SessionSink> sink, absl::Time connected_at)
    : session_id_(std::move(session_id)),
      hello_(std::move(hello)),
      transport_(transport),
      sink_(std::move(sink)),
      connected_at_(connected_at),
      actions_(hello_.actions().begin(), hello_.actions().end()) {}

bool WorkerSession::Serves(absl::string_view queue, absl::string_view action) const {
  if (std::find(hello_.queues().begin(), hello_.queues().end(), queue) == hello_.queues().end()) {
    return false;
  }
  return actions_.empty() || actions_.contains(action);
}

void WorkerSession::Grant(int slots) {
  const int room = hello_.max_concurrency() - static_cast<int>(running_.size());
  credit_ = std::clamp(credit_ + slots, 0, std::max(0, room));
}

void WorkerSession::Started(uint64_t task_id) {
  running_.insert(task_id);
  --credit_;
}

void WorkerSession::Stopped(uint64_t task_id) { running_.erase(task_id); }

v1::CoordinatorMessage WorkerSession::TakeOutbox() {
  v1::CoordinatorMessage message;
  message.Swap(&outbox_);
  return message;
}

}  // namespace fanfare::dispatch
