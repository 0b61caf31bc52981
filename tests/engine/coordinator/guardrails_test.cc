// Quota-aware dispatch and spend guardrails over a real store and a fake clock: rate limits
// make tasks wait, campaigns sharing a queue take turns, priorities go first, budget raises
// stop exactly at their cap, a reached total pauses the ads, and counters survive restarts.
#include "absl/strings/match.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/queries.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

using ::testing::HasSubstr;

google::protobuf::Value Budget(const std::string& ad_set, double daily_budget,
                               double lifetime_spend = -1) {
  google::protobuf::Value out;
  auto& fields = *out.mutable_struct_value()->mutable_fields();
  fields["ad_id"].set_string_value("ad-" + ad_set);
  fields["ad_set_id"].set_string_value(ad_set);
  fields["budget_micros"].set_number_value(daily_budget * 1e6);
  fields["daily_budget"].set_number_value(daily_budget);
  fields["currency"].set_string_value("USD");
  fields["status"].set_string_value("active");
  if (lifetime_spend >= 0) fields["lifetime_spend_micros"].set_number_value(lifetime_spend * 1e6);
  return out;
}

double Input(const v1::Task& task, const std::string& field) {
  return task.input().fields().at(field).number_value();
}

v1::SpendStatus Spend(EngineHarness& h, const std::string& campaign) {
  v1::GetCampaignRequest request;
  request.set_name(campaign);
  absl::StatusOr<v1::Campaign> found = GetCampaign(h.store(), request);
  EXPECT_TRUE(found.ok()) << found.status();
  return found.ok() ? found->spend() : v1::SpendStatus();
}

TEST(GuardrailsTest, RateLimitedTasksWaitWithTheReasonAndGoWhenTheWindowOpens) {
  EngineHarness h({.quotas = R"yaml(
networks:
  x:
    - {name: posts, kind: window, limit: 3, period: 15m, classes: {publish: 1}}
)yaml"});
  h.Apply(R"yaml(
name: burst
accounts: {x: acme_x}
steps:
  - {id: post, for_each: [a, b, c, d, e], action: x.publish, with: {text: "{{ item }}"}}
)yaml");
  ASSERT_TRUE(h.Start("burst", "r1").ok());
  h.ConnectWorker("x", 10);
  std::vector<v1::Task> first = h.TakeTasks();
  EXPECT_EQ(first.size(), 3u);
  for (const v1::Task& task : first) h.Complete(task);
  const v1::Run run = h.Run("r1");
  int waiting = 0;
  for (const v1::StepInstance& step : run.steps()) {
    if (step.state() != v1::STEP_STATE_WAITING) continue;
    ++waiting;
    EXPECT_EQ(step.waiting().kind(), v1::WaitingReason::KIND_RATE_LIMIT);
    EXPECT_THAT(step.waiting().detail(), HasSubstr("x/acme_x: posts 3 per 15m used up"));
    EXPECT_EQ(step.waiting().until().seconds(), 1'800'000'000 + 15 * 60);
    EXPECT_EQ(step.attempt(), 0) << "waiting for a token is not an attempt";
  }
  EXPECT_EQ(waiting, 2);
  v1::GetDispatchStateRequest request;
  auto state = h.Call<v1::DispatchState>(
      [&](Engine& e, auto reply) { e.GetDispatchState(request, std::move(reply)); });
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->rate_limits_size(), 1);
  EXPECT_EQ(state->rate_limits(0).available(), 0);
  ASSERT_TRUE(h.AdvanceToNextDue());
  EXPECT_EQ(h.TakeTasks().size(), 2u) << "the next window lets the rest go";
}

TEST(GuardrailsTest, CampaignsSharingAQueueTakeTurnsAndPriorityGoesFirst) {
  EngineHarness h;
  h.Apply("name: big\nsteps:\n  - {id: s, for_each: [1, 2, 3, 4, 5, 6], action: test.work}\n");
  h.Apply("name: small\nsteps:\n  - {id: s, for_each: [1, 2], action: test.work}\n");
  h.Apply("name: urgent\nsteps:\n  - {id: s, action: test.work}\n");
  ASSERT_TRUE(h.Start("big", "big-1").ok());
  ASSERT_TRUE(h.Start("small", "small-1").ok());
  v1::StartRunRequest urgent;
  urgent.set_campaign("urgent");
  urgent.set_run_id("urgent-1");
  urgent.set_priority(10);
  ASSERT_TRUE(h.Call<v1::StartRunResponse>(
                   [&](Engine& e, auto reply) { e.StartRun(urgent, std::move(reply)); })
                  .ok());
  std::vector<std::string> order;
  h.ConnectWorker("test", 1);
  for (int i = 0; i < 5; ++i) {
    std::vector<v1::Task> tasks = h.TakeTasks();
    ASSERT_EQ(tasks.size(), 1u);
    order.push_back(tasks[0].run_id());
    h.Complete(tasks[0]);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"urgent-1", "big-1", "small-1", "big-1", "small-1"}));
}

