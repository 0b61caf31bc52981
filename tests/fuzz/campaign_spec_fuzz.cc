// Fuzzes campaigns sent as protobuf, as ApplyCampaign receives them: any bytes, read as the
// binary wire format and as the JSON mapping, must load into diagnostics or a valid spec.
// A spec the loader accepts must pass CheckCampaign alone, convert to JSON, compile for the
// scheduler and play out: a run of it starts in memory (a Scheduler over a no-op host and a
// ManualClock) and is driven by a fake worker, approver and signaller whose choices follow
// from the input, until it ends or a budget of scheduler calls runs out. Whenever nothing is
// left to do, the run must be over: a run that waits for nothing and never ends is stuck.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "engine/definition/loader.h"
#include "engine/definition/params.h"
#include "engine/expr/value.h"
#include "engine/scheduler/compiled_campaign.h"
#include "engine/scheduler/run_state.h"
#include "engine/scheduler/scheduler.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace {

namespace definition = fanfare::definition;
namespace scheduler = fanfare::scheduler;
namespace v1 = fanfare::v1;
using fanfare::expr::Value;

// Scheduler calls per run, and the most instances a run may fan out to before the driver
// stops: enough to play out every example, small enough that each input takes milliseconds.
constexpr int kMaxCalls = 1500;
constexpr size_t kMaxInstances = 2000;

// Invariants are checked loudly: a violation aborts, which the fuzzer reports as a crash.
void Require(bool condition, absl::string_view what, const absl::Status& status = {}) {
  if (condition) return;
  std::cerr << "invariant broken: " << what << ": " << status << "\n";
  std::abort();
}

// The coordinator's side of the scheduler, reduced to handing out task ids.
class NoOpHost : public scheduler::SchedulerHost {
 public:
  void Enqueue(scheduler::RunState&, scheduler::StepInstance&) override {}
  void CancelAttempt(scheduler::RunState&, const scheduler::StepInstance&) override {}
  void Register(scheduler::RunState&, scheduler::StepInstance& instance) override {
    instance.task_id = next_id_++;
  }
  void Forget(const scheduler::StepInstance&) override {}
  void Ended(scheduler::RunState&, const scheduler::StepInstance&) override {}
  // The scheduler runs with no per-cycle limit here: nothing is ever deferred.
  void Deferred(scheduler::RunState&) override {}
  void Rearm(scheduler::RunState&, scheduler::StepInstance&) override {}

 private:
  uint64_t next_id_ = 1;
};

// A value of `type`, for required params that have no default.
google::protobuf::Value SampleParam(v1::ParamType type) {
  google::protobuf::Value value;
  switch (type) {
    case v1::PARAM_TYPE_INT: value.set_number_value(3); break;
    case v1::PARAM_TYPE_DOUBLE: value.set_number_value(1.5); break;
    case v1::PARAM_TYPE_BOOL: value.set_bool_value(true); break;
    case v1::PARAM_TYPE_LIST:
      value.mutable_list_value()->add_values()->set_string_value("facebook");
      value.mutable_list_value()->add_values()->set_string_value("x");
      break;
    case v1::PARAM_TYPE_MAP: (*value.mutable_struct_value()->mutable_fields())["k"]; break;
    case v1::PARAM_TYPE_DURATION: value.set_string_value("6h"); break;
    case v1::PARAM_TYPE_TIMESTAMP: value.set_string_value("2027-01-01T09:00:00Z"); break;
    default: value.set_string_value("fuzz"); break;
  }
  return value;
}

