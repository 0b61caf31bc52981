// fanfare::Worker against a real coordinator (RocksDB + gRPC on port 0): draining, reconnecting,
// cancellation, the concurrency limit and heartbeats. Where the network must fail, a
// TcpProxy stands between the worker and the coordinator.
#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sdk/worker/task_errors.h"
#include "sdk/worker/worker.h"
#include "tests/sdk/worker/tcp_proxy.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using ::testing::HasSubstr;
using testing::CoordinatorEnv;
using testing::CoordinatorEnvOptions;
using testing::StepOf;
using testing::TcpProxy;
using Output = absl::StatusOr<google::protobuf::Value>;

constexpr char kTagLeads[] = R"yaml(
name: tag-leads
steps:
  - id: tag
    action: crm.tag_leads
    with: {segment: webinar-signups, tag: spring-launch}
    retry: {initial_backoff: 10ms}
)yaml";

constexpr char kTagThenNotify[] = R"yaml(
name: lead-followup
steps:
  - id: tag
    action: crm.tag_leads
    with: {segment: webinar-signups, tag: spring-launch}
  - id: notify
    needs: [tag]
    action: slack.notify
    with: {channel: "#growth", text: "tagged {{ steps.tag.output.tagged }} leads"}
)yaml";

// Posting twice would post twice: a lost attempt is reconciled, never retried blindly.
constexpr char kAnnounce[] = R"yaml(
name: announce
steps:
  - id: post
    action: slack.post_announcement
    idempotent: false
    with: {channel: "#launch", text: "Spring launch is live"}
    retry: {initial_backoff: 10ms}
)yaml";

constexpr char kSlowTag[] = R"yaml(
name: slow-tag
steps:
  - id: tag
    action: crm.tag_leads
    with: {segment: all-customers}
    timeouts: {heartbeat: 300ms}
)yaml";

google::protobuf::Value Field(const std::string& key, double number) {
  google::protobuf::Value value;
  (*value.mutable_struct_value()->mutable_fields())[key].set_number_value(number);
  return value;
}

google::protobuf::Value Tagged(int leads) { return Field("tagged", leads); }

bool Ended(const v1::Run& run) {
  return run.status() == v1::RUN_STATUS_SUCCEEDED || run.status() == v1::RUN_STATUS_FAILED ||
         run.status() == v1::RUN_STATUS_CANCELED;
}

