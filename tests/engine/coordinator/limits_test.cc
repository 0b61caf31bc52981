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

// A bound far above what the cycles take on the slowest machine we run on (see
// bench/README.md for the measured figures), and far below the seconds they took before the
// engine's work per cycle was made linear.
constexpr double kCycleBoundSeconds = 0.5;

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

TEST(LimitsTest, TheWidestCampaignStartsWithinBoundedCycles) {
  EngineHarness harness;
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
  EngineHarness harness;
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

TEST(LimitsProfile, DISABLED_Starts) {
  EngineHarness harness({.sync = false});
  harness.Apply(FanOut(1000));
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(harness.Start("fan", absl::StrCat("r", i)).ok());
}

}  // namespace
}  // namespace fanfare::coordinator
