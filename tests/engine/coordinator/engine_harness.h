// An Engine over a real RocksDB in a temp dir and a ManualClock, driven cycle by cycle on
// the test's thread (no threads, no gRPC), with a fake worker session. Restart() closes and
// reopens the store, as a coordinator restart does. The store is seen through a
// FaultInjectingStore, so that a test can fail a commit or cut the power (faults()).
#ifndef FANFARE_TESTS_ENGINE_COORDINATOR_ENGINE_HARNESS_H_
#define FANFARE_TESTS_ENGINE_COORDINATOR_ENGINE_HARNESS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/stored_record.h"
#include "engine/definition/loader.h"
#include "engine/store/rocks_store.h"
#include "engine/store/store.h"
#include "gtest/gtest.h"
#include "tests/support/fault_injecting_store.h"
#include "tests/support/temp_dir.h"

namespace fanfare::coordinator {

// Collects what the engine delivers to a worker session.
class CapturingSink : public dispatch::SessionSink {
 public:
  void Deliver(v1::CoordinatorMessage message) override {
    absl::MutexLock lock(&mu_);
    messages_.push_back(std::move(message));
  }
  std::vector<v1::CoordinatorMessage> Take() {
    absl::MutexLock lock(&mu_);
    std::vector<v1::CoordinatorMessage> out;
    out.swap(messages_);
    return out;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::CoordinatorMessage> messages_;
};

struct EngineHarnessOptions {
  // False only where durability is not what a test is about.
  bool sync = true;
  // A quota file's text (engine/dispatch/quota_config.h); empty: the defaults.
  std::string quotas;
  absl::Duration fence_margin = absl::Seconds(30);
  // Carries webhook deliveries (null: they wait in the outbox); must outlive the harness.
  WebhookSender* webhook_sender = nullptr;
  WebhookLimits webhooks;
};

class EngineHarness {
 public:
  explicit EngineHarness(EngineHarnessOptions options = {})
      : options_(options), clock_(absl::FromUnixSeconds(1'800'000'000)) {
    Open();
  }

  void Open() {
    const absl::Status opened = TryOpen();
    ASSERT_TRUE(opened.ok()) << opened;
  }

  // Opens the store and recovers the engine; the engine's error if recovery fails.
  absl::Status TryOpen() {
    auto store = store::RocksStore::Open({.path = dir_.Join("data"), .block_cache_bytes = 1 << 20,
                                     .write_buffer_bytes = 4 << 20, .sync = options_.sync});
    if (!store.ok()) return store.status();
    store_ = std::make_unique<testing::FaultInjectingStore>(*std::move(store));
    EngineOptions options;
    options.scheduler.lease_ttl = absl::Seconds(30);
    options.scheduler.fence_margin = options_.fence_margin;
    options.webhook_sender = options_.webhook_sender;
    options.webhooks = options_.webhooks;
    if (!options_.quotas.empty()) {
      auto quotas = dispatch::QuotaConfig::Parse(options_.quotas, "quotas.yaml");
      if (!quotas.ok()) return quotas.status();
      options.quotas = *std::move(quotas);
    }
    auto engine = Engine::Open(store_.get(), &clock_, options);
    if (!engine.ok()) return engine.status();
    engine_ = *std::move(engine);
    return absl::OkStatus();
  }

  // Closes the engine and the store and opens them again on the same data.
  void Restart() {
    const absl::Status restarted = TryRestart();
    ASSERT_TRUE(restarted.ok()) << restarted;
  }
  absl::Status TryRestart() {
    engine_.reset();
    store_.reset();
    sink_.reset();
    return TryOpen();
  }

  // Cuts the power (what was never synced is lost) and restarts.
  void PowerLossAndRestart() {
    ASSERT_TRUE(store_->PowerLoss().ok());
    Restart();
  }

  void Cycle() { ASSERT_TRUE(engine_->FinishCycle().ok()); }
  // A cycle that may fail (a test injected a fault).
  absl::Status TryCycle() { return engine_->FinishCycle(); }

  // Calls `operation(engine, reply)`, finishes the cycle and returns what was replied.
  template <typename T, typename Operation>
  absl::StatusOr<T> Call(Operation operation) {
    std::optional<absl::StatusOr<T>> result;
    operation(*engine_, [&](absl::StatusOr<T> r) { result = std::move(r); });
    Cycle();
    EXPECT_TRUE(result.has_value()) << "no reply after the cycle";
    return result.has_value() ? *std::move(result) : absl::InternalError("no reply");
  }

  // Moves the clock to the next due time and runs a cycle; false if nothing is due.
  bool AdvanceToNextDue() {
    const absl::Time due = engine_->NextDue();
    if (due == absl::InfiniteFuture()) return false;
    if (due > clock_.Now()) clock_.Set(due);
    Cycle();
    return true;
  }

  void Apply(const std::string& yaml) {
    definition::LoadResult loaded =
        definition::ParseCampaign(yaml, definition::SourceFormat::kYaml, "test.yaml");
    ASSERT_TRUE(loaded.status.ok()) << loaded.status.message();
    v1::ApplyCampaignRequest request;
    *request.mutable_spec() = loaded.spec;
    auto applied = Call<v1::ApplyCampaignResponse>(
        [&](Engine& e, auto reply) { e.ApplyCampaign(request, std::move(reply)); });
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  absl::StatusOr<v1::StartRunResponse> Start(const std::string& campaign,
                                             const std::string& run_id,
                                             absl::Time start_at = absl::InfinitePast()) {
    v1::StartRunRequest request;
    request.set_campaign(campaign);
    request.set_run_id(run_id);
    if (start_at != absl::InfinitePast()) {
      request.mutable_start_at()->set_seconds(absl::ToUnixSeconds(start_at));
    }
    return Call<v1::StartRunResponse>(
        [&](Engine& e, auto reply) { e.StartRun(request, std::move(reply)); });
  }

  v1::Run Run(const std::string& run_id) {
    v1::GetRunRequest request;
    request.set_run_id(run_id);
    auto run = Call<v1::Run>([&](Engine& e, auto reply) { e.GetRun(request, std::move(reply)); });
    EXPECT_TRUE(run.ok()) << run.status();
    return run.ok() ? *run : v1::Run();
  }

  // The run's history events as stored, in order.
  std::vector<v1::HistoryEvent> History(const std::string& run_id) {
    std::vector<v1::HistoryEvent> events;
    const absl::Status read = ScanRecords<v1::HistoryEvent>(
        *store_, store::Cf::kHistory, keys::HistoryPrefix("default", run_id),
        [&](absl::string_view, v1::HistoryEvent event) {
          events.push_back(std::move(event));
          return true;
        });
    EXPECT_TRUE(read.ok()) << read;
    return events;
  }

  v1::StepState StateOf(const std::string& run_id, const std::string& key) {
    const v1::Run run = Run(run_id);
    for (const v1::StepInstance& step : run.steps()) {
      if (step.key() == key) return step.state();
    }
    return v1::STEP_STATE_UNSPECIFIED;
  }

  // A worker session serving `queue`, with `credit` slots.
  void ConnectWorker(const std::string& queue, int credit) {
    Connect(queue, credit);
    Cycle();
  }
  // ConnectWorker without the cycle that applies it.
  void Connect(const std::string& queue, int credit) {
    sink_ = std::make_shared<CapturingSink>();
    v1::WorkerHello hello;
    hello.set_worker_id("w1");
    hello.set_namespace_("default");
    hello.add_queues(queue);
    hello.set_max_concurrency(credit);
    engine_->Connect(auth::Principal::Unauthenticated(), "session-1", hello, sink_);
    v1::WorkerMessage message;
    message.set_credit(credit);
    Send(message);
  }
  void Grant(int credit) {
    v1::WorkerMessage message;
    message.set_credit(credit);
    Send(message);
    Cycle();
  }
  // Tasks delivered to the worker since the last call.
  std::vector<v1::Task> TakeTasks() {
    std::vector<v1::Task> tasks;
    for (v1::CoordinatorMessage& message : TakeMessages()) {
      for (v1::Task& task : *message.mutable_tasks()) tasks.push_back(std::move(task));
    }
    return tasks;
  }
  // Everything delivered to the worker since the last call.
  std::vector<v1::CoordinatorMessage> TakeMessages() {
    return sink_ == nullptr ? std::vector<v1::CoordinatorMessage>() : sink_->Take();
  }
  // The worker's report that `task` succeeded, with one credit back.
  static v1::WorkerMessage Success(const v1::Task& task, google::protobuf::Value output = {}) {
    v1::WorkerMessage message;
    v1::TaskOutcome& outcome = *message.add_outcomes();
    outcome.set_task_id(task.task_id());
    outcome.set_attempt(task.attempt());
    *outcome.mutable_success()->mutable_output() = std::move(output);
    message.set_credit(1);
    return message;
  }
  // The worker's report that `task` failed, with one credit back.
  static v1::WorkerMessage Failure(const v1::Task& task, v1::ErrorType type,
                                   const std::string& text = "boom") {
    v1::WorkerMessage message;
    v1::TaskOutcome& outcome = *message.add_outcomes();
    outcome.set_task_id(task.task_id());
    outcome.set_attempt(task.attempt());
    outcome.mutable_failure()->set_type(type);
    outcome.mutable_failure()->set_message(text);
    message.set_credit(1);
    return message;
  }
  // Hands `message` to the engine as session-1's; the next cycle applies it.
  void Send(const v1::WorkerMessage& message) { engine_->OnWorkerMessage("session-1", message); }

  void Complete(const v1::Task& task, google::protobuf::Value output = {}) {
    Send(Success(task, std::move(output)));
    Cycle();
  }
  void Fail(const v1::Task& task, v1::ErrorType type, const std::string& message = "boom") {
    Send(Failure(task, type, message));
    Cycle();
  }

  Engine& engine() { return *engine_; }
  store::Store& store() { return *store_; }
  testing::FaultInjectingStore& faults() { return *store_; }
  ManualClock& clock() { return clock_; }

 private:
  EngineHarnessOptions options_;
  testing::TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<testing::FaultInjectingStore> store_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<CapturingSink> sink_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_TESTS_ENGINE_COORDINATOR_ENGINE_HARNESS_H_
