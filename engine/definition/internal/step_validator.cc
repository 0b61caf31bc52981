#include "engine/definition/internal/step_validator.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/suggest.h"
#include "engine/definition/action_catalog.h"
#include "engine/definition/item_key.h"
#include "engine/definition/limits.h"
#include "engine/expr/expression.h"
#include "engine/expr/proto_value.h"

namespace fanfare::definition::internal {
namespace {

constexpr int kMaxAttempts = 100;
constexpr int kMaxIterations = 1'000'000;

// Step ids are read in expressions as `steps.<id>`, so they must be identifiers.
bool IsStepId(absl::string_view id) {
  if (id.empty() || id.size() > 63 || !(absl::ascii_isalpha(id[0]) || id[0] == '_')) {
    return false;
  }
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

const char* KindName(const v1::Step& step) {
  switch (step.kind_case()) {
    case v1::Step::kWait: return "wait";
    case v1::Step::kApproval: return "approval";
    case v1::Step::kSignal: return "signal";
    case v1::Step::kRepeat: return "repeat";
    default: return nullptr;
  }
}

}  // namespace

void StepValidator::ValidateScope(const StepScope& scope) {
  if (scope.steps().empty()) {
    diagnostics_.Add(scope.path(), "", "there are no steps; a campaign needs at least one");
    return;
  }
  CheckIds(scope);
  CheckNeeds(scope);
  CheckCycles(scope);
  for (int i = 0; i < scope.steps().size() && !diagnostics_.saturated(); ++i) CheckStep(scope, i);
}

void StepValidator::CheckIds(const StepScope& scope) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < scope.steps().size(); ++i) {
    const std::string& id = scope.steps()[i].id();
    const std::string path = absl::StrCat(scope.StepPath(i), ".id");
    if (id.empty()) {
      diagnostics_.Add(scope.StepPath(i), "", absl::StrCat("step #", i + 1, " has no `id`"));
    } else if (!IsStepId(id)) {
      diagnostics_.Add(path, id,
                       "a step id must start with a letter or '_' and hold only letters, digits "
                       "and '_' (it is read as steps.<id> in expressions), at most 63 characters");
    } else if (!seen.insert(id).second) {
      diagnostics_.Add(path, id, absl::StrCat("duplicate step id '", id, "'"));
    } else if (scope.ShadowsOuter(id)) {
      diagnostics_.Add(path, id, absl::StrCat("step id '", id, "' is already used outside this "
                                              "repeat block; pick another id"));
    }
  }
}

void StepValidator::CheckNeeds(const StepScope& scope) {
  for (int i = 0; i < scope.steps().size(); ++i) {
    const v1::Step& step = scope.steps()[i];
    absl::flat_hash_set<std::string> seen;
    for (int n = 0; n < step.needs_size(); ++n) {
      const std::string& need = step.needs(n);
      const std::string path = absl::StrCat(scope.StepPath(i), ".needs[", n, "]");
      if (need == step.id()) {
        diagnostics_.Add(path, step.id(), "a step cannot need itself");
      } else if (scope.IndexOf(need) < 0) {
        std::string where = scope.parent() != nullptr && scope.ShadowsOuter(need)
                                ? "; steps in a repeat block can only need steps of the same "
                                  "block (put outer steps in the block's own `needs`)"
                                : "";
        // A suggestion costs an edit distance per step: none once the report is full.
        std::string hint;
        if (!diagnostics_.saturated()) {
          std::vector<std::string> others = scope.Ids();
          others.erase(std::remove(others.begin(), others.end(), step.id()), others.end());
          hint = DidYouMean(need, others);
        }
        diagnostics_.Add(path, step.id(),
                         absl::StrCat("needs unknown step '", Echo(need, 63), "'", hint, where));
      } else if (!seen.insert(need).second) {
        diagnostics_.Add(path, step.id(),
                         absl::StrCat("'", Echo(need, 63), "' is listed twice in needs"));
      }
    }
  }
}

