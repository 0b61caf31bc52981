// The Scheduler's rules, driven by hand over a fake clock: DAG shapes, for_each, when,
// skip propagation, failure and retry with backoff, every timeout, and lost attempts.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/scheduler/scheduler_harness.h"

namespace fanfare::scheduler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(SchedulerTest, LinearStepsRunOneAfterAnother) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: linear
steps:
  - {id: a, action: test.work}
  - {id: b, needs: [a], action: test.work, with: {from: "{{ steps.a.output.n }}"}}
  - {id: c, needs: [b], action: test.work}
)yaml");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_RUNNING);
  EXPECT_THAT(h.TakeQueued(), ElementsAre("a"));
  h.Succeed("a", Output({{"n", expr::Value::Int(7)}}));
  EXPECT_THAT(h.TakeQueued(), ElementsAre("b"));
  v1::Task task = h.Lease("b");
  EXPECT_EQ(task.input().fields().at("from").number_value(), 7);
  EXPECT_EQ(task.idempotency_key(), "default/run-1/b");
  EXPECT_EQ(task.attempt(), 1);
  h.Succeed("b");
  EXPECT_THAT(h.TakeQueued(), ElementsAre("c"));
  EXPECT_EQ(h.status(), v1::RUN_STATUS_RUNNING);
  h.Succeed("c");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST(SchedulerTest, DiamondJoinsWaitForEveryNeed) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: diamond
steps:
  - {id: top, action: test.work}
  - {id: left, needs: [top], action: test.work}
  - {id: right, needs: [top], action: test.work}
  - {id: bottom, needs: [left, right], action: test.work}
)yaml");
  h.Succeed("top");
  EXPECT_THAT(h.TakeQueued(), UnorderedElementsAre("left", "right"));
  h.Succeed("left");
  EXPECT_THAT(h.TakeQueued(), IsEmpty());
  EXPECT_EQ(h.StateOf("bottom"), v1::STEP_STATE_UNSPECIFIED) << "not created before its needs";
  h.Succeed("right");
  EXPECT_THAT(h.TakeQueued(), ElementsAre("bottom"));
}

TEST(SchedulerTest, ForEachFansOutAndDependentsSeeEveryOutput) {
  SchedulerHarness h;
  google::protobuf::Struct params;
  *(*params.mutable_fields())["networks"].mutable_list_value()->add_values() =
      *expr::ToProto(expr::Value::String("x")).operator->();
  h.Start(R"yaml(
name: fanout
params:
  networks: {type: list, default: [facebook, x]}
steps:
  - id: publish
    for_each: "{{ params.networks }}"
    action: "{{ item }}.publish"
    with: {position: "{{ index }}"}
  - id: report
    needs: [publish]
    action: test.work
    with:
      x: "{{ steps.publish.outputs.x.post_id }}"
      all: "{{ steps.publish.output_list.map(o, o.post_id) }}"
)yaml");
  EXPECT_THAT(h.TakeQueued(), ElementsAre("publish[facebook]", "publish[x]"));
  EXPECT_EQ(h.At("publish[x]").action, "x.publish");
  EXPECT_FALSE(h.At("publish[x]").idempotent) << "publishing is never retried blindly";
  EXPECT_EQ(h.Lease("publish[x]").input().fields().at("position").number_value(), 1);
  h.Succeed("publish[x]", Output({{"post_id", expr::Value::String("x-1")}}));
  EXPECT_THAT(h.TakeQueued(), IsEmpty());
  h.Succeed("publish[facebook]", Output({{"post_id", expr::Value::String("fb-1")}}));
  EXPECT_THAT(h.TakeQueued(), ElementsAre("report"));
  v1::Task report = h.Lease("report");
  EXPECT_EQ(report.input().fields().at("x").string_value(), "x-1");
  EXPECT_EQ(report.input().fields().at("all").list_value().values(0).string_value(), "fb-1");
}

