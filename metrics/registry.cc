#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"

namespace fanfare::metrics {
namespace {

[[noreturn]] void Misuse(const std::string& name, const char* what) {
  std::fprintf(stderr, "metrics: %s: %s\n", name.c_str(), what);
  std::abort();
}

}  // namespace

void Counter::Add(double amount) {
  if (!(amount >= 0)) return;
  value_.fetch_add(amount, std::memory_order_relaxed);
}

void Gauge::Add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double value) {
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_release);
}

HistogramValue Histogram::Read() const {
  HistogramValue out;
  out.bounds = bounds_;
  // The count first (Observe adds to it last): every observation it includes is already in
  // its bucket, so the buckets read after it are at least as far along.
  out.count = count_.load(std::memory_order_acquire);
  out.sum = sum_.load(std::memory_order_relaxed);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out.cumulative.push_back(running);
  }
  // Observations that landed between the two reads are left out of the buckets too (capped
  // to the count), so that the page stays monotonic and +Inf equals the count.
  for (uint64_t& bucket : out.cumulative) bucket = std::min(bucket, out.count);
  out.cumulative.back() = out.count;
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

std::vector<double> PowersOfTwo(double max) {
  std::vector<double> bounds;
  for (double bound = 1; ; bound *= 2) {
    bounds.push_back(bound);
    if (bound >= max) break;
  }
  return bounds;
}

template <typename Child>
MetricFamily Family<Child>::Snapshot() const {
  MetricFamily family;
  family.name = name_;
  family.help = help_;
  family.type = type_;
  absl::MutexLock lock(&mu_);
  for (const auto& [values, child] : children_) {
    Sample sample;
    for (size_t i = 0; i < label_names_.size(); ++i) {
      sample.labels.emplace_back(label_names_[i], values[i]);
    }
    if constexpr (std::is_same_v<Child, Histogram>) {
      sample.histogram = child->Read();
    } else {
      sample.value = child->value();
    }
    family.samples.push_back(std::move(sample));
  }
  return family;
}

void Registry::Claim(const std::string& name, MetricType type,
                     const std::vector<std::string>& labels) {
  if (!IsValidMetricName(name)) Misuse(name, "not a valid metric name");
  if (type == MetricType::kCounter && !absl::EndsWith(name, "_total")) {
    Misuse(name, "a counter's name must end in _total");
  }
  for (const std::string& label : labels) {
    if (!IsValidLabelName(label)) Misuse(name, "a label name is not valid");
    if (type == MetricType::kHistogram && label == "le") Misuse(name, "`le` is reserved");
  }
  if (std::find(names_.begin(), names_.end(), name) != names_.end()) {
    Misuse(name, "added twice");
  }
  names_.push_back(name);
}

template <typename Child>
Family<Child>& Registry::Add(const std::string& name, const std::string& help, MetricType type,
                             std::vector<std::string> label_names,
                             std::function<std::unique_ptr<Child>()> make) {
  absl::MutexLock lock(&mu_);
  Claim(name, type, label_names);
  auto* family = new Family<Child>(name, help, type, std::move(label_names), std::move(make));
  families_.emplace_back(family);
  return *family;
}

CounterFamily& Registry::AddCounter(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names) {
  return Add<Counter>(name, help, MetricType::kCounter, std::move(label_names),
                      [] { return std::make_unique<Counter>(); });
}

GaugeFamily& Registry::AddGauge(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names) {
  return Add<Gauge>(name, help, MetricType::kGauge, std::move(label_names),
                    [] { return std::make_unique<Gauge>(); });
}

HistogramFamily& Registry::AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      Misuse(name, "bucket bounds must be finite and strictly increasing");
    }
  }
  return Add<Histogram>(name, help, MetricType::kHistogram, std::move(label_names),
                        [bounds] { return std::make_unique<Histogram>(bounds); });
}

void Registry::AddCollector(Collector collector) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(collector));
}

std::vector<MetricFamily> Registry::Collect() const {
  std::vector<const FamilyBase*> owned;
  std::vector<Collector> collectors;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& family : families_) owned.push_back(family.get());
    collectors = collectors_;
  }
  std::vector<MetricFamily> families;
  for (const FamilyBase* family : owned) families.push_back(family->Snapshot());
  for (const Collector& collector : collectors) collector(families);
  return families;
}

std::string Registry::Expose() const { return WriteText(Collect()); }

}  // namespace fanfare::metrics
