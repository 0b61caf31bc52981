// Hostile and broken input over the real protocol (issue 13): request bytes that do not
// parse, worker hellos naming queues and actions no campaign can produce, malformed
// retry_after, and a worker stream that breaks mid-session. Every refusal is
// INVALID_ARGUMENT with a bounded message that names the problem, and nothing stays stuck.
#include <limits>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
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
using testing::StepOf;

constexpr char kOneStep[] = R"yaml(
name: one-step
steps:
  - id: work
    action: test.work
)yaml";

constexpr char kParseProblem[] =
    " (unparsable protobuf, invalid UTF-8 in a string field, or nesting deeper than 100)";

grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

// Field `number` of wire type LEN holding `payload`.
std::string Field(int number, const std::string& payload) {
  return Varint(static_cast<uint64_t>(number) << 3 | 2) + Varint(payload.size()) + payload;
}

// A StartRunRequest whose params nest lists `depth` deep: Struct{k: [[[…null…]]]}.
std::string DeeplyNestedStartRun(int depth) {
  std::string value = std::string("\x08\x00", 2);  // Value{null_value: NULL_VALUE}
  for (int i = 0; i < depth; ++i) value = Field(6, Field(1, value));  // Value{list_value{…}}
  const std::string entry = Field(1, "k") + Field(2, value);
  return Field(2, "one-step") + Field(5, Field(1, entry));
}

// One unary call with `bytes` as the request, as they are.
grpc::Status RawUnary(const std::string& address, const std::string& method,
                      const std::string& bytes) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::ByteBuffer request = Bytes(bytes);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status;
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

TEST(HostileInputTest, UnparsableRequestsAreInvalidArgumentNamingTheMethod) {
  CoordinatorEnv env;
  struct Case {
    std::string method;
    std::string bytes;
    std::string message;
  };
  const std::string garbage = "\xff\xff\xff";
  const std::vector<Case> cases = {
      {"/fanfare.v1.CampaignService/StartRun", garbage,
       "StartRun: the request is not a valid fanfare.v1.StartRunRequest"},
      {"/fanfare.v1.CampaignService/StartRun", Field(2, "\xc3\x28"),
       "StartRun: the request is not a valid fanfare.v1.StartRunRequest"},
      {"/fanfare.v1.CampaignService/StartRun", DeeplyNestedStartRun(120),
       "StartRun: the request is not a valid fanfare.v1.StartRunRequest"},
      {"/fanfare.v1.CampaignService/ApplyCampaign", garbage,
       "ApplyCampaign: the request is not a valid fanfare.v1.ApplyCampaignRequest"},
      {"/fanfare.v1.CampaignService/ReleaseHold", garbage,
       "ReleaseHold: the request is not a valid fanfare.v1.ReleaseHoldRequest"},
      {"/fanfare.v1.WorkerService/FailTask", garbage,
       "FailTask: the request is not a valid fanfare.v1.FailTaskRequest"},
      {"/fanfare.v1.WorkerService/PollTasks", garbage,
       "PollTasks: the request is not a valid fanfare.v1.PollTasksRequest"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method);
    const grpc::Status status = RawUnary(env.address(), c.method, c.bytes);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), c.message + kParseProblem);
  }
}

TEST(HostileInputTest, AnUnparsableWatchRunRequestIsInvalidArgumentToo) {
  CoordinatorEnv env;
  RawStream stream(env.address(), "/fanfare.v1.CampaignService/WatchRun");
  stream.Write("\xff\xff\xff");
  stream.WritesDone();
  const grpc::Status status = stream.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            std::string("WatchRun: the request is not a valid fanfare.v1.WatchRunRequest") +
                kParseProblem);
}