TEST(SchedulerTest, WhenFalseSkipsAndTheSkipPropagates) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: skips
steps:
  - {id: a, action: test.work}
  - {id: gated, needs: [a], when: "steps.a.output.go", action: test.work}
  - {id: after_gated, needs: [gated], action: test.work}
  - {id: decides, needs: [gated], when: "steps.gated.state == 'SKIPPED'", action: test.work}
)yaml");
  h.Succeed("a", Output({{"go", expr::Value::Bool(false)}}));
  EXPECT_EQ(h.StateOf("gated"), v1::STEP_STATE_SKIPPED);
  EXPECT_EQ(h.StateOf("after_gated"), v1::STEP_STATE_SKIPPED)
      << "a step without `when` is skipped when a need was";
  EXPECT_THAT(h.TakeQueued(), ElementsAre("decides")) << "a step with `when` decides itself";
  h.Succeed("decides");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST(SchedulerTest, AnErrorInWhenFailsTheStepWithTheReason) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: bad-when
steps:
  - {id: a, action: test.work}
  - {id: b, needs: [a], when: "steps.a.output.cpc > 2", action: test.work}
)yaml");
  h.Succeed("a", Output({}));
  EXPECT_EQ(h.StateOf("b"), v1::STEP_STATE_FAILED);
  EXPECT_THAT(h.At("b").last_error.message(), HasSubstr("when:"));
  EXPECT_THAT(h.At("b").last_error.message(), HasSubstr("cpc"));
  EXPECT_EQ(h.status(), v1::RUN_STATUS_FAILED);
}

TEST(SchedulerTest, RetriesWithExponentialBackoffThenFails) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: retries
steps:
  - id: flaky
    action: test.work
    retry: {max_attempts: 3, initial_backoff: 10s, backoff_multiplier: 3, jitter: 0.0001}
)yaml");
  const absl::Time t0 = h.clock().Now();
  h.Fail("flaky", v1::ERROR_TYPE_RETRYABLE);
  StepInstance& flaky = h.At("flaky");
  EXPECT_EQ(flaky.state, v1::STEP_STATE_WAITING);
  EXPECT_NEAR(absl::ToDoubleSeconds(flaky.timer_at - t0), 10, 0.01);
  h.FireTimer("flaky");
  EXPECT_EQ(flaky.state, v1::STEP_STATE_READY);
  const absl::Time t1 = h.clock().Now();
  h.Fail("flaky", v1::ERROR_TYPE_RETRYABLE);
  EXPECT_NEAR(absl::ToDoubleSeconds(flaky.timer_at - t1), 30, 0.01) << "10s × 3";
  h.FireTimer("flaky");
  h.Fail("flaky", v1::ERROR_TYPE_RETRYABLE, "still broken");
  EXPECT_EQ(flaky.state, v1::STEP_STATE_FAILED);
  EXPECT_EQ(flaky.attempt, 3);
  EXPECT_EQ(h.status(), v1::RUN_STATUS_FAILED);
  EXPECT_THAT(h.run().record().error().message(), HasSubstr("still broken"));
}

TEST(SchedulerTest, NonRetryableErrorsFailAtOnce) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: no-retry
steps:
  - {id: a, action: test.work, retry: {max_attempts: 5, non_retryable_errors: [throttled]}}
)yaml");
  h.Fail("a", v1::ERROR_TYPE_THROTTLED);
  EXPECT_EQ(h.StateOf("a"), v1::STEP_STATE_FAILED) << "listed in non_retryable_errors";
  SchedulerHarness g;
  g.Start("name: rejected\nsteps:\n  - {id: a, action: test.work, retry: {max_attempts: 5}}\n");
  g.Fail("a", v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_EQ(g.StateOf("a"), v1::STEP_STATE_FAILED) << "rejected input is never retried";
  EXPECT_EQ(g.At("a").attempt, 1);
}

TEST(SchedulerTest, ThrottlingWaitsAtLeastRetryAfter) {
  SchedulerHarness h;
  h.Start("name: throttled\nsteps:\n  - {id: a, action: test.work}\n");
  h.Lease("a");
  v1::TaskFailure failure;
  failure.set_type(v1::ERROR_TYPE_THROTTLED);
  failure.mutable_retry_after()->set_seconds(900);
  const absl::Time now = h.clock().Now();
  h.scheduler().Fail(h.run(), h.At("a"), failure);
  EXPECT_EQ(h.At("a").waiting.kind(), v1::WaitingReason::KIND_RATE_LIMIT);
  EXPECT_GE(h.At("a").timer_at - now, absl::Seconds(900));
}

