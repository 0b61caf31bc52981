#include "engine/service/worker_service.h"

#include <atomic>
#include <deque>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "auth/worker_certificate.h"
#include "base/status_macros.h"
#include "engine/coordinator/namespaces.h"
#include "engine/dispatch/worker_session.h"
#include "engine/service/unary.h"
#include "engine/service/unparsable_requests.h"

namespace fanfare::service {
namespace {

using coordinator::Engine;

using RawStream = grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

// Where the engine delivers a stream session's messages. Shared between the engine (which
// may outlive the call briefly) and the reactor; messages to a finished call are dropped.
class StreamSink final : public dispatch::SessionSink {
 public:
  explicit StreamSink(RawStream* stream) : stream_(stream) {}

  void Deliver(v1::CoordinatorMessage message) override {
    grpc::ByteBuffer bytes;
    bool own_buffer = false;
    if (!grpc::SerializationTraits<v1::CoordinatorMessage>::Serialize(message, &bytes, &own_buffer)
             .ok()) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL, "cannot serialise a CoordinatorMessage"));
      return;
    }
    absl::MutexLock lock(&mu_);
    if (stream_ == nullptr || finishing_) return;
    outbox_.push_back(std::move(bytes));
    WriteNext();
  }

  void OnWriteDone(bool ok) {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    outbox_.pop_front();
    if (!ok) outbox_.clear();
    WriteNext();
  }

  // Ends the call once queued messages are written.
  void Finish(grpc::Status status) {
    absl::MutexLock lock(&mu_);
    if (stream_ == nullptr || finishing_) return;
    finishing_ = true;
    final_status_ = std::move(status);
    WriteNext();
  }

  void Detach() {
    absl::MutexLock lock(&mu_);
    stream_ = nullptr;
  }

 private:
  void WriteNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (stream_ == nullptr || writing_) return;
    if (!outbox_.empty()) {
      writing_ = true;
      stream_->StartWrite(&outbox_.front());
    } else if (finishing_ && !finished_) {
      finished_ = true;
      stream_->Finish(final_status_);
    }
  }

  absl::Mutex mu_;
  RawStream* stream_ ABSL_GUARDED_BY(mu_);
  std::deque<grpc::ByteBuffer> outbox_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mu_);
};

// One worker's Connect stream: reads its messages, parses and checks them, and hands them to
// the engine; the sink writes what the engine sends back.
class ConnectStream final : public RawStream {
 public:
  // `caller` is who opened the stream (CallGate::Authenticate); an error ends it at once.
  ConnectStream(coordinator::Coordinator& coordinator, std::string session_id,
                absl::StatusOr<auth::Principal> caller)
      : coordinator_(coordinator),
        session_id_(std::move(session_id)),
        sink_(std::make_shared<StreamSink>(this)),
        caller_(std::move(caller)) {
    if (!caller_.ok()) {
      sink_->Finish(ToGrpcStatus(caller_.status()));
      return;
    }
    StartRead(&raw_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The worker closed its side (or the connection broke): end the session.
      Close(grpc::Status::OK, Engine::SessionEnd::kClosed);
      return;
    }
    absl::Status status = Parse();
    if (status.ok()) status = Accept();
    if (!status.ok()) {
      Close(ToGrpcStatus(status), Engine::SessionEnd::kBrokeProtocol);
      return;
    }
    StartRead(&raw_);
  }

  void OnWriteDone(bool ok) override { sink_->OnWriteDone(ok); }
  void OnCancel() override { Close(grpc::Status::CANCELLED, Engine::SessionEnd::kClosed); }

  void OnDone() override {
    sink_->Detach();
    delete this;
  }

 private:
  // Parses the message just read into in_.
  absl::Status Parse() {
    in_.Clear();
    if (!grpc::SerializationTraits<v1::WorkerMessage>::Deserialize(&raw_, &in_).ok()) {
      static const std::string* const message = new std::string(
          UnparsableMessage(*google::protobuf::DescriptorPool::generated_pool()
                                 ->FindServiceByName(v1::WorkerService::service_full_name())
                                 ->FindMethodByName("Connect")));
      return absl::InvalidArgumentError(*message);
    }
    return absl::OkStatus();
  }

  // Checks the message just parsed and posts it to the engine.
  absl::Status Accept() {
    if (!connected_) {
      if (!in_.has_hello()) {
        return absl::FailedPreconditionError("the first message must carry `hello`");
      }
      v1::WorkerHello hello = std::move(*in_.mutable_hello());
      if (hello.worker_id().empty()) hello.set_worker_id(session_id_);
      // A worker known by its certificate is the worker the certificate names.
      if (IdentifiedByCertificate(*caller_)) hello.set_worker_id(caller_->subject);
      if (hello.namespace_().empty()) hello.set_namespace_(std::string(coordinator::kDefaultNamespace));
      // A worker serves the namespace its credentials are for, and no other.
      RETURN_IF_ERROR(auth::Authorize(*caller_, auth::Permission::kWork, hello.namespace_()));
      RETURN_IF_ERROR(Check(hello));
      connected_ = true;
      in_.clear_hello();
      coordinator_.Post([worker = *caller_, id = session_id_, hello = std::move(hello),
                         sink = sink_](Engine& e) mutable {
        e.Connect(worker, id, std::move(hello), std::move(sink));
      });
    }
    RETURN_IF_ERROR(Check(in_));
    if (in_.ByteSizeLong() > 0) {
      coordinator_.Post([id = session_id_, message = std::move(in_)](Engine& e) mutable {
        e.OnWorkerMessage(id, std::move(message));
      });
    }
    in_.Clear();
    return absl::OkStatus();
  }

