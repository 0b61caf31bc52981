// Campaign control over a real store and a fake clock: timers across restarts, start_at,
// cron schedules, approvals and repeat loops that survive restarts, a year-long hourly loop
// with bounded storage, pause/resume, cancel and rerun.
#include "engine/coordinator/keys.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

using ::testing::HasSubstr;

int CountKeys(store::Store& store, store::Cf cf, const std::string& prefix) {
  int n = 0;
  EXPECT_TRUE(store.ScanPrefix(cf, prefix, [&](absl::string_view, absl::string_view) {
    ++n;
    return true;
  }).ok());
  return n;
}

TEST(ControlTest, AWaitFiresAfterARestart) {
  EngineHarness h;
  h.Apply("name: waits\nsteps:\n  - {id: pause, wait: 24h}\n  - {id: go, needs: [pause], action: test.work}\n");
  ASSERT_TRUE(h.Start("waits", "r1").ok());
  EXPECT_EQ(h.StateOf("r1", "pause"), v1::STEP_STATE_WAITING);
  h.clock().Advance(absl::Hours(5));
  h.Restart();
  EXPECT_EQ(h.engine().NextDue(), absl::FromUnixSeconds(1'800'000'000) + absl::Hours(24))
      << "the timer kept its due time";
  ASSERT_TRUE(h.AdvanceToNextDue());
  EXPECT_EQ(h.StateOf("r1", "pause"), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(h.StateOf("r1", "go"), v1::STEP_STATE_READY);
}

TEST(ControlTest, LateTimersFireAtOnceInOrder) {
  EngineHarness h;
  h.Apply("name: two\nsteps:\n  - {id: later, wait: 2h}\n  - {id: sooner, wait: 1h}\n");
  ASSERT_TRUE(h.Start("two", "r1").ok());
  h.Restart();
  h.clock().Advance(absl::Hours(5));  // the coordinator was down past both
  h.Cycle();
  EXPECT_EQ(h.Run("r1").status(), v1::RUN_STATUS_SUCCEEDED) << "both fired in one cycle";
  std::vector<std::string> order;
  for (const v1::HistoryEvent& e : h.History("r1")) {
    if (e.type() == v1::EVENT_TYPE_STEP_SUCCEEDED) order.push_back(e.step_key());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"sooner", "later"})) << "in the order they were due";
}

TEST(ControlTest, StartAtHoldsARunUntilItsTimeAcrossARestart) {
  EngineHarness h;
  h.Apply("name: later\nsteps:\n  - {id: a, action: test.work}\n");
  auto started = h.Start("later", "r1", h.clock().Now() + absl::Hours(3));
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started->run().status(), v1::RUN_STATUS_SCHEDULED);
  EXPECT_EQ(started->run().steps_size(), 0);
  h.Restart();
  EXPECT_EQ(h.Run("r1").status(), v1::RUN_STATUS_SCHEDULED);
  ASSERT_TRUE(h.AdvanceToNextDue());
  EXPECT_EQ(h.Run("r1").status(), v1::RUN_STATUS_RUNNING);
  EXPECT_EQ(h.StateOf("r1", "a"), v1::STEP_STATE_READY);
}

TEST(ControlTest, AnApprovalWaitsAcrossARestart) {
  EngineHarness h;
  h.Apply(R"yaml(
name: gated
steps:
  - {id: review, approval: {message: "launch?", approvers: [ann]}}
  - {id: go, needs: [review], action: test.work}
)yaml");
  ASSERT_TRUE(h.Start("gated", "r1").ok());
  h.Restart();
  EXPECT_EQ(h.StateOf("r1", "review"), v1::STEP_STATE_WAITING);
  v1::DecideStepRequest request;
  request.set_run_id("r1");
  request.set_step_key("review");
  request.set_identity("ann");
  request.set_comment("ship it");
  auto decided = h.Call<v1::Run>(
      [&](Engine& e, auto reply) {
        e.DecideStep(auth::Principal::Unauthenticated(), request, true, std::move(reply));
      });
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(h.StateOf("r1", "go"), v1::STEP_STATE_READY);
  bool recorded = false;
  for (const v1::HistoryEvent& e : h.History("r1")) {
    if (e.type() == v1::EVENT_TYPE_STEP_APPROVED) {
      recorded = e.actor() == "ann" && e.message() == "ship it";
    }
  }
  EXPECT_TRUE(recorded) << "who approved and why is in history";
}

TEST(ControlTest, ARepeatLoopContinuesAfterARestart) {
  EngineHarness h;
  h.Apply(R"yaml(
name: loop
steps:
  - id: optimize
    repeat:
      every: 6h
      max_iterations: 4
      steps:
        - {id: tick, wait: 1m}
)yaml");
  ASSERT_TRUE(h.Start("loop", "r1").ok());
  ASSERT_TRUE(h.AdvanceToNextDue());  // iteration 1's wait
  ASSERT_TRUE(h.AdvanceToNextDue());  // iteration 2 starts
  h.Restart();
  while (h.AdvanceToNextDue()) {
  }
  const v1::Run run = h.Run("r1");
  EXPECT_EQ(run.status(), v1::RUN_STATUS_SUCCEEDED);
  for (const v1::StepInstance& step : run.steps()) {
    if (step.key() == "optimize") {
      EXPECT_EQ(step.output().struct_value().fields().at("iterations").number_value(), 4);
    }
  }
}