TEST(SchedulerTest, ContinueOnFailureLetsTheRunGoOnAndDependentsSkip) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: tolerant
steps:
  - {id: optional, action: test.work, continue_on_failure: true, retry: {max_attempts: 1}}
  - {id: uses_it, needs: [optional], action: test.work}
  - {id: independent, action: test.work}
)yaml");
  h.Fail("optional", v1::ERROR_TYPE_RETRYABLE);
  EXPECT_EQ(h.StateOf("uses_it"), v1::STEP_STATE_SKIPPED);
  EXPECT_EQ(h.status(), v1::RUN_STATUS_RUNNING);
  h.Succeed("independent");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST(SchedulerTest, AFailureCancelsRunningSiblingsAndTellsTheirWorkers) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: siblings
steps:
  - {id: a, action: test.work, retry: {max_attempts: 1}}
  - {id: b, action: test.work}
  - {id: c, action: test.work}
)yaml");
  h.Lease("b");
  h.Fail("a", v1::ERROR_TYPE_RETRYABLE);
  EXPECT_EQ(h.status(), v1::RUN_STATUS_FAILED);
  EXPECT_EQ(h.StateOf("b"), v1::STEP_STATE_CANCELED);
  EXPECT_EQ(h.StateOf("c"), v1::STEP_STATE_CANCELED);
  EXPECT_THAT(h.host().cancelled, ElementsAre("b")) << "only leased attempts need telling";
}

TEST(SchedulerTest, StartToCloseTimeoutRetriesAnIdempotentAction) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: slow
steps:
  - {id: a, action: test.work, timeouts: {start_to_close: 30s}, retry: {initial_backoff: 1s}}
)yaml");
  v1::Task task = h.Lease("a");
  EXPECT_EQ(h.At("a").attempt_deadline - h.clock().Now(), absl::Seconds(30));
  EXPECT_EQ(h.At("a").lease_deadline, h.At("a").attempt_deadline) << "lease_ttl is 30s too";
  h.ExpireLease("a");
  EXPECT_EQ(h.StateOf("a"), v1::STEP_STATE_WAITING);
  EXPECT_THAT(h.At("a").last_error.message(), HasSubstr("start_to_close"));
  EXPECT_THAT(h.host().cancelled, ElementsAre("a"));
}

TEST(SchedulerTest, HeartbeatTimeoutBoundsTheLeaseAndHeartbeatsExtendIt) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: beats
steps:
  - {id: a, action: test.work, timeouts: {start_to_close: 1h, heartbeat: 20s}}
)yaml");
  v1::Task task = h.Lease("a");
  EXPECT_EQ(task.heartbeat_timeout().seconds(), 20);
  EXPECT_EQ(h.At("a").lease_deadline - h.clock().Now(), absl::Seconds(20));
  h.clock().Advance(absl::Seconds(15));
  h.scheduler().ExtendLease(h.At("a"));
  EXPECT_EQ(h.At("a").lease_deadline - h.clock().Now(), absl::Seconds(20));
  h.ExpireLease("a");
  EXPECT_THAT(h.At("a").last_error.message(), HasSubstr("stopped reporting"));
}

TEST(SchedulerTest, ScheduleToStartTimeoutFailsATaskNobodyPicksUp) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: nobody
steps:
  - {id: a, action: tiktok.insights, timeouts: {schedule_to_start: 5m}}
)yaml");
  EXPECT_EQ(h.At("a").timer_kind, TimerKind::kScheduleToStart);
  h.FireTimer("a");
  EXPECT_EQ(h.StateOf("a"), v1::STEP_STATE_FAILED);
  EXPECT_EQ(h.At("a").last_error.type(), v1::ERROR_TYPE_TIMEOUT);
  EXPECT_THAT(h.At("a").last_error.message(), HasSubstr("is a worker serving tiktok running?"));
}

