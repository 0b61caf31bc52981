// Approval steps: distinct approvers, separation of duties, and the digest of what was
// approved.
#include <string>

#include "gtest/gtest.h"
#include "tests/engine/scheduler/scheduler_harness.h"

namespace fanfare::scheduler {
namespace {

constexpr char kTwoApprovers[] = R"yaml(
name: two
steps:
  - {id: write, action: test.work}
  - id: review
    needs: [write]
    approval: {min_approvers: 2, separation_of_duties: true}
  - {id: publish, needs: [review], action: test.work}
)yaml";

// STEP_APPROVED events written since the last call (the changes are taken, as a flush does).
int NewApprovedEvents(RunState& run) {
  int count = 0;
  for (const v1::HistoryEvent& event : run.TakeChanges().events) {
    count += event.type() == v1::EVENT_TYPE_STEP_APPROVED;
  }
  return count;
}

TEST(ApprovalsTest, TwoDistinctPeopleMustApprove) {
  SchedulerHarness h;
  h.Start(kTwoApprovers, {}, "maria");
  h.Succeed("write", Output({{"text", expr::Value::String("Spring sale")}}));
  ASSERT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING);

  ASSERT_TRUE(h.Decide("review", true, "ann", "copy is fine").ok());
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING) << "one approval of two";
  EXPECT_EQ(NewApprovedEvents(h.run()), 1);
  // The same person approving again (a retry after a lost reply) changes nothing.
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  EXPECT_EQ(h.At("review").approvals.size(), 1u);
  EXPECT_EQ(NewApprovedEvents(h.run()), 0);
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING);

  ASSERT_TRUE(h.Decide("review", true, "bob").ok());
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_READY);
  const StepInstance& review = h.At("review");
  ASSERT_EQ(review.approvals.size(), 2u);
  EXPECT_EQ(review.approvals[0].subject(), "ann");
  EXPECT_EQ(review.approvals[0].issuer(), "test");
  EXPECT_EQ(review.approvals[0].comment(), "copy is fine");
  EXPECT_EQ(review.approvals[1].subject(), "bob");
  EXPECT_EQ(review.approvals[0].digest(), review.approvals[1].digest());
  EXPECT_EQ(review.output.Find("approvers")->DebugString(), R"(["ann", "bob"])");
  // After the step succeeded, a repeat is still a no-op, not an error.
  NewApprovedEvents(h.run());
  EXPECT_TRUE(h.Decide("review", true, "bob").ok());
  EXPECT_EQ(NewApprovedEvents(h.run()), 0);
}

TEST(ApprovalsTest, TheRunsStarterMayNotApproveUnderSeparationOfDuties) {
  SchedulerHarness h;
  h.Start(kTwoApprovers, {}, "maria");
  h.Succeed("write");
  const absl::Status own = h.Decide("review", true, "maria");
  EXPECT_EQ(own.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(own.message().find("separation_of_duties"), std::string::npos) << own;
  EXPECT_TRUE(h.At("review").approvals.empty());
  // Nameless deciders cannot be counted.
  EXPECT_EQ(h.Decide("review", true, "").code(), absl::StatusCode::kPermissionDenied);
  // Rejecting one's own run is allowed: it only stops it.
  ASSERT_TRUE(h.Decide("review", false, "maria", "wrong price").ok());
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_FAILED);
  EXPECT_TRUE(h.Decide("review", false, "maria", "wrong price").ok()) << "a repeat";
  EXPECT_EQ(h.Decide("review", true, "ann").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ApprovalsTest, AnApprovalOfSomethingElseIsRefused) {
  SchedulerHarness h;
  h.Start(kTwoApprovers, {}, "maria");
  h.Succeed("write", Output({{"text", expr::Value::String("Spring sale")}}));
  const std::string digest = h.At("review").waiting.approval_digest();
  ASSERT_EQ(digest.size(), 64u);
  const absl::Status stale = h.Decide("review", true, "ann", "", std::string(64, 'a'));
  EXPECT_EQ(stale.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(stale.message().find("review it again"), std::string::npos) << stale;
  EXPECT_TRUE(h.At("review").approvals.empty());
  ASSERT_TRUE(h.Decide("review", true, "ann", "", digest).ok());
  EXPECT_EQ(h.At("review").approvals[0].digest(), digest);
}

// The digest covers what the steps upstream of the approval produced, and only that.
TEST(ApprovalsTest, TheDigestFollowsTheUpstreamOutputs) {
  auto digest_after = [](const std::string& text) {
    SchedulerHarness h;
    h.Start(kTwoApprovers, {}, "maria");
    h.Succeed("write", Output({{"text", expr::Value::String(text)}}));
    return h.At("review").waiting.approval_digest();
  };
  EXPECT_EQ(digest_after("Spring sale"), digest_after("Spring sale"));
  EXPECT_NE(digest_after("Spring sale"), digest_after("Spring sale!"));
}

// A retry re-executes a step upstream of a given approval: the step that needs the approval
// does not use the new content on the old approval, but waits until it is approved again.
TEST(ApprovalsTest, AnApprovalNoLongerCountsOnceWhatItApprovedChanged) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: retried
steps:
  - {id: write, action: test.work, continue_on_failure: true, retry: {max_attempts: 1}}
  - {id: review, needs: [write], when: "true", approval: {}}
  - {id: publish, needs: [review], action: test.work, retry: {max_attempts: 1}}
)yaml");
  h.Fail("write", v1::ERROR_TYPE_INVALID);
  ASSERT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING);
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  h.Fail("publish", v1::ERROR_TYPE_INVALID);
  ASSERT_EQ(h.status(), v1::RUN_STATUS_FAILED);

  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "", "ops").ok());
  EXPECT_EQ(h.StateOf("write"), v1::STEP_STATE_READY);
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING) << "asked for again";
  EXPECT_TRUE(h.At("review").approvals.empty());
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_WAITING);
  EXPECT_EQ(h.At("publish").waiting.kind(), v1::WaitingReason::KIND_APPROVAL);

  h.Succeed("write", Output({{"text", expr::Value::String("new copy")}}));
  // Approved while `write` was still running: what publish would use is not what was
  // approved, so the approval is asked for once more, with the new copy in its digest.
  const std::string before = h.At("review").waiting.approval_digest();
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_WAITING);
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING);
  EXPECT_NE(h.At("review").waiting.approval_digest(), before);

  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_READY);
  h.Succeed("publish");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
}