void StepValidator::CheckCycles(const StepScope& scope) {
  const int n = scope.steps().size();
  // Depth-first search with an explicit stack (a chain of needs is as deep as the campaign
  // is long); a back edge closes a cycle, printed from where it starts.
  constexpr int kMaxCyclesReported = 10;
  constexpr size_t kMaxIdsShown = 12;
  struct Frame {
    int step;
    int next_need = 0;
  };
  std::vector<int> state(n, 0);  // 0 new, 1 on the stack, 2 done
  std::vector<Frame> stack;
  int reported = 0;
  auto report = [&](int from, int to) {
    std::vector<std::string> cycle;
    auto start = std::find_if(stack.begin(), stack.end(), [&](const Frame& f) { return f.step == to; });
    const size_t length = static_cast<size_t>(stack.end() - start);
    for (auto it = start; it != stack.end(); ++it) {
      const size_t k = static_cast<size_t>(it - start);
      if (k == kMaxIdsShown / 2 && length > kMaxIdsShown) {
        cycle.push_back(absl::StrCat("… (", length - kMaxIdsShown, " more)"));
        it += length - kMaxIdsShown - 1;
        continue;
      }
      cycle.push_back(scope.steps()[it->step].id());
    }
    cycle.push_back(scope.steps()[to].id());
    diagnostics_.Add(absl::StrCat(scope.StepPath(from), ".needs"), scope.steps()[from].id(),
                     absl::StrCat("dependency cycle: ", absl::StrJoin(cycle, " → "),
                                  " (each step needs the next); remove one of these needs"));
    ++reported;
  };
  for (int root = 0; root < n; ++root) {
    if (state[root] != 0) continue;
    state[root] = 1;
    stack.push_back({root});
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const v1::Step& step = scope.steps()[frame.step];
      if (frame.next_need == step.needs_size()) {
        state[frame.step] = 2;
        stack.pop_back();
        continue;
      }
      const int dep = scope.IndexOf(step.needs(frame.next_need++));
      if (dep < 0 || dep == frame.step) continue;
      if (state[dep] == 1) {
        if (reported < kMaxCyclesReported) report(frame.step, dep);
      } else if (state[dep] == 0) {
        state[dep] = 1;
        stack.push_back({dep});  // invalidates `frame`
      }
    }
  }
}

void StepValidator::CheckStep(const StepScope& scope, int index) {
  const v1::Step& step = scope.steps()[index];
  const std::string path = scope.StepPath(index);
  ExpressionSite site;
  site.scope = &scope;
  site.step_index = index;
  site.step_id = step.id();
  site.in_repeat = scope.parent() != nullptr;
  site.has_item = step.has_for_each();

  CheckKind(step, path);
  CheckForEach(step, path, site);
  if (!step.action().empty()) CheckAction(step, path, site);
  if (!step.when().empty()) {
    expressions_.CheckCondition(step.when(), absl::StrCat(path, ".when"), site);
  }
  if (step.has_with()) {
    google::protobuf::Value with;
    *with.mutable_struct_value() = step.with();
    expressions_.CheckValueTree(with, absl::StrCat(path, ".with"), site);
    if (std::string problem = ValueProblem(with, "with"); !problem.empty()) {
      diagnostics_.Add(absl::StrCat(path, ".with"), step.id(), problem);
    }
  }
  CheckRetry(step, path);
  CheckTimeouts(step, path);
  CheckBuiltin(scope, index, site);
}

void StepValidator::CheckKind(const v1::Step& step, const std::string& path) {
  const char* kind = KindName(step);
  if (step.action().empty() && kind == nullptr) {
    diagnostics_.Add(path, step.id(),
                     "the step does nothing: give it an `action` (e.g. facebook.publish) or one "
                     "of the built-in kinds wait, approval, signal, repeat");
  } else if (!step.action().empty() && kind != nullptr) {
    diagnostics_.Add(absl::StrCat(path, ".", kind), step.id(),
                     absl::StrCat("a step is either an action or a built-in kind; this one has "
                                  "both `action` and `", kind, "`: split it into two steps"));
  }
  if (kind != nullptr && step.has_with()) {
    diagnostics_.Add(absl::StrCat(path, ".with"), step.id(),
                     absl::StrCat("`with` is the input of an action; a ", kind,
                                  " step takes its settings under `", kind, "`"));
  }
}