// An output shaped like the workers' (generated copy for every network, a post, an ad,
// insights), so that the templates and conditions of later steps find what they read.
Value SampleOutput(uint64_t n) {
  Value::Map variants;
  for (const char* network :
       {"facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "snapchat"}) {
    variants[network] = Value::MakeMap({{"text", Value::String("hi")},
                                        {"title", Value::String("Hi")},
                                        {"link", Value::String("https://acme.example/p")},
                                        {"media", Value::MakeList({})}});
  }
  return Value::MakeMap({{"variants", Value::MakeMap(std::move(variants))},
                         {"post_id", Value::String(absl::StrCat("post-", n))},
                         {"ad_id", Value::String(absl::StrCat("ad-", n))},
                         {"ad_set_id", Value::String(absl::StrCat("adset-", n))},
                         {"cpc", Value::Double(0.5 + static_cast<double>(n % 4))},
                         {"clicks", Value::Int(static_cast<int64_t>(n * 17 % 120))},
                         {"impressions", Value::Int(static_cast<int64_t>(n * 1000))},
                         {"daily_budget", Value::Double(40)},
                         {"spend", Value::Double(12.5)}});
}

// Plays one run of a compiled campaign with choices drawn from `random`.
class RunDriver {
 public:
  explicit RunDriver(uint64_t seed)
      : random_(seed),
        clock_(absl::FromUnixSeconds(1'800'000'000)),
        scheduler_(clock_, random_, host_) {}

  void Play(std::shared_ptr<const scheduler::CompiledCampaign> campaign,
            const google::protobuf::Struct& params) {
    v1::Run record;
    record.set_namespace_("default");
    record.set_run_id("fuzz-run");
    record.set_campaign(campaign->name());
    *record.mutable_params() = params;
    const Value params_value = definition::ParamsValue(campaign->spec(), params);
    scheduler::RunState run(record, campaign, params_value);
    scheduler_.Start(run);
    for (int calls = 0; calls < kMaxCalls && run.instances().size() <= kMaxInstances; ++calls) {
      (void)run.TakeChanges();  // what the coordinator would write
      if (run.terminal() && !RerunOnce(run)) return;
      if (!StepOnce(run)) {
        Require(run.terminal(), absl::StrCat("a run with nothing left to do is over; it is ",
                                             v1::RunStatus_Name(run.record().status()),
                                             " with ", Unfinished(run)));
        return;
      }
    }
  }

 private:
  uint64_t Draw(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(random_); }

  // A failed or cancelled run is rerun once, from its failures or from a top-level step.
  bool RerunOnce(scheduler::RunState& run) {
    const v1::RunStatus status = run.record().status();
    if (reruns_ > 0 || (status != v1::RUN_STATUS_FAILED && status != v1::RUN_STATUS_CANCELED)) {
      return false;
    }
    ++reruns_;
    const auto& steps = run.campaign().root().steps;
    const std::string from = Draw(2) == 0 || steps.empty() ? "" : steps[Draw(steps.size())].id;
    const absl::Status rerun = scheduler_.Rerun(run, from, "fuzz");
    Require(rerun.ok(), "a failed or cancelled run can be rerun", rerun);
    return true;
  }

  // Does one thing a worker, a person or time would do; false if there is nothing.
  bool StepOnce(scheduler::RunState& run) {
    std::vector<scheduler::StepInstance*> actionable;
    scheduler::StepInstance* next_due = nullptr;
    absl::Time next_due_at = absl::InfiniteFuture();
    for (const auto& owned : run.instances()) {
      scheduler::StepInstance& instance = *owned;
      if (instance.queued() || instance.leased() || AwaitsPerson(instance)) {
        actionable.push_back(&instance);
      }
      const absl::Time due = DueAt(instance);
      if (due < next_due_at) {
        next_due_at = due;
        next_due = &instance;
      }
    }
    if (Draw(300) == 0) {
      scheduler_.Cancel(run, "fuzz", "fuzz");
      return true;
    }
    if (!actionable.empty() && (next_due == nullptr || Draw(8) != 0)) {
      Act(run, *actionable[Draw(actionable.size())]);
      return true;
    }
    if (next_due == nullptr) return false;
    clock_.Set(std::max(clock_.Now(), next_due_at));
    if (next_due->leased() && !(next_due->timer_kind != scheduler::TimerKind::kNone &&
                                next_due->timer_at <= next_due_at)) {
      scheduler_.LeaseExpired(run, *next_due);
    } else {
      scheduler_.TimerFired(run, *next_due);
    }
    return true;
  }

  // The run's unfinished instances, for a report.
  static std::string Unfinished(const scheduler::RunState& run) {
    std::string out;
    for (const auto& instance : run.instances()) {
      if (instance->terminal()) continue;
      absl::StrAppend(&out, out.empty() ? "" : ", ", instance->key, " ",
                      v1::StepState_Name(instance->state));
      if (instance->timer_kind != scheduler::TimerKind::kNone) {
        absl::StrAppend(&out, " (timer at ", absl::FormatTime(instance->timer_at), ")");
      }
    }
    return out.empty() ? "no unfinished instance" : out;
  }

  static bool AwaitsPerson(const scheduler::StepInstance& instance) {
    return instance.state == v1::STEP_STATE_WAITING &&
           (instance.waiting.kind() == v1::WaitingReason::KIND_APPROVAL ||
            instance.waiting.kind() == v1::WaitingReason::KIND_SIGNAL);
  }

  // When time alone moves `instance` on: its timer, or its lease or attempt running out.
  static absl::Time DueAt(const scheduler::StepInstance& instance) {
    absl::Time due = absl::InfiniteFuture();
    if (instance.timer_kind != scheduler::TimerKind::kNone) due = instance.timer_at;
    if (instance.leased()) {
      due = std::min({due, instance.lease_deadline, instance.attempt_deadline});
    }
    return due;
  }

  void Act(scheduler::RunState& run, scheduler::StepInstance& instance) {
    if (AwaitsPerson(instance)) {
      Decide(run, instance);
    } else if (instance.queued()) {
      // What the engine may do instead of leasing: skip an execution over budget (never a
      // reconcile), or hold it for its account's rate limit.
      const uint64_t choice = Draw(40);
      switch (instance.purpose == v1::TASK_PURPOSE_RECONCILE && choice == 0 ? 2 : choice) {
        case 0: scheduler_.Skip(run, instance, "over budget"); break;
        case 1:
          scheduler_.Throttle(run, instance, clock_.Now() + absl::Seconds(Draw(3600)),
                              "rate limit");
          break;
        default: {
          v1::Task task;
          scheduler_.Lease(run, instance, "worker-1", task);
          break;
        }
      }
    } else {
      Report(run, instance);
    }
  }

  void Decide(scheduler::RunState& run, scheduler::StepInstance& instance) {
    const scheduler::StepDef& def = *instance.def;
    if (instance.waiting.kind() == v1::WaitingReason::KIND_SIGNAL) {
      (void)scheduler_.Signal(run, def.signal_name,
                              Value::MakeMap({{"ok", Value::Bool(Draw(2) == 0)}}), "fuzz");
      return;
    }
    const auto& approvers = def.proto->approval().approvers();
    const std::string identity =
        approvers.empty() || Draw(8) == 0 ? "fuzz@example.com" : approvers[Draw(approvers.size())];
    scheduler::Scheduler::Decision decision;
    decision.approve = Draw(4) != 0;
    decision.issuer = "fuzz";
    decision.subject = identity;
    decision.comment = "fuzz";
    if (Draw(4) == 0) decision.digest = instance.waiting.approval_digest();
    (void)scheduler_.Decide(run, instance, decision);
  }

  // The outcome of a leased attempt, mostly success.
  void Report(scheduler::RunState& run, scheduler::StepInstance& instance) {
    static constexpr v1::ErrorType kFailures[] = {
        v1::ERROR_TYPE_RETRYABLE,      v1::ERROR_TYPE_THROTTLED, v1::ERROR_TYPE_OUTCOME_UNKNOWN,
        v1::ERROR_TYPE_REJECTED_INPUT, v1::ERROR_TYPE_INTERNAL,  v1::ERROR_TYPE_AUTH_EXPIRED,
        v1::ERROR_TYPE_DUPLICATE};
    const uint64_t choice = Draw(20);
    if (choice < 15) {
      const size_t bytes = Draw(50) == 0 ? (1u << 20) : 200;  // sometimes over the output cap
      scheduler_.Succeed(run, instance, SampleOutput(++outputs_), bytes);
      return;
    }
    if (choice == 15) {
      scheduler_.ExtendLease(instance);
      return;
    }
    v1::TaskFailure failure;
    failure.set_type(kFailures[Draw(std::size(kFailures))]);
    failure.set_message("fuzz");
    if (Draw(2) == 0) failure.set_code("not_found");
    if (Draw(3) == 0) failure.set_custom_type("quota_exceeded");
    if (failure.type() == v1::ERROR_TYPE_THROTTLED) {
      failure.mutable_retry_after()->set_seconds(static_cast<int64_t>(Draw(86'400)));
    }
    scheduler_.Fail(run, instance, failure);
  }

  std::mt19937_64 random_;
  fanfare::ManualClock clock_;
  NoOpHost host_;
  scheduler::Scheduler scheduler_;
  int reruns_ = 0;
  uint64_t outputs_ = 0;
};

void LoadAndPlay(absl::string_view bytes, definition::SourceFormat format) {
  const definition::LoadResult result = [&] {
    google::protobuf::LogSilencer quiet;  // protobuf would log every invalid UTF-8 string
    return definition::ParseCampaign(bytes, format, "fuzz");
  }();
  for (const definition::Diagnostic& d : result.diagnostics) (void)d.ToString();
  Require(result.status.ok() == result.diagnostics.empty(), "status agrees with diagnostics",
          result.status);
  if (!result.status.ok()) return;

  // Accepted: the same spec passes the validator alone, as it does when sent over gRPC ...
  const definition::LoadResult checked = definition::CheckCampaign(result.spec, "fuzz");
  Require(checked.status.ok(), "CheckCampaign accepts what ParseCampaign accepted",
          checked.status);
  // ... reads back as JSON, as `fanfare get campaign --output json` shows it ...
  std::string json;
  const auto printed = google::protobuf::util::MessageToJsonString(result.spec, &json);
  Require(printed.ok(), "an accepted spec converts to JSON",
          absl::InvalidArgumentError(printed.ToString()));
  // ... compiles for the scheduler ...
  v1::Campaign campaign;
  *campaign.mutable_spec() = result.spec;
  campaign.set_version(1);
  const auto compiled = scheduler::CompiledCampaign::Compile(campaign);
  Require(compiled.ok(), "the scheduler compiles a validated spec", compiled.status());
  // ... and runs, given a value for every param it requires.
  google::protobuf::Struct given;
  for (const v1::ParamSpec& param : result.spec.params()) {
    if (!param.has_default_value()) {
      (*given.mutable_fields())[param.name()] = SampleParam(param.type());
    }
  }
  const auto params = definition::ResolveParams(result.spec, given);
  if (!params.ok()) return;
  RunDriver(std::hash<std::string_view>()(std::string_view(bytes.data(), bytes.size()))).Play(*compiled, *params);
}

}  // namespace

// The bytes as the binary wire format and as the JSON mapping.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  LoadAndPlay(bytes, definition::SourceFormat::kBinaryProto);
  LoadAndPlay(bytes, definition::SourceFormat::kJson);
  return 0;
}
