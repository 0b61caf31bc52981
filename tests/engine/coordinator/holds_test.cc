// Account holds from a worker's retry_after over a real store and a fake clock: clamped to
// kMaxHold however long the worker asks, finite across restarts, readable as JSON, and
// lifted durably by ReleaseHold.
#include "engine/dispatch/rate_limiter.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

constexpr char kCampaign[] = R"yaml(
name: held
accounts:
  x: acme_x
steps:
  - id: read
    action: x.insights
    retry: {max_attempts: 3, initial_backoff: 1s}
)yaml";

// Reports `task` THROTTLED with `retry_after` on session-1.
void Throttle(EngineHarness& h, const v1::Task& task, google::protobuf::Duration retry_after) {
  v1::WorkerMessage message;
  v1::TaskOutcome& outcome = *message.add_outcomes();
  outcome.set_task_id(task.task_id());
  outcome.set_attempt(task.attempt());
  outcome.mutable_failure()->set_type(v1::ERROR_TYPE_THROTTLED);
  outcome.mutable_failure()->set_message("x said 429");
  *outcome.mutable_failure()->mutable_retry_after() = retry_after;
  message.set_credit(1);
  h.engine().OnWorkerMessage("session-1", message);
  h.Cycle();
}

google::protobuf::Duration Seconds(int64_t seconds) {
  google::protobuf::Duration d;
  d.set_seconds(seconds);
  return d;
}

v1::DispatchState State(EngineHarness& h) {
  auto state = h.Call<v1::DispatchState>([](Engine& e, auto reply) {
    e.GetDispatchState(v1::GetDispatchStateRequest(), std::move(reply));
  });
  EXPECT_TRUE(state.ok()) << state.status();
  return state.ok() ? *state : v1::DispatchState();
}

// The hold on x/acme_x as `fanfare workers` shows it; InfinitePast if none.
absl::Time HeldUntil(const v1::DispatchState& state) {
  absl::Time until = absl::InfinitePast();
  for (const v1::DispatchState::RateLimit& row : state.rate_limits()) {
    if (row.network() == "x" && row.account() == "acme_x" && row.has_held_until()) {
      until = absl::FromUnixSeconds(row.held_until().seconds());
    }
  }
  return until;
}

// A task held by a worker's huge retry_after, with the worker gone: what a restart finds.
class HoldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.Apply(kCampaign);
    ASSERT_TRUE(h_.Start("held", "r1").ok());
    h_.ConnectWorker("x", 1);
    std::vector<v1::Task> tasks = h_.TakeTasks();
    ASSERT_EQ(tasks.size(), 1u);
    Throttle(h_, tasks[0], Seconds(int64_t{1} << 62));
  }

  EngineHarness h_;
};

TEST_F(HoldsTest, AHugeRetryAfterHoldsTheAccountForTheMaximumHold) {
  EXPECT_EQ(HeldUntil(State(h_)), kStart + dispatch::kMaxHold);
  const v1::Run run = h_.Run("r1");
  ASSERT_EQ(run.steps_size(), 1);
  EXPECT_EQ(run.steps(0).state(), v1::STEP_STATE_WAITING);
  EXPECT_EQ(run.steps(0).waiting().until().seconds(),
            absl::ToUnixSeconds(kStart + dispatch::kMaxHold))
      << "the retry waits no longer than the hold";
  EXPECT_EQ(h_.engine().NextDue(), kStart + dispatch::kMaxHold);
}

TEST_F(HoldsTest, TheClampedHoldSurvivesARestartFiniteAndReadableAsJson) {
  h_.Restart();
  const v1::DispatchState state = State(h_);
  EXPECT_EQ(HeldUntil(state), kStart + dispatch::kMaxHold);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(state, &json).ok());
  EXPECT_THAT(json, HasSubstr("held after a 429: x said 429"));
  std::string run_json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(h_.Run("r1"), &run_json).ok())
      << "the step's last error keeps a retry_after JSON can hold";

  // When the hold ends, the task goes.
  h_.ConnectWorker("x", 1);
  EXPECT_TRUE(h_.TakeTasks().empty());
  ASSERT_TRUE(h_.AdvanceToNextDue());
  EXPECT_EQ(h_.clock().Now(), kStart + dispatch::kMaxHold);
  EXPECT_EQ(h_.TakeTasks().size(), 1u);
}

