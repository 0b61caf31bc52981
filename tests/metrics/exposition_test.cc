// The exposition format, written by hand and checked by Prometheus' own linter.
#include "metrics/exposition.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <thread>

#include "absl/strings/match.h"
#include "base/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/process_collector.h"
#include "metrics/registry.h"
#include "tests/support/temp_dir.h"

namespace fanfare::metrics {
namespace {

using ::testing::HasSubstr;

TEST(ExpositionTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(EscapeHelp("line \\ one\ntwo \"quoted\""), "line \\\\ one\\ntwo \"quoted\"");
}

TEST(ExpositionTest, FormatsValues) {
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(-2), "-2");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatValue(1e20), "1e+20");
  EXPECT_EQ(FormatValue(0.1 + 0.2), "0.30000000000000004");  // shortest that reads back
}

TEST(ExpositionTest, ValidatesNames) {
  EXPECT_TRUE(IsValidMetricName("fanfare_runs"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("action"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(ExpositionTest, WritesHistogramsCumulatively) {
  Registry registry;
  HistogramFamily& latency =
      registry.AddHistogram("call_seconds", "Call latency.", {"network"}, {0.1, 1});
  Histogram& x = latency.With({"x"});
  x.Observe(0.05);
  x.Observe(0.5);
  x.Observe(0.5);
  x.Observe(7);
  EXPECT_EQ(registry.Expose(),
            "# HELP call_seconds Call latency.\n"
            "# TYPE call_seconds histogram\n"
            "call_seconds_bucket{network=\"x\",le=\"0.1\"} 1\n"
            "call_seconds_bucket{network=\"x\",le=\"1\"} 3\n"
            "call_seconds_bucket{network=\"x\",le=\"+Inf\"} 4\n"
            "call_seconds_sum{network=\"x\"} 8.05\n"
            "call_seconds_count{network=\"x\"} 4\n");
}

TEST(ExpositionTest, CountersAndGaugesByLabel) {
  Registry registry;
  CounterFamily& tasks = registry.AddCounter("tasks_total", "Tasks.", {"action", "outcome"});
  tasks.With({"x.publish", "succeeded"}).Add(2);
  tasks.With({"x.publish", "succeeded"}).Add();
  tasks.With({"x.publish", "failed"}).Add(-5);  // ignored: counters only go up
  GaugeFamily& depth = registry.AddGauge("depth", "Depth.");
  depth.With({}).Set(4);
  depth.With({}).Add(-1);
  const std::string page = registry.Expose();
  EXPECT_THAT(page, HasSubstr("tasks_total{action=\"x.publish\",outcome=\"succeeded\"} 3\n"));
  EXPECT_THAT(page, HasSubstr("tasks_total{action=\"x.publish\",outcome=\"failed\"} 0\n"));
  EXPECT_THAT(page, HasSubstr("# TYPE depth gauge\ndepth 3\n"));
}

TEST(ExpositionTest, CollectorsAppendAtScrapeTime) {
  Registry registry;
  int scrapes = 0;
  registry.AddCollector([&scrapes](std::vector<MetricFamily>& out) {
    out.push_back(Single("scrapes", "Scrapes so far.", MetricType::kGauge, ++scrapes));
  });
  EXPECT_THAT(registry.Expose(), HasSubstr("scrapes 1\n"));
  EXPECT_THAT(registry.Expose(), HasSubstr("scrapes 2\n"));
}

TEST(ExpositionTest, ConcurrentObservationsAreAllCounted) {
  Registry registry;
  Histogram& h = registry.AddHistogram("h", "H.", {}, {1}).With({});
  Counter& c = registry.AddCounter("c_total", "C.").With({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        h.Observe(i % 2);
        c.Add();
      }
    });
  }
  // Scrapes racing the writers never see a bucket above the count.
  for (int i = 0; i < 100; ++i) {
    HistogramValue read = h.Read();
    ASSERT_LE(read.cumulative[0], read.cumulative[1]);
    ASSERT_EQ(read.cumulative[1], read.count);
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(c.value(), 40000);
  EXPECT_EQ(h.Read().count, 40000u);
  EXPECT_EQ(h.Read().sum, 20000);
}

TEST(ExpositionTest, MisuseAborts) {
  Registry registry;
  registry.AddCounter("twice_total", "Once.");
  EXPECT_DEATH(registry.AddCounter("twice_total", "Twice."), "added twice");
  EXPECT_DEATH(registry.AddCounter("no_suffix", "C."), "_total");
  EXPECT_DEATH(registry.AddGauge("g", "G.", {"__reserved"}), "label name");
  EXPECT_DEATH(registry.AddHistogram("h", "H.", {"le"}, {1}), "reserved");
  EXPECT_DEATH(registry.AddHistogram("h2", "H.", {}, {2, 1}), "increasing");
}

TEST(ExpositionTest, ProcessSeries) {
  Registry registry;
  AddProcessCollector(registry);
  const std::string page = registry.Expose();
  EXPECT_THAT(page, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  EXPECT_THAT(page, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(page, HasSubstr("process_open_fds "));
  EXPECT_THAT(page, HasSubstr("process_max_fds "));
  EXPECT_THAT(page, HasSubstr("process_start_time_seconds "));
}

// Prometheus' own linter reads a page full of awkward label values and finds nothing wrong.
TEST(ExpositionTest, PromtoolAcceptsThePage) {
  Registry registry;
  CounterFamily& odd = registry.AddCounter(
      "fanfare_odd_total", "Help with a backslash \\ and a\nnewline.", {"text"});
  odd.With({"quote \" backslash \\ newline \n tab \t unicode é"}).Add(1);
  odd.With({""}).Add(2);
  registry.AddGauge("fanfare_empty_family", "No samples yet.", {"queue"});
  registry.AddHistogram("fanfare_call_seconds", "Latency.", {"network"}, LatencyBuckets())
      .With({"x"})
      .Observe(0.003);
  AddProcessCollector(registry);
  fanfare::testing::TempDir dir;
  const std::string path = dir.Join("page.txt");
  std::ofstream(path) << registry.Expose();
  absl::StatusOr<std::unique_ptr<Subprocess>> promtool =
      Subprocess::Start({"/bin/sh", "-c", "promtool check metrics < " + path + " 2>&1"});
  ASSERT_TRUE(promtool.ok()) << promtool.status();
  std::string said;
  while (true) {
    absl::StatusOr<std::string> line = (*promtool)->ReadLine(absl::Seconds(30));
    if (!line.ok()) break;
    said += *line + "\n";
  }
  absl::StatusOr<int> code = (*promtool)->Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << said;
  EXPECT_EQ(said, "") << "promtool has remarks";
}

}  // namespace
}  // namespace fanfare::metrics
