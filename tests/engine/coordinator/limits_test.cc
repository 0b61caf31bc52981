// Campaigns at the documented limits start and run without holding the engine thread: the
// property the limits are sized for (docs/campaign-language.md, "Limits").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/definition/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

// A bound far above what a cycle's work takes on the slowest machine we run on (see
// bench/README.md for the measured figures), and far below the seconds it took before the
// engine's work per cycle was made linear and bounded. The harness commits without fsync:
// the coordinator syncs on its committer thread, not on the engine thread measured here.
constexpr double kCycleBoundSeconds = 0.25;

EngineHarnessOptions Unsynced() {
  EngineHarnessOptions options;
  options.sync = false;
  return options;
}

class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string IndependentSteps(int n) {
  std::string yaml = "name: wide\naccounts: {x: acme}\nsteps:\n";
  for (int i = 0; i < n; ++i) absl::StrAppend(&yaml, "  - {id: s", i, ", action: x.insights}\n");
  return yaml;
}

std::string FanOut(int items) {
  std::string yaml = "name: fan\naccounts: {x: acme}\nsteps:\n  - id: each\n    action: x.insights\n"
                     "    with: {account: acme, post: \"{{ item }}\"}\n    for_each: [";
  for (int i = 0; i < items; ++i) absl::StrAppend(&yaml, i == 0 ? "" : ", ", "p", i);
  absl::StrAppend(&yaml, "]\n  - {id: after, action: x.insights, needs: [each], "
                         "with: {n: \"{{ size(steps.each.output_list) }}\"}}\n");
  return yaml;
}

// Completes every task the worker is given, cycle by cycle (moving the clock on when tasks
// wait for a rate limit), and returns the longest cycle.
double RunToTheEnd(EngineHarness& harness, const std::string& run_id) {
  std::vector<double> cycles;
  for (int round = 0; round < 100'000; ++round) {
    std::vector<v1::Task> tasks = harness.TakeTasks();
    if (tasks.empty()) {
      // Nothing to do for the worker: the clock moves on to what is due (a deferred
      // expansion, a rate limit's end).
      if (harness.Run(run_id).status() != v1::RUN_STATUS_RUNNING ||
          !harness.AdvanceToNextDue()) {
        break;
      }
      continue;
    }
    for (const v1::Task& task : tasks) {
      Stopwatch cycle;
      harness.Complete(task);
      cycles.push_back(cycle.Seconds());
    }
  }
  EXPECT_EQ(harness.Run(run_id).status(), v1::RUN_STATUS_SUCCEEDED);
  std::sort(cycles.begin(), cycles.end());
  if (cycles.empty()) return 0;
  std::printf("%zu cycles completing tasks: median %.2f ms, p99 %.2f ms, longest %.2f ms\n",
              cycles.size(), cycles[cycles.size() / 2] * 1e3, cycles[cycles.size() * 99 / 100] * 1e3,
              cycles.back() * 1e3);
  return cycles.back();
}

int InstancesOf(EngineHarness& harness, const std::string& run_id) {
  return harness.Run(run_id).steps_size();
}

TEST(LimitsTest, TheWidestCampaignStartsWithinBoundedCycles) {
  EngineHarness harness(Unsynced());
  harness.Apply(IndependentSteps(definition::kMaxSteps));
  Stopwatch start;
  ASSERT_TRUE(harness.Start("wide", "r1").ok());
  const double started = start.Seconds();
  std::printf("start of %d independent steps: %.1f ms\n", definition::kMaxSteps, started * 1e3);
  EXPECT_LT(started, kCycleBoundSeconds);
  harness.ConnectWorker("x", 64);
  EXPECT_LT(RunToTheEnd(harness, "r1"), kCycleBoundSeconds);
}

TEST(LimitsTest, TheLargestFanOutStartsWithinBoundedCycles) {
  EngineHarness harness(Unsynced());
  harness.Apply(FanOut(definition::kMaxForEachItems));
  Stopwatch start;
  ASSERT_TRUE(harness.Start("fan", "r1").ok());
  const double started = start.Seconds();
  std::printf("start of a for_each over %d items: %.1f ms\n", definition::kMaxForEachItems,
              started * 1e3);
  EXPECT_LT(started, kCycleBoundSeconds);
  harness.ConnectWorker("x", 64);
  EXPECT_LT(RunToTheEnd(harness, "r1"), kCycleBoundSeconds);
}