TEST(NegativeRetryAfterTest, HoldsNothingAndTheRetryWaitsOnlyItsBackoff) {
  EngineHarness h;
  h.Apply(kCampaign);
  ASSERT_TRUE(h.Start("held", "r1").ok());
  h.ConnectWorker("x", 1);
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  Throttle(h, tasks[0], Seconds(-3600));
  EXPECT_EQ(HeldUntil(State(h)), absl::InfinitePast());
  ASSERT_TRUE(h.AdvanceToNextDue());
  EXPECT_LE(h.clock().Now(), kStart + absl::Seconds(2)) << "the 1s backoff (with jitter)";
  EXPECT_EQ(h.TakeTasks().size(), 1u);
}

absl::StatusOr<v1::ReleaseHoldResponse> Release(EngineHarness& h, const std::string& account,
                                                const std::string& network) {
  v1::ReleaseHoldRequest request;
  request.set_account(account);
  request.set_network(network);
  return h.Call<v1::ReleaseHoldResponse>(
      [&](Engine& e, auto reply) { e.ReleaseHold(request, std::move(reply)); });
}

TEST_F(HoldsTest, ReleasingTheHoldSaysWhyItWasSetAndTheTaskGoesAtOnce) {
  h_.Restart();
  h_.ConnectWorker("x", 1);
  EXPECT_TRUE(h_.TakeTasks().empty()) << "held";
  absl::StatusOr<v1::ReleaseHoldResponse> released = Release(h_, "acme_x", "x");
  ASSERT_TRUE(released.ok()) << released.status();
  ASSERT_EQ(released->released_size(), 1);
  EXPECT_EQ(released->released(0).network(), "x");
  EXPECT_EQ(released->released(0).account(), "acme_x");
  EXPECT_EQ(released->released(0).detail(), "held after a 429: x said 429");
  EXPECT_EQ(released->released(0).held_until().seconds(),
            absl::ToUnixSeconds(kStart + dispatch::kMaxHold));
  EXPECT_EQ(h_.TakeTasks().size(), 1u) << "the retry went in the same cycle, no clock moved";
  EXPECT_EQ(h_.clock().Now(), kStart);

  h_.Restart();
  EXPECT_EQ(HeldUntil(State(h_)), absl::InfinitePast()) << "the release was durable";
}

TEST_F(HoldsTest, ReleasingWithoutANetworkLiftsTheAccountEverywhere) {
  absl::StatusOr<v1::ReleaseHoldResponse> released = Release(h_, "acme_x", "");
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_EQ(released->released_size(), 1);
  EXPECT_EQ(HeldUntil(State(h_)), absl::InfinitePast());
}

TEST_F(HoldsTest, ReleasingAnAccountThatIsNotHeldIsNotFound) {
  absl::StatusOr<v1::ReleaseHoldResponse> released = Release(h_, "acme_y", "x");
  EXPECT_TRUE(absl::IsNotFound(released.status())) << released.status();
  EXPECT_THAT(std::string(released.status().message()),
              HasSubstr("no hold on account 'acme_y' of x"));
  released = Release(h_, "acme_x", "facebook");
  EXPECT_TRUE(absl::IsNotFound(released.status())) << "held on x, not on facebook";
  EXPECT_EQ(HeldUntil(State(h_)), kStart + dispatch::kMaxHold) << "nothing was lifted";
  ASSERT_TRUE(Release(h_, "acme_x", "x").ok());
  released = Release(h_, "acme_x", "x");
  EXPECT_TRUE(absl::IsNotFound(released.status())) << "a second release finds nothing";
}

}  // namespace
}  // namespace fanfare::coordinator