TEST(HostileInputTest, ParsableRequestsAndUnknownMethodsAreAnsweredAsBefore) {
  CoordinatorEnv env;
  EXPECT_TRUE(RawUnary(env.address(), "/fanfare.v1.CampaignService/GetDispatchState", "").ok())
      << "an empty request is a valid one";
  const grpc::Status not_found =
      RawUnary(env.address(), "/fanfare.v1.CampaignService/StartRun", Field(2, "nope"));
  EXPECT_EQ(not_found.error_code(), grpc::StatusCode::NOT_FOUND) << not_found.error_message();
  const grpc::Status unknown =
      RawUnary(env.address(), "/fanfare.v1.CampaignService/NoSuchMethod", "\xff\xff\xff");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(HostileInputTest, AnUnparsableStreamMessageEndsTheStreamAndItsAttemptsAreLostAtOnce) {
  CoordinatorEnv env({.lease_ttl = absl::Seconds(5)});
  env.Apply(kOneStep);
  absl::StatusOr<v1::StartRunResponse> started =
      env.client().StartRun(StartRunRequest("one-step"));
  ASSERT_TRUE(started.ok()) << started.status();
  RawStream stream(env.address(), "/fanfare.v1.WorkerService/Connect");
  ASSERT_TRUE(stream.Write(Hello({"test"}, {}, /*credit=*/1)));
  int tasks = 0;
  v1::CoordinatorMessage message;
  while (tasks == 0 && stream.Read(&message)) tasks += message.tasks_size();
  ASSERT_EQ(tasks, 1);

  const absl::Time broke = absl::Now();
  stream.Write("\xff\xff\xff");
  const grpc::Status status = stream.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            std::string("Connect: a message is not a valid fanfare.v1.WorkerMessage") +
                kParseProblem);

  // The attempt is lost now, not when its 5 s lease runs out (the stream used to end with OK
  // and leave it RUNNING until then)...
  absl::StatusOr<v1::Run> lost = env.WaitFor(
      started->run().run_id(),
      [](const v1::Run& run) { return StepOf(run, "work").state() != v1::STEP_STATE_RUNNING; },
      absl::Seconds(2));
  ASSERT_TRUE(lost.ok()) << lost.status();
  EXPECT_LT(absl::Now() - broke, absl::Seconds(4));
  EXPECT_THAT(StepOf(*lost, "work").last_error().message(), HasSubstr("lease lost"));

  // ...and, fenced as every lost attempt is, goes to the next worker once the lease
  // deadline and the fence margin have passed.
  auto worker = v1::WorkerService::NewStub(
      grpc::CreateChannel(env.address(), grpc::InsecureChannelCredentials()));
  v1::PollTasksRequest poll;
  poll.add_queues("test");
  poll.set_max_tasks(1);
  poll.mutable_wait()->set_seconds(20);
  v1::PollTasksResponse polled;
  grpc::ClientContext context;
  ASSERT_TRUE(worker->PollTasks(&context, poll, &polled).ok());
  ASSERT_EQ(polled.tasks_size(), 1);
  EXPECT_EQ(polled.tasks(0).attempt(), 2);
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
        "publish, insights, boost, set_budget, pause, resume, comments, moderate"}},
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
           {1, -1}, {-1, 1}, {0, 1'000'000'000}, {0, -1'000'000'000}}) {
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
                AllOf(StartsWith("failure.retry_after: not a valid duration"),
                      HasSubstr("counts as 0"), HasSubstr("as 1d")));
  }
  // A negative one is well-formed: it reaches the engine (which finds no such task).
  v1::FailTaskRequest fail;
  fail.set_task_id(1);
  fail.set_attempt(1);
  fail.mutable_failure()->set_type(v1::ERROR_TYPE_THROTTLED);
  fail.mutable_failure()->mutable_retry_after()->set_seconds(-5);
  fail.mutable_failure()->mutable_retry_after()->set_nanos(-1);
  v1::OutcomeAck ack;
  grpc::ClientContext context;
  ASSERT_TRUE(worker->FailTask(&context, fail, &ack).ok());
  EXPECT_EQ(ack.status(), v1::OutcomeAck::STATUS_UNKNOWN_TASK);
}

TEST(HostileInputTest, AnOutputThatJsonCannotHoldIsRefused) {
  CoordinatorEnv env;
  auto worker = v1::WorkerService::NewStub(
      grpc::CreateChannel(env.address(), grpc::InsecureChannelCredentials()));
  v1::CompleteTaskRequest complete;
  complete.set_task_id(1);
  complete.set_attempt(1);
  (*complete.mutable_success()->mutable_output()->mutable_struct_value()->mutable_fields())["ctr"]
      .set_number_value(std::numeric_limits<double>::quiet_NaN());
  v1::OutcomeAck ack;
  grpc::ClientContext context;
  const grpc::Status status = worker->CompleteTask(&context, complete, &ack);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "success: output.ctr: must be a number, not NaN");
  v1::FailTaskRequest fail;
  fail.set_task_id(1);
  fail.set_attempt(1);
  fail.mutable_failure()->set_code(std::string(10'000, 'c'));
  grpc::ClientContext fail_context;
  EXPECT_THAT(worker->FailTask(&fail_context, fail, &ack).error_message(),
              HasSubstr("code and custom_type are at most 128 characters"));
}

}  // namespace
}  // namespace fanfare
