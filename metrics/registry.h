// Metrics in the Prometheus data model: counters, gauges and histograms in labelled families,
// kept by a Registry that renders them (and what its collectors compute at scrape time) in
// the text exposition format (metrics/exposition.h).
//
//   metrics::Registry registry;
//   metrics::CounterFamily& tasks = registry.AddCounter(
//       "fanfare_worker_tasks_total", "Tasks handled, by action and outcome.",
//       {"action", "outcome"});
//   metrics::Counter& published = tasks.With({"x.publish", "succeeded"});  // keep the ref
//   published.Add();
//   std::string page = registry.Expose();
//
// Thread safety: every method of every class here is thread-safe. Counter, Gauge and
// Histogram updates are lock-free; With() takes the family's lock (hold on to what it
// returns on hot paths). Children and families live as long as their registry.
#ifndef FANFARE_METRICS_REGISTRY_H_
#define FANFARE_METRICS_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "metrics/exposition.h"

namespace fanfare::metrics {

// A value that only goes up (or back to zero when the process restarts).
class Counter {
 public:
  // REQUIRES: amount >= 0 (a negative amount is ignored).
  void Add(double amount = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double amount);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with fixed upper bounds.
class Histogram {
 public:
  // REQUIRES: `bounds` strictly increasing and finite (+Inf is implied).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  // Cumulative counts per bound (the last is +Inf), the sum and the count, read without a
  // lock: a scrape racing an Observe may see the count one ahead of a bucket, never behind.
  HistogramValue Read() const;

 private:
  const std::vector<double> bounds_;
  // Per bound, then one for +Inf: observations that fell in that bucket alone.
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Bucket bounds for latencies in seconds: 0.5 ms to 30 s.
std::vector<double> LatencyBuckets();
// Bounds 1, 2, 4, … up to at least `max`: sizes and counts.
std::vector<double> PowersOfTwo(double max);

// What the registry needs of every family.
class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  virtual MetricFamily Snapshot() const = 0;
};

// A family: one metric name, its help, its label names, and a child per label-value tuple.
template <typename Child>
class Family final : public FamilyBase {
 public:
  // The child for `values` (one per label name, in order), created on first use.
  // REQUIRES: values.size() == label_names().size().
  Child& With(const std::vector<std::string>& values);
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  friend class Registry;
  Family(std::string name, std::string help, MetricType type,
         std::vector<std::string> label_names, std::function<std::unique_ptr<Child>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        type_(type),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}
  MetricFamily Snapshot() const override;

  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Child>()> make_;
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Child>> children_ ABSL_GUARDED_BY(mu_);
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  // Adds a family. Names follow Prometheus' rules (metric: [a-zA-Z_:][a-zA-Z0-9_:]*, label:
  // [a-zA-Z_][a-zA-Z0-9_]* not starting with "__", a histogram's labels not "le"); a
  // counter's name ends in "_total". Breaking a rule, or adding a name twice, is a
  // programming error: the process aborts saying which.
  CounterFamily& AddCounter(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names = {});
  HistogramFamily& AddHistogram(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names, std::vector<double> bounds);

  // Called at every scrape, after the families, to append families computed then (a
  // snapshot of state kept elsewhere). It may be called from any thread and must not call
  // back into the registry.
  using Collector = std::function<void(std::vector<MetricFamily>& out)>;
  void AddCollector(Collector collector);

  // Every family and every collector's, in the order added.
  std::vector<MetricFamily> Collect() const;
  // Collect(), in the text exposition format 0.0.4.
  std::string Expose() const;

 private:
  // Checks the names (aborting on misuse) and keeps the new family.
  template <typename Child>
  Family<Child>& Add(const std::string& name, const std::string& help, MetricType type,
                     std::vector<std::string> label_names,
                     std::function<std::unique_ptr<Child>()> make);
  void Claim(const std::string& name, MetricType type, const std::vector<std::string>& labels)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  // Never removed: pointers to them stay valid as long as the registry.
  std::vector<std::unique_ptr<FamilyBase>> families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> names_ ABSL_GUARDED_BY(mu_);
  std::vector<Collector> collectors_ ABSL_GUARDED_BY(mu_);
};

// --- Implementation details.

template <typename Child>
Child& Family<Child>::With(const std::vector<std::string>& values) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Child>& child = children_[values];
  if (child == nullptr) child = make_();
  return *child;
}

}  // namespace fanfare::metrics

#endif  // FANFARE_METRICS_REGISTRY_H_
