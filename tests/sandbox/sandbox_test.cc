// The sandbox as a library: repeated start/stop on port 0, the control API, fault
// injection, and the synthetic metrics model (budget cap, creative fatigue, determinism).
#include "sandbox/sandbox.h"

#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"
#include "sandbox/ad_metrics.h"

namespace fanfare::workers::testing {
namespace {

using sandbox::AdMetrics;
using sandbox::BudgetPoint;

TEST(SandboxTest, StartsAndStopsRepeatedlyOnPortZero) {
  CurlHttpClient http;
  sandbox::Sandbox a;
  sandbox::Sandbox b;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<int> pa = a.Start("127.0.0.1", 0);
    absl::StatusOr<int> pb = b.Start("127.0.0.1", 0);
    ASSERT_TRUE(pa.ok() && pb.ok());
    EXPECT_NE(*pa, *pb);
    EXPECT_FALSE(a.Start().ok());  // already started
    absl::StatusOr<HttpResponse> r =
        http.Send(HttpRequest{.url = a.BaseUrl() + "/_sandbox/stats", .idempotent = true});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200);
    a.Stop();
    b.Stop();
  }
  a.Stop();  // idempotent
}

TEST(SandboxTest, UnknownRoutesAre404AndClockMovesOnlyWhenVirtual) {
  Harness h;
  EXPECT_EQ(h.Control("GET", "/nowhere")["error"], "sandbox: no route for GET /nowhere");
  EXPECT_EQ(h.Control("POST", "/_sandbox/clock", {{"advance", "6h"}})["now"],
            "2026-12-01T06:00:00Z");
  EXPECT_EQ(h.Control("POST", "/_sandbox/clock", {{"now", "2026-12-02T00:00:00Z"}})["now"],
            "2026-12-02T00:00:00Z");
  sandbox::Sandbox real;
  sandbox::SandboxRequest request{.method = "POST", .path = "/_sandbox/clock", .body = R"({"advance":"1h"})"};
  EXPECT_EQ(real.Handle(request).status, 409);
}

TEST(SandboxTest, InjectedErrorsAreRetryableAndCounted) {
  Harness h;
  h.Control("POST", "/_sandbox/faults", {{"network", "facebook"}, {"error_rate", 1.0}});
  absl::StatusOr<Json> out = h.Run("facebook", "publish", {{"text", "hi"}});
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_RETRYABLE) << out.status();
  EXPECT_GE(h.Control("GET", "/_sandbox/stats")["accounts"]["facebook/*"]["errors_injected"], 1);
  EXPECT_TRUE(h.Posts("facebook").empty());
  h.Control("POST", "/_sandbox/reset");
  EXPECT_TRUE(h.Run("facebook", "publish", {{"text", "hi"}}).ok());
}

// Facebook and Instagram boosts on one Meta ad account (act_123456): the account's committed
// daily budget is the sum over the ad sets that drive a delivering ad, and its maximum is
// kept however the budgets later fall.
TEST(SandboxTest, BudgetsKeepEachAdAccountsHighestCommittedDailyBudget) {
  Harness h;
  auto budgets = [&h] { return h.Control("GET", "/_sandbox/budgets")["accounts"]["meta/act_123456"]; };
  absl::StatusOr<Json> fb_post = h.Run("facebook", "publish", {{"text", "Boost me"}});
  absl::StatusOr<Json> ig_post = h.Run(
      "instagram", "publish",
      {{"text", "Boost me too"},
       {"media", Json::array({{{"url", "https://cdn.acme.example/a.jpg"}, {"type", "image"}}})}});
  ASSERT_TRUE(fb_post.ok() && ig_post.ok());
  absl::StatusOr<Json> fb = h.Run("facebook", "boost",
                                  {{"post_id", (*fb_post)["post_id"]}, {"daily_budget", 20}},
                                  "", false, "default/run-1/boost[facebook]");
  absl::StatusOr<Json> ig = h.Run("instagram", "boost",
                                  {{"post_id", (*ig_post)["post_id"]}, {"daily_budget", 20}},
                                  "", false, "default/run-1/boost[instagram]");
  ASSERT_TRUE(fb.ok()) << fb.status();
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_EQ(budgets()["daily_budget_micros"], 40'000'000);
  EXPECT_EQ(budgets()["max_daily_budget_micros"], 40'000'000);

  ASSERT_TRUE(h.Run("facebook", "set_budget",
                    {{"ad_set_id", (*fb)["ad_set_id"]}, {"daily_budget", 35}}).ok());
  EXPECT_EQ(budgets()["daily_budget_micros"], 55'000'000);
  ASSERT_TRUE(h.Run("facebook", "set_budget",
                    {{"ad_set_id", (*fb)["ad_set_id"]}, {"daily_budget", 10}}).ok());
  ASSERT_TRUE(h.Run("instagram", "pause", {{"ad_id", (*ig)["ad_id"]}}).ok());
  EXPECT_EQ(budgets()["daily_budget_micros"], 10'000'000) << "a paused ad commits nothing";
  EXPECT_EQ(budgets()["max_daily_budget_micros"], 55'000'000);
  EXPECT_EQ(budgets()["max_at"], "2026-12-01T00:00:00Z");

  {
    // An ad set with no ad delivers nothing, so it commits nothing.
    absl::MutexLock lock(&h.sandbox().state().mu);
    sandbox::AdEntity orphan;
    orphan.network = "facebook";
    orphan.account = "acme_facebook";
    orphan.id = "orphan";
    orphan.kind = "adset";
    orphan.parent_id = (*fb)["campaign_id"];
    orphan.daily_budget_micros = 99'000'000;
    h.sandbox().state().AddAd(std::move(orphan));
  }
  EXPECT_EQ(budgets()["daily_budget_micros"], 10'000'000);
  h.Control("POST", "/_sandbox/reset");
  EXPECT_TRUE(h.Control("GET", "/_sandbox/budgets")["accounts"].empty());
}

