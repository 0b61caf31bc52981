// A Scheduler over a fake host and a ManualClock: runs campaigns step by step with no
// RocksDB and no gRPC, so that tests drive every transition by hand.
#ifndef FANFARE_TESTS_ENGINE_SCHEDULER_SCHEDULER_HARNESS_H_
#define FANFARE_TESTS_ENGINE_SCHEDULER_SCHEDULER_HARNESS_H_

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base/clock.h"
#include "engine/definition/loader.h"
#include "engine/definition/params.h"
#include "engine/expr/proto_value.h"
#include "engine/scheduler/scheduler.h"
#include "gtest/gtest.h"

namespace fanfare::scheduler {

class FakeHost : public SchedulerHost {
 public:
  void Enqueue(RunState& run, StepInstance& instance) override { queued.push_back(instance.key); }
  void CancelAttempt(RunState& run, const StepInstance& instance) override {
    cancelled.push_back(instance.key);
  }
  void Register(RunState& run, StepInstance& instance) override { instance.task_id = next_id++; }
  void Forget(const StepInstance& instance) override { forgotten.push_back(instance.key); }
  void Ended(RunState& run, const StepInstance& instance) override { ended.push_back(instance.key); }
  void Deferred(RunState& run) override { deferred.push_back(run.run_id()); }
  void Rearm(RunState& run, StepInstance& instance) override { rearmed.push_back(instance.key); }

  std::vector<std::string> queued;
  std::vector<std::string> rearmed;
  std::vector<std::string> ended;
  std::vector<std::string> deferred;
  std::vector<std::string> cancelled;
  std::vector<std::string> forgotten;
  uint64_t next_id = 1;
};

class SchedulerHarness {
 public:
  explicit SchedulerHarness(SchedulerOptions options = {})
      : scheduler_(clock_, random_, host_, options) {}

  // Compiles `yaml` (which must be valid) and starts a run of it with `params`.
  RunState& Start(const std::string& yaml, const google::protobuf::Struct& params = {},
                  const std::string& started_by = "") {
    definition::LoadResult loaded =
        definition::ParseCampaign(yaml, definition::SourceFormat::kYaml, "test.yaml");
    EXPECT_TRUE(loaded.status.ok()) << loaded.status.message();
    v1::Campaign campaign;
    *campaign.mutable_spec() = loaded.spec;
    campaign.set_version(1);
    auto compiled = CompiledCampaign::Compile(campaign);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    auto resolved = definition::ResolveParams(loaded.spec, params);
    EXPECT_TRUE(resolved.ok()) << resolved.status();
    v1::Run record;
    record.set_namespace_("default");
    record.set_run_id("run-1");
    record.set_campaign(loaded.spec.metadata().name());
    *record.mutable_params() = *resolved;
    record.set_started_by(started_by);
    run_ = std::make_unique<RunState>(record, *compiled,
                                      definition::ParamsValue(loaded.spec, *resolved));
    scheduler_.Start(*run_);
    return *run_;
  }

  // The instance with `key`; fails the test if there is none.
  StepInstance& At(const std::string& key) {
    StepInstance* instance = run_->Find(key);
    EXPECT_NE(instance, nullptr) << "no instance " << key;
    static StepInstance none;
    return instance != nullptr ? *instance : none;
  }
  v1::StepState StateOf(const std::string& key) {
    StepInstance* instance = run_->Find(key);
    return instance == nullptr ? v1::STEP_STATE_UNSPECIFIED : instance->state;
  }

  v1::Task Lease(const std::string& key) {
    v1::Task task;
    scheduler_.Lease(*run_, At(key), "worker-1", task);
    return task;
  }
  void Succeed(const std::string& key, expr::Value output = expr::Value::MakeMap({})) {
    StepInstance& instance = At(key);
    if (!instance.leased()) Lease(key);
    scheduler_.Succeed(*run_, instance, std::move(output), 10);
  }
  void Fail(const std::string& key, v1::ErrorType type, const std::string& message = "boom",
            const std::string& code = "") {
    StepInstance& instance = At(key);
    if (!instance.leased()) Lease(key);
    v1::TaskFailure failure;
    failure.set_type(type);
    failure.set_message(message);
    failure.set_code(code);
    scheduler_.Fail(*run_, instance, failure);
  }
  // A decision on approval instance `key` by `subject`.
  absl::Status Decide(const std::string& key, bool approve, const std::string& subject,
                      const std::string& comment = "", const std::string& digest = "") {
    Scheduler::Decision decision;
    decision.approve = approve;
    decision.issuer = "test";
    decision.subject = subject;
    decision.comment = comment;
    decision.digest = digest;
    return scheduler_.Decide(*run_, At(key), decision);
  }
  // Fires the instance's timer (moving the clock to it).
  void FireTimer(const std::string& key) {
    StepInstance& instance = At(key);
    clock_.Set(std::max(clock_.Now(), instance.timer_at));
    scheduler_.TimerFired(*run_, instance);
  }
  void ExpireLease(const std::string& key) {
    StepInstance& instance = At(key);
    clock_.Set(std::max(clock_.Now(), instance.lease_deadline));
    scheduler_.LeaseExpired(*run_, instance);
  }

  // Instances queued (and still queued) since the last call, in order.
  std::vector<std::string> TakeQueued() {
    std::vector<std::string> out;
    for (const std::string& key : host_.queued) {
      if (run_->Find(key) != nullptr && run_->Find(key)->queued()) out.push_back(key);
    }
    host_.queued.clear();
    return out;
  }

  v1::RunStatus status() const { return run_->record().status(); }
  RunState& run() { return *run_; }
  Scheduler& scheduler() { return scheduler_; }
  FakeHost& host() { return host_; }
  ManualClock& clock() { return clock_; }

 private:
  ManualClock clock_;
  std::mt19937_64 random_{42};
  FakeHost host_;
  Scheduler scheduler_;
  std::unique_ptr<RunState> run_;
};

inline expr::Value Output(std::initializer_list<std::pair<const std::string, expr::Value>> fields) {
  return expr::Value::MakeMap(expr::Value::Map(fields));
}

}  // namespace fanfare::scheduler

#endif  // FANFARE_TESTS_ENGINE_SCHEDULER_SCHEDULER_HARNESS_H_