  void Close(grpc::Status status, Engine::SessionEnd how) {
    if (connected_ && !disconnected_.exchange(true)) {
      coordinator_.Post([id = session_id_, how](Engine& e) { e.Disconnect(id, how); });
    }
    sink_->Finish(std::move(status));
  }

  coordinator::Coordinator& coordinator_;
  const std::string session_id_;
  std::shared_ptr<StreamSink> sink_;
  const absl::StatusOr<auth::Principal> caller_;
  grpc::ByteBuffer raw_;
  v1::WorkerMessage in_;
  // Set by OnReadDone; read by OnCancel, which may run concurrently.
  std::atomic<bool> connected_{false};
  std::atomic<bool> disconnected_{false};
};

// Answers one PollTasks call with the first tasks leased to it, or nothing at its deadline.
class PollSink final : public dispatch::SessionSink {
 public:
  PollSink(grpc::ServerUnaryReactor* reactor, v1::PollTasksResponse* response)
      : reactor_(reactor), response_(response) {}

  void Deliver(v1::CoordinatorMessage message) override {
    if (answered_.exchange(true)) return;
    for (v1::Task& task : *message.mutable_tasks()) *response_->add_tasks() = std::move(task);
    reactor_->Finish(grpc::Status::OK);
  }

 private:
  grpc::ServerUnaryReactor* reactor_;
  v1::PollTasksResponse* response_;
  std::atomic<bool> answered_{false};
};

}  // namespace

std::string WorkerServiceImpl::NewSessionId() {
  return absl::StrCat("session-", sessions_.fetch_add(1) + 1);
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* WorkerServiceImpl::Connect(
    grpc::CallbackServerContext* context) {
  return new ConnectStream(coordinator_, NewSessionId(), gate_.Authenticate(*context));
}

grpc::ServerUnaryReactor* WorkerServiceImpl::PollTasks(grpc::CallbackServerContext* context,
                                                       const v1::PollTasksRequest* request,
                                                       v1::PollTasksResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<auth::Principal> caller =
      gate_.Admit(*context, "/fanfare.v1.WorkerService/PollTasks", *request);
  if (absl::Status status = caller.ok() ? Check(*request) : caller.status(); !status.ok()) {
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }
  auto sink = std::make_shared<PollSink>(reactor, response);
  v1::PollTasksRequest poll = *request;
  if (IdentifiedByCertificate(*caller)) poll.set_worker_id(caller->subject);
  coordinator_.Post([worker = *std::move(caller), id = NewSessionId(), poll = std::move(poll),
                     sink](Engine& e) mutable {
    e.Poll(worker, id, std::move(poll), std::move(sink));
  });
  return reactor;
}

grpc::ServerUnaryReactor* WorkerServiceImpl::CompleteTask(grpc::CallbackServerContext* context,
                                                          const v1::CompleteTaskRequest* request,
                                                          v1::OutcomeAck* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.WorkerService/CompleteTask"},
                     request, response,
                     [](Engine& engine, const auth::Principal& worker,
                        const v1::CompleteTaskRequest& r, coordinator::Reply<v1::OutcomeAck> reply) {
                       v1::TaskOutcome outcome;
                       outcome.set_task_id(r.task_id());
                       outcome.set_attempt(r.attempt());
                       *outcome.mutable_success() = r.success();
                       engine.ReportOutcome(worker, std::move(outcome), std::move(reply));
                     });
}

grpc::ServerUnaryReactor* WorkerServiceImpl::FailTask(grpc::CallbackServerContext* context,
                                                      const v1::FailTaskRequest* request,
                                                      v1::OutcomeAck* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.WorkerService/FailTask"},
                     request, response,
                     [](Engine& engine, const auth::Principal& worker,
                        const v1::FailTaskRequest& r, coordinator::Reply<v1::OutcomeAck> reply) {
                       v1::TaskOutcome outcome;
                       outcome.set_task_id(r.task_id());
                       outcome.set_attempt(r.attempt());
                       *outcome.mutable_failure() = r.failure();
                       engine.ReportOutcome(worker, std::move(outcome), std::move(reply));
                     });
}

grpc::ServerUnaryReactor* WorkerServiceImpl::Heartbeat(grpc::CallbackServerContext* context,
                                                       const v1::HeartbeatRequest* request,
                                                       v1::HeartbeatResponse* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.WorkerService/Heartbeat"},
                     request, response,
                     [](Engine& engine, const auth::Principal& worker,
                        const v1::HeartbeatRequest& r,
                        coordinator::Reply<v1::HeartbeatResponse> reply) {
                       engine.Heartbeat(worker, r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* WorkerServiceImpl::DeliverComments(
    grpc::CallbackServerContext* context, const v1::DeliverCommentsRequest* request,
    v1::DeliverCommentsResponse* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.WorkerService/DeliverComments"},
                     request, response,
                     [](Engine& engine, const v1::DeliverCommentsRequest& r,
                        coordinator::Reply<v1::DeliverCommentsResponse> reply) {
                       engine.DeliverComments(r, std::move(reply));
                     });
}

}  // namespace fanfare::service
