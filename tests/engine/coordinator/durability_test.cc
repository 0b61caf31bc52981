// The durability contract end to end, with a store that fails on demand
// (tests/support/fault_injecting_store.h): a commit that fails acknowledges nothing — no
// reply, no task handed to a worker — and after a power loss the engine recovers every
// transition it acknowledged, and the run still finishes.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "engine/coordinator/coordinator.h"
#include "engine/store/rocks_store.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

using Fault = testing::FaultInjectingStore::Fault;

constexpr char kChain[] = R"(name: chain
steps:
  - {id: a, action: test.work}
  - {id: b, action: test.work, needs: [a], retry: {max_attempts: 3, initial_backoff: 10s}}
  - {id: c, action: test.work, needs: [b]}
)";

// A run of kChain, one transition at a time: Post(i) hands the engine the i-th input, and
// the cycle after it commits what that input caused.
class ChainScenario {
 public:
  static constexpr int kInputs = 7;

  explicit ChainScenario(EngineHarness& h) : h_(h) {}

  void Post(int input) {
    switch (input) {
      case 0: {
        v1::StartRunRequest request;
        request.set_campaign("chain");
        request.set_run_id("r1");
        h_.engine().StartRun(request, [this](absl::StatusOr<v1::StartRunResponse> response) {
          EXPECT_TRUE(response.ok()) << response.status();
          started_ = true;
        });
        return;
      }
      case 1: h_.Connect("test", 1); return;                                   // a leased
      case 2: h_.Send(EngineHarness::Success(LastTask())); return;             // b leased
      case 3: h_.Send(EngineHarness::Failure(LastTask(), v1::ERROR_TYPE_RETRYABLE)); return;
      case 4: h_.clock().Set(h_.engine().NextDue()); return;                   // b again
      case 5: h_.Send(EngineHarness::Success(LastTask())); return;             // c leased
      case 6: h_.Send(EngineHarness::Success(LastTask())); return;             // succeeded
    }
  }

  // Plays inputs [0, n), each committed by its own cycle; returns the run as GetRun showed it
  // after the last (nullopt for n = 0: no run yet).
  std::optional<v1::Run> PlayFirst(int n) {
    std::optional<v1::Run> acknowledged;
    for (int input = 0; input < n; ++input) {
      Post(input);
      h_.Cycle();
      for (v1::Task& task : h_.TakeTasks()) tasks_.push_back(std::move(task));
      acknowledged = h_.Run("r1");
    }
    return acknowledged;
  }
  bool started() const { return started_; }

 private:
  const v1::Task& LastTask() {
    EXPECT_FALSE(tasks_.empty());
    return tasks_.back();
  }

  EngineHarness& h_;
  bool started_ = false;
  std::vector<v1::Task> tasks_;
};

std::string Differences(const v1::Run& acknowledged, const v1::Run& recovered) {
  std::string differences;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&differences);
  differ.Compare(acknowledged, recovered);
  return differences;
}

// Serves kChain's steps until the run ends (or `max_rounds` pass), the way a worker that
// reconnects after the restart would.
v1::RunStatus FinishRun(EngineHarness& h, int max_rounds = 40) {
  h.ConnectWorker("test", 1);
  for (int round = 0; round < max_rounds; ++round) {
    const v1::Run run = h.Run("r1");
    if (run.status() != v1::RUN_STATUS_RUNNING && run.status() != v1::RUN_STATUS_SCHEDULED) {
      return run.status();
    }
    std::vector<v1::Task> tasks = h.TakeTasks();
    if (tasks.empty()) {
      if (!h.AdvanceToNextDue()) return run.status();
      continue;
    }
    for (const v1::Task& task : tasks) h.Complete(task);
  }
  return h.Run("r1").status();
}

struct FaultCase {
  Fault fault;
  const char* name;
};

class DurabilityTest : public ::testing::TestWithParam<FaultCase> {};