TEST(AdMetricsTest, SpendNeverExceedsTheDailyBudget) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  const sandbox::AdProfile p = sandbox::ProfileFor(7, "ad-1", 50'000, std::nullopt);
  const std::vector<BudgetPoint> timeline = {{t0, 40'000'000, true},
                                             {t0 + absl::Hours(36), 80'000'000, true},
                                             {t0 + absl::Hours(60), 80'000'000, false}};
  for (int day = 0; day < 4; ++day) {
    const AdMetrics m = sandbox::MetricsBetween(p, timeline, absl::InfiniteFuture(),
                                                t0 + absl::Hours(24 * day),
                                                t0 + absl::Hours(24 * (day + 1)));
    EXPECT_LE(m.spend_micros, 80'000'000) << day;
    if (day == 0) EXPECT_LE(m.spend_micros, 40'000'000);
    if (day == 3) EXPECT_EQ(m.spend_micros, 0);  // paused
  }
  // Windows add up exactly.
  const auto whole = sandbox::MetricsBetween(p, timeline, absl::InfiniteFuture(), t0,
                                             t0 + absl::Hours(48));
  const auto a = sandbox::MetricsBetween(p, timeline, absl::InfiniteFuture(), t0,
                                         t0 + absl::Hours(17));
  const auto b = sandbox::MetricsBetween(p, timeline, absl::InfiniteFuture(),
                                         t0 + absl::Hours(17), t0 + absl::Hours(48));
  EXPECT_EQ(whole.spend_micros, a.spend_micros + b.spend_micros);
  EXPECT_EQ(whole.clicks, a.clicks + b.clicks);
}

TEST(AdMetricsTest, DeterministicPerSeed) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  const std::vector<BudgetPoint> timeline = {{t0, 40'000'000, true}};
  auto run = [&](uint64_t seed) {
    return sandbox::MetricsBetween(sandbox::ProfileFor(seed, "ad-9", 50'000, std::nullopt),
                                   timeline, absl::InfiniteFuture(), t0, t0 + absl::Hours(48));
  };
  EXPECT_EQ(run(3).clicks, run(3).clicks);
  EXPECT_NE(run(3).clicks, run(4).clicks);
}

TEST(AdMetricsTest, ASeriesIsTheWindowsItSplitsIntoAndTheyAddUp) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  const sandbox::AdProfile p = sandbox::ProfileFor(1, "ad-s", 50'000, std::nullopt);
  const std::vector<BudgetPoint> timeline = {{t0, 40'000'000, true},
                                             {t0 + absl::Minutes(610), 50'000'000, true},
                                             {t0 + absl::Hours(20), 50'000'000, false}};
  std::vector<absl::Time> boundaries;
  for (int h = 0; h <= 30; h += 3) boundaries.push_back(t0 + absl::Hours(h) + absl::Minutes(7));
  const std::vector<AdMetrics> series =
      sandbox::MetricsSeries(p, timeline, absl::InfiniteFuture(), boundaries);
  ASSERT_EQ(series.size(), boundaries.size() - 1);
  int64_t clicks = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    const AdMetrics one = sandbox::MetricsBetween(p, timeline, absl::InfiniteFuture(),
                                                  boundaries[i], boundaries[i + 1]);
    EXPECT_EQ(series[i].clicks, one.clicks) << i;
    EXPECT_EQ(series[i].spend_micros, one.spend_micros) << i;
    clicks += one.clicks;
  }
  EXPECT_EQ(clicks, sandbox::MetricsBetween(p, timeline, absl::InfiniteFuture(), boundaries.front(),
                                            boundaries.back())
                        .clicks);
  EXPECT_EQ(series.back().spend_micros, 0);  // paused from hour 20
}

