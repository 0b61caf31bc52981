// WorkerSession: one connected worker (a Connect stream, or one long-poll), as dispatch sees it.
#ifndef FANFARE_ENGINE_DISPATCH_WORKER_SESSION_H_
#define FANFARE_ENGINE_DISPATCH_WORKER_SESSION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "fanfare/v1/worker.pb.h"

namespace fanfare::dispatch {

// Where a session's messages go: the gRPC stream or the waiting poll call. Implementations
// must be safe to call from the engine thread while their transport runs on its own threads.
class SessionSink {
 public:
  virtual ~SessionSink() = default;
  // Sends (or, for a poll, answers with) `message`. Called only after every state change
  // the message reports is durable.
  virtual void Deliver(v1::CoordinatorMessage message) = 0;
};

enum class Transport { kStream, kPoll };

// Owned by the Dispatcher; touched only on the engine thread.
class WorkerSession {
 public:
  WorkerSession(std::string session_id, v1::WorkerHello hello, Transport transport,
                std::shared_ptr<SessionSink> sink, absl::Time connected_at);

  const std::string& session_id() const { return session_id_; }
  const std::string& worker_id() const { return hello_.worker_id(); }
  const v1::WorkerHello& hello() const { return hello_; }
  const std::string& ns() const { return hello_.namespace_(); }
  Transport transport() const { return transport_; }
  // Who the session's worker authenticated as (auth::Principal::Key): the leases it takes
  // are bound to it, and only it may report on them or extend them.
  const std::string& holder() const { return holder_; }
  void set_holder(std::string holder) { holder_ = std::move(holder); }
  absl::Time connected_at() const { return connected_at_; }

  // True if the session serves `action` on `queue`.
  bool Serves(absl::string_view queue, absl::string_view action) const;

  // Slots the worker granted and has not used; never more than max_concurrency - running.
  int credit() const { return credit_; }
  void Grant(int slots);
  bool draining() const { return draining_; }
  void set_draining() { draining_ = true; }
  bool CanTake() const { return credit_ > 0 && !draining_; }

  // Attempts leased to this session and not yet reported. Dispatcher::Started and Stopped
  // keep this and the dispatcher's index in step; use those.
  const absl::flat_hash_set<uint64_t>& running() const { return running_; }
  void Started(uint64_t task_id);
  void Stopped(uint64_t task_id);

  // The message being assembled for the next delivery.
  v1::CoordinatorMessage& outbox() { return outbox_; }
  bool has_outbox() const { return outbox_.ByteSizeLong() > 0; }
  // The assembled message, leaving an empty one.
  v1::CoordinatorMessage TakeOutbox();
  const std::shared_ptr<SessionSink>& sink() const { return sink_; }

  // For polls: when to answer even with nothing.
  absl::Time poll_deadline = absl::InfiniteFuture();

 private:
  std::string session_id_;
  v1::WorkerHello hello_;
  Transport transport_;
  std::string holder_;
  std::shared_ptr<SessionSink> sink_;
  absl::Time connected_at_;
  absl::flat_hash_set<std::string> actions_;
  int credit_ = 0;
  bool draining_ = false;
  absl::flat_hash_set<uint64_t> running_;
  v1::CoordinatorMessage outbox_;
};

}  // namespace fanfare::dispatch

#endif  // FANFARE_ENGINE_DISPATCH_WORKER_SESSION_H_
