// One policy for a stored record that does not parse (engine/coordinator/stored_record.h):
// DataLoss naming the keyspace and key, wherever the record is read — never a default record
// in its place — and a scheduled start that cannot happen leaves a failed run saying why.
#include <string>

#include "engine/coordinator/keys.h"
#include "engine/coordinator/queries.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

using ::testing::HasSubstr;

constexpr char kGarbage[] = "\xff\xff\xff not a record";

void Corrupt(EngineHarness& h, store::Cf cf, const std::string& key) {
  store::Batch batch;
  batch.Put(cf, key, kGarbage);
  ASSERT_TRUE(h.store().Commit(batch).ok());
}

class CorruptRecordTest : public ::testing::Test {
 protected:
  CorruptRecordTest() {
    h_.Apply("name: chain\nsteps:\n  - {id: a, action: test.work}\n"
             "  - {id: b, action: test.work, needs: [a]}\n");
    EXPECT_TRUE(h_.Start("chain", "r1").ok());
  }
  EngineHarness h_;
};

TEST_F(CorruptRecordTest, AStepRecordStopsRecoveryWithDataLoss) {
  Corrupt(h_, store::Cf::kSteps, keys::Step("default", "r1", "a"));
  const absl::Status recovered = h_.TryRestart();
  EXPECT_EQ(recovered.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(recovered.message(), HasSubstr("corrupt steps record"));
}

TEST_F(CorruptRecordTest, ASpendRecordStopsRecoveryWithDataLoss) {
  Corrupt(h_, store::Cf::kSpend, keys::Spend("default", "chain"));
  EXPECT_EQ(h_.TryRestart().code(), absl::StatusCode::kDataLoss);
}

TEST_F(CorruptRecordTest, AHistoryEventIsDataLossToTheReader) {
  Corrupt(h_, store::Cf::kHistory, keys::History("default", "r1", 1));
  v1::GetHistoryRequest request;
  request.set_run_id("r1");
  const absl::StatusOr<v1::GetHistoryResponse> history = GetHistory(h_.store(), request);
  EXPECT_EQ(history.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(history.status().message(), HasSubstr("corrupt history record"));
}

TEST_F(CorruptRecordTest, AStartFingerprintIsDataLossToARepeatedStart) {
  Corrupt(h_, store::Cf::kIdempotency, keys::StartFingerprint("default", "r1"));
  EXPECT_EQ(h_.Start("chain", "r1").status().code(), absl::StatusCode::kDataLoss);
}

TEST(ScheduleFailureTest, AFireThatCannotStartLeavesAFailedRunSayingWhy) {
  EngineHarness h;
  // 1'800'000'000 is 2027-01-15T08:00:00Z.
  h.Apply("name: daily\nschedule: {cron: \"0 9 * * *\", timezone: UTC}\n"
          "steps:\n  - {id: a, wait: 1m}\n");
  Corrupt(h, store::Cf::kSpecs, keys::Spec("default", "daily", 1));
  h.Restart();  // forgets the compiled campaign, so the fire reads the record
  ASSERT_TRUE(h.AdvanceToNextDue());

  const v1::Run run = h.Run("daily-20270115t0900z");
  EXPECT_EQ(run.status(), v1::RUN_STATUS_FAILED);
  EXPECT_THAT(run.error().message(),
              HasSubstr("the scheduled start at 2027-01-15T09:00:00Z failed: corrupt specs"));
  v1::GetHistoryRequest request;
  request.set_run_id("daily-20270115t0900z");
  const absl::StatusOr<v1::GetHistoryResponse> history = GetHistory(h.store(), request);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->events_size(), 1);
  EXPECT_EQ(history->events(0).type(), v1::EVENT_TYPE_RUN_FAILED);
  EXPECT_THAT(history->events(0).message(), HasSubstr("corrupt specs record"));

  h.Restart();
  h.Cycle();
  EXPECT_EQ(h.Run("daily-20270115t0900z").status(), v1::RUN_STATUS_FAILED)
      << "the failed fire is durable, and a restart does not fire it again";
}

}  // namespace
}  // namespace fanfare::coordinator
