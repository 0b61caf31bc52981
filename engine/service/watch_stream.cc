#include "engine/service/watch_stream.h"

#include <algorithm>

#include "engine/coordinator/namespaces.h"
#include "engine/coordinator/queries.h"
#include "engine/service/grpc_status.h"
#include "engine/service/request_checks.h"

namespace fanfare::service {
namespace {

// History is read from the store a page at a time, as the client keeps up.
constexpr size_t kPage = 256;

}  // namespace

WatchBridge::WatchBridge(const store::Store& store, v1::WatchRunRequest request,
                         grpc::ServerWriteReactor<v1::HistoryEvent>* stream)
    : store_(store), request_(std::move(request)), stream_(stream) {
  next_seq_ = std::max<int64_t>(request_.from_seq(), 1);
}

void WatchBridge::OnRegistered(absl::StatusOr<int64_t> first_live_seq, bool live) {
  absl::MutexLock lock(&mu_);
  if (!first_live_seq.ok()) {
    FinishWith(ToGrpcStatus(first_live_seq.status()));
    return;
  }
  registered_ = true;
  first_live_seq_ = *first_live_seq;
  run_over_ = !live;
  Pump();
}

void WatchBridge::OnEvents(const std::vector<v1::HistoryEvent>& events) {
  absl::MutexLock lock(&mu_);
  live_.insert(live_.end(), events.begin(), events.end());
  Pump();
}

void WatchBridge::OnFinished() {
  absl::MutexLock lock(&mu_);
  run_over_ = true;
  Pump();
}

bool WatchBridge::Closed() const {
  absl::MutexLock lock(&mu_);
  return stream_ == nullptr || finishing_;
}

void WatchBridge::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  if (pending_finish_.has_value()) {
    FinishWith(*pending_finish_);
    return;
  }
  if (!ok) {
    FinishWith(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the watcher went away"));
    return;
  }
  Pump();
}

void WatchBridge::OnCancel() {
  absl::MutexLock lock(&mu_);
  FinishWith(grpc::Status::CANCELLED);
}

void WatchBridge::Detach() {
  absl::MutexLock lock(&mu_);
  stream_ = nullptr;
}

bool WatchBridge::NextEvent(v1::HistoryEvent* event) {
  if (next_seq_ < first_live_seq_) {
    if (stored_.empty()) {
      absl::StatusOr<std::vector<v1::HistoryEvent>> page = coordinator::ReadHistory(
          store_, coordinator::NamespaceOr(request_.namespace_()),
          request_.run_id(), next_seq_, first_live_seq_, kPage);
      if (!page.ok() || page->empty()) {
        // Nothing stored below first_live_seq_ from here on (compacted): go live.
        next_seq_ = first_live_seq_;
      } else {
        stored_.insert(stored_.end(), page->begin(), page->end());
      }
    }
    if (!stored_.empty()) {
      *event = std::move(stored_.front());
      stored_.pop_front();
      return true;
    }
  }
  while (!live_.empty()) {
    v1::HistoryEvent candidate = std::move(live_.front());
    live_.pop_front();
    if (candidate.seq() >= next_seq_) {
      *event = std::move(candidate);
      return true;
    }
  }
  return false;
}

void WatchBridge::Pump() {
  if (stream_ == nullptr || !registered_ || writing_ || finishing_) return;
  if (NextEvent(&current_)) {
    next_seq_ = current_.seq() + 1;
    writing_ = true;
    stream_->StartWrite(&current_);
    return;
  }
  if (run_over_) FinishWith(grpc::Status::OK);
}

void WatchBridge::FinishWith(const grpc::Status& status) {
  if (stream_ == nullptr || finishing_) return;
  if (writing_) {
    pending_finish_ = status;
    return;
  }
  finishing_ = true;
  stream_->Finish(status);
}

WatchStream::WatchStream(coordinator::Coordinator& coordinator, const v1::WatchRunRequest& request,
                         const absl::Status& admitted)
    : bridge_(std::make_shared<WatchBridge>(coordinator.store(), request, this)) {
  if (absl::Status status = admitted.ok() ? Check(request) : admitted; !status.ok()) {
    Finish(ToGrpcStatus(status));
    return;
  }
  coordinator.Post([bridge = bridge_, ns = request.namespace_(),
                    run_id = request.run_id()](coordinator::Engine& engine) {
    engine.Watch(ns, run_id, bridge);
  });
}

void WatchStream::OnDone() {
  bridge_->Detach();
  delete this;
}

}  // namespace fanfare::service
