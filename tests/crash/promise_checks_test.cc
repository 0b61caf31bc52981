// The promises suite's checks on hand-made records: each breach is found and named, and a
// correct outcome (a clipped raise included) is not taken for one.
#include "tests/crash/promise_checks.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workers/common/adapter.h"

namespace fanfare::crash {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::StepInstance Step(const std::string& step_id, const std::string& item, v1::StepState state,
                      const std::map<std::string, std::string>& output = {}) {
  v1::StepInstance step;
  step.set_step_id(step_id);
  step.set_item(item);
  step.set_key(item.empty() ? step_id : step_id + "[" + item + "]");
  step.set_state(state);
  step.set_idempotency_key("default/r1/" + step.key());
  for (const auto& [name, value] : output) {
    (*step.mutable_output()->mutable_struct_value()->mutable_fields())[name].set_string_value(
        value);
  }
  return step;
}

RunReport Report(v1::RunStatus status, std::vector<v1::StepInstance> steps) {
  RunReport report{.run_id = "r1", .campaign = "c1", .acknowledged = true, .run = v1::Run()};
  report.run->set_namespace_("default");
  report.run->set_run_id("r1");
  report.run->set_status(status);
  for (v1::StepInstance& step : steps) *report.run->add_steps() = std::move(step);
  return report;
}

Json Post(const std::string& id, const std::string& network, const std::string& run) {
  return {{"id", id}, {"network", network}, {"text", "Promise suite run " + run + " on " + network}};
}

TEST(PromiseChecksTest, PostsOnePerRunAndNetworkAndTheOneReported) {
  const std::vector<RunReport> runs = {Report(
      v1::RUN_STATUS_SUCCEEDED,
      {Step("publish", "facebook", v1::STEP_STATE_SUCCEEDED, {{"post_id", "p1"}}),
       Step("publish", "x", v1::STEP_STATE_FAILED)})};
  Findings ok;
  CheckPosts({{"posts", {Post("p1", "facebook", "r1")}}}, runs, ok);
  EXPECT_THAT(ok.post_problems, IsEmpty());
  EXPECT_EQ(ok.expected_posts, 1);

  Findings bad;
  CheckPosts({{"posts", {Post("p1", "facebook", "r1"), Post("p2", "facebook", "r1"),
                         Post("p3", "x", "r1"), Post("p4", "x", "r9")}}},
             runs, bad);
  EXPECT_EQ(bad.extra_posts, 1);
  EXPECT_THAT(bad.post_problems,
              ElementsAre(HasSubstr("post p4 on x belongs to no run of the suite"),
                          HasSubstr("run r1 publish[facebook] (STEP_STATE_SUCCEEDED): 2 posts on "
                                    "facebook: p1, p2"),
                          HasSubstr("run r1 publish[x] (STEP_STATE_FAILED): did not succeed, yet "
                                    "x holds p3")));
}

TEST(PromiseChecksTest, AdsOneCampaignAdSetAndAdPerBoost) {
  const std::string name = "Fanfare " + workers::ClientReference("default/r1/boost[facebook]");
  auto entity = [&](const std::string& id, const std::string& kind, const std::string& n) {
    return Json{{"network", "facebook"}, {"id", id}, {"kind", kind}, {"name", n}};
  };
  const std::vector<RunReport> runs = {Report(
      v1::RUN_STATUS_SUCCEEDED,
      {Step("boost", "facebook", v1::STEP_STATE_SUCCEEDED, {{"campaign_id", "c1"}})})};
  Findings ok;
  CheckAds({{"ads", {entity("c1", "campaign", name), entity("s1", "adset", name),
                     entity("a1", "ad", name)}}},
           runs, ok);
  EXPECT_THAT(ok.ad_problems, IsEmpty());
  EXPECT_EQ(ok.boosts, 1);

  Findings bad;
  CheckAds({{"ads", {entity("c1", "campaign", name), entity("c2", "campaign", name),
                     entity("a1", "ad", name), entity("a2", "ad", name),
                     entity("c3", "campaign", "Fanfare fanfare-000000000000")}}},
           runs, bad);
  EXPECT_EQ(bad.extra_campaigns, 1);
  EXPECT_EQ(bad.extra_ads, 1);
  EXPECT_THAT(bad.ad_problems,
              ElementsAre(HasSubstr("run r1 boost[facebook] (fanfare-"),
                          HasSubstr("ad campaigns facebook:c3 (fanfare-000000000000) belong to "
                                    "no boost")));
  EXPECT_THAT(bad.ad_problems[0], HasSubstr("2 ad campaigns (facebook:c1, facebook:c2), 0 ad "
                                            "sets, 2 ads"));
}

TEST(PromiseChecksTest, BudgetsNeverPastTheCapAndAsTheLedgerSays) {
  const Json budgets = {{"accounts",
                         {{"meta/act_70000", {{"daily_budget_micros", 60'000'000},
                                              {"max_daily_budget_micros", 60'000'000}}},
                          {"meta/act_70001", {{"daily_budget_micros", 70'000'000},
                                              {"max_daily_budget_micros", 70'000'000},
                                              {"max_at", "2026-12-06T02:35:44Z"}}}}}};
  Findings f;
  // 35 + 25: the raise the coordinator clipped leaves the first campaign exactly at its cap.
  CheckBudgets(budgets,
               {{"promise-00", "meta/act_70000", 60'000'000, 60'000'000},
                {"promise-01", "meta/act_70001", 60'000'000, 60'000'000}},
               f);
  EXPECT_EQ(f.accounts_over_cap, 1);
  EXPECT_EQ(f.max_committed_micros, 70'000'000);
  EXPECT_EQ(f.cap_micros, 60'000'000);
  EXPECT_THAT(f.budget_problems,
              ElementsAre(HasSubstr("promise-01 (meta/act_70001): the ad sets' daily budgets "
                                    "reached 70.00 USD at 2026-12-06T02:35:44Z, over its "
                                    "daily_max of 60.00 USD"),
                          HasSubstr("promise-01 (meta/act_70001): the network commits 70.00 USD "
                                    "a day, the coordinator's ledger 60.00 USD")));
}

TEST(PromiseChecksTest, RunsEndAndOnlyUsedUpRetriesJustifyAFailure) {
  v1::StepInstance exhausted = Step("boost", "facebook", v1::STEP_STATE_FAILED);
  exhausted.set_attempt(20);
  exhausted.mutable_last_error()->set_type(v1::ERROR_TYPE_RETRYABLE);
  // Every execution lost, the last one found by its reconcile never to have posted.
  v1::StepInstance lost = Step("publish", "instagram", v1::STEP_STATE_FAILED);
  lost.set_attempt(37);
  lost.mutable_last_error()->set_type(v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  lost.mutable_last_error()->set_code("not_found");
  v1::StepInstance rejected = Step("boost", "instagram", v1::STEP_STATE_FAILED);
  rejected.set_attempt(1);
  rejected.mutable_last_error()->set_type(v1::ERROR_TYPE_REJECTED_INPUT);
  rejected.mutable_last_error()->set_message("no such post");
  std::vector<RunReport> runs = {
      Report(v1::RUN_STATUS_SUCCEEDED, {}), Report(v1::RUN_STATUS_FAILED, {exhausted}),
      Report(v1::RUN_STATUS_FAILED, {lost}), Report(v1::RUN_STATUS_FAILED, {rejected}),
      Report(v1::RUN_STATUS_RUNNING, {Step("publish", "x", v1::STEP_STATE_UNKNOWN)})};
  runs.emplace_back();  // never acknowledged, never found: not the checks' business
  runs.back().run_id = "never";
  Findings f;
  CheckRunsFinished(runs, 20, f);
  EXPECT_EQ(f.succeeded, 1);
  EXPECT_EQ(f.failed_justified, 2);
  EXPECT_EQ(f.failed_other, 1);
  EXPECT_EQ(f.unfinished, 1);
  EXPECT_THAT(f.run_problems,
              ElementsAre(HasSubstr("FAILED: boost[instagram] after 1 attempts: "
                                    "ERROR_TYPE_REJECTED_INPUT: no such post"),
                          HasSubstr("did not finish: RUN_STATUS_RUNNING; open steps: publish[x] "
                                    "STEP_STATE_UNKNOWN attempt 0")));
}

}  // namespace
}  // namespace fanfare::crash
