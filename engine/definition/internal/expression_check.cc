#include "engine/definition/internal/expression_check.h"

#include "engine/definition/limits.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/suggest.h"

namespace fanfare::definition::internal {
namespace {

const std::vector<std::string> kStepFields = {"output", "outputs", "output_list", "state"};

std::string Join(const std::vector<std::string>& path) { return absl::StrJoin(path, "."); }

std::vector<std::string> VisibleVariables(const ExpressionSite& site) {
  std::vector<std::string> names = {"params", "steps", "run", "campaign"};
  if (site.has_item) {
    names.push_back("item");
    names.push_back("index");
  }
  if (site.in_repeat) {
    names.push_back("iteration");
    names.push_back("previous");
  }
  return names;
}

}  // namespace

SourcePosition ExpressionChecker::PositionAt(const std::string& path, size_t offset) const {
  return diagnostics_.PositionIn(path, offset);
}

void ExpressionChecker::ReportParseError(const absl::Status& status, absl::string_view source,
                                         const std::string& path, const ExpressionSite& site) {
  const size_t offset = expr::ParseErrorOffset(status).value_or(0);
  diagnostics_.AddAt(PositionAt(path, offset), path, site.step_id,
                     absl::StrCat("in expression \"", source, "\": ", status.message()));
}

void ExpressionChecker::CheckCondition(absl::string_view source, const std::string& path,
                                       const ExpressionSite& site) {
  if (expr::Template::HasExpressions(source)) {
    CheckTemplate(source, path, site, /*require_single=*/true, "a condition");
    return;
  }
  absl::StatusOr<expr::Expression> expression = expr::Expression::Parse(source);
  if (!expression.ok()) {
    ReportParseError(expression.status(), source, path, site);
    return;
  }
  CheckReferences(expression->references(), path, site);
}

void ExpressionChecker::CheckTemplate(absl::string_view text, const std::string& path,
                                      const ExpressionSite& site, bool require_single,
                                      absl::string_view what) {
  absl::StatusOr<expr::Template> parsed = expr::Template::Parse(text);
  if (!parsed.ok()) {
    ReportParseError(parsed.status(), text, path, site);
    return;
  }
  if (require_single && !parsed->is_single_expression()) {
    diagnostics_.Add(path, site.step_id,
                     absl::StrCat(what, " must be a single expression such as "
                                  "\"{{ params.networks }}\", not \"", text, "\""));
    return;
  }
  CheckReferences(parsed->references(), path, site);
}

void ExpressionChecker::CheckValueTree(const google::protobuf::Value& value,
                                       const std::string& path, const ExpressionSite& site) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kStringValue:
      if (expr::Template::HasExpressions(value.string_value())) {
        CheckTemplate(value.string_value(), path, site);
      }
      break;
    case google::protobuf::Value::kListValue:
      for (int i = 0; i < value.list_value().values_size(); ++i) {
        CheckValueTree(value.list_value().values(i), absl::StrCat(path, "[", i, "]"), site);
      }
      break;
    case google::protobuf::Value::kStructValue:
      for (const auto& [key, field] : value.struct_value().fields()) {
        CheckValueTree(field, absl::StrCat(path, ".", key), site);
      }
      break;
    default:
      break;
  }
}

std::string ExpressionChecker::Suggest(absl::string_view name,
                                       const std::vector<std::string>& candidates) const {
  return diagnostics_.saturated() ? "" : DidYouMean(name, candidates);
}

void ExpressionChecker::CheckReferences(const std::vector<expr::Reference>& references,
                                        const std::string& path, const ExpressionSite& site) {
  for (const expr::Reference& reference : references) CheckReference(reference, path, site);
}