// For every transition of the run in turn: the commit carrying it fails, the power goes, and
// the restarted engine shows exactly what had been acknowledged before.
TEST_P(DurabilityTest, AFailedCommitAcknowledgesNothingAndPowerLossKeepsTheAcknowledged) {
  for (int failing = 0; failing < ChainScenario::kInputs; ++failing) {
    SCOPED_TRACE(::testing::Message() << "the commit of input " << failing << " fails");
    EngineHarness h;
    h.Apply(kChain);
    ChainScenario scenario(h);
    const std::optional<v1::Run> acknowledged = scenario.PlayFirst(failing);

    h.faults().FailCommit(1, GetParam().fault);
    scenario.Post(failing);
    ASSERT_FALSE(h.TryCycle().ok());
    EXPECT_EQ(scenario.started(), failing > 0) << "StartRun was answered before it was durable";
    EXPECT_TRUE(h.TakeMessages().empty()) << "a worker heard of a transition not yet durable";

    h.PowerLossAndRestart();
    if (!acknowledged.has_value()) {
      v1::GetRunRequest request;
      request.set_run_id("r1");
      auto run = h.Call<v1::Run>([&](Engine& e, auto reply) { e.GetRun(request, std::move(reply)); });
      EXPECT_EQ(run.status().code(), absl::StatusCode::kNotFound) << "a run nobody was told of";
      ASSERT_TRUE(h.Start("chain", "r1").ok()) << "the client's retry starts it";
    } else {
      EXPECT_EQ(Differences(*acknowledged, h.Run("r1")), "");
    }
    EXPECT_EQ(FinishRun(h), v1::RUN_STATUS_SUCCEEDED);
  }
}

// Without a power loss a write whose sync failed may still be on disk after the restart: the
// engine recovers from whichever it finds, and the run finishes.
TEST(RestartAfterFailedSyncTest, RecoversFromWhateverIsOnDisk) {
  for (int failing = 0; failing < ChainScenario::kInputs; ++failing) {
    SCOPED_TRACE(::testing::Message() << "the sync of input " << failing << " fails");
    EngineHarness h;
    h.Apply(kChain);
    ChainScenario scenario(h);
    scenario.PlayFirst(failing);
    h.faults().FailCommit(1, Fault::kSyncFails);
    scenario.Post(failing);
    ASSERT_FALSE(h.TryCycle().ok());

    h.Restart();
    if (failing == 0) {
      ASSERT_TRUE(h.Start("chain", "r1").ok()) << "the client's retry";
    }
    EXPECT_EQ(FinishRun(h), v1::RUN_STATUS_SUCCEEDED);
  }
}

// The coordinator's answer to a failed commit: stop before anything of it is acknowledged
// (its memory is ahead of the store; the restart recovers from the store). The child dies by
// abort; had the ApplyCampaign reply run first, it would have exited cleanly instead.
TEST(CoordinatorDeathTest, AFailedCommitStopsTheCoordinatorBeforeItAnswers) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  testing::TempDir dir;
  auto child = [&] {
    auto store = store::RocksStore::Open({.path = dir.Join("data")});
    if (!store.ok()) std::_Exit(2);
    auto faults = std::make_unique<testing::FaultInjectingStore>(*std::move(store));
    testing::FaultInjectingStore* fault_control = faults.get();
    auto coordinator = Coordinator::Open(CoordinatorOptions(), std::move(faults));
    if (!coordinator.ok()) std::_Exit(3);
    fault_control->FailCommit(1, Fault::kSyncFails);
    definition::LoadResult loaded =
        definition::ParseCampaign(kChain, definition::SourceFormat::kYaml, "chain.yaml");
    v1::ApplyCampaignRequest request;
    *request.mutable_spec() = loaded.spec;
    (*coordinator)->Post([request](Engine& engine) {
      engine.ApplyCampaign(request, [](absl::StatusOr<v1::ApplyCampaignResponse>) {
        std::_Exit(0);  // acknowledged: the test fails
      });
    });
    absl::SleepFor(absl::Seconds(60));
    std::_Exit(0);
  };
  EXPECT_DEATH(child(), "could not commit to the store.*the sync failed");
}

INSTANTIATE_TEST_SUITE_P(Faults, DurabilityTest,
                         ::testing::Values(FaultCase{Fault::kWriteFails, "WriteFails"},
                                           FaultCase{Fault::kSyncFails, "SyncFails"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace fanfare::coordinator