void StepValidator::CheckAction(const v1::Step& step, const std::string& path,
                                const ExpressionSite& site) {
  const std::string action_path = absl::StrCat(path, ".action");
  const std::string& action = step.action();
  const ActionCatalog& catalog = ActionCatalog::Default();
  if (expr::Template::HasExpressions(action)) {
    // "{{ item }}.publish": the queue is chosen per instance; the verb must be literal.
    expressions_.CheckTemplate(action, action_path, site);
    const size_t dot = action.rfind("}}.");
    const std::string verb = dot == std::string::npos ? "" : action.substr(dot + 3);
    if (!absl::StartsWith(action, "{{") || !IsLowerIdentifier(verb)) {
      diagnostics_.Add(action_path, step.id(),
                       absl::StrCat("a templated action must have the form "
                                    "\"{{ <expression> }}.<verb>\", e.g. \"{{ item }}.publish\"; "
                                    "got \"", action, "\""));
    }
    return;
  }
  for (absl::string_view kind : kBuiltinKinds) {
    if (action == kind) {
      diagnostics_.Add(action_path, step.id(),
                       absl::StrCat("'", kind, "' is a built-in kind, not an action: write `",
                                    kind, ":` with its settings instead of `action: ", kind, "`"));
      return;
    }
  }
  absl::StatusOr<ActionName> name = ParseActionName(action);
  if (!name.ok()) {
    diagnostics_.Add(action_path, step.id(), std::string(name.status().message()));
    return;
  }
  if (name->queue == "fanfare" || name->queue == "builtin") {
    std::vector<std::string> kinds(std::begin(kBuiltinKinds), std::end(kBuiltinKinds));
    diagnostics_.Add(action_path, step.id(),
                     absl::StrCat("unknown built-in kind '", name->verb, "'",
                                  DidYouMean(name->verb, kinds), "; built-in kinds are ",
                                  absl::StrJoin(kinds, ", "), ", written as their own key"));
    return;
  }
  if (!catalog.IsBuiltinQueue(name->queue)) {
    // A custom worker pool, unless it is a misspelt network.
    std::string near = ClosestMatch(name->queue, catalog.queues());
    if (!near.empty()) {
      diagnostics_.Add(action_path, step.id(),
                       absl::StrCat("unknown network '", name->queue, "' (did you mean '", near,
                                    "'?); custom worker pools must not look like a network"));
    }
    return;
  }
  if (catalog.Find(name->queue, name->verb) == nullptr) {
    std::vector<std::string> verbs = catalog.Verbs(name->queue);
    const absl::string_view gap = catalog.Gap(name->queue, name->verb);
    diagnostics_.Add(action_path, step.id(),
                     absl::StrCat(name->queue, " has no action '", name->verb, "'",
                                  gap.empty() ? DidYouMean(name->verb, verbs)
                                              : absl::StrCat(": ", gap),
                                  "; its actions are ", absl::StrJoin(verbs, ", ")));
  }
}

void StepValidator::CheckForEach(const v1::Step& step, const std::string& path,
                                 const ExpressionSite& site) {
  if (!step.has_for_each()) return;
  const std::string for_each_path = absl::StrCat(path, ".for_each");
  const v1::ForEach& for_each = step.for_each();
  if (for_each.has_items()) {
    if (for_each.items().values_size() == 0) {
      diagnostics_.Add(for_each_path, step.id(), "for_each has an empty list: nothing would run");
    }
    if (for_each.items().values_size() > kMaxForEachItems) {
      diagnostics_.Add(for_each_path, step.id(),
                       absl::StrCat("for_each lists ", for_each.items().values_size(),
                                    " items; at most ", kMaxForEachItems, " are allowed"));
      return;
    }
    google::protobuf::Value list;
    *list.mutable_list_value() = for_each.items();
    if (std::string problem = ValueProblem(list, "items"); !problem.empty()) {
      diagnostics_.Add(for_each_path, step.id(), absl::StrCat("for_each ", problem));
    }
    absl::flat_hash_set<std::string> keys;
    const expr::Value items = expr::FromProto(for_each.items());
    for (size_t i = 0; i < items.list().size(); ++i) {
      const std::string key = ItemKey(items.list()[i], i);
      if (!keys.insert(key).second) {
        diagnostics_.Add(absl::StrCat(for_each_path, ".items[", i, "]"), step.id(),
                         absl::StrCat("for_each item '", Echo(key, 63), "' appears twice; items name the "
                                      "instances and must be unique"));
      }
    }
    return;
  }
  const std::string& source = for_each.expression();
  const std::string expression_path = absl::StrCat(for_each_path, ".expression");
  if (!expr::Template::HasExpressions(source)) {
    diagnostics_.Add(expression_path, step.id(),
                     absl::StrCat("for_each must be a list ([facebook, x]) or an expression "
                                  "(\"{{ params.networks }}\"), not the plain string \"", source,
                                  "\""));
    return;
  }
  ExpressionSite outer = site;
  outer.has_item = false;  // `item` is what for_each produces, not what it may read.
  expressions_.CheckTemplate(source, expression_path, outer, /*require_single=*/true,
                             "for_each");
}

