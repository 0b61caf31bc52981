// The launch example end to end in virtual time: coordinator, sandbox and a worker for every
// network in one process, 14 days of six-hourly measurements played out in seconds.
#include "absl/strings/str_cat.h"
#include "engine/definition/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/coordinator_env.h"
#include "workers/devmode/dev_stack.h"

namespace fanfare {
namespace {

using testing::CoordinatorEnv;
using testing::StepOf;

std::string ExamplePath(const std::string& name) {
  const char* root = std::getenv("FANFARE_SOURCE_DIR");
  return absl::StrCat(root != nullptr ? root : ".", "/examples/", name);
}

bool Ended(const v1::Run& run) {
  return run.status() == v1::RUN_STATUS_SUCCEEDED || run.status() == v1::RUN_STATUS_FAILED ||
         run.status() == v1::RUN_STATUS_CANCELED;
}

bool WaitingForApproval(const v1::Run& run) {
  for (const v1::StepInstance& step : run.steps()) {
    if (step.key() == "approve_copy" && step.state() == v1::STEP_STATE_WAITING) return true;
  }
  return Ended(run);
}

TEST(LaunchRehearsalTest, FourteenDaysOfOptimisationPlayOutInVirtualTime) {
  ManualClock clock(absl::Now());
  CoordinatorEnv env({.clock = &clock, .rehearsal_clock = &clock});
  devmode::DevStack stack({.clock = &clock, .manual_clock = &clock});
  ASSERT_TRUE(stack.Start(env.address()).ok());
  absl::StatusOr<v1::CampaignSpec> spec = definition::LoadCampaignFile(ExamplePath("launch.yaml"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_TRUE(env.client().ApplyCampaign(*spec).ok());

  v1::StartRunRequest request = StartRunRequest("product-launch");
  request.set_run_id("launch-rehearsal");
  (*request.mutable_params()->mutable_fields())["launch_at"].set_string_value(
      absl::FormatTime(absl::RFC3339_sec, clock.Now() + absl::Hours(20), absl::UTCTimeZone()));
  ASSERT_TRUE(env.client().StartRun(request).ok());
  absl::StatusOr<v1::Run> run = env.WaitFor("launch-rehearsal", WaitingForApproval);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_FALSE(Ended(*run)) << run->DebugString();
  ClientOptions maria = env.client().options();
  maria.identity = "maria@acme.example";
  absl::StatusOr<v1::Run> decided =
      (*Client::Create(maria))->ApproveStep("launch-rehearsal", "approve_copy", "copy reads well");
  ASSERT_TRUE(decided.ok()) << decided.status();
  // Only a listed approver may decide.
  EXPECT_EQ(env.client().ApproveStep("launch-rehearsal", "approve_copy").status().code(),
            absl::StatusCode::kFailedPrecondition);

  run = env.WaitFor("launch-rehearsal", Ended, absl::Seconds(120));
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  for (const char* network : {"facebook", "instagram", "x", "linkedin"}) {
    const v1::StepInstance& publish = StepOf(*run, absl::StrCat("publish[", network, "]"));
    EXPECT_EQ(publish.state(), v1::STEP_STATE_SUCCEEDED) << network;
    EXPECT_FALSE(publish.output().struct_value().fields().at("post_id").string_value().empty());
  }
  const v1::StepInstance& optimize = StepOf(*run, "optimize");
  EXPECT_EQ(optimize.output().struct_value().fields().at("iterations").number_value(), 56);
  // Virtual time moved at least the 14 days of the loop.
  EXPECT_GE(clock.Now() - absl::Now(), absl::Hours(24 * 13));
  stack.Stop();
}

}  // namespace
}  // namespace fanfare
