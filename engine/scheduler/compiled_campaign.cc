#include "engine/scheduler/compiled_campaign.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/definition/action_catalog.h"
#include "engine/definition/loader.h"
#include "engine/expr/proto_value.h"

namespace fanfare::scheduler {
namespace {

absl::Duration ToDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

// `when` may be a bare expression or one `{{ … }}`.
absl::StatusOr<expr::Expression> ParseCondition(const std::string& source) {
  if (!expr::Template::HasExpressions(source)) return expr::Expression::Parse(source);
  const size_t open = source.find("{{");
  const size_t close = source.rfind("}}");
  return expr::Expression::Parse(absl::string_view(source).substr(open + 2, close - open - 2));
}

RetrySettings CompileRetry(const v1::Step& step) {
  RetrySettings retry;
  if (!step.has_retry()) return retry;
  const v1::RetryPolicy& p = step.retry();
  if (p.max_attempts() > 0) retry.max_attempts = p.max_attempts();
  if (p.has_initial_backoff()) retry.initial_backoff = ToDuration(p.initial_backoff());
  if (p.has_max_backoff()) retry.max_backoff = ToDuration(p.max_backoff());
  if (p.backoff_multiplier() >= 1) retry.multiplier = p.backoff_multiplier();
  if (p.jitter() > 0) retry.jitter = p.jitter();
  retry.non_retryable.assign(p.non_retryable_errors().begin(), p.non_retryable_errors().end());
  return retry;
}

TimeoutSettings CompileTimeouts(const v1::Step& step) {
  TimeoutSettings t;
  if (!step.has_timeouts()) return t;
  if (step.timeouts().has_schedule_to_start()) {
    t.schedule_to_start = ToDuration(step.timeouts().schedule_to_start());
  }
  if (step.timeouts().has_start_to_close()) {
    t.start_to_close = ToDuration(step.timeouts().start_to_close());
  }
  if (step.timeouts().has_heartbeat()) t.heartbeat = ToDuration(step.timeouts().heartbeat());
  return t;
}

// The approval steps `def` depends on in `scope`, directly or not, in index order.
std::vector<int> UpstreamApprovals(const Scope& scope, const StepDef& def) {
  std::vector<bool> seen(scope.steps.size(), false);
  std::vector<int> frontier = def.needs;
  std::vector<int> approvals;
  while (!frontier.empty()) {
    const int index = frontier.back();
    frontier.pop_back();
    if (seen[index]) continue;
    seen[index] = true;
    const StepDef& need = scope.steps[index];
    if (need.kind == StepDef::Kind::kApproval) approvals.push_back(index);
    frontier.insert(frontier.end(), need.needs.begin(), need.needs.end());
  }
  std::sort(approvals.begin(), approvals.end());
  return approvals;
}

absl::Status CompileScope(const google::protobuf::RepeatedPtrField<v1::Step>& steps,
                          std::string key_prefix, int owner, Scope& scope);

absl::Status CompileAction(const v1::Step& step, StepDef& def) {
  const std::string& action = step.action();
  if (expr::Template::HasExpressions(action)) {
    const size_t dot = action.rfind("}}.");
    ASSIGN_OR_RETURN(def.queue_template, expr::Template::Parse(action.substr(0, dot + 2)));
    def.verb = action.substr(dot + 3);
  } else {
    ASSIGN_OR_RETURN(definition::ActionName name, definition::ParseActionName(action));
    def.queue = name.queue;
    def.verb = name.verb;
  }
  if (step.has_idempotent()) def.idempotent_override = step.idempotent();
  if (step.has_with()) {
    google::protobuf::Value with;
    *with.mutable_struct_value() = step.with();
    ASSIGN_OR_RETURN(def.with, CompiledValue::Compile(with));
  }
  return absl::OkStatus();
}

absl::Status CompileBuiltin(const v1::Step& step, StepDef& def) {
  switch (step.kind_case()) {
    case v1::Step::kWait:
      def.kind = StepDef::Kind::kWait;
      if (!step.wait().until().empty()) {
        ASSIGN_OR_RETURN(def.wait_until, expr::Template::Parse(step.wait().until()));
      } else {
        def.wait_duration = ToDuration(step.wait().duration());
      }
      break;
    case v1::Step::kApproval:
      def.kind = StepDef::Kind::kApproval;
      if (!step.approval().message().empty()) {
        ASSIGN_OR_RETURN(def.approval_message, expr::Template::Parse(step.approval().message()));
      }
      if (step.approval().has_timeout()) def.decision_timeout = ToDuration(step.approval().timeout());
      def.skip_on_timeout = step.approval().on_timeout() == v1::APPROVAL_TIMEOUT_OUTCOME_SKIP;
      break;
    case v1::Step::kSignal:
      def.kind = StepDef::Kind::kSignal;
      def.signal_name = step.signal().name();
      if (step.signal().has_timeout()) def.decision_timeout = ToDuration(step.signal().timeout());
      break;
    case v1::Step::kRepeat: {
      def.kind = StepDef::Kind::kRepeat;
      const v1::RepeatSpec& r = step.repeat();
      def.every = ToDuration(r.every());
      def.max_iterations = r.max_iterations();
      if (!r.until().empty()) {
        ASSIGN_OR_RETURN(def.until, ParseCondition(r.until()));
      }
      def.body = std::make_unique<Scope>();
      RETURN_IF_ERROR(CompileScope(r.steps(), absl::StrCat(step.id(), "/"), def.index, *def.body));
      break;
    }
    default:
      break;
  }
  return absl::OkStatus();
}

// Fills def.reads from the references of every expression the step has.
void CollectReads(StepDef& def) {
  std::vector<expr::Reference> references;
  auto add = [&](const std::vector<expr::Reference>& more) {
    references.insert(references.end(), more.begin(), more.end());
  };
  if (def.when) add(def.when->references());
  if (def.until) add(def.until->references());
  if (def.items_template) add(def.items_template->references());
  if (def.queue_template) add(def.queue_template->references());
  if (def.wait_until) add(def.wait_until->references());
  if (def.approval_message) add(def.approval_message->references());
  if (def.with) def.with->AppendReferences(&references);
  for (const expr::Reference& reference : references) {
    const std::vector<std::string>& path = reference.path;
    if (path.empty()) continue;
    size_t id_at = 1;
    if (path[0] == "previous") {
      def.reads_previous = true;
      id_at = 2;
      if (path.size() < 2 || path[1] != "steps") def.reads_all = true;
    } else if (path[0] != "steps") {
      continue;
    }
    if (path.size() <= id_at) {
      def.reads_all = true;
    } else if (std::find(def.reads.begin(), def.reads.end(), path[id_at]) == def.reads.end()) {
      def.reads.push_back(path[id_at]);
    }
  }
}

absl::Status CompileStep(const v1::Step& step, int index, StepDef& def) {
  def.index = index;
  def.id = step.id();
  def.proto = &step;
  def.retry = CompileRetry(step);
  def.timeouts = CompileTimeouts(step);
  def.continue_on_failure = step.continue_on_failure();
  if (!step.when().empty()) {
    ASSIGN_OR_RETURN(def.when, ParseCondition(step.when()));
  }
  if (step.has_for_each()) {
    def.fans_out = true;
    if (step.for_each().has_items()) {
      for (const auto& item : step.for_each().items().values()) {
        def.literal_items.push_back(expr::FromProto(item));
      }
    } else {
      ASSIGN_OR_RETURN(def.items_template, expr::Template::Parse(step.for_each().expression()));
    }
  }
  RETURN_IF_ERROR(step.action().empty() ? CompileBuiltin(step, def) : CompileAction(step, def));
  CollectReads(def);
  return absl::OkStatus();
}

absl::Status CompileScope(const google::protobuf::RepeatedPtrField<v1::Step>& steps,
                          std::string key_prefix, int owner, Scope& scope) {
  scope.key_prefix = std::move(key_prefix);
  scope.owner = owner;
  scope.steps.resize(steps.size());
  for (int i = 0; i < steps.size(); ++i) {
    RETURN_IF_ERROR(CompileStep(steps[i], i, scope.steps[i]));
    scope.by_id.emplace(steps[i].id(), i);
  }
  for (StepDef& def : scope.steps) {
    for (const std::string& need : def.proto->needs()) {
      const int dep = scope.by_id.at(need);
      def.needs.push_back(dep);
      scope.steps[dep].dependents.push_back(def.index);
    }
    if (def.needs.empty()) scope.roots.push_back(def.index);
  }
  for (StepDef& def : scope.steps) def.upstream_approvals = UpstreamApprovals(scope, def);
  return absl::OkStatus();
}

}  // namespace

bool StepDef::IsIdempotent(absl::string_view resolved_queue) const {
  if (idempotent_override.has_value()) return *idempotent_override;
  return definition::ActionCatalog::Default().IsIdempotent(resolved_queue, verb);
}

const StepDef* Scope::Find(absl::string_view id) const {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &steps[it->second];
}

absl::StatusOr<std::shared_ptr<const CompiledCampaign>> CompiledCampaign::Compile(
    v1::Campaign campaign) {
  definition::LoadResult checked = definition::CheckCampaign(
      campaign.spec(), absl::StrCat("campaign '", campaign.spec().metadata().name(), "'"));
  RETURN_IF_ERROR(checked.status);
  return CompileChecked(std::move(campaign));
}

absl::StatusOr<std::shared_ptr<const CompiledCampaign>> CompiledCampaign::CompileChecked(
    v1::Campaign campaign) {
  std::shared_ptr<CompiledCampaign> compiled(new CompiledCampaign());
  compiled->campaign_ = std::move(campaign);
  RETURN_IF_ERROR(CompileScope(compiled->campaign_.spec().steps(), "", -1, compiled->root_));
  return std::shared_ptr<const CompiledCampaign>(std::move(compiled));
}

std::string CompiledCampaign::DefaultAccount(absl::string_view queue) const {
  auto it = spec().accounts().find(std::string(queue));
  if (it == spec().accounts().end() || it->second.names().empty()) return "";
  return it->second.names(0);
}

}  // namespace fanfare::scheduler