void StepValidator::CheckRetry(const v1::Step& step, const std::string& path) {
  if (!step.has_retry()) return;
  const v1::RetryPolicy& retry = step.retry();
  const std::string retry_path = absl::StrCat(path, ".retry");
  if (retry.max_attempts() < 0 || retry.max_attempts() > kMaxAttempts) {
    diagnostics_.Add(absl::StrCat(retry_path, ".max_attempts"), step.id(),
                     absl::StrCat("max_attempts must be between 1 and ", kMaxAttempts));
  }
  if (retry.backoff_multiplier() != 0 && retry.backoff_multiplier() < 1) {
    diagnostics_.Add(absl::StrCat(retry_path, ".backoff_multiplier"), step.id(),
                     "backoff_multiplier must be at least 1 (delays never shrink)");
  }
  if (retry.jitter() < 0 || retry.jitter() > 1) {
    diagnostics_.Add(absl::StrCat(retry_path, ".jitter"), step.id(),
                     "jitter is a fraction of each delay: between 0 and 1");
  }
  CheckDuration(retry.initial_backoff(), absl::StrCat(retry_path, ".initial_backoff"), step.id(),
                "retry.initial_backoff", /*positive=*/false);
  CheckDuration(retry.max_backoff(), absl::StrCat(retry_path, ".max_backoff"), step.id(),
                "retry.max_backoff", /*positive=*/false);
  if (retry.has_initial_backoff() && retry.has_max_backoff() &&
      retry.initial_backoff().seconds() > retry.max_backoff().seconds()) {
    diagnostics_.Add(absl::StrCat(retry_path, ".max_backoff"), step.id(),
                     "max_backoff is shorter than initial_backoff");
  }
}

void StepValidator::CheckDuration(const google::protobuf::Duration& d, const std::string& path,
                                  const std::string& step_id, absl::string_view what,
                                  bool positive) {
  const std::string problem = positive ? PositiveDurationProblem(d) : DurationProblem(d);
  if (!problem.empty()) diagnostics_.Add(path, step_id, absl::StrCat(what, " ", problem));
}

void StepValidator::CheckApprovers(const v1::Step& step, const std::string& path) {
  const v1::ApprovalSpec& approval = step.approval();
  const std::string field = absl::StrCat(path, ".approval.min_approvers");
  const int required = approval.min_approvers();
  if (required < 0 || required > kMaxApprovers) {
    diagnostics_.Add(field, step.id(),
                     absl::StrCat("min_approvers must be between 1 and ", kMaxApprovers,
                                  " (0 or unset means 1), got ", required));
    return;
  }
  const int named = approval.approvers_size();
  if (named > 0 && required > named) {
    diagnostics_.Add(field, step.id(),
                     absl::StrCat("min_approvers is ", required, " but only ", named,
                                  " approvers are listed"));
  }
}

void StepValidator::CheckTimeouts(const v1::Step& step, const std::string& path) {
  if (!step.has_timeouts()) return;
  const v1::Timeouts& t = step.timeouts();
  const std::string base = absl::StrCat(path, ".timeouts.");
  if (t.has_schedule_to_start()) {
    CheckDuration(t.schedule_to_start(), base + "schedule_to_start", step.id(),
                  "schedule_to_start", /*positive=*/true);
  }
  if (t.has_start_to_close()) {
    CheckDuration(t.start_to_close(), base + "start_to_close", step.id(), "start_to_close",
                  /*positive=*/true);
  }
  if (t.has_heartbeat()) {
    CheckDuration(t.heartbeat(), base + "heartbeat", step.id(), "heartbeat", /*positive=*/true);
  }
}