// What the creative shows decides most of an ad's cost per click; the objective and the
// budget move it further; all of it is deterministic per seed and ad name.
TEST(AdMetricsTest, FormatObjectiveAndBudgetShapeTheCostPerClick) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  auto cpc = [&](sandbox::CreativeFormat format, sandbox::Objective objective, int64_t budget) {
    const sandbox::AdProfile p = sandbox::ProfileFor(
        1, sandbox::AdTraits{.key = "Fanfare fanfare-000000000001", .format = format,
                             .objective = objective},
        std::nullopt);
    const AdMetrics m = sandbox::MetricsBetween(p, {{t0, budget, true}}, absl::InfiniteFuture(),
                                                t0 + absl::Hours(24), t0 + absl::Hours(48));
    return static_cast<double>(m.spend_micros) / 1e6 / static_cast<double>(m.clicks);
  };
  using sandbox::CreativeFormat;
  using sandbox::Objective;
  const double visual = cpc(CreativeFormat::kVisual, Objective::kTraffic, 40'000'000);
  const double text = cpc(CreativeFormat::kText, Objective::kTraffic, 40'000'000);
  EXPECT_LT(visual, 0.30);
  EXPECT_GT(text, 3 * visual);
  EXPECT_GT(cpc(CreativeFormat::kVisual, Objective::kAwareness, 40'000'000), visual);
  // Twice the budget buys fewer than twice the clicks: each one costs more.
  EXPECT_GT(cpc(CreativeFormat::kVisual, Objective::kTraffic, 80'000'000), 1.3 * visual);
  EXPECT_EQ(sandbox::ObjectiveFromName("OUTCOME_AWARENESS"), Objective::kAwareness);
  EXPECT_EQ(sandbox::ObjectiveFromName("BRAND_AWARENESS"), Objective::kAwareness);
  EXPECT_EQ(sandbox::ObjectiveFromName("OUTCOME_SALES"), Objective::kSales);
  EXPECT_EQ(sandbox::ObjectiveFromName("WEBSITE_CLICKS"), Objective::kTraffic);
  EXPECT_EQ(sandbox::ObjectiveFromName("SWIPES"), Objective::kTraffic);
}

// A poorly performing ad (a weak creative: quality 0.25, as a text or link post gets) really
// shows a rising CPC over time, and a `cpc > 2.0` rule on the adapter's normalised insights
// catches it.
TEST(AdMetricsTest, PoorAdsCpcRisesUntilARuleCatchesIt) {
  Harness h;
  absl::StatusOr<Json> post = h.Run("facebook", "publish", {{"text", "meh"}});
  absl::StatusOr<Json> boost = h.Run("facebook", "boost", {{"post_id", (*post)["post_id"]},
                                                           {"daily_budget", 40},
                                                           {"duration", "14d"}});
  ASSERT_TRUE(boost.ok()) << boost.status();
  h.Control("POST", "/_sandbox/ads/quality", {{"ad_id", (*boost)["ad_id"]}, {"quality", 0.25}});
  double first = 0;
  double previous = 0;
  int caught_on_day = -1;
  for (int day = 1; day <= 14; ++day) {
    h.clock().Advance(absl::Hours(24));
    absl::StatusOr<Json> m = h.Run("facebook", "insights", {{"ad_id", (*boost)["ad_id"]},
                                                            {"window", "24h"}});
    ASSERT_TRUE(m.ok()) << m.status();
    const double cpc = (*m)["cpc"].get<double>();
    // Integer clicks make day-to-day noise; the trend must be clearly up.
    EXPECT_GT(cpc, previous * 0.9) << "day " << day;
    EXPECT_LE((*m)["spend_micros"].get<int64_t>(), 40'000'000);
    if (day == 1) first = cpc;
    previous = cpc;
    std::printf("day %d cpc %.3f ctr %.4f cpm %.2f\n", day, cpc, (*m)["ctr"].get<double>(),
                (*m)["cpm"].get<double>());
    if (caught_on_day < 0 && cpc > 2.0) caught_on_day = day;
  }
  EXPECT_GT(previous, first * 1.5);
  EXPECT_LT(first, 2.0);
  EXPECT_GT(caught_on_day, 1);
}

}  // namespace
}  // namespace fanfare::workers::testing
