// Dispatch semantics through the real protocol: long-poll, leases and their expiry,
// fencing of duplicate and stale outcomes, workers that vanish mid-task, non-idempotent
// attempts whose outcome is unknown, and many concurrent runs.
#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "engine/service/grpc_status.h"
#include "fanfare/v1/worker.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sdk/worker/task_errors.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using ::testing::HasSubstr;
using testing::CoordinatorEnv;
using testing::CoordinatorEnvOptions;
using testing::StepOf;

constexpr char kOneStep[] = R"yaml(
name: one-step
steps:
  - id: work
    action: test.work
    with: {n: 1}
)yaml";

constexpr char kPublish[] = R"yaml(
name: post-once
steps:
  - id: post
    action: test.post
    idempotent: false
    with: {text: "launch day"}
)yaml";

google::protobuf::Value Ok() {
  google::protobuf::Value v;
  (*v.mutable_struct_value()->mutable_fields())["ok"].set_bool_value(true);
  return v;
}

// A raw protocol client, to control attempts exactly.
class RawWorker {
 public:
  explicit RawWorker(const std::string& address)
      : stub_(v1::WorkerService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

  std::vector<v1::Task> Poll(const std::string& queue, absl::Duration wait = absl::Seconds(5)) {
    v1::PollTasksRequest request;
    request.set_worker_id("raw");
    request.add_queues(queue);
    request.set_max_tasks(10);
    request.mutable_wait()->set_seconds(absl::ToInt64Seconds(wait));
    v1::PollTasksResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(stub_->PollTasks(&context, request, &response).ok());
    return {response.tasks().begin(), response.tasks().end()};
  }

  v1::OutcomeAck Complete(const v1::Task& task, int attempt) {
    v1::CompleteTaskRequest request;
    request.set_worker_id("raw");
    request.set_task_id(task.task_id());
    request.set_attempt(attempt);
    *request.mutable_success()->mutable_output() = Ok();
    v1::OutcomeAck ack;
    grpc::ClientContext context;
    EXPECT_TRUE(stub_->CompleteTask(&context, request, &ack).ok());
    return ack;
  }

  v1::HeartbeatResponse Heartbeat(const v1::Task& task) {
    v1::HeartbeatRequest request;
    request.set_worker_id("raw");
    v1::TaskRef* ref = request.add_tasks();
    ref->set_task_id(task.task_id());
    ref->set_attempt(task.attempt());
    v1::HeartbeatResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(stub_->Heartbeat(&context, request, &response).ok());
    return response;
  }

 private:
  std::unique_ptr<v1::WorkerService::Stub> stub_;
};

bool Ended(const v1::Run& run) {
  return run.status() == v1::RUN_STATUS_SUCCEEDED || run.status() == v1::RUN_STATUS_FAILED ||
         run.status() == v1::RUN_STATUS_CANCELED;
}

TEST(DispatchTest, DuplicateCompletionIsANoOpAndStaleAttemptIsRefused) {
  CoordinatorEnv env({.lease_ttl = absl::Milliseconds(300)});
  env.Apply(kOneStep);
  auto started = env.client().StartRun(StartRunRequest("one-step"));
  ASSERT_TRUE(started.ok());
  RawWorker worker(env.address());
  std::vector<v1::Task> first = worker.Poll("test");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].attempt(), 1);
  // Let the lease lapse: the step is re-delivered as attempt 2.
  std::vector<v1::Task> second = worker.Poll("test");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].task_id(), first[0].task_id());
  EXPECT_EQ(second[0].attempt(), 2);
  EXPECT_EQ(second[0].idempotency_key(), first[0].idempotency_key());

  v1::OutcomeAck stale = worker.Complete(first[0], 1);
  EXPECT_EQ(stale.status(), v1::OutcomeAck::STATUS_STALE) << stale.message();
  v1::OutcomeAck accepted = worker.Complete(second[0], 2);
  EXPECT_EQ(accepted.status(), v1::OutcomeAck::STATUS_ACCEPTED);
  v1::OutcomeAck repeated = worker.Complete(second[0], 2);
  EXPECT_TRUE(repeated.status() == v1::OutcomeAck::STATUS_DUPLICATE ||
              repeated.status() == v1::OutcomeAck::STATUS_UNKNOWN_TASK)
      << "a repeated completion changes nothing: " << repeated.ShortDebugString();
  v1::OutcomeAck invented = worker.Complete(second[0], 7);
  EXPECT_NE(invented.status(), v1::OutcomeAck::STATUS_ACCEPTED);

  auto run = env.WaitFor(started->run().run_id(), Ended);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(StepOf(*run, "work").attempt(), 2);
  EXPECT_EQ(StepOf(*run, "work").last_error().type(), v1::ERROR_TYPE_UNSPECIFIED);
}

TEST(DispatchTest, HeartbeatsKeepALeaseAlive) {
  CoordinatorEnv env({.lease_ttl = absl::Milliseconds(300)});
  env.Apply(kOneStep);
  auto started = env.client().StartRun(StartRunRequest("one-step"));
  ASSERT_TRUE(started.ok());
  RawWorker worker(env.address());
  std::vector<v1::Task> tasks = worker.Poll("test");
  ASSERT_EQ(tasks.size(), 1u);
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(worker.Heartbeat(tasks[0]).lost_size(), 0) << "heartbeat " << i;
  }
  EXPECT_EQ(worker.Complete(tasks[0], 1).status(), v1::OutcomeAck::STATUS_ACCEPTED);
  auto run = env.WaitFor(started->run().run_id(), Ended);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(StepOf(*run, "work").attempt(), 1);
}