void StepValidator::CheckBuiltin(const StepScope& scope, int index, const ExpressionSite& site) {
  const v1::Step& step = scope.steps()[index];
  const std::string path = scope.StepPath(index);
  switch (step.kind_case()) {
    case v1::Step::kWait:
      if (!step.wait().until().empty() && !expr::Template::HasExpressions(step.wait().until())) {
        // A literal time.
        absl::Time time;
        std::string error;
        if (!absl::ParseTime(absl::RFC3339_full, step.wait().until(), &time, &error)) {
          diagnostics_.Add(absl::StrCat(path, ".wait.until"), step.id(),
                           absl::StrCat("wait.until must be an RFC 3339 time such as "
                                        "2026-12-01T09:00:00Z or an expression such as "
                                        "\"{{ params.launch_at }}\", not \"",
                                        Echo(step.wait().until()), "\""));
        } else if (std::string problem = TimeProblem(time); !problem.empty()) {
          diagnostics_.Add(absl::StrCat(path, ".wait.until"), step.id(),
                           absl::StrCat("wait.until ", problem));
        }
      } else if (!step.wait().until().empty()) {
        expressions_.CheckTemplate(step.wait().until(), absl::StrCat(path, ".wait.until"), site,
                                   /*require_single=*/true, "wait.until");
      } else if (!step.wait().has_duration()) {
        diagnostics_.Add(absl::StrCat(path, ".wait"), step.id(),
                         "wait needs a duration (wait: 6h) or a time (wait: {until: ...})");
      } else {
        CheckDuration(step.wait().duration(), absl::StrCat(path, ".wait.duration"), step.id(),
                      "wait", /*positive=*/false);
      }
      break;
    case v1::Step::kApproval:
      if (!step.approval().message().empty()) {
        expressions_.CheckTemplate(step.approval().message(),
                                   absl::StrCat(path, ".approval.message"), site);
      }
      if (step.approval().has_timeout()) {
        CheckDuration(step.approval().timeout(), absl::StrCat(path, ".approval.timeout"),
                      step.id(), "approval.timeout", /*positive=*/true);
      }
      CheckApprovers(step, path);
      break;
    case v1::Step::kSignal:
      if (!IsLowerIdentifier(step.signal().name())) {
        diagnostics_.Add(absl::StrCat(path, ".signal.name"), step.id(),
                         "a signal needs a name in lowercase letters, digits and '_', e.g. "
                         "signal: go_live");
      }
      if (step.signal().has_timeout()) {
        CheckDuration(step.signal().timeout(), absl::StrCat(path, ".signal.timeout"), step.id(),
                      "signal.timeout", /*positive=*/true);
      }
      break;
    case v1::Step::kRepeat:
      CheckRepeat(scope, index, site);
      break;
    default:
      break;
  }
}

void StepValidator::CheckRepeat(const StepScope& scope, int index, const ExpressionSite& site) {
  const v1::Step& step = scope.steps()[index];
  const v1::RepeatSpec& repeat = step.repeat();
  const std::string path = absl::StrCat(scope.StepPath(index), ".repeat");
  if (scope.parent() != nullptr) {
    diagnostics_.Add(path, step.id(), "repeat blocks cannot be nested");
    return;
  }
  if (step.has_for_each()) {
    diagnostics_.Add(path, step.id(), "a repeat block cannot have for_each");
  }
  if (repeat.until().empty() && repeat.max_iterations() <= 0) {
    diagnostics_.Add(path, step.id(),
                     "a repeat block needs `until` or `max_iterations` (or both) so that it ends");
  }
  CheckDuration(repeat.every(), absl::StrCat(path, ".every"), step.id(), "repeat.every",
                /*positive=*/false);
  if (repeat.max_iterations() < 0 || repeat.max_iterations() > kMaxIterations) {
    diagnostics_.Add(absl::StrCat(path, ".max_iterations"), step.id(),
                     absl::StrCat("max_iterations must be between 1 and ", kMaxIterations));
  }
  StepScope block(repeat.steps(), absl::StrCat(path, ".steps"), &scope, index);
  if (!repeat.until().empty()) {
    ExpressionSite until_site;
    until_site.scope = &block;
    until_site.step_id = step.id();
    until_site.in_repeat = true;
    expressions_.CheckCondition(repeat.until(), absl::StrCat(path, ".until"), until_site);
  }
  ValidateScope(block);
}

}  // namespace fanfare::definition::internal
