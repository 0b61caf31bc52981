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

}  // namespace
}  // namespace fanfare::coordinator
