// The Prometheus text exposition format, version 0.0.4: what a /metrics page serves.
//
//   # HELP fanfare_runs Runs in the coordinator's memory, by status.
//   # TYPE fanfare_runs gauge
//   fanfare_runs{status="running"} 3
//
// Label values are escaped (\\, \", \n), help text too (\\, \n); a histogram is written as
// cumulative `_bucket{le="…"}` lines ending with le="+Inf", then `_sum` and `_count`.
// Functions here are pure and thread-safe.
#ifndef FANFARE_METRICS_EXPOSITION_H_
#define FANFARE_METRICS_EXPOSITION_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare::metrics {

// The Content-Type a /metrics answer carries.
inline constexpr char kExpositionContentType[] = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct HistogramValue {
  std::vector<double> bounds;       // upper bounds, increasing, without +Inf
  std::vector<uint64_t> cumulative;  // per bound, then the +Inf bucket (== count)
  double sum = 0;
  uint64_t count = 0;
};

struct Sample {
  Labels labels;
  double value = 0;            // counters and gauges
  HistogramValue histogram;    // histograms
};

struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<Sample> samples;
};

// A family with one unlabelled sample: what collectors mostly make.
MetricFamily Single(std::string name, std::string help, MetricType type, double value);

// True if `name` may name a metric / a label (Prometheus' data model).
bool IsValidMetricName(absl::string_view name);
bool IsValidLabelName(absl::string_view name);

std::string EscapeLabelValue(absl::string_view value);
std::string EscapeHelp(absl::string_view help);
// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);

// `families` as a /metrics page. Families with no samples still get their HELP and TYPE.
std::string WriteText(const std::vector<MetricFamily>& families);

}  // namespace fanfare::metrics

#endif  // FANFARE_METRICS_EXPOSITION_H_