// Waits up to `timeout` for `done`, checking every few milliseconds.
bool Eventually(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

WorkerOptions Options(const std::string& address, const std::string& worker_id,
                      int concurrency) {
  WorkerOptions options;
  options.address = address;
  options.worker_id = worker_id;
  options.concurrency = concurrency;
  options.reconnect_initial = absl::Milliseconds(20);
  options.reconnect_max = absl::Milliseconds(200);
  options.drain_timeout = absl::Seconds(5);
  return options;
}

std::string Start(CoordinatorEnv& env, const std::string& campaign, const std::string& run_id) {
  v1::StartRunRequest request = StartRunRequest(campaign);
  request.set_run_id(run_id);
  auto started = env.client().StartRun(request);
  EXPECT_TRUE(started.ok()) << started.status();
  return run_id;
}

absl::StatusOr<v1::Run> WaitForEnd(CoordinatorEnv& env, const std::string& run_id) {
  return env.WaitFor(run_id, Ended, absl::Seconds(15));
}

// ---------------------------------------------------------------------------------------
// Drain

TEST(WorkerDrainTest, TheRunningTaskFinishesAndNoNewTaskIsTaken) {
  CoordinatorEnv env;
  env.Apply(kTagThenNotify);
  absl::Notification tagging, release;
  std::atomic<int> calls{0};
  auto leaving = env.NewWorker(1, "leaving");
  leaving->Handle("crm.tag_leads", [&](TaskContext& ctx) -> Output {
    ++calls;
    tagging.Notify();
    release.WaitForNotificationWithTimeout(absl::Seconds(10));
    return Tagged(42);
  });
  leaving->Handle("slack.notify", [&](TaskContext& ctx) -> Output {
    ++calls;
    return Field("ts", 1);
  });
  ASSERT_TRUE(leaving->Start().ok());
  const std::string run_id = Start(env, "lead-followup", "followup-drain");
  ASSERT_TRUE(tagging.WaitForNotificationWithTimeout(absl::Seconds(10)));

  std::thread drain([&] { leaving->Drain(); });
  ASSERT_TRUE(Eventually([&] { return leaving->draining(); }));
  release.Notify();
  drain.join();  // returns once the tag outcome is acknowledged

  auto run = env.client().GetRun(run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(StepOf(*run, "tag").state(), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(StepOf(*run, "tag").attempt(), 1);
  EXPECT_EQ(StepOf(*run, "notify").state(), v1::STEP_STATE_READY)
      << "a draining worker takes no new task";
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(leaving->stats().succeeded, 1);
  EXPECT_EQ(leaving->stats().handed_back, 0);

  std::atomic<int> staying_calls{0};
  auto staying = env.NewWorker(1, "staying");
  staying->Handle("crm.tag_leads", [&](TaskContext&) -> Output {
    ++staying_calls;
    return Tagged(0);
  });
  staying->Handle("slack.notify", [&](TaskContext&) -> Output {
    ++staying_calls;
    return Field("ts", 2);
  });
  ASSERT_TRUE(staying->Start().ok());
  run = WaitForEnd(env, run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(staying_calls.load(), 1) << "the other worker sent the notification";
}

TEST(WorkerDrainTest, PastTheDeadlineTheTaskIsHandedBackAndAnotherWorkerFinishesIt) {
  CoordinatorEnv env;
  env.Apply(kTagLeads);
  WorkerOptions options = Options(env.address(), "leaving", 1);
  options.drain_timeout = absl::Milliseconds(300);
  Worker leaving(options);
  absl::Notification tagging;
  std::atomic<bool> told_to_stop{false};
  leaving.Handle("crm.tag_leads", [&](TaskContext& ctx) -> Output {
    tagging.Notify();
    told_to_stop = ctx.cancellation().WaitFor(absl::Seconds(10));
    return absl::CancelledError("tagging stopped half-way");
  });
  ASSERT_TRUE(leaving.Start().ok());
  const std::string run_id = Start(env, "tag-leads", "tag-handback");
  ASSERT_TRUE(tagging.WaitForNotificationWithTimeout(absl::Seconds(10)));

  const absl::Time drain_start = absl::Now();
  leaving.Drain();
  const absl::Duration drain_took = absl::Now() - drain_start;
  EXPECT_TRUE(told_to_stop.load()) << "the handler's token is cancelled at the drain deadline";
  EXPECT_GE(drain_took, absl::Milliseconds(300));
  EXPECT_LT(drain_took, absl::Seconds(5));
  EXPECT_EQ(leaving.stats().handed_back, 1);

  auto run = env.client().GetRun(run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(StepOf(*run, "tag").attempt(), 1);
  EXPECT_EQ(StepOf(*run, "tag").last_error().type(), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  EXPECT_THAT(StepOf(*run, "tag").last_error().message(), HasSubstr("drained"));

  auto staying = env.NewWorker(1, "staying");
  staying->Handle("crm.tag_leads", [](TaskContext&) -> Output { return Tagged(7); });
  ASSERT_TRUE(staying->Start().ok());
  run = WaitForEnd(env, run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(StepOf(*run, "tag").attempt(), 2);
  EXPECT_EQ(StepOf(*run, "tag").output().struct_value().fields().at("tagged").number_value(), 7);
}

TEST(WorkerDrainTest, PastTheDeadlineAStepThatIsNotIdempotentIsReconciledNotRepeated) {
  CoordinatorEnv env;
  env.Apply(kAnnounce);
  WorkerOptions options = Options(env.address(), "leaving", 1);
  options.drain_timeout = absl::Milliseconds(200);
  Worker leaving(options);
  absl::Notification posting;
  leaving.Handle("slack.post_announcement", [&](TaskContext& ctx) -> Output {
    posting.Notify();
    ctx.cancellation().WaitFor(absl::Seconds(10));
    return absl::CancelledError("stopped while posting");
  });
  ASSERT_TRUE(leaving.Start().ok());
  const std::string run_id = Start(env, "announce", "announce-handback");
  ASSERT_TRUE(posting.WaitForNotificationWithTimeout(absl::Seconds(10)));
  leaving.Drain();

  std::atomic<int> reconciles{0}, posts{0};
  auto staying = env.NewWorker(1, "staying");
  staying->Handle("slack.post_announcement", [&](TaskContext& ctx) -> Output {
    if (!ctx.is_reconcile()) {
      ++posts;
      return Field("ts", 2);
    }
    ++reconciles;  // the channel has the announcement: the first attempt did post it
    return Field("ts", 1);
  });
  ASSERT_TRUE(staying->Start().ok());
  auto run = WaitForEnd(env, run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(reconciles.load(), 1);
  EXPECT_EQ(posts.load(), 0) << "an attempt that may have posted is never posted again blindly";
  EXPECT_EQ(StepOf(*run, "post").output().struct_value().fields().at("ts").number_value(), 1);
}

// ---------------------------------------------------------------------------------------
// Reconnect

TEST(WorkerReconnectTest, AfterTheStreamBreaksTheUndeliveredCompletionIsSentAgain) {
  CoordinatorEnv env;
  env.Apply(kTagLeads);
  TcpProxy proxy(env.address());
  Worker worker(Options(proxy.address(), "crm-1", 2));
  absl::Notification tagging, release;
  std::atomic<int> calls{0};
  worker.Handle("crm.tag_leads", [&](TaskContext& ctx) -> Output {
    if (++calls == 1) {
      tagging.Notify();
      release.WaitForNotificationWithTimeout(absl::Seconds(10));
    }
    return Tagged(calls.load());
  });
  ASSERT_TRUE(worker.Start().ok());
  const std::string run_id = Start(env, "tag-leads", "tag-reconnect");
  ASSERT_TRUE(tagging.WaitForNotificationWithTimeout(absl::Seconds(10)));

  // The network fails mid-task; the handler finishes while the worker is cut off.
  const absl::Time cut = absl::Now();
  proxy.SetMode(TcpProxy::Mode::kRefuse);
  ASSERT_TRUE(Eventually([&] { return !worker.connected(); }));
  release.Notify();
  ASSERT_TRUE(Eventually([&] { return worker.stats().succeeded == 1; }));
  // While refused, the worker keeps trying (the channel's backoff) and stays disconnected.
  absl::SleepFor(absl::Milliseconds(150));
  EXPECT_FALSE(worker.connected());
  EXPECT_GE(absl::Now() - cut, absl::Milliseconds(150));
  auto during = env.client().GetRun(run_id);
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(StepOf(*during, "tag").state(), v1::STEP_STATE_RUNNING)
      << "the coordinator has not heard of the completion yet";

  proxy.SetMode(TcpProxy::Mode::kRelay);
  auto run = WaitForEnd(env, run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(StepOf(*run, "tag").attempt(), 1) << "the resent completion was accepted";
  EXPECT_EQ(StepOf(*run, "tag").output().struct_value().fields().at("tagged").number_value(), 1);
  EXPECT_GE(worker.stats().connections, 2);

  // And it goes on taking tasks.
  auto next = WaitForEnd(env, Start(env, "tag-leads", "tag-after-reconnect"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(calls.load(), 2);
}

TEST(WorkerReconnectTest, ACoordinatorRestartMidTaskLosesNeitherTheTaskNorTheWorker) {
  CoordinatorEnv env;
  env.Apply(kTagLeads);
  auto worker = env.NewWorker(2, "crm-1");
  absl::Notification tagging, release;
  std::atomic<int> calls{0};
  worker->Handle("crm.tag_leads", [&](TaskContext& ctx) -> Output {
    if (++calls == 1) {
      tagging.Notify();
      release.WaitForNotificationWithTimeout(absl::Seconds(10));
    }
    return Tagged(calls.load());
  });
  ASSERT_TRUE(worker->Start().ok());
  const std::string run_id = Start(env, "tag-leads", "tag-restart");
  ASSERT_TRUE(tagging.WaitForNotificationWithTimeout(absl::Seconds(10)));

  env.Restart();
  ASSERT_TRUE(Eventually([&] { return worker->connected() && worker->stats().connections >= 2; }));
  release.Notify();
  auto run = WaitForEnd(env, run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(StepOf(*run, "tag").attempt(), 1);

  auto next = WaitForEnd(env, Start(env, "tag-leads", "tag-after-restart"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(calls.load(), 2);
}

// ---------------------------------------------------------------------------------------
// Lease fence

constexpr char kPublish[] = R"yaml(
name: publish
steps:
  - id: post
    action: social.publish
    idempotent: false
    with: {text: "Spring launch is live"}
    retry: {initial_backoff: 10ms}
)yaml";

// What a network holds: who posted.
class Posts {
 public:
  void Add(const std::string& who) {
    absl::MutexLock lock(&mu_);
    posts_.push_back(who);
  }
  std::vector<std::string> All() const {
    absl::MutexLock lock(&mu_);
    return posts_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> posts_ ABSL_GUARDED_BY(mu_);
};

// The issue-12 race, deterministically: a worker is cut off from the coordinator mid-attempt,
// the coordinator gives the step to another worker, which reconciles (nothing there yet) and
// publishes; then the first worker's handler gets round to its write. Without the fence that
// makes two posts.
TEST(WorkerFenceTest, AWorkerCutOffFromTheCoordinatorNeverWritesAfterItsLeaseEnds) {
  CoordinatorEnv env({.lease_ttl = absl::Seconds(1), .fence_margin = absl::Milliseconds(300)});
  env.Apply(kPublish);
  TcpProxy proxy(env.address());
  Posts network;
  Worker cut_off(Options(proxy.address(), "cut-off", 1));
  absl::Notification started, release, wrote;
  absl::Mutex mu;
  absl::Status late_write;
  cut_off.Handle("social.publish", [&](TaskContext& ctx) -> Output {
    started.Notify();
    release.WaitForNotificationWithTimeout(absl::Seconds(30));
    absl::Status fence = ctx.BeforeWrite();
    if (fence.ok()) network.Add("cut-off");
    {
      absl::MutexLock lock(&mu);
      late_write = fence;
    }
    wrote.Notify();
    if (!fence.ok()) return fence;
    return Field("id", 1);
  });
  ASSERT_TRUE(cut_off.Start().ok());
  const std::string run_id = Start(env, "publish", "publish-fenced");
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
  proxy.SetMode(TcpProxy::Mode::kStall);  // the coordinator stops hearing from it

  Worker other(Options(env.address(), "other", 1));
  std::atomic<int> reconciles{0};
  other.Handle("social.publish", [&](TaskContext& ctx) -> Output {
    if (ctx.is_reconcile()) {
      ++reconciles;
      if (network.All().empty()) return ReconcileNotFound("no post with this text yet");
      return Field("id", 1);
    }
    absl::Status fence = ctx.BeforeWrite();
    if (!fence.ok()) return fence;
    network.Add("other");
    return Field("id", 2);
  });
  ASSERT_TRUE(other.Start().ok());
  auto run = WaitForEnd(env, run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(reconciles.load(), 1);
  EXPECT_TRUE(Eventually([&] { return cut_off.stats().lapsed == 1; }))
      << "the cut-off worker cancels the attempt it can no longer renew";

  release.Notify();  // the stale handler now tries its write
  ASSERT_TRUE(wrote.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(network.All(), std::vector<std::string>{"other"}) << "one post, by the live attempt";
  absl::MutexLock lock(&mu);
  EXPECT_EQ(ErrorTypeOf(late_write), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  EXPECT_EQ(ToTaskFailure(late_write).code(), kFencedCode);
}

// ---------------------------------------------------------------------------------------
// Cancellation, concurrency, heartbeats

TEST(WorkerTest, CancellingTheRunCancelsTheHandlersToken) {
  CoordinatorEnv env;
  env.Apply(kTagLeads);
  auto worker = env.NewWorker(1, "crm-1");
  absl::Notification tagging, stopped;
  std::atomic<bool> cancelled{false};
  std::atomic<int> calls{0};
  worker->Handle("crm.tag_leads", [&](TaskContext& ctx) -> Output {
    if (++calls > 1) return Tagged(1);
    tagging.Notify();
    cancelled = ctx.cancellation().WaitFor(absl::Seconds(10));
    EXPECT_TRUE(ctx.cancelled());
    stopped.Notify();
    return absl::CancelledError("tagging stopped: run cancelled");
  });
  ASSERT_TRUE(worker->Start().ok());
  const std::string run_id = Start(env, "tag-leads", "tag-cancelled");
  ASSERT_TRUE(tagging.WaitForNotificationWithTimeout(absl::Seconds(10)));

  auto cancelled_run = env.client().CancelRun(run_id, "segment was wrong");
  ASSERT_TRUE(cancelled_run.ok()) << cancelled_run.status();
  ASSERT_TRUE(stopped.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_TRUE(cancelled.load());
  auto run = WaitForEnd(env, run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_CANCELED);

  // The cancelled attempt's slot is free again: the single slot serves the next run.
  auto next = WaitForEnd(env, Start(env, "tag-leads", "tag-after-cancel"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST(WorkerTest, NeverRunsMoreHandlersThanItsConcurrency) {
  CoordinatorEnv env;
  env.Apply(kTagLeads);
  constexpr int kConcurrency = 3;
  auto worker = env.NewWorker(kConcurrency, "crm-3");
  absl::Mutex mu;
  int running = 0, peak = 0;
  worker->Handle("crm.tag_leads", [&](TaskContext& ctx) -> Output {
    {
      absl::MutexLock lock(&mu);
      peak = std::max(peak, ++running);
      // The first handlers wait for each other, so the limit is reached, not just respected.
      auto full = [&] { return peak >= kConcurrency; };
      mu.AwaitWithTimeout(absl::Condition(&full), absl::Seconds(5));
    }
    ctx.cancellation().WaitFor(absl::Milliseconds(20));  // hold the slot a little
    absl::MutexLock lock(&mu);
    --running;
    return Tagged(1);
  });
  ASSERT_TRUE(worker->Start().ok());
  constexpr int kRuns = 12;
  for (int i = 0; i < kRuns; ++i) Start(env, "tag-leads", absl::StrCat("tag-", i));
  for (int i = 0; i < kRuns; ++i) {
    auto run = WaitForEnd(env, absl::StrCat("tag-", i));
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  }
  absl::MutexLock lock(&mu);
  EXPECT_EQ(peak, kConcurrency);
  EXPECT_EQ(worker->stats().succeeded, kRuns);
}

// A handler holds its task for four leases; heartbeats keep the lease its own.
void ExpectHeartbeatsKeepTheLease(CoordinatorEnv& env, const std::string& campaign) {
  auto worker = env.NewWorker(2, "crm-1");
  std::atomic<int> calls{0};
  std::atomic<bool> lost{false};
  worker->Handle("crm.tag_leads", [&](TaskContext& ctx) -> Output {
    ++calls;
    lost = ctx.cancellation().WaitFor(absl::Milliseconds(1200));
    return Tagged(100);
  });
  ASSERT_TRUE(worker->Start().ok());
  auto run = WaitForEnd(env, Start(env, campaign, "tag-long"));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_FALSE(lost.load()) << "the attempt's lease was lost";
  EXPECT_EQ(StepOf(*run, "tag").attempt(), 1);
  EXPECT_EQ(calls.load(), 1);
}

TEST(WorkerTest, HeartbeatsKeepALeaseLongerThanTheCoordinatorsLeaseTtl) {
  // The coordinator asks for heartbeats every 10 s, but its leases last 300 ms: the worker
  // heartbeats by the lease each task arrives with.
  CoordinatorEnvOptions options;
  options.lease_ttl = absl::Milliseconds(300);
  CoordinatorEnv env(options);
  env.Apply(kTagLeads);
  ExpectHeartbeatsKeepTheLease(env, "tag-leads");
}

TEST(WorkerTest, HeartbeatsMeetTheStepsHeartbeatTimeout) {
  CoordinatorEnv env;
  env.Apply(kSlowTag);
  ExpectHeartbeatsKeepTheLease(env, "slow-tag");
}

TEST(WorkerTest, StartNeedsAHandler) {
  Worker worker(Options("127.0.0.1:1", "idle", 1));
  EXPECT_EQ(worker.Start().code(), absl::StatusCode::kFailedPrecondition);
  worker.Drain();  // not running: returns at once
}

}  // namespace
}  // namespace fanfare
