// SpendLedger's reservations, driven by hand: concurrent money-moving tasks share the caps,
// a reservation is replaced by a retry, turned into the ad's budget by a success, and counts
// until its fence after a failure.
#include "engine/coordinator/spend_ledger.h"

#include "gtest/gtest.h"

namespace fanfare::coordinator {
namespace {

using Kind = SpendLedger::Verdict::Kind;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

class SpendLedgerTest : public ::testing::Test {
 protected:
  SpendLedgerTest() : caps_(dispatch::QuotaConfig::Defaults()), ledger_(&caps_) {
    budget_.set_currency("USD");
    budget_.set_daily_max_micros(60'000'000);
  }

  // A task of campaign "launch" on facebook/acme_fb; `ad_set` empty for a boost.
  SpendTask Task(uint64_t task_id, absl::string_view verb, double daily_budget,
                 const std::string& ad_set = "") {
    google::protobuf::Struct& input = inputs_[task_id];
    input.Clear();
    (*input.mutable_fields())["daily_budget"].set_number_value(daily_budget);
    if (!ad_set.empty()) (*input.mutable_fields())["ad_set_id"].set_string_value(ad_set);
    return SpendTask{.ns = "default", .campaign = "launch", .budget = &budget_,
                     .network = "facebook", .account = "acme_fb", .verb = verb,
                     .input = &input, .task_id = task_id};
  }

  // Records a successful boost of `daily_budget` on ad set `ad_set`.
  void Boosted(uint64_t task_id, const std::string& ad_set, double daily_budget) {
    SpendTask task = Task(task_id, "boost", daily_budget);
    ASSERT_EQ(ledger_.Reserve(task, kNow).kind, Kind::kAllow);
    google::protobuf::Value out;
    auto& fields = *out.mutable_struct_value()->mutable_fields();
    fields["ad_id"].set_string_value("ad-" + ad_set);
    fields["ad_set_id"].set_string_value(ad_set);
    fields["budget_micros"].set_number_value(daily_budget * 1e6);
    ledger_.Record(task, out);
  }

  // The daily budget `task` may set now (reserving it), or -1 if refused.
  double Allowed(const SpendTask& task, absl::Time now = kNow) {
    const SpendLedger::Verdict verdict = ledger_.Reserve(task, now);
    if (verdict.kind == Kind::kRefuse) return -1;
    if (verdict.kind == Kind::kClip) return verdict.budget_micros / 1e6;
    return task.input->fields().at("daily_budget").number_value();
  }

  dispatch::QuotaConfig caps_;
  SpendLedger ledger_;
  v1::Budget budget_;
  std::map<uint64_t, google::protobuf::Struct> inputs_;
};

TEST_F(SpendLedgerTest, TasksInFlightTogetherStayWithinTheCap) {
  Boosted(1, "set-a", 12.5);
  Boosted(2, "set-b", 12.5);
  EXPECT_EQ(Allowed(Task(3, "set_budget", 35, "set-a")), 35);
  EXPECT_EQ(Allowed(Task(4, "set_budget", 35, "set-b")), 25) << "35 reserved on set-a";
  EXPECT_EQ(Allowed(Task(5, "boost", 10)), -1) << "nothing left for a third ad";
}

TEST_F(SpendLedgerTest, TwoChangesOfOneAdSetCountAsTheLargerOfThem) {
  Boosted(1, "set-a", 20);
  Boosted(2, "set-b", 20);
  EXPECT_EQ(Allowed(Task(3, "set_budget", 40, "set-a")), 40);
  // Only one value stands on set-a at a time: a second change of it is judged without the
  // first, and the larger of the two counts for everyone else.
  EXPECT_EQ(Allowed(Task(4, "set_budget", 30, "set-a")), 30);
  EXPECT_EQ(Allowed(Task(5, "set_budget", 30, "set-b")), 20) << "60 - 40";
}

TEST_F(SpendLedgerTest, ARetryReplacesItsOwnReservation) {
  Boosted(1, "set-a", 20);
  EXPECT_EQ(Allowed(Task(3, "boost", 40)), 40);
  EXPECT_EQ(Allowed(Task(3, "boost", 40)), 40) << "the task's own reservation is not counted";
  EXPECT_EQ(Allowed(Task(4, "boost", 40)), -1);
}

TEST_F(SpendLedgerTest, ASuccessBecomesTheAdsBudget) {
  Boosted(1, "set-a", 20);
  Boosted(2, "set-b", 30);
  EXPECT_EQ(Allowed(Task(3, "boost", 5)), 5);
  const v1::SpendStatus status = ledger_.Status("default", "launch", budget_);
  EXPECT_EQ(status.committed_daily_micros(), 50'000'000);
  EXPECT_EQ(status.active_ads(), 2);
}

TEST_F(SpendLedgerTest, AFailedTaskCountsUntilItsFenceThenLapses) {
  Boosted(1, "set-a", 20);
  EXPECT_EQ(Allowed(Task(2, "boost", 40)), 40);
  // The boost's step failed, but a request it sent may still land for a minute.
  ledger_.Release("default", "launch", 2, kNow + absl::Minutes(1), kNow);
  EXPECT_EQ(Allowed(Task(3, "boost", 40)), -1);
  EXPECT_EQ(Allowed(Task(3, "boost", 40), kNow + absl::Minutes(2)), 40);
}

TEST_F(SpendLedgerTest, AReleaseWithNothingLeftToActEndsTheReservationAtOnce) {
  EXPECT_EQ(Allowed(Task(2, "boost", 60)), 60);
  ledger_.Release("default", "launch", 2, kNow, kNow);
  EXPECT_EQ(Allowed(Task(3, "boost", 60)), 60);
}

TEST_F(SpendLedgerTest, ReservationsAreStoredWithTheCampaign) {
  EXPECT_EQ(Allowed(Task(2, "boost", 45)), 45);
  std::vector<std::pair<std::string, internal::SpendRecord>> dirty = ledger_.TakeDirty();
  ASSERT_EQ(dirty.size(), 1u);
  SpendLedger restored(&caps_);
  restored.Restore(dirty[0].second);
  EXPECT_EQ(restored.Reserve(Task(3, "boost", 45), kNow).budget_micros, 15'000'000)
      << "clipped to what the restored reservation leaves";
}

}  // namespace
}  // namespace fanfare::coordinator