TEST(SchedulerTest, LostNonIdempotentAttemptBecomesUnknownAndIsReconciled) {
  SchedulerHarness h({.fence_margin = absl::Seconds(5)});
  h.Start("name: post\nsteps:\n  - {id: post, action: x.publish}\n");
  h.Lease("post");
  h.TakeQueued();
  const absl::Time deadline = h.At("post").lease_deadline;
  h.ExpireLease("post");
  EXPECT_EQ(h.StateOf("post"), v1::STEP_STATE_UNKNOWN);
  // The lost attempt's worker may still be writing until its fence: no reconcile before it.
  EXPECT_THAT(h.TakeQueued(), IsEmpty());
  EXPECT_EQ(h.At("post").timer_kind, TimerKind::kFence);
  EXPECT_EQ(h.At("post").timer_at, deadline + absl::Seconds(5));
  EXPECT_EQ(h.At("post").waiting.kind(), v1::WaitingReason::KIND_FENCE);
  h.FireTimer("post");
  EXPECT_THAT(h.TakeQueued(), ElementsAre("post"));
  v1::Task reconcile = h.Lease("post");
  EXPECT_EQ(reconcile.purpose(), v1::TASK_PURPOSE_RECONCILE);
  EXPECT_EQ(reconcile.attempt(), 2);
  EXPECT_EQ(h.StateOf("post"), v1::STEP_STATE_UNKNOWN) << "still unknown while reconciling";
  // Not found: the post never went out, so it may be published again.
  h.Fail("post", v1::ERROR_TYPE_OUTCOME_UNKNOWN, "not found", "not_found");
  EXPECT_EQ(h.StateOf("post"), v1::STEP_STATE_WAITING);
  h.FireTimer("post");
  EXPECT_EQ(h.Lease("post").purpose(), v1::TASK_PURPOSE_EXECUTE);
  h.Succeed("post");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST(SchedulerTest, ReconcileThatLosesItsAnswerIsFollowedByAnotherReconcile) {
  SchedulerHarness h({.fence_margin = absl::Seconds(5)});
  h.Start("name: boost\nsteps:\n  - {id: boost, action: facebook.boost}\n");
  h.Fail("boost", v1::ERROR_TYPE_OUTCOME_UNKNOWN, "no response", "no_response");
  EXPECT_EQ(h.StateOf("boost"), v1::STEP_STATE_UNKNOWN);
  EXPECT_EQ(h.At("boost").timer_at, h.clock().Now() + absl::Seconds(5))
      << "a write the worker sent before it said 'unknown' may still land";
  h.FireTimer("boost");
  // The reconcile completes the half-made boost, then its answer is lost: that is no
  // "not found", and whatever it did must be found by another reconcile, not redone.
  ASSERT_EQ(h.Lease("boost").purpose(), v1::TASK_PURPOSE_RECONCILE);
  h.Fail("boost", v1::ERROR_TYPE_OUTCOME_UNKNOWN, "no response", "no_response");
  EXPECT_EQ(h.StateOf("boost"), v1::STEP_STATE_UNKNOWN);
  h.FireTimer("boost");
  ASSERT_EQ(h.Lease("boost").purpose(), v1::TASK_PURPOSE_RECONCILE);
  // A reconcile whose lookup failed says nothing either.
  h.Fail("boost", v1::ERROR_TYPE_RETRYABLE, "HTTP 500 listing campaigns");
  h.FireTimer("boost");
  ASSERT_EQ(h.Lease("boost").purpose(), v1::TASK_PURPOSE_RECONCILE);
  // Nor does a reconcile whose own lease is lost; its successor waits for its fence.
  const absl::Time deadline = h.At("boost").lease_deadline;
  h.ExpireLease("boost");
  EXPECT_EQ(h.StateOf("boost"), v1::STEP_STATE_UNKNOWN);
  EXPECT_GE(h.At("boost").timer_at, deadline + absl::Seconds(5));
  h.FireTimer("boost");
  ASSERT_EQ(h.Lease("boost").purpose(), v1::TASK_PURPOSE_RECONCILE);
  h.Succeed("boost", Output({{"ad_id", expr::Value::String("ad-1")}}));
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(h.At("boost").attempt, 5);
}

TEST(SchedulerTest, LateSuccessOfTheLostAttemptSettlesItDuringTheFence) {
  SchedulerHarness h({.fence_margin = absl::Seconds(5)});
  h.Start("name: post\nsteps:\n  - {id: post, action: instagram.publish}\n");
  h.Lease("post");
  h.ExpireLease("post");
  ASSERT_EQ(h.At("post").timer_kind, TimerKind::kFence);
  // The engine accepts a late success of the current attempt of an UNKNOWN instance.
  h.scheduler().Succeed(h.run(), h.At("post"), Output({{"post_id", expr::Value::String("p")}}), 10);
  EXPECT_EQ(h.StateOf("post"), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(h.At("post").timer_kind, TimerKind::kNone);
  EXPECT_THAT(h.TakeQueued(), IsEmpty());
}

TEST(SchedulerTest, AnyAttemptInDoubtFencesItsRetryButAReportedFailureDoesNot) {
  SchedulerHarness h({.fence_margin = absl::Minutes(10)});
  h.Start("name: m\nsteps:\n  - {id: b, action: x.set_budget, retry: {initial_backoff: 1s}}\n");
  // A budget change lost with its worker may still land: the retry waits for its fence.
  h.Lease("b");
  const absl::Time deadline = h.At("b").lease_deadline;
  h.ExpireLease("b");
  EXPECT_EQ(h.StateOf("b"), v1::STEP_STATE_WAITING);
  EXPECT_EQ(h.At("b").timer_at, deadline + absl::Minutes(10));
  EXPECT_EQ(h.At("b").waiting.kind(), v1::WaitingReason::KIND_FENCE);
  EXPECT_TRUE(h.At("b").in_doubt());
  h.FireTimer("b");
  // A worker that answers "HTTP 500" has finished with the attempt: no fence.
  h.Fail("b", v1::ERROR_TYPE_RETRYABLE, "HTTP 500");
  EXPECT_LT(h.At("b").timer_at, h.clock().Now() + absl::Minutes(1));
  EXPECT_FALSE(h.At("b").in_doubt());
}

TEST(SchedulerTest, ARerunSettlesAPublishCancelledMidAttemptBeforePublishingAgain) {
  SchedulerHarness h({.fence_margin = absl::Seconds(5)});
  h.Start("name: post\nsteps:\n  - {id: post, action: x.publish}\n");
  h.Lease("post");
  const absl::Time deadline = h.At("post").lease_deadline;
  h.scheduler().Cancel(h.run(), "stop", "ann");
  EXPECT_EQ(h.StateOf("post"), v1::STEP_STATE_CANCELED);
  EXPECT_EQ(h.At("post").unsettled_until, deadline + absl::Seconds(5))
      << "the worker may not hear of the cancel and act until its lease ends";
  h.TakeQueued();
  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "", "ann").ok());
  // The cancelled attempt may have posted: the rerun reconciles first, after its fence.
  EXPECT_EQ(h.StateOf("post"), v1::STEP_STATE_UNKNOWN);
  EXPECT_EQ(h.At("post").purpose, v1::TASK_PURPOSE_RECONCILE);
  EXPECT_THAT(h.TakeQueued(), IsEmpty());
  h.FireTimer("post");
  EXPECT_EQ(h.Lease("post").purpose(), v1::TASK_PURPOSE_RECONCILE);
}

