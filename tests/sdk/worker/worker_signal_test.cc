// Worker::RunUntilSignal: SIGTERM drains the worker. Its own binary, because SIGTERM must be
// blocked in every thread before any starts (base/signals.h), as a worker's main()
// does.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "base/signals.h"
#include "gtest/gtest.h"
#include "sdk/worker/worker.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using testing::CoordinatorEnv;
using testing::StepOf;
using Output = absl::StatusOr<google::protobuf::Value>;

TEST(WorkerSignalTest, SigtermDrainsTheWorkerOnceItsRunningTaskFinishes) {
  CoordinatorEnv env;
  env.Apply(R"yaml(
name: lead-followup
steps:
  - id: tag
    action: crm.tag_leads
    with: {segment: webinar-signups}
  - id: notify
    needs: [tag]
    action: slack.notify
    with: {channel: "#growth", text: "tagged {{ steps.tag.output.tagged }} leads"}
)yaml");
  auto worker = env.NewWorker(1, "crm-1");
  absl::Notification tagging, release;
  std::atomic<int> notified{0};
  worker->Handle("crm.tag_leads", [&](TaskContext&) -> Output {
    tagging.Notify();
    release.WaitForNotificationWithTimeout(absl::Seconds(10));
    google::protobuf::Value out;
    (*out.mutable_struct_value()->mutable_fields())["tagged"].set_number_value(12);
    return out;
  });
  worker->Handle("slack.notify", [&](TaskContext&) -> Output {
    ++notified;
    return google::protobuf::Value();
  });
  ASSERT_TRUE(worker->Start().ok());
  v1::StartRunRequest request = StartRunRequest("lead-followup");
  request.set_run_id("followup-sigterm");
  ASSERT_TRUE(env.client().StartRun(request).ok());
  ASSERT_TRUE(tagging.WaitForNotificationWithTimeout(absl::Seconds(10)));

  std::thread sigterm_sender([&] {
    kill(getpid(), SIGTERM);
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (!worker->draining() && absl::Now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    release.Notify();
  });
  Worker::RunUntilSignal(*worker);
  sigterm_sender.join();

  auto run = env.client().GetRun("followup-sigterm");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(StepOf(*run, "tag").state(), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(StepOf(*run, "notify").state(), v1::STEP_STATE_READY);
  EXPECT_EQ(notified.load(), 0);
  EXPECT_FALSE(worker->connected());
}

}  // namespace
}  // namespace fanfare

int main(int argc, char** argv) {
  fanfare::BlockShutdownSignals();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