TEST(LimitsTest, AComputedFanOutBeyondTheLimitFailsTheStepClearly) {
  EngineHarness harness;
  harness.Apply("name: fan\naccounts: {x: acme}\nparams:\n  posts: {type: list}\nsteps:\n"
                "  - {id: each, action: x.insights, for_each: \"{{ params.posts }}\"}\n");
  v1::StartRunRequest request;
  request.set_campaign("fan");
  request.set_run_id("r1");
  auto& posts = *(*request.mutable_params()->mutable_fields())["posts"].mutable_list_value();
  for (int i = 0; i <= definition::kMaxForEachItems; ++i) {
    posts.add_values()->set_string_value(absl::StrCat("p", i));
  }
  auto started = harness.Call<v1::StartRunResponse>(
      [&](Engine& e, auto reply) { e.StartRun(request, std::move(reply)); });
  ASSERT_TRUE(started.ok()) << started.status();
  const v1::Run run = harness.Run("r1");
  EXPECT_EQ(run.status(), v1::RUN_STATUS_FAILED);
  EXPECT_THAT(run.error().message(),
              ::testing::HasSubstr("for_each yielded 1001 items; at most 1000 are allowed"));
}

TEST(LimitsTest, AWideStartSpreadsOverCycles) {
  EngineHarness harness(Unsynced());
  harness.Apply(IndependentSteps(definition::kMaxSteps));
  ASSERT_TRUE(harness.Start("wide", "r1").ok());
  // The first cycle created a part (EngineOptions: 200 new instances per cycle) ...
  const int first = InstancesOf(harness, "r1");
  EXPECT_GE(first, 200);
  EXPECT_LT(first, definition::kMaxSteps);
  // ... and the next cycles go on without being asked.
  for (int i = 0; i < 10; ++i) harness.AdvanceToNextDue();
  EXPECT_EQ(InstancesOf(harness, "r1"), definition::kMaxSteps);
}

TEST(LimitsTest, AFanOutCutShortByARestartGoesOnWhereItStopped) {
  EngineHarness harness;
  harness.Apply(FanOut(definition::kMaxForEachItems));
  ASSERT_TRUE(harness.Start("fan", "r1").ok());
  const int before = InstancesOf(harness, "r1");
  ASSERT_LT(before, definition::kMaxForEachItems);
  harness.Restart();
  for (int i = 0; i < 10 && InstancesOf(harness, "r1") < definition::kMaxForEachItems + 1; ++i) {
    harness.AdvanceToNextDue();
  }
  // Every item once, in order; `after` waits for all of them.
  const v1::Run run = harness.Run("r1");
  std::vector<std::string> items;
  for (const v1::StepInstance& step : run.steps()) {
    if (step.step_id() == "each") items.push_back(step.item());
    EXPECT_NE(step.step_id(), "after");
  }
  ASSERT_EQ(items.size(), static_cast<size_t>(definition::kMaxForEachItems));
  for (int i = 0; i < definition::kMaxForEachItems; ++i) EXPECT_EQ(items[i], absl::StrCat("p", i));
  harness.ConnectWorker("x", 64);
  RunToTheEnd(harness, "r1");
  EXPECT_EQ(harness.StateOf("r1", "after"), v1::STEP_STATE_SUCCEEDED);
}

TEST(LimitsTest, ARerunGoesOnWithAFanOutTheCancelCutShort) {
  EngineHarness harness(Unsynced());
  harness.Apply(FanOut(definition::kMaxForEachItems));
  ASSERT_TRUE(harness.Start("fan", "r1").ok());
  v1::CancelRunRequest cancel;
  cancel.set_run_id("r1");
  ASSERT_TRUE(harness.Call<v1::Run>([&](Engine& e, auto reply) {
    e.CancelRun(cancel, std::move(reply));
  }).ok());
  harness.AdvanceToNextDue();
  ASSERT_LT(InstancesOf(harness, "r1"), definition::kMaxForEachItems);
  v1::RetryRunRequest retry;
  retry.set_run_id("r1");
  ASSERT_TRUE(harness.Call<v1::Run>([&](Engine& e, auto reply) {
    e.RetryRun(retry, std::move(reply));
  }).ok());
  harness.ConnectWorker("x", 64);
  RunToTheEnd(harness, "r1");
  EXPECT_EQ(InstancesOf(harness, "r1"), definition::kMaxForEachItems + 1);
}

}  // namespace
}  // namespace fanfare::coordinator