TEST(SchedulerTest, AnUnknownPublishStaysInDoubtWithoutAMarginUntilAReconcileSettlesIt) {
  SchedulerHarness h({.fence_margin = absl::ZeroDuration()});
  h.Start("name: post\nsteps:\n  - {id: post, action: x.publish}\n");
  h.Lease("post");
  h.TakeQueued();
  h.Fail("post", v1::ERROR_TYPE_OUTCOME_UNKNOWN, "no response", "no_response");
  EXPECT_TRUE(h.At("post").in_doubt()) << "no margin does not make the outcome known";
  EXPECT_THAT(h.TakeQueued(), ElementsAre("post")) << "the fence has passed: reconcile at once";
  h.scheduler().Cancel(h.run(), "stop", "ann");
  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "", "ann").ok());
  EXPECT_EQ(h.At("post").purpose, v1::TASK_PURPOSE_RECONCILE);
  EXPECT_EQ(h.Lease("post").purpose(), v1::TASK_PURPOSE_RECONCILE);
}

TEST(SchedulerTest, OutputsOverTheCapFailTheStep) {
  SchedulerHarness h({.max_output_bytes = 100});
  h.Start("name: big\nsteps:\n  - {id: a, action: test.work}\n");
  h.Lease("a");
  h.scheduler().Succeed(h.run(), h.At("a"), expr::Value::String(std::string(500, 'x')), 500);
  EXPECT_EQ(h.StateOf("a"), v1::STEP_STATE_FAILED);
  EXPECT_THAT(h.At("a").last_error.message(), HasSubstr("the limit is"));
}

