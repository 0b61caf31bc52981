// Hostile requests over real gRPC: each gets a clear, bounded answer, and the coordinator
// goes on answering everyone else meanwhile.
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/definition/limits.h"
#include "engine/service/grpc_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using ::testing::HasSubstr;
using ::testing::EndsWith;
using ::fanfare::testing::CoordinatorEnv;

v1::CampaignSpec ReversedChain(int n) {
  v1::CampaignSpec spec;
  spec.mutable_metadata()->set_name("chain");
  for (int i = n - 1; i >= 0; --i) {
    v1::Step& step = *spec.add_steps();
    step.set_id(absl::StrCat("s", i));
    step.set_action("x.insights");
    if (i > 0) step.add_needs(absl::StrCat("s", i - 1));
  }
  return spec;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(HostileRequestsTest, AHugeChainIsRefusedAndTheCoordinatorLives) {
  CoordinatorEnv env;
  // 20,000 steps listed last to first (438 KB): a stack overflow before.
  absl::StatusOr<v1::ApplyCampaignResponse> applied =
      env.client().ApplyCampaign(ReversedChain(20'000), "chain.yaml", /*dry_run=*/true);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(applied.status().message(),
              HasSubstr("the campaign has 20000 steps; at most 1000 are allowed"));
  // The coordinator still answers.
  env.Apply("name: ok\nsteps: [{id: a, action: x.insights}]\n");
}

TEST(HostileRequestsTest, AHundredProblemsMakeABoundedAnswer) {
  CoordinatorEnv env;
  v1::CampaignSpec spec = ReversedChain(900);
  for (v1::Step& step : *spec.mutable_steps()) step.add_needs(absl::StrCat("missing_", step.id()));
  absl::StatusOr<v1::ApplyCampaignResponse> applied =
      env.client().ApplyCampaign(spec, "chain.yaml", /*dry_run=*/true);
  ASSERT_FALSE(applied.ok());
  EXPECT_THAT(applied.status().message(), HasSubstr("900 errors in chain.yaml"));
  EXPECT_THAT(std::string(applied.status().message()),
              EndsWith("more bytes of this message were cut)"));
  EXPECT_LE(applied.status().message().size(), kMaxStatusMessageBytes + 100);
}

TEST(HostileRequestsTest, AStartTimeNoTimestampHoldsIsRefused) {
  CoordinatorEnv env;
  env.Apply("name: c\nsteps: [{id: a, action: x.insights}]\n");
  v1::StartRunRequest request;
  request.set_campaign("c");
  request.mutable_start_at()->set_seconds(int64_t{1} << 62);
  absl::StatusOr<v1::StartRunResponse> started = env.client().StartRun(request);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(started.status().message(),
              HasSubstr("start_at: must be between the years 1 and 9999"));
}

TEST(HostileRequestsTest, NonFiniteNumbersAreRefusedAtTheDoor) {
  CoordinatorEnv env;
  env.Apply("name: c\nparams:\n  bid: {type: double}\nsteps:\n"
            "  - {id: go, signal: go}\n");
  v1::StartRunRequest request;
  request.set_campaign("c");
  request.set_run_id("r1");
  (*request.mutable_params()->mutable_fields())["bid"].set_number_value(
      std::numeric_limits<double>::infinity());
  absl::StatusOr<v1::StartRunResponse> started = env.client().StartRun(request);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().message(), "params.bid: must be finite");
  (*request.mutable_params()->mutable_fields())["bid"].set_number_value(1.5);
  ASSERT_TRUE(env.client().StartRun(request).ok());
  google::protobuf::Value payload;
  payload.mutable_list_value()->add_values()->set_number_value(std::nan(""));
  absl::StatusOr<v1::Run> signalled = env.client().SignalRun("r1", "go", payload);
  ASSERT_FALSE(signalled.ok());
  EXPECT_EQ(signalled.status().message(), "payload[0]: must be a number, not NaN");
}

TEST(HostileRequestsTest, OthersAreAnsweredWhileTheWidestCampaignStarts) {
  CoordinatorEnv env;
  std::string yaml = "name: wide\nsteps:\n";
  for (int i = 0; i < definition::kMaxSteps; ++i) {
    absl::StrAppend(&yaml, "  - {id: s", i, ", action: x.insights}\n");
  }
  env.Apply(yaml);
  env.Apply("name: small\nsteps: [{id: a, action: x.insights}]\n");
  v1::StartRunRequest wide;
  wide.set_campaign("wide");
  wide.set_run_id("wide-1");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(env.client().StartRun(wide).ok());
  // Generous bounds: the engine's cycles are milliseconds (bench/README.md); before the
  // work was bounded, this start held the engine for seconds and every call waited.
  EXPECT_LT(SecondsSince(start), 2.0);
  v1::StartRunRequest small;
  small.set_campaign("small");
  small.set_run_id("small-1");
  const auto other = std::chrono::steady_clock::now();
  ASSERT_TRUE(env.client().StartRun(small).ok());
  EXPECT_LT(SecondsSince(other), 2.0);
  absl::StatusOr<v1::Run> run = env.WaitFor("wide-1", [](const v1::Run& r) {
    return r.steps_size() == definition::kMaxSteps;
  });
  ASSERT_TRUE(run.ok()) << run.status();
}

}  // namespace
}  // namespace fanfare
