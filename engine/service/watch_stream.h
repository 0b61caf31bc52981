// WatchStream: the server side of WatchRun. It sends the run's stored history from the
// requested sequence number, then the live events as the engine makes them durable, and ends
// after the event that makes the run terminal. Private to engine/service.
#ifndef FANFARE_ENGINE_SERVICE_WATCH_STREAM_H_
#define FANFARE_ENGINE_SERVICE_WATCH_STREAM_H_

#include <deque>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "engine/coordinator/coordinator.h"
#include "engine/coordinator/run_watcher.h"
#include "fanfare/v1/coordinator.pb.h"
#include "grpcpp/grpcpp.h"

namespace fanfare::service {

// Connects one WatchRun call to the engine. The engine holds it as a RunWatcher; the gRPC
// reactor holds it for writing. Whichever goes first, the other finds it detached.
class WatchBridge final : public coordinator::RunWatcher {
 public:
  WatchBridge(const store::Store& store, v1::WatchRunRequest request,
              grpc::ServerWriteReactor<v1::HistoryEvent>* stream);

  // RunWatcher (engine thread).
  void OnRegistered(absl::StatusOr<int64_t> first_live_seq, bool live) override;
  void OnEvents(const std::vector<v1::HistoryEvent>& events) override;
  void OnFinished() override;
  bool Closed() const override;

  // From the reactor (gRPC threads).
  void OnWriteDone(bool ok);
  void OnCancel();
  void Detach();

 private:
  // Starts the next write, or finishes the call when everything is sent.
  void Pump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishWith(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool NextEvent(v1::HistoryEvent* event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const store::Store& store_;
  const v1::WatchRunRequest request_;
  mutable absl::Mutex mu_;
  grpc::ServerWriteReactor<v1::HistoryEvent>* stream_ ABSL_GUARDED_BY(mu_);
  bool registered_ ABSL_GUARDED_BY(mu_) = false;
  bool run_over_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  int64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  // Events below this come from the store; from it on, from the engine.
  int64_t first_live_seq_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<v1::HistoryEvent> stored_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::HistoryEvent> live_ ABSL_GUARDED_BY(mu_);
  v1::HistoryEvent current_ ABSL_GUARDED_BY(mu_);
  // A finish asked for while a write was in flight; done when the write completes.
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
};

// The reactor gRPC drives; owns nothing but its bridge reference.
class WatchStream final : public grpc::ServerWriteReactor<v1::HistoryEvent> {
 public:
  // `admitted` is the gate's verdict on the call (CallGate::Admit): an error ends the stream
  // with it before anything is read.
  WatchStream(coordinator::Coordinator& coordinator, const v1::WatchRunRequest& request,
              const absl::Status& admitted);

  void OnWriteDone(bool ok) override { bridge_->OnWriteDone(ok); }
  void OnCancel() override { bridge_->OnCancel(); }
  void OnDone() override;

 private:
  std::shared_ptr<WatchBridge> bridge_;
};

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_WATCH_STREAM_H_