TEST(SchedulerTest, WaitApprovalAndSignalSteps) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: builtins
steps:
  - {id: pause, wait: 6h}
  - id: review
    needs: [pause]
    approval: {message: "ok?", approvers: [ann], timeout: 1d, on_timeout: skip}
  - {id: go, needs: [review], signal: go_live}
  - {id: use, needs: [go], action: test.work, with: {when: "{{ steps.go.output.at }}"}}
)yaml");
  EXPECT_EQ(h.StateOf("pause"), v1::STEP_STATE_WAITING);
  EXPECT_EQ(h.At("pause").timer_at - h.clock().Now(), absl::Hours(6));
  // A signal that arrives before its step waits is kept for it.
  h.scheduler().Signal(h.run(), "go_live", Output({{"at", expr::Value::String("noon")}}), "ops");
  h.FireTimer("pause");
  EXPECT_EQ(h.StateOf("review"), v1::STEP_STATE_WAITING);
  EXPECT_EQ(h.Decide("review", true, "bob").code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(h.Decide("review", true, "ann", "fine").ok());
  EXPECT_EQ(h.StateOf("go"), v1::STEP_STATE_SUCCEEDED) << "took the buffered signal";
  EXPECT_EQ(h.Lease("use").input().fields().at("when").string_value(), "noon");
}

TEST(SchedulerTest, ApprovalTimeoutSkipsOrRejects) {
  SchedulerHarness skip;
  skip.Start("name: s\nsteps:\n  - {id: r, approval: {timeout: 1h, on_timeout: skip}}\n");
  skip.FireTimer("r");
  EXPECT_EQ(skip.StateOf("r"), v1::STEP_STATE_SKIPPED);
  EXPECT_EQ(skip.status(), v1::RUN_STATUS_SUCCEEDED);
  SchedulerHarness reject;
  reject.Start("name: r\nsteps:\n  - {id: r, approval: {timeout: 1h}}\n");
  reject.FireTimer("r");
  EXPECT_EQ(reject.StateOf("r"), v1::STEP_STATE_FAILED);
  EXPECT_THAT(reject.At("r").last_error.message(), HasSubstr("no decision within 1h"));
}

TEST(SchedulerTest, RepeatLoopsUntilItsConditionAndSeesThePreviousIteration) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: loop
steps:
  - id: optimize
    repeat:
      every: 6h
      until: steps.measure.output.n >= 3
      max_iterations: 10
      steps:
        - id: measure
          action: test.work
          with:
            iteration: "{{ iteration }}"
            before: "{{ iteration > 1 ? previous.steps.measure.output.n : 0 }}"
)yaml");
  for (int i = 1; i <= 3; ++i) {
    const std::string key = absl::StrCat("optimize/measure#", i);
    v1::Task task = h.Lease(key);
    EXPECT_EQ(task.input().fields().at("iteration").number_value(), i);
    EXPECT_EQ(task.input().fields().at("before").number_value(), i - 1);
    h.Succeed(key, Output({{"n", expr::Value::Int(i)}}));
    if (i < 3) {
      EXPECT_EQ(h.StateOf("optimize"), v1::STEP_STATE_WAITING);
      EXPECT_EQ(h.At("optimize").timer_at - h.clock().Now(), absl::Hours(6));
      h.FireTimer("optimize");
    }
  }
  EXPECT_EQ(h.StateOf("optimize"), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(h.At("optimize").output.Find("iterations")->int_value(), 3);
}

TEST(SchedulerTest, OldRepeatIterationsAreCompacted) {
  SchedulerHarness h({.keep_iterations = 2});
  h.Start(R"yaml(
name: long-loop
steps:
  - id: loop
    repeat:
      every: 1h
      max_iterations: 6
      steps:
        - {id: tick, action: test.work}
)yaml");
  for (int i = 1; i <= 6; ++i) {
    h.Succeed(absl::StrCat("loop/tick#", i));
    if (i < 6) h.FireTimer("loop");
  }
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(h.run().Find("loop/tick#1"), nullptr);
  EXPECT_EQ(h.run().Find("loop/tick#4"), nullptr);
  EXPECT_NE(h.run().Find("loop/tick#5"), nullptr);
  EXPECT_NE(h.run().Find("loop/tick#6"), nullptr);
  EXPECT_EQ(h.run().instances().size(), 3u) << "the loop and its last two iterations";
}