TEST(ControlTest, AYearOfHourlyIterationsKeepsStorageBounded) {
  // Storage, not durability, is under test: 26,000 cycles need not each wait for an fsync.
  EngineHarness h({.sync = false});
  h.Apply(R"yaml(
name: hourly
steps:
  - id: measure_loop
    repeat:
      every: 1h
      max_iterations: 8760
      steps:
        - {id: measure, wait: 1m}
        - {id: adjust, needs: [measure], wait: 1m}
)yaml");
  ASSERT_TRUE(h.Start("hourly", "year").ok());
  int steps_after_a_day = 0, events_after_a_day = 0;
  for (int cycles = 0; h.AdvanceToNextDue(); ++cycles) {
    if (cycles == 24 * 3) {
      steps_after_a_day = CountKeys(h.store(), store::Cf::kSteps, keys::StepPrefix("default", "year"));
      events_after_a_day = static_cast<int>(h.History("year").size());
    }
    if (cycles % 2000 == 1999) h.Restart();  // restarts mid-loop lose nothing
  }
  ASSERT_EQ(h.Run("year").status(), v1::RUN_STATUS_SUCCEEDED);
  const int steps = CountKeys(h.store(), store::Cf::kSteps, keys::StepPrefix("default", "year"));
  const std::vector<v1::HistoryEvent> events = h.History("year");
  EXPECT_LE(steps, steps_after_a_day) << "step records do not grow with iterations";
  EXPECT_LE(static_cast<int>(events.size()), events_after_a_day + 2)
      << "history does not grow with iterations";
  EXPECT_LT(events.size(), 60u);
  EXPECT_EQ(events.back().type(), v1::EVENT_TYPE_RUN_SUCCEEDED);
}

TEST(ControlTest, PauseHoldsDispatchAndTimersAndResumeReleasesThem) {
  EngineHarness h;
  h.Apply(R"yaml(
name: pausable
steps:
  - {id: first, action: test.work}
  - {id: nap, wait: 1h}
  - {id: second, needs: [first], action: test.work}
)yaml");
  ASSERT_TRUE(h.Start("pausable", "r1").ok());
  v1::PauseRunRequest pause;
  pause.set_run_id("r1");
  pause.set_identity("ops");
  pause.set_reason("legal review");
  ASSERT_TRUE(h.Call<v1::Run>([&](Engine& e, auto r) { e.PauseRun(pause, std::move(r)); }).ok());
  ASSERT_TRUE(h.Call<v1::Run>([&](Engine& e, auto r) { e.PauseRun(pause, std::move(r)); }).ok())
      << "idempotent";
  h.ConnectWorker("test", 4);
  EXPECT_TRUE(h.TakeTasks().empty()) << "no dispatch while paused";
  h.clock().Advance(absl::Hours(2));
  h.Cycle();
  EXPECT_EQ(h.StateOf("r1", "nap"), v1::STEP_STATE_WAITING) << "timers held while paused";
  v1::ResumeRunRequest resume;
  resume.set_run_id("r1");
  resume.set_identity("ops");
  ASSERT_TRUE(h.Call<v1::Run>([&](Engine& e, auto r) { e.ResumeRun(resume, std::move(r)); }).ok());
  EXPECT_EQ(h.StateOf("r1", "nap"), v1::STEP_STATE_SUCCEEDED) << "the held timer fires";
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].step_key(), "first");
  int pauses = 0;
  for (const v1::HistoryEvent& e : h.History("r1")) {
    pauses += e.type() == v1::EVENT_TYPE_RUN_PAUSED;
  }
  EXPECT_EQ(pauses, 1);
}

TEST(ControlTest, CancelTellsTheWorkerAndMarksWhatWasLeft) {
  EngineHarness h;
  h.Apply(R"yaml(
name: cancellable
steps:
  - {id: a, action: test.work}
  - {id: b, needs: [a], action: test.work}
)yaml");
  ASSERT_TRUE(h.Start("cancellable", "r1").ok());
  h.ConnectWorker("test", 4);
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  v1::CancelRunRequest cancel;
  cancel.set_run_id("r1");
  cancel.set_identity("ops");
  auto run = h.Call<v1::Run>([&](Engine& e, auto r) { e.CancelRun(cancel, std::move(r)); });
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status(), v1::RUN_STATUS_CANCELED);
  int cancels = 0;
  for (const v1::CoordinatorMessage& message : h.TakeMessages()) {
    for (const v1::TaskRef& ref : message.cancels()) {
      cancels += ref.task_id() == tasks[0].task_id() && ref.attempt() == tasks[0].attempt();
    }
  }
  EXPECT_EQ(cancels, 1) << "the worker holding the attempt is told to stop";
  EXPECT_EQ(h.StateOf("r1", "a"), v1::STEP_STATE_CANCELED);
  auto again = h.Call<v1::Run>([&](Engine& e, auto r) { e.CancelRun(cancel, std::move(r)); });
  EXPECT_TRUE(again.ok()) << "cancelling a cancelled run is a no-op";
}