constexpr char kRaiser[] = R"yaml(
name: raiser
accounts: {facebook: acme_fb}
budget: {currency: USD, daily_max: 100}
steps:
  - {id: boost, action: facebook.boost, with: {post_id: p1, daily_budget: 40, currency: USD}}
  - id: raise
    needs: [boost]
    repeat:
      every: 6h
      max_iterations: 5
      steps:
        - id: bump
          action: facebook.set_budget
          with:
            ad_set_id: "{{ steps.boost.output.ad_set_id }}"
            daily_budget: "{{ (iteration == 1 ? steps.boost.output.daily_budget : previous.steps.bump.output.daily_budget) * 1.5 }}"
)yaml";

TEST(GuardrailsTest, ARuleThatKeepsRaisingTheBudgetStopsExactlyAtTheCap) {
  EngineHarness h;
  h.Apply(kRaiser);
  ASSERT_TRUE(h.Start("raiser", "r1").ok());
  h.ConnectWorker("facebook", 1);
  std::vector<double> asked;
  while (h.Run("r1").status() == v1::RUN_STATUS_RUNNING) {
    std::vector<v1::Task> tasks = h.TakeTasks();
    if (tasks.empty()) {
      ASSERT_TRUE(h.AdvanceToNextDue());
      continue;
    }
    const double budget = Input(tasks[0], "daily_budget");
    asked.push_back(budget);
    h.Complete(tasks[0], Budget("set-1", budget));
  }
  EXPECT_EQ(h.Run("r1").status(), v1::RUN_STATUS_SUCCEEDED);
  // 40, then 60 and 90 as the rule asks, then 135 and onwards clipped to the 100 cap.
  EXPECT_EQ(asked, (std::vector<double>{40, 60, 90, 100, 100, 100}));
  EXPECT_EQ(Spend(h, "raiser").committed_daily_micros(), 100'000'000);
  int guardrail_events = 0;
  for (const v1::HistoryEvent& e : h.History("r1")) {
    if (e.type() == v1::EVENT_TYPE_BUDGET_GUARDRAIL) {
      ++guardrail_events;
      EXPECT_THAT(e.message(), HasSubstr("clipped to 100.00 USD"));
    }
  }
  EXPECT_GE(guardrail_events, 1) << "each clip is in history with its figures";
}