TEST(SchedulerTest, RerunRetriesOnlyWhatFailedAndKeepsSucceededOutputs) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: rerun
steps:
  - {id: copy, action: test.work}
  - {id: post, needs: [copy], action: test.work, retry: {max_attempts: 1}}
  - {id: after, needs: [post], action: test.work}
)yaml");
  h.Succeed("copy", Output({{"text", expr::Value::String("hi")}}));
  h.Fail("post", v1::ERROR_TYPE_RETRYABLE);
  ASSERT_EQ(h.status(), v1::RUN_STATUS_FAILED);
  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "", "ops").ok());
  EXPECT_EQ(h.status(), v1::RUN_STATUS_RUNNING);
  EXPECT_EQ(h.StateOf("copy"), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(h.At("copy").attempt, 1);
  EXPECT_EQ(h.StateOf("post"), v1::STEP_STATE_READY);
  EXPECT_EQ(h.Lease("post").attempt(), 2) << "attempt numbers keep counting";
  h.Succeed("post");
  h.Succeed("after");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(h.scheduler().Rerun(h.run(), "", "ops").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SchedulerTest, RerunFromANamedStepRedoesItAndEverythingDownstream) {
  SchedulerHarness h;
  h.Start(R"yaml(
name: rerun-from
steps:
  - {id: copy, action: test.work}
  - {id: post, needs: [copy], action: test.work}
  - {id: after, needs: [post], action: test.work, retry: {max_attempts: 1}}
)yaml");
  h.Succeed("copy");
  h.Succeed("post");
  h.Fail("after", v1::ERROR_TYPE_RETRYABLE);
  EXPECT_EQ(h.scheduler().Rerun(h.run(), "pots", "ops").code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(h.scheduler().Rerun(h.run(), "post", "ops").ok());
  EXPECT_EQ(h.StateOf("copy"), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(h.StateOf("post"), v1::STEP_STATE_READY);
  EXPECT_EQ(h.StateOf("after"), v1::STEP_STATE_UNSPECIFIED) << "recreated once post is done";
  h.Succeed("post");
  h.Succeed("after");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST(SchedulerTest, CancelIsIdempotentAndRecordsWho) {
  SchedulerHarness h;
  h.Start("name: c\nsteps:\n  - {id: a, action: test.work}\n");
  h.Lease("a");
  h.scheduler().Cancel(h.run(), "", "ops@acme");
  h.scheduler().Cancel(h.run(), "", "someone else");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_CANCELED);
  EXPECT_EQ(h.run().record().error().message(), "cancelled by ops@acme");
  EXPECT_THAT(h.host().cancelled, ElementsAre("a"));
}

TEST(SchedulerTest, PauseAndResumeAreIdempotentAndResumeReleasesWhatWasHeld) {
  SchedulerHarness h;
  h.Start("name: p\nsteps:\n  - {id: ready, action: test.work}\n  - {id: nap, wait: 1h}\n");
  h.host().queued.clear();
  h.scheduler().Pause(h.run(), "ops@acme", "copy under review");
  h.scheduler().Pause(h.run(), "someone else", "");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_PAUSED);
  h.scheduler().Resume(h.run(), "ops@acme");
  h.scheduler().Resume(h.run(), "someone else");
  EXPECT_EQ(h.status(), v1::RUN_STATUS_RUNNING);
  EXPECT_THAT(h.host().queued, ElementsAre("ready")) << "offered again, once";
  EXPECT_THAT(h.host().rearmed, ElementsAre("nap")) << "its timer armed again, once";

  std::vector<std::string> run_events;
  for (const v1::HistoryEvent& event : h.run().TakeChanges().events) {
    if (event.type() == v1::EVENT_TYPE_RUN_PAUSED || event.type() == v1::EVENT_TYPE_RUN_RESUMED) {
      run_events.push_back(absl::StrCat(v1::EventType_Name(event.type()), " by ", event.actor(),
                                        ": ", event.message()));
    }
  }
  EXPECT_THAT(run_events, ElementsAre("EVENT_TYPE_RUN_PAUSED by ops@acme: copy under review",
                                      "EVENT_TYPE_RUN_RESUMED by ops@acme: "));
}

}  // namespace
}  // namespace fanfare::scheduler
