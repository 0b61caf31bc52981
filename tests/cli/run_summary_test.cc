// RunSummary over the launch example's campaign and hand-made history: what each kind of
// step contributes, how measurements add up per day, and what a replay after compaction says.
#include "cli/run_summary.h"

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "engine/definition/loader.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/cli/golden.h"

namespace fanfare::cli {
namespace {

using testing::ExpectGolden;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kLaunch =
    absl::FromCivil(absl::CivilSecond(2026, 12, 1, 9, 0, 0), absl::UTCTimeZone());

v1::Campaign LaunchCampaign() {
  const char* root = std::getenv("FANFARE_SOURCE_DIR");
  absl::StatusOr<v1::CampaignSpec> spec = definition::LoadCampaignFile(
      absl::StrCat(root != nullptr ? root : FANFARE_TEST_SOURCE_DIR, "/examples/launch.yaml"));
  EXPECT_TRUE(spec.ok()) << spec.status();
  v1::Campaign campaign;
  *campaign.mutable_spec() = *spec;
  campaign.set_version(1);
  return campaign;
}

google::protobuf::Value Json(const std::string& json) {
  google::protobuf::Value value;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &value).ok()) << json;
  return value;
}

class HistoryBuilder {
 public:
  HistoryBuilder& Event(v1::EventType type, absl::Duration after_launch, const std::string& key,
                        const std::string& detail_json = "null",
                        const std::string& actor = "", const std::string& message = "") {
    v1::HistoryEvent& event = events_.emplace_back();
    event.set_seq(static_cast<int64_t>(events_.size()));
    event.set_type(type);
    *event.mutable_time() = ToProtoTime(kLaunch + after_launch);
    event.set_step_key(key);
    *event.mutable_detail() = Json(detail_json);
    event.set_actor(actor);
    event.set_message(message);
    return *this;
  }
  HistoryBuilder& Succeeded(absl::Duration after_launch, const std::string& key,
                            const std::string& output_json) {
    return Event(v1::EVENT_TYPE_STEP_SUCCEEDED, after_launch, key, output_json);
  }
  HistoryBuilder& Measured(int iteration, const std::string& network, int clicks, double cpc,
                           int64_t spend_micros, const std::string& status = "active") {
    Event(v1::EVENT_TYPE_ITERATION_STARTED, absl::Hours(6) * iteration, "optimize",
          absl::StrCat(R"({"iteration": )", iteration, "}"));
    return Succeeded(absl::Hours(6) * iteration,
                     absl::StrCat("optimize/measure[", network, "]#", iteration),
                     absl::StrCat(R"({"impressions": )", clicks * 40, R"(, "clicks": )", clicks,
                                  R"(, "cpc": )", cpc, R"(, "spend_micros": )", spend_micros,
                                  R"(, "status": ")", status, R"(", "daily_budget": 40})"));
  }
  void Into(RunSummary& summary) const {
    for (const v1::HistoryEvent& event : events_) summary.Add(event);
  }

 private:
  std::vector<v1::HistoryEvent> events_;
};

v1::Run EndedRun() {
  v1::Run run;
  run.set_run_id("launch-1");
  run.set_campaign("product-launch");
  run.set_campaign_version(1);
  run.set_status(v1::RUN_STATUS_SUCCEEDED);
  *run.mutable_created_at() = ToProtoTime(kLaunch - absl::Hours(1));
  *run.mutable_ended_at() = ToProtoTime(kLaunch + absl::Hours(14 * 24));
  return run;
}

v1::SpendStatus Spend() {
  v1::SpendStatus spend;
  spend.set_currency("USD");
  spend.set_spent_micros(131'500'000);
  spend.set_total_micros(2000'000'000);
  spend.set_daily_max_micros(250'000'000);
  spend.set_committed_daily_micros(50'000'000);
  spend.set_active_ads(1);
  spend.set_paused_ads(1);
  return spend;
}

RenderStyle Utc() {
  RenderStyle style;
  style.zone = absl::UTCTimeZone();
  style.now = kLaunch;
  return style;
}

