// WorkerService over gRPC: the Connect stream (credit-based flow control, batched tasks and
// acks) and the unary long-poll fallback.
#ifndef FANFARE_ENGINE_SERVICE_WORKER_SERVICE_H_
#define FANFARE_ENGINE_SERVICE_WORKER_SERVICE_H_

#include <atomic>
#include <string>

#include "engine/coordinator/coordinator.h"
#include "engine/service/call_gate.h"
#include "fanfare/v1/worker.grpc.pb.h"

namespace fanfare::service {

// Connect is served raw (bytes in, bytes out) and parses each message itself, so that a
// message that does not parse is told apart from the worker closing its side: it ends the
// stream with INVALID_ARGUMENT, and the attempts leased to the session are treated as lost
// at once (Engine::SessionEnd::kBrokeProtocol), like every refusal that ends the stream.
using WorkerServiceBase = v1::WorkerService::WithRawCallbackMethod_Connect<
    v1::WorkerService::WithCallbackMethod_PollTasks<
        v1::WorkerService::WithCallbackMethod_CompleteTask<
            v1::WorkerService::WithCallbackMethod_FailTask<
                v1::WorkerService::WithCallbackMethod_Heartbeat<
                    v1::WorkerService::WithCallbackMethod_DeliverComments<
                        v1::WorkerService::Service>>>>>>;

// Thread-safe; the coordinator must outlive the service.
class WorkerServiceImpl final : public WorkerServiceBase {
 public:
  // The coordinator and the gate must outlive the service.
  WorkerServiceImpl(coordinator::Coordinator* coordinator, const CallGate* gate)
      : coordinator_(*coordinator), gate_(*gate) {}

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Connect(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* PollTasks(grpc::CallbackServerContext* context,
                                      const v1::PollTasksRequest* request,
                                      v1::PollTasksResponse* response) override;
  grpc::ServerUnaryReactor* CompleteTask(grpc::CallbackServerContext* context,
                                         const v1::CompleteTaskRequest* request,
                                         v1::OutcomeAck* response) override;
  grpc::ServerUnaryReactor* FailTask(grpc::CallbackServerContext* context,
                                     const v1::FailTaskRequest* request,
                                     v1::OutcomeAck* response) override;
  grpc::ServerUnaryReactor* Heartbeat(grpc::CallbackServerContext* context,
                                      const v1::HeartbeatRequest* request,
                                      v1::HeartbeatResponse* response) override;
  grpc::ServerUnaryReactor* DeliverComments(grpc::CallbackServerContext* context,
                                            const v1::DeliverCommentsRequest* request,
                                            v1::DeliverCommentsResponse* response) override;

  // A session id no other session in this process has had.
  std::string NewSessionId();

 private:
  coordinator::Coordinator& coordinator_;
  const CallGate& gate_;
  std::atomic<uint64_t> sessions_{0};
};

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_WORKER_SERVICE_H_