TEST(DispatchTest, WorkerVanishingMidTaskHandsTheTaskToAnotherWorker) {
  CoordinatorEnv env({.lease_ttl = absl::Milliseconds(400)});
  env.Apply(kOneStep);
  absl::Notification picked_up;
  std::atomic<bool> release{false};
  auto vanishing = env.NewWorker(1, "vanishing");
  vanishing->Handle("test.work", [&](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
    picked_up.Notify();
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return Ok();
  });
  ASSERT_TRUE(vanishing->Start().ok());
  auto started = env.client().StartRun(StartRunRequest("one-step"));
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(picked_up.WaitForNotificationWithTimeout(absl::Seconds(10)));
  // The worker's connection goes away while its handler is still running.
  std::thread stopper([&] { vanishing->Stop(); });
  auto survivor = env.NewWorker(1, "survivor");
  survivor->Handle("test.work", [](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
    return Ok();
  });
  ASSERT_TRUE(survivor->Start().ok());
  auto run = env.WaitFor(started->run().run_id(), Ended);
  release = true;
  stopper.join();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(StepOf(*run, "work").attempt(), 2);
}

TEST(DispatchTest, LostNonIdempotentAttemptIsReconciledNotRetriedBlindly) {
  CoordinatorEnv env({.lease_ttl = absl::Milliseconds(300)});
  env.Apply(kPublish);
  auto started = env.client().StartRun(StartRunRequest("post-once"));
  ASSERT_TRUE(started.ok());
  RawWorker worker(env.address());
  std::vector<v1::Task> first = worker.Poll("test");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].purpose(), v1::TASK_PURPOSE_EXECUTE);
  // The lease lapses: the post may or may not have gone out, so the next delivery asks to
  // reconcile instead of posting again.
  std::vector<v1::Task> second = worker.Poll("test");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].purpose(), v1::TASK_PURPOSE_RECONCILE);
  EXPECT_EQ(second[0].idempotency_key(), first[0].idempotency_key());
  auto during = env.client().GetRun(started->run().run_id());
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(StepOf(*during, "post").state(), v1::STEP_STATE_UNKNOWN);
  EXPECT_EQ(worker.Complete(second[0], second[0].attempt()).status(),
            v1::OutcomeAck::STATUS_ACCEPTED);
  auto run = env.WaitFor(started->run().run_id(), Ended);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST(DispatchTest, ReconcileThatFindsNothingExecutesAgain) {
  CoordinatorEnv env({.lease_ttl = absl::Milliseconds(300)});
  env.Apply(kPublish);
  std::atomic<int> executions{0}, reconciles{0};
  auto worker = env.NewWorker(2);
  worker->Handle("test.post", [&](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
    if (ctx.is_reconcile()) {
      ++reconciles;
      return ReconcileNotFound("no post with this idempotency key");
    }
    if (executions.fetch_add(1) == 0) return OutcomeUnknown("connection reset after sending");
    return Ok();
  });
  ASSERT_TRUE(worker->Start().ok());
  auto run = env.RunToEnd(StartRunRequest("post-once"));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(executions.load(), 2);
  EXPECT_EQ(reconciles.load(), 1);
}

TEST(DispatchTest, NonRetryableFailureFailsTheRunAtOnce) {
  CoordinatorEnv env;
  env.Apply(kOneStep);
  std::atomic<int> calls{0};
  auto worker = env.NewWorker(2);
  worker->Handle("test.work", [&](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
    ++calls;
    return RejectedInput("text is 312 characters; x allows 280");
  });
  ASSERT_TRUE(worker->Start().ok());
  auto run = env.RunToEnd(StartRunRequest("one-step"));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_FAILED);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_THAT(run->error().message(), HasSubstr("x allows 280"));
  EXPECT_EQ(StepOf(*run, "work").last_error().type(), v1::ERROR_TYPE_REJECTED_INPUT);
}

TEST(DispatchTest, AThousandConcurrentRunsAllSucceed) {
  CoordinatorEnv env;
  env.Apply(R"yaml(
name: pair
steps:
  - id: first
    action: test.work
  - id: second
    needs: [first]
    action: test.work
    with: {after: "{{ steps.first.output.ok }}"}
)yaml");
  auto worker = env.NewWorker(64);
  std::atomic<int> handled{0};
  worker->Handle("test.work", [&](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
    ++handled;
    return Ok();
  });
  ASSERT_TRUE(worker->Start().ok());
  constexpr int kRuns = 1000;
  std::vector<std::thread> starters;
  std::atomic<int> start_errors{0};
  for (int t = 0; t < 4; ++t) {
    starters.emplace_back([&, t] {
      for (int i = t; i < kRuns; i += 4) {
        v1::StartRunRequest request = StartRunRequest("pair");
        request.set_run_id(absl::StrCat("pair-", i));
        if (!env.client().StartRun(request).ok()) ++start_errors;
      }
    });
  }
  for (std::thread& t : starters) t.join();
  ASSERT_EQ(start_errors.load(), 0);
  for (int i = 0; i < kRuns; ++i) {
    auto run = env.WaitFor(absl::StrCat("pair-", i), Ended, absl::Seconds(60));
    ASSERT_TRUE(run.ok()) << run.status();
    ASSERT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  }
  EXPECT_EQ(handled.load(), 2 * kRuns) << "every step ran exactly once";
}

}  // namespace
}  // namespace fanfare