void ExpressionChecker::CheckReference(const expr::Reference& reference, const std::string& path,
                                       const ExpressionSite& site) {
  const std::vector<std::string>& p = reference.path;
  if (p.empty()) return;
  const std::string& root = p[0];
  const std::vector<std::string> visible = VisibleVariables(site);
  auto report = [&](std::string message) {
    diagnostics_.AddAt(PositionAt(path, reference.offset), path, site.step_id,
                       std::move(message));
  };
  if (std::find(visible.begin(), visible.end(), root) == visible.end()) {
    if (root == "item" || root == "index") {
      report(absl::StrCat("'", root, "' is only defined in a step with for_each"));
    } else if (root == "iteration" || root == "previous") {
      report(absl::StrCat("'", root, "' is only defined inside a repeat block"));
    } else {
      report(absl::StrCat("unknown variable '", Echo(root, 63), "'", Suggest(root, visible),
                          "; variables here are ", absl::StrJoin(visible, ", ")));
    }
    return;
  }
  if (root == "params" && p.size() > 1 && !params_.contains(p[1])) {
    std::vector<std::string> declared(params_.begin(), params_.end());
    std::sort(declared.begin(), declared.end());
    report(absl::StrCat("param '", Echo(p[1], 63), "' is not declared", Suggest(p[1], declared),
                        "; declare it under `params:`"));
  } else if (root == "steps") {
    CheckStepReference(reference, 1, path, site, /*previous=*/false);
  } else if (root == "previous") {
    if (p.size() > 1 && p[1] != "steps") {
      report(absl::StrCat("'previous' holds only 'steps' (the previous iteration's steps), not '",
                          p[1], "'"));
    } else {
      CheckStepReference(reference, 2, path, site, /*previous=*/true);
    }
  }
}

void ExpressionChecker::CheckStepReference(const expr::Reference& reference, size_t first,
                                           const std::string& path, const ExpressionSite& site,
                                           bool previous) {
  const std::vector<std::string>& p = reference.path;
  if (p.size() <= first) return;
  const std::string& id = p[first];
  auto report = [&](std::string message) {
    diagnostics_.AddAt(PositionAt(path, reference.offset), path, site.step_id,
                       std::move(message));
  };
  // Look in the expression's own scope, then (not for `previous`) in enclosing scopes.
  const StepScope* scope = site.scope;
  int index = scope->IndexOf(id);
  if (index >= 0) {
    // `previous.steps.<own id>` is the step's own output of the previous iteration.
    if (index == site.step_index && !previous) {
      report(absl::StrCat("step '", id, "' cannot read its own output"));
      return;
    }
    if (!previous && site.step_index >= 0 && !scope->IsUpstream(site.step_index, index)) {
      report(absl::StrCat("reads steps.", id, " but does not need '", id,
                          "' (directly or through its needs); add it to `needs` so that its "
                          "output exists when this runs"));
      return;
    }
    CheckStepField(reference, first + 1, scope->steps()[index], path, site);
    return;
  }
  if (!previous) {
    for (const StepScope* inner = scope; inner->parent() != nullptr; inner = inner->parent()) {
      const StepScope* outer = inner->parent();
      const int outer_index = outer->IndexOf(id);
      if (outer_index < 0) continue;
      if (!outer->IsUpstream(inner->owner(), outer_index)) {
        report(absl::StrCat("reads steps.", id, " but the repeat block '",
                            outer->steps()[inner->owner()].id(), "' does not need '", id,
                            "'; add it to the block's `needs`"));
        return;
      }
      CheckStepField(reference, first + 1, outer->steps()[outer_index], path, site);
      return;
    }
  }
  report(absl::StrCat("unknown step '", Echo(id, 63), "' in ", Echo(Join(p)),
                      diagnostics_.saturated() ? "" : DidYouMean(id, scope->Ids())));
}

void ExpressionChecker::CheckStepField(const expr::Reference& reference, size_t field_index,
                                       const v1::Step& target, const std::string& path,
                                       const ExpressionSite& site) {
  const std::vector<std::string>& p = reference.path;
  if (p.size() <= field_index) return;
  const std::string& field = p[field_index];
  auto report = [&](std::string message) {
    diagnostics_.AddAt(PositionAt(path, reference.offset), path, site.step_id,
                       std::move(message));
  };
  if (std::find(kStepFields.begin(), kStepFields.end(), field) == kStepFields.end()) {
    report(absl::StrCat("steps.", target.id(), " has no field '", field, "'",
                        DidYouMean(field, kStepFields), "; fields are ",
                        absl::StrJoin(kStepFields, ", ")));
    return;
  }
  const bool fans_out = target.has_for_each();
  if (fans_out && field == "output") {
    report(absl::StrCat("step '", target.id(), "' has for_each: read steps.", target.id(),
                        ".outputs[<item>] or steps.", target.id(), ".output_list"));
  } else if (!fans_out && (field == "outputs" || field == "output_list")) {
    report(absl::StrCat("step '", target.id(), "' has no for_each: read steps.", target.id(),
                        ".output"));
  }
}

}  // namespace fanfare::definition::internal