TEST(ControlTest, RetryRunAfterARestartKeepsWhatSucceeded) {
  EngineHarness h;
  h.Apply(R"yaml(
name: retryable
steps:
  - {id: a, action: test.work}
  - {id: b, needs: [a], action: test.work, retry: {max_attempts: 1}}
)yaml");
  ASSERT_TRUE(h.Start("retryable", "r1").ok());
  h.ConnectWorker("test", 4);
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  h.Complete(tasks[0]);
  tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  v1::WorkerMessage failure;
  v1::TaskOutcome& outcome = *failure.add_outcomes();
  outcome.set_task_id(tasks[0].task_id());
  outcome.set_attempt(tasks[0].attempt());
  outcome.mutable_failure()->set_type(v1::ERROR_TYPE_RETRYABLE);
  outcome.mutable_failure()->set_message("boom");
  h.engine().OnWorkerMessage("session-1", failure);
  h.Cycle();
  EXPECT_EQ(h.Run("r1").status(), v1::RUN_STATUS_FAILED);
  h.Restart();
  v1::RetryRunRequest retry;
  retry.set_run_id("r1");
  retry.set_identity("ops");
  auto retried = h.Call<v1::Run>([&](Engine& e, auto r) { e.RetryRun(retry, std::move(r)); });
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->status(), v1::RUN_STATUS_RUNNING);
  EXPECT_EQ(h.StateOf("r1", "a"), v1::STEP_STATE_SUCCEEDED);
  h.ConnectWorker("test", 4);
  tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].step_key(), "b");
  EXPECT_EQ(tasks[0].attempt(), 2);
  h.Complete(tasks[0]);
  EXPECT_EQ(h.Run("r1").status(), v1::RUN_STATUS_SUCCEEDED);
  bool retried_event = false;
  for (const v1::HistoryEvent& e : h.History("r1")) {
    retried_event |= e.type() == v1::EVENT_TYPE_RUN_RETRIED && e.actor() == "ops";
  }
  EXPECT_TRUE(retried_event);
}

TEST(ControlTest, ACronScheduleStartsOneRunPerFireTimeAcrossRestarts) {
  EngineHarness h;
  // 1'800'000'000 is 2027-01-15T08:00:00Z, a Friday.
  h.Apply(R"yaml(
name: weekly
schedule: {cron: "0 9 * * *", timezone: UTC, overlap: allow}
steps:
  - {id: a, wait: 1m}
)yaml");
  EXPECT_EQ(h.engine().NextDue(), absl::FromUnixSeconds(1'800'000'000) + absl::Hours(1));
  ASSERT_TRUE(h.AdvanceToNextDue());
  EXPECT_EQ(h.Run("weekly-20270115t0900z").status(), v1::RUN_STATUS_RUNNING);
  h.Restart();
  h.Cycle();
  EXPECT_EQ(CountKeys(h.store(), store::Cf::kRunIndex, keys::NamespacePrefix("default")), 1)
      << "a restart does not fire the same time again";
  while (h.engine().NextDue() < absl::FromUnixSeconds(1'800'000'000) + absl::Hours(24 * 3)) {
    ASSERT_TRUE(h.AdvanceToNextDue());
  }
  EXPECT_EQ(CountKeys(h.store(), store::Cf::kRunIndex, keys::NamespacePrefix("default")), 3);
}

TEST(ControlTest, MissedFireTimesAreSkippedOrRunOnce) {
  for (const char* policy : {"skip", "run_once"}) {
    EngineHarness h;
    h.Apply(absl::StrCat("name: hourly\nschedule: {cron: \"@hourly\", missed: ", policy,
                         "}\nsteps:\n  - {id: a, action: test.work}\n"));
    h.Restart();
    h.clock().Advance(absl::Hours(5) + absl::Minutes(30));  // down for five fire times
    h.Cycle();
    const int runs = CountKeys(h.store(), store::Cf::kRunIndex, keys::NamespacePrefix("default"));
    EXPECT_EQ(runs, std::string(policy) == "skip" ? 0 : 1) << policy;
    EXPECT_EQ(h.engine().NextDue(), h.clock().Now() + absl::Minutes(30)) << policy;
  }
}

TEST(ControlTest, OverlapSkipDoesNotStartAsecondRunWhileTheFirstIsActive) {
  EngineHarness h;
  h.Apply(R"yaml(
name: slow
schedule: {cron: "@hourly", overlap: skip}
steps:
  - {id: a, wait: 3h}
)yaml");
  for (int i = 0; i < 3; ++i) {
    h.clock().Set(h.engine().NextDue());
    h.Cycle();
  }
  EXPECT_EQ(CountKeys(h.store(), store::Cf::kRunIndex, keys::NamespacePrefix("default")), 1);
}

}  // namespace
}  // namespace fanfare::coordinator