TEST(GuardrailsTest, ReachingTheTotalPausesTheAdsAndRefusesNewSpendAcrossARestart) {
  EngineHarness h;
  h.Apply(R"yaml(
name: capped
accounts: {facebook: acme_fb}
budget: {currency: USD, total: 300}
steps:
  - {id: boost, action: facebook.boost, with: {post_id: p1, daily_budget: 50, currency: USD}}
  - id: watch
    needs: [boost]
    repeat:
      every: 1d
      max_iterations: 10
      steps:
        - {id: measure, action: facebook.insights, with: {ad_id: "{{ steps.boost.output.ad_id }}"}}
)yaml");
  ASSERT_TRUE(h.Start("capped", "r1").ok());
  h.ConnectWorker("facebook", 1);
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  h.Complete(tasks[0], Budget("set-1", 50));
  EXPECT_EQ(Spend(h, "capped").committed_daily_micros(), 50'000'000);
  h.Restart();  // the counters are durable
  EXPECT_EQ(Spend(h, "capped").committed_daily_micros(), 50'000'000);
  h.ConnectWorker("facebook", 1);
  double spent = 0;
  std::string paused_ad;
  for (int advances = 0; paused_ad.empty() && advances < 40;) {
    std::vector<v1::Task> tasks = h.TakeTasks();
    if (tasks.empty()) {
      ASSERT_TRUE(h.AdvanceToNextDue());
      ++advances;
      continue;
    }
    for (v1::Task& task : tasks) {
      if (task.action() == "facebook.pause") {
        paused_ad = task.input().fields().at("ad_id").string_value();
        google::protobuf::Value out;
        (*out.mutable_struct_value()->mutable_fields())["status"].set_string_value("paused");
        (*out.mutable_struct_value()->mutable_fields())["ad_id"].set_string_value(paused_ad);
        h.Complete(task, out);
        continue;
      }
      spent += 50;
      h.Complete(task, Budget("set-1", 50, spent));
    }
  }
  // At 300 spent, another day of the 50 committed would pass the 300 total: paused then.
  EXPECT_EQ(spent, 300);
  EXPECT_EQ(paused_ad, "ad-set-1");
  const v1::SpendStatus status = Spend(h, "capped");
  EXPECT_TRUE(status.capped());
  EXPECT_EQ(status.active_ads(), 0);
  EXPECT_EQ(h.Run("capped-budget-guard").status(), v1::RUN_STATUS_SUCCEEDED);
  // A new boost of the capped campaign is refused, not sent.
  ASSERT_TRUE(h.Start("capped", "r2").ok());
  for (v1::Task& task : h.TakeTasks()) {
    EXPECT_NE(task.run_id(), "r2") << "a capped campaign's boost must not reach a worker";
  }
  const v1::Run second = h.Run("r2");
  ASSERT_GT(second.steps_size(), 0);
  EXPECT_EQ(second.steps(0).state(), v1::STEP_STATE_SKIPPED);
  EXPECT_THAT(second.steps(0).waiting().detail(), HasSubstr("reached its total budget"));
}

TEST(GuardrailsTest, AnAccountCapCountsEveryCampaignOnTheAccount) {
  EngineHarness h({.quotas = "accounts:\n  facebook/acme_fb: {daily_max: 70, currency: USD}\n"});
  for (const char* name : {"one", "two"}) {
    h.Apply(absl::StrCat("name: ", name, R"yaml(
accounts: {facebook: acme_fb}
steps:
  - {id: boost, action: facebook.boost, with: {post_id: p, daily_budget: 50, currency: USD}}
)yaml"));
  }
  ASSERT_TRUE(h.Start("one", "r1").ok());
  h.ConnectWorker("facebook", 1);
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  h.Complete(tasks[0], Budget("set-1", 50));
  ASSERT_TRUE(h.Start("two", "r2").ok());
  tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(Input(tasks[0], "daily_budget"), 20) << "70 for the account, 50 already committed";
}

// Two ads of 12.50 a day, then two budget raises to 35 checked in the same instant: without
// reservations each sees 25 committed and goes through, 70 against a cap of 60.
constexpr char kTwoRaises[] = R"yaml(
name: two-raises
accounts: {facebook: acme_fb}
budget: {currency: USD, daily_max: 60}
steps:
  - {id: boost, for_each: [a, b], action: facebook.boost,
     with: {post_id: "{{ item }}", daily_budget: 12.5, currency: USD}}
  - {id: raise_a, needs: [boost], action: facebook.set_budget,
     with: {ad_set_id: "{{ steps.boost.outputs.a.ad_set_id }}", daily_budget: 35, currency: USD}}
  - {id: raise_b, needs: [boost], action: facebook.set_budget,
     with: {ad_set_id: "{{ steps.boost.outputs.b.ad_set_id }}", daily_budget: 35, currency: USD}}
)yaml";

// Leases both boosts, completes them, and returns the two set_budget tasks leased together.
std::vector<v1::Task> BoostThenLeaseBothRaises(EngineHarness& h) {
  h.Apply(kTwoRaises);
  EXPECT_TRUE(h.Start("two-raises", "r1").ok());
  h.ConnectWorker("facebook", 4);
  std::vector<v1::Task> boosts = h.TakeTasks();
  EXPECT_EQ(boosts.size(), 2u);
  for (const v1::Task& task : boosts) {
    h.Complete(task, Budget(task.input().fields().at("post_id").string_value(), 12.5));
  }
  std::vector<v1::Task> raises = h.TakeTasks();
  EXPECT_EQ(raises.size(), 2u) << "both raises are leased in one cycle";
  return raises;
}