TEST(RunSummaryTest, ShowsPostsSpendMeasurementsAndEveryAdjustmentWithItsRule) {
  RunSummary summary(LaunchCampaign());
  HistoryBuilder()
      .Event(v1::EVENT_TYPE_STEP_APPROVED, -absl::Minutes(30), "approve_copy", "null",
             "maria@acme.example", "copy reads well")
      .Succeeded(absl::ZeroDuration(), "publish[x]",
                 R"({"post_id": "1710", "url": "https://x.com/i/web/status/1710"})")
      .Succeeded(absl::ZeroDuration(), "publish[facebook]",
                 R"({"post_id": "1001_7", "url": "https://www.facebook.com/1001/posts/7"})")
      .Succeeded(absl::Minutes(1), "boost[facebook]",
                 R"({"ad_id": "ad-fb", "ad_set_id": "set-fb", "daily_budget": 40})")
      .Measured(1, "facebook", 60, 0.5, 30'000'000)
      .Succeeded(absl::Hours(6), "optimize/scale_winner[facebook]#1",
                 R"({"budget_micros": 50000000, "previous_budget_micros": 40000000})")
      .Measured(4, "facebook", 20, 2.0, 40'000'000)
      .Succeeded(absl::Hours(24), "optimize/pause_expensive[facebook]#4", R"({"status": "paused"})")
      .Measured(5, "facebook", 0, 0, 1'500'000, "paused")
      .Event(v1::EVENT_TYPE_BUDGET_GUARDRAIL, absl::Hours(31), "optimize/scale_winner[facebook]#5",
             "null", "", "clipped to the daily cap")
      .Into(summary);
  const std::string text = summary.Render(EndedRun(), Spend(), Utc());
  ExpectGolden("summary_launch.txt", text);
  // Days count from the first measurement (6h after launch): iterations 1 and 4 fall on
  // day 1, iteration 5 on day 2.
  EXPECT_THAT(text, HasSubstr("1    facebook  3200         80      0.88  70.00 USD  active"));
  EXPECT_THAT(text, HasSubstr("2    facebook  0            0       -     1.50 USD   paused"));
  EXPECT_THAT(text, HasSubstr("approve_copy approved by maria@acme.example: copy reads well"));
  EXPECT_THAT(text, HasSubstr("budget guardrail on optimize/scale_winner[facebook]#5: clipped"));
  EXPECT_THAT(text, HasSubstr("daily budget 40.00 → 50.00"));
  EXPECT_THAT(text, HasSubstr("steps.measure.outputs[item].cpc > params.max_cpc"));
  EXPECT_THAT(text, HasSubstr("spent 131.50 USD of 2,000.00 USD (7%)"));
  EXPECT_THAT(text, Not(HasSubstr("compacted")));
}

TEST(RunSummaryTest, AReplayAfterCompactionSaysWhichIterationsAreMissing) {
  RunSummary summary(LaunchCampaign());
  HistoryBuilder()
      .Measured(54, "facebook", 10, 1.0, 10'000'000)
      .Event(v1::EVENT_TYPE_ITERATIONS_COMPACTED, absl::Hours(6 * 55), "optimize")
      .Into(summary);
  EXPECT_THAT(summary.Render(EndedRun(), Spend(), Utc()),
              HasSubstr("optimize: iterations before #54 were compacted before this summary read "
                        "them, so they are missing above"));
}

TEST(RunSummaryTest, ACampaignWithoutAdsOrRulesStillSummarises) {
  RunSummary summary(LaunchCampaign());
  HistoryBuilder().Succeeded(absl::ZeroDuration(), "publish[linkedin]",
                             R"({"post_id": "urn:li:share:1", "url": "https://li/1"})")
      .Into(summary);
  const std::string text = summary.Render(EndedRun(), v1::SpendStatus(), Utc());
  EXPECT_THAT(text, HasSubstr("linkedin  urn:li:share:1  https://li/1"));
  EXPECT_THAT(text, HasSubstr("Adjustments: none; no rule fired"));
  EXPECT_THAT(text, Not(HasSubstr("Ad spend")));
}

TEST(RunSummaryTest, SparklineScalesToTheLargestValue) {
  EXPECT_EQ(RunSummary::Sparkline({0, 1, 2, 4}), "▁▃▅█");
  EXPECT_EQ(RunSummary::Sparkline({0, 0}), "▁▁");
  EXPECT_EQ(RunSummary::Sparkline({}), "");
}

}  // namespace
}  // namespace fanfare::cli