// A retry resets a tolerated failure upstream of a given approval and two steps downstream
// of it: both wait for the approval, and neither runs until it is given for the new content.
TEST(ApprovalsTest, EveryStepDownstreamWaitsForAnApprovalAskedForAgain) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: two-downstream
steps:
  - {id: write, action: test.work, continue_on_failure: true, retry: {max_attempts: 1}}
  - {id: review, needs: [write], when: "true", approval: {}}
  - {id: render, needs: [review], action: test.work, retry: {max_attempts: 1}}
  - id: publish
    needs: [render]
    action: test.work
    retry: {max_attempts: 1}
    with: {copy: "{{ steps.write.output }}"}
  - {id: boost, needs: [review], action: test.work, retry: {max_attempts: 1}}
)yaml");
  h.Fail("write", v1::ERROR_TYPE_INVALID);
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  h.Succeed("render");
  h.Fail("boost", v1::ERROR_TYPE_INVALID);
  ASSERT_EQ(h.status(), v1::RUN_STATUS_FAILED);
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_CANCELED);

  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "", "ops").ok());
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING);
  // publish needs review only through render, and reads write's output itself.
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_WAITING);
  EXPECT_EQ(h.StateOf("boost"), v1::STEP_STATE_WAITING);
  EXPECT_TRUE(h.At("publish").held_for_approval);
  EXPECT_TRUE(h.At("boost").held_for_approval);
  // The held steps are not approval steps to decide.
  EXPECT_EQ(h.Decide("boost", true, "ann").code(), absl::StatusCode::kFailedPrecondition);

  h.Succeed("write", Output({{"text", expr::Value::String("new copy")}}));
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());  // the digest of write in flight
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING) << "asked again for the new copy";
  EXPECT_EQ(h.StateOf("boost"), v1::STEP_STATE_WAITING);
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  EXPECT_EQ(h.StateOf("boost"), v1::STEP_STATE_READY);
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_READY);
  EXPECT_EQ(h.Lease("publish").input().fields().at("copy").struct_value().fields().at("text")
                .string_value(),
            "new copy");
}

// Rejected after it was asked for again, then the run retried: the steps downstream wait
// again rather than run on the content nobody approved.
TEST(ApprovalsTest, ARejectedThenRetriedApprovalStillHoldsItsDownstream) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: reject-retry
steps:
  - {id: write, action: test.work, continue_on_failure: true, retry: {max_attempts: 1}}
  - {id: review, needs: [write], when: "true", approval: {}}
  - {id: publish, needs: [review], action: test.work, retry: {max_attempts: 1}}
)yaml");
  h.Fail("write", v1::ERROR_TYPE_INVALID);
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  h.Fail("publish", v1::ERROR_TYPE_INVALID);
  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "", "ops").ok());
  h.Succeed("write", Output({{"text", expr::Value::String("v2")}}));
  ASSERT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING);
  ASSERT_TRUE(h.Decide("review", false, "ann", "no").ok());
  ASSERT_EQ(h.status(), v1::RUN_STATUS_FAILED);
  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "", "ops").ok());
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING);
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_WAITING);
  EXPECT_TRUE(h.At("publish").held_for_approval);
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_READY);
}

// Asked for again, then timed out with on_timeout: skip: the held step is skipped as a step
// whose need was skipped, and the run ends.
TEST(ApprovalsTest, AHeldStepIsSkippedWhenItsApprovalTimesOutSkipping) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: reopened-timeout
steps:
  - {id: write, action: test.work, continue_on_failure: true, retry: {max_attempts: 1}}
  - {id: review, needs: [write], when: "true", approval: {timeout: 1h, on_timeout: skip}}
  - {id: publish, needs: [review], action: test.work, retry: {max_attempts: 1}}
)yaml");
  h.Fail("write", v1::ERROR_TYPE_INVALID);
  ASSERT_TRUE(h.Decide("review", true, "ann").ok());
  h.Fail("publish", v1::ERROR_TYPE_INVALID);
  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "", "ops").ok());
  ASSERT_EQ(h.StateOf("publish"), v1::STEP_STATE_WAITING);
  h.Succeed("write");
  h.FireTimer("review");
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_SKIPPED);
  EXPECT_EQ(h.StateOf("publish"), v1::STEP_STATE_SKIPPED);
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
}

}  // namespace
}  // namespace fanfare::scheduler