double SumOfInputs(const std::vector<v1::Task>& tasks) {
  double sum = 0;
  for (const v1::Task& task : tasks) sum += Input(task, "daily_budget");
  return sum;
}

TEST(GuardrailsTest, TwoBudgetChangesLeasedTogetherCannotPassTheCap) {
  EngineHarness h;
  std::vector<v1::Task> raises = BoostThenLeaseBothRaises(h);
  ASSERT_EQ(raises.size(), 2u);
  // The first reserves 35 on its ad set (12.50 + 35 <= 60); the second sees that reservation
  // and is clipped to 25, so that 35 + 25 stays within the 60 a day.
  EXPECT_EQ(SumOfInputs(raises), 60);
  for (const v1::Task& task : raises) {
    h.Complete(task, Budget(task.input().fields().at("ad_set_id").string_value(),
                            Input(task, "daily_budget")));
  }
  EXPECT_EQ(h.Run("r1").status(), v1::RUN_STATUS_SUCCEEDED);
  EXPECT_EQ(Spend(h, "two-raises").committed_daily_micros(), 60'000'000);
}

TEST(GuardrailsTest, AReservationOutlivesARestartAndAnUnknownOutcome) {
  EngineHarness h;
  std::vector<v1::Task> raises = BoostThenLeaseBothRaises(h);
  ASSERT_EQ(raises.size(), 2u);
  // The coordinator restarts while both raises are out: the reservations are durable.
  h.Restart();
  h.ConnectWorker("facebook", 4);
  // The first raise's outcome is unknown (set_budget is idempotent: it is simply retried) ...
  h.Fail(raises[0], v1::ERROR_TYPE_OUTCOME_UNKNOWN, "no response");
  ASSERT_TRUE(h.AdvanceToNextDue());
  std::vector<v1::Task> retried = h.TakeTasks();
  ASSERT_EQ(retried.size(), 1u);
  // ... and the retry, checked against the other raise's reservation, asks no more than its
  // share: together they still fit in 60.
  EXPECT_LE(Input(retried[0], "daily_budget") + Input(raises[1], "daily_budget"), 60);
}

// The guard run's id is taken (here by a run of another campaign): the cap still holds for
// new spend, and the run whose spend reached it says that the ads could not be paused.
TEST(GuardrailsTest, AGuardRunThatCannotStartIsInTheCappedRunsHistory) {
  EngineHarness h;
  h.Apply("name: squatter\nsteps:\n  - {id: a, action: test.work}\n");
  ASSERT_TRUE(h.Start("squatter", "capped-budget-guard").ok());
  h.Apply(R"yaml(
name: capped
accounts: {facebook: acme_fb}
budget: {currency: USD, total: 100}
steps:
  - {id: boost, action: facebook.boost, with: {post_id: p1, daily_budget: 50, currency: USD}}
  - {id: measure, action: facebook.insights, needs: [boost], with: {ad_id: "{{ steps.boost.output.ad_id }}"}}
)yaml");
  ASSERT_TRUE(h.Start("capped", "r1").ok());
  h.ConnectWorker("facebook", 1);
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  h.Complete(tasks[0], Budget("set-1", 50));
  tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  ASSERT_EQ(tasks[0].action(), "facebook.insights");
  h.Complete(tasks[0], Budget("set-1", 50, /*lifetime_spend=*/60));

  EXPECT_TRUE(Spend(h, "capped").capped());
  int reported = 0;
  for (const v1::HistoryEvent& e : h.History("r1")) {
    if (e.type() == v1::EVENT_TYPE_BUDGET_GUARDRAIL &&
        absl::StrContains(e.message(), "could not start")) {
      EXPECT_THAT(e.message(), HasSubstr("already exists"));
      ++reported;
    }
  }
  EXPECT_EQ(reported, 1);
}

}  // namespace
}  // namespace fanfare::coordinator
