// CompiledCampaign: a validated campaign version, prepared for execution.
//
// Compiling resolves each step's needs to indices, computes dependents, parses every
// condition and template once, and fills in the documented defaults, so that the scheduler's
// hot path only evaluates. A CompiledCampaign is immutable and shared by every run pinned to
// its version; it is safe for concurrent use.
#ifndef FANFARE_ENGINE_SCHEDULER_COMPILED_CAMPAIGN_H_
#define FANFARE_ENGINE_SCHEDULER_COMPILED_CAMPAIGN_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/expr/expression.h"
#include "engine/scheduler/compiled_value.h"
#include "fanfare/v1/coordinator.pb.h"

namespace fanfare::scheduler {

// Retry settings with defaults applied.
struct RetrySettings {
  int max_attempts = 3;
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  double multiplier = 2.0;
  double jitter = 0.2;
  // Lowercase error type names and custom types that are never retried.
  std::vector<std::string> non_retryable;
};

// Timeouts with defaults applied; InfiniteDuration where there is none.
struct TimeoutSettings {
  absl::Duration schedule_to_start = absl::InfiniteDuration();
  absl::Duration start_to_close = absl::Minutes(10);
  absl::Duration heartbeat = absl::InfiniteDuration();
};

struct Scope;

// One step of a scope, compiled.
struct StepDef {
  enum class Kind { kAction, kWait, kApproval, kSignal, kRepeat };

  int index = 0;
  std::string id;
  Kind kind = Kind::kAction;
  const v1::Step* proto = nullptr;

  // Action steps. `queue` is empty when the queue is chosen per instance by
  // `queue_template` ("{{ item }}.publish").
  std::string queue;
  std::string verb;
  std::optional<expr::Template> queue_template;
  // The step's `idempotent`, if it sets one.
  std::optional<bool> idempotent_override;
  std::optional<CompiledValue> with;

  std::optional<expr::Expression> when;
  bool fans_out = false;
  std::vector<expr::Value> literal_items;
  std::optional<expr::Template> items_template;

  RetrySettings retry;
  TimeoutSettings timeouts;
  bool continue_on_failure = false;

  std::vector<int> needs;
  std::vector<int> dependents;
  // The approval steps of its scope this step depends on, directly or not: what the step
  // uses must still be what they approved (approvals.cc).
  std::vector<int> upstream_approvals;

  // The steps this step's expressions read, as `steps.<id>` or `previous.steps.<id>`, so
  // that preparing an instance builds the views of those steps only (the work stays in
  // proportion to what the step reads, not to the size of the campaign). `reads_all` when an
  // expression reads `steps` as a whole or by a computed key; `reads_previous` when one
  // reads `previous`.
  std::vector<std::string> reads;
  bool reads_all = false;
  bool reads_previous = false;

  // Built-in kinds.
  absl::Duration wait_duration = absl::ZeroDuration();
  std::optional<expr::Template> wait_until;
  std::optional<expr::Template> approval_message;
  absl::Duration decision_timeout = absl::InfiniteDuration();  // approval and signal
  bool skip_on_timeout = false;                                // approval
  std::string signal_name;
  // Repeat blocks.
  std::unique_ptr<Scope> body;
  absl::Duration every = absl::ZeroDuration();
  std::optional<expr::Expression> until;
  int max_iterations = 0;

  // Whether a lost attempt on `resolved_queue` may be retried blindly (false makes it
  // UNKNOWN, settled by reconcile): the step's own setting, else the action catalog's.
  bool IsIdempotent(absl::string_view resolved_queue) const;
};

// The steps of the campaign or of one repeat block.
struct Scope {
  std::vector<StepDef> steps;
  absl::flat_hash_map<std::string, int> by_id;
  // "" at the top; "<repeat id>/" inside a repeat block.
  std::string key_prefix;
  // The repeat step owning this block in the parent scope; -1 at the top.
  int owner = -1;
  // Steps with no needs, which start the scope.
  std::vector<int> roots;

  const StepDef* Find(absl::string_view id) const;
};

class CompiledCampaign {
 public:
  // Validates and compiles. InvalidArgument listing every problem if the spec is invalid.
  static absl::StatusOr<std::shared_ptr<const CompiledCampaign>> Compile(v1::Campaign campaign);
  // As Compile, for a spec that has just passed definition::CheckCampaign: it is not
  // validated again.
  static absl::StatusOr<std::shared_ptr<const CompiledCampaign>> CompileChecked(
      v1::Campaign campaign);

  const v1::Campaign& campaign() const { return campaign_; }
  const v1::CampaignSpec& spec() const { return campaign_.spec(); }
  const std::string& name() const { return campaign_.spec().metadata().name(); }
  int64_t version() const { return campaign_.version(); }
  const Scope& root() const { return root_; }

  // The account a step on `queue` acts through when its input names none: the campaign's
  // first account for that network, or "".
  std::string DefaultAccount(absl::string_view queue) const;

 private:
  CompiledCampaign() = default;
  v1::Campaign campaign_;
  Scope root_;
};

}  // namespace fanfare::scheduler

#endif  // FANFARE_ENGINE_SCHEDULER_COMPILED_CAMPAIGN_H_
