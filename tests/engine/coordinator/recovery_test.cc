// What a restart recovers, compared with what the engine showed just before it.
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

// Found by worker_protocol_fuzz (tests/fuzz/corpus/worker_protocol/silent.bin): the stored
// run record keeps the step counts of its last write, and the run recovered from it showed
// those beside the current ones (WAITING: 1 for a step long since ready again).
TEST(RecoveryTest, ARestartShowsTheRunAsItWas) {
  EngineHarness h;
  h.Apply("name: counts\nsteps:\n  - {id: a, action: test.work, retry: {max_attempts: 3}}\n");
  ASSERT_TRUE(h.Start("counts", "r1").ok());
  h.ConnectWorker("test", 1);
  const std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  h.Fail(tasks[0], v1::ERROR_TYPE_RETRYABLE);
  EXPECT_EQ(h.StateOf("r1", "a"), v1::STEP_STATE_WAITING) << "backing off";
  h.engine().Disconnect("session-1");  // nobody takes the retry
  ASSERT_TRUE(h.AdvanceToNextDue());
  EXPECT_EQ(h.StateOf("r1", "a"), v1::STEP_STATE_READY);
  const v1::Run before = h.Run("r1");
  EXPECT_THAT(before.step_counts(), ::testing::UnorderedElementsAre(
                                        ::testing::Pair(::testing::Ne("STEP_STATE_WAITING"), 1)));

  h.Restart();
  const v1::Run after = h.Run("r1");
  std::string differences;
  {
    google::protobuf::util::MessageDifferencer differ;
    differ.ReportDifferencesToString(&differences);
    EXPECT_TRUE(differ.Compare(before, after));
  }
  EXPECT_EQ(differences, "");
}

// Nothing derived is stored: the ready queue, the lease heap and the timer heap come back
// from the step and run records alone.
TEST(RecoveryTest, ARestartRebuildsQueuesLeasesAndTimersFromTheRecords) {
  EngineHarness h;
  h.Apply("name: one\nsteps:\n  - {id: a, action: test.work}\n");
  const std::vector<std::string> ready_order = {"r3", "r7", "r1", "r5", "r2", "r8", "r4", "r6"};
  for (const std::string& run_id : ready_order) {
    ASSERT_TRUE(h.Start("one", run_id).ok());
    h.clock().Advance(absl::Seconds(1));
  }
  const absl::Time later = h.clock().Now() + absl::Hours(1);
  ASSERT_TRUE(h.Start("one", "scheduled", later).ok());
  h.ConnectWorker("test", 1);
  std::vector<v1::Task> leased = h.TakeTasks();
  ASSERT_EQ(leased.size(), 1u);
  EXPECT_EQ(leased[0].run_id(), "r3");

  h.Restart();
  EXPECT_EQ(h.StateOf("r3", "a"), v1::STEP_STATE_RUNNING) << "leased before the restart";
  // No credit is left for r3 once its lease is gone.
  h.ConnectWorker("test", static_cast<int>(ready_order.size()) - 1);
  std::vector<std::string> order;
  for (const v1::Task& task : h.TakeTasks()) order.push_back(task.run_id());
  EXPECT_THAT(order, ::testing::ElementsAreArray(ready_order.begin() + 1, ready_order.end()))
      << "in the order they became ready";
  EXPECT_EQ(h.Run("scheduled").status(), v1::RUN_STATUS_SCHEDULED);

  // The lease taken before the restart still expires, and the start timer still fires.
  const absl::Time lease_end = absl::FromUnixSeconds(leased[0].lease_deadline().seconds());
  EXPECT_LE(h.engine().NextDue(), lease_end);
  h.clock().Set(later);
  h.Cycle();
  EXPECT_NE(h.Run("scheduled").status(), v1::RUN_STATUS_SCHEDULED) << "its start timer fired";
  EXPECT_NE(h.StateOf("r3", "a"), v1::STEP_STATE_RUNNING) << "its lease expired";
}

}  // namespace
}  // namespace fanfare::coordinator
