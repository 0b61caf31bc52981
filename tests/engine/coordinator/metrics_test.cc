// The coordinator's state series as a scrape computes them (Coordinator::CollectMetrics).
#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "metrics/exposition.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using testing::CoordinatorEnv;

// "family{a=x,b=y}" → value, for every sample of the families collected now.
std::map<std::string, double> Scrape(CoordinatorEnv& env) {
  std::vector<metrics::MetricFamily> families;
  env.coordinator().CollectMetrics(families, absl::Seconds(10));
  std::map<std::string, double> samples;
  for (const metrics::MetricFamily& family : families) {
    for (const metrics::Sample& sample : family.samples) {
      std::vector<std::string> labels;
      for (const auto& [name, value] : sample.labels) labels.push_back(name + "=" + value);
      samples[family.name + "{" + absl::StrJoin(labels, ",") + "}"] = sample.value;
    }
  }
  return samples;
}

constexpr char kCampaign[] = R"yaml(
name: watched
steps:
  - {id: teaser, action: x.publish, with: {text: "Soon"}}
  - id: approve
    approval: {message: "Ship it?"}
)yaml";

TEST(CoordinatorMetricsTest, StateSeriesCountWhatWaits) {
  ManualClock clock;
  testing::CoordinatorEnvOptions options;
  options.clock = &clock;
  CoordinatorEnv env(options);
  env.Apply(kCampaign);
  v1::StartRunRequest request = StartRunRequest("watched");
  request.set_run_id("watched-1");
  ASSERT_TRUE(env.client().StartRun(request).ok());
  ASSERT_TRUE(env.WaitFor("watched-1", [](const v1::Run& run) {
                   return testing::StepOf(run, "approve").state() == v1::STEP_STATE_WAITING;
                 }).ok());
  clock.Advance(absl::Hours(1));

  std::map<std::string, double> page = Scrape(env);
  EXPECT_EQ(page["fanfare_runs{namespace=default,status=running}"], 1);
  EXPECT_EQ(page["fanfare_approvals_waiting{namespace=default}"], 1);
  EXPECT_EQ(page["fanfare_approval_oldest_wait_seconds{namespace=default}"], 3600);
  // No worker serves x: the teaser is ready, an hour old, and nobody is there to take it.
  EXPECT_EQ(page["fanfare_queue_tasks{namespace=default,queue=x,state=ready}"], 1);
  EXPECT_EQ(page["fanfare_queue_oldest_ready_seconds{namespace=default,queue=x}"], 3600);
  EXPECT_EQ(page.count("fanfare_worker_sessions{namespace=default,queue=x}"), 0u);
  EXPECT_EQ(page.count("fanfare_steps_unknown{namespace=default}"), 0u);
  EXPECT_EQ(page.count("fanfare_metrics_engine_timeouts_total{}"), 1u);
  EXPECT_EQ(page["fanfare_metrics_engine_timeouts_total{}"], 0);

  ASSERT_TRUE(env.client().CancelRun("watched-1").ok());
  page = Scrape(env);
  EXPECT_EQ(page.count("fanfare_runs{namespace=default,status=running}"), 0u);
  EXPECT_EQ(page.count("fanfare_approvals_waiting{namespace=default}"), 0u);
  EXPECT_EQ(page.count("fanfare_queue_tasks{namespace=default,queue=x,state=ready}"), 0u);
}

// Scrapes at once share one pass on the engine thread, and each gets the whole page.
TEST(CoordinatorMetricsTest, ConcurrentScrapesEachGetThePage) {
  CoordinatorEnv env;
  env.Apply(kCampaign);
  ASSERT_TRUE(env.client().StartRun(StartRunRequest("watched")).ok());
  std::vector<std::thread> scrapers;
  std::atomic<int> complete{0};
  for (int i = 0; i < 8; ++i) {
    scrapers.emplace_back([&] {
      for (int j = 0; j < 20; ++j) {
        if (Scrape(env).count("fanfare_runs{namespace=default,status=running}") == 1) ++complete;
      }
    });
  }
  for (std::thread& scraper : scrapers) scraper.join();
  EXPECT_EQ(complete, 160);
}

}  // namespace
}  // namespace fanfare
