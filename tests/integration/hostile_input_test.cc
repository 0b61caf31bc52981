// Hostile and broken input over the real protocol (issue 13): worker hellos naming queues
// and actions no campaign can produce, and malformed retry_after. Every refusal is
// INVALID_ARGUMENT with a bounded message that names the problem.
#include <string>
#include <vector>

#include "fanfare/v1/worker.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::CoordinatorEnv;

grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// A streaming call over the generic stub, driven one step at a time: what a worker with its
// own (possibly broken) protobuf encoder looks like to the coordinator.
class RawStream {
 public:
  RawStream(const std::string& address, const std::string& method)
      : stub_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    call_ = stub_.PrepareCall(&context_, method, &cq_);
    call_->StartCall(Tag());
    EXPECT_TRUE(Wait());
  }

  bool Write(const std::string& bytes) {
    call_->Write(Bytes(bytes), Tag());
    return Wait();
  }
  bool Write(const google::protobuf::Message& message) {
    return Write(message.SerializeAsString());
  }
  void WritesDone() {
    call_->WritesDone(Tag());
    Wait();
  }
  // The next message from the server, or false once the server has finished.
  bool Read(v1::CoordinatorMessage* message) {
    grpc::ByteBuffer buffer;
    call_->Read(&buffer, Tag());
    if (!Wait()) return false;
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(buffer.Dump(&slices).ok());
    std::string bytes;
    for (const grpc::Slice& slice : slices) bytes.append(slice.begin(), slice.end());
    EXPECT_TRUE(message->ParseFromString(bytes));
    return true;
  }
  // Reads until the server finishes, then its status.
  grpc::Status Finish() {
    v1::CoordinatorMessage ignored;
    while (Read(&ignored)) {
    }
    grpc::Status status;
    call_->Finish(&status, Tag());
    Wait();
    return status;
  }

 private:
  void* Tag() { return reinterpret_cast<void*>(++tags_); }
  bool Wait() {
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(cq_.Next(&tag, &ok));
    return ok;
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  intptr_t tags_ = 0;
};

v1::WorkerMessage Hello(std::vector<std::string> queues, std::vector<std::string> actions = {},
                        int credit = 0) {
  v1::WorkerMessage message;
  v1::WorkerHello& hello = *message.mutable_hello();
  hello.set_worker_id("raw");
  for (std::string& queue : queues) hello.add_queues(std::move(queue));
  for (std::string& action : actions) hello.add_actions(std::move(action));
  hello.set_max_concurrency(4);
  message.set_credit(credit);
  return message;
}

// What a Connect stream opened with `hello` ends with, once the worker half-closes.
grpc::Status ConnectWith(const std::string& address, const v1::WorkerMessage& hello) {
  RawStream stream(address, "/fanfare.v1.WorkerService/Connect");
  stream.Write(hello);
  v1::CoordinatorMessage welcome;
  if (stream.Read(&welcome)) {
    EXPECT_TRUE(welcome.has_welcome());
    stream.WritesDone();
  }
  return stream.Finish();
}

TEST(HostileInputTest, HellosNamingQueuesOrActionsNoCampaignProducesAreRefused) {
  CoordinatorEnv env;
  struct Case {
    v1::WorkerMessage hello;
    std::vector<std::string> message_parts;
  };
  const std::vector<Case> cases = {
      {Hello({"facebok"}),
       {"queues: unknown network 'facebok' (did you mean 'facebook'?); the built-in queues are "
        "facebook, instagram, x, linkedin, youtube, tiktok, snapchat, content"}},
      {Hello({"facebook"}, {"facebook.publsh"}),
       {"actions: facebook has no action 'publsh' (did you mean 'publish'?); its actions are "
        "publish, insights, boost, set_budget, pause, resume"}},
      {Hello({"youtube"}, {"youtube.boost"}), {"youtube has no action 'boost'"}},
      {Hello({"facebook"}, {"x.publish"}),
       {"actions: 'x.publish' is not on a queue the worker serves (facebook)"}},
      {Hello({"Face Book"}), {"queues: 'Face Book' is not a queue name"}},
      {Hello({"facebook"}, {"facebook"}), {"actions: malformed action 'facebook'"}},
      {Hello({"fanfare"}), {"never leave the coordinator"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hello.ShortDebugString());
    const grpc::Status status = ConnectWith(env.address(), c.hello);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    for (const std::string& part : c.message_parts) {
      EXPECT_THAT(status.error_message(), HasSubstr(part));
    }
  }
  // Long input is echoed only in part.
  const grpc::Status long_queue = ConnectWith(env.address(), Hello({std::string(20'000, 'Q')}));
  EXPECT_EQ(long_queue.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(long_queue.error_message(), HasSubstr(std::string(200, 'Q') + "…'"));
  EXPECT_LT(long_queue.error_message().size(), 500u);

  // The long-poll fallback is checked the same way.
  auto worker = v1::WorkerService::NewStub(
      grpc::CreateChannel(env.address(), grpc::InsecureChannelCredentials()));
  v1::PollTasksRequest poll;
  poll.add_queues("instagarm");
  v1::PollTasksResponse polled;
  grpc::ClientContext context;
  const grpc::Status status = worker->PollTasks(&context, poll, &polled);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("did you mean 'instagram'?"));
}

TEST(HostileInputTest, HellosForBuiltInActionsAndCustomPoolsAreWelcome) {
  CoordinatorEnv env;
  EXPECT_TRUE(ConnectWith(env.address(), Hello({"facebook", "content"},
                                               {"facebook.publish", "content.generate"}))
                  .ok());
  EXPECT_TRUE(ConnectWith(env.address(), Hello({"crm"}, {"crm.sync_leads"})).ok())
      << "a custom worker pool, with any verb";
  EXPECT_TRUE(ConnectWith(env.address(), Hello({"x", "slack"})).ok()) << "every action";
}

TEST(HostileInputTest, AMalformedRetryAfterIsRefused) {
  CoordinatorEnv env;
  auto worker = v1::WorkerService::NewStub(
      grpc::CreateChannel(env.address(), grpc::InsecureChannelCredentials()));
  for (const auto& [seconds, nanos] : std::vector<std::pair<int64_t, int32_t>>{
           {-5, 0}, {0, -1}, {1, 1'000'000'000}}) {
    v1::FailTaskRequest fail;
    fail.set_task_id(1);
    fail.set_attempt(1);
    fail.mutable_failure()->set_type(v1::ERROR_TYPE_THROTTLED);
    fail.mutable_failure()->mutable_retry_after()->set_seconds(seconds);
    fail.mutable_failure()->mutable_retry_after()->set_nanos(nanos);
    v1::OutcomeAck ack;
    grpc::ClientContext context;
    const grpc::Status status = worker->FailTask(&context, fail, &ack);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << seconds << "s " << nanos;
    EXPECT_THAT(status.error_message(),
                AllOf(StartsWith("failure.retry_after: must be a duration of 0 or more"),
                      HasSubstr("counts as 1d")));
  }
}

}  // namespace
}  // namespace fanfare
