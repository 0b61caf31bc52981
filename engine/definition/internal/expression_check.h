// Checks one expression or template of a campaign: that it parses, and that every variable
// it reads exists where it is evaluated. Private to engine/definition.
#ifndef FANFARE_ENGINE_DEFINITION_INTERNAL_EXPRESSION_CHECK_H_
#define FANFARE_ENGINE_DEFINITION_INTERNAL_EXPRESSION_CHECK_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "engine/definition/diagnostics.h"
#include "engine/definition/internal/step_scope.h"
#include "engine/expr/expression.h"

namespace fanfare::definition::internal {

// Where an expression is evaluated, which decides what it may read.
struct ExpressionSite {
  const StepScope* scope = nullptr;
  // The step the expression belongs to, or -1 for a repeat block's `until` (which sees every
  // step of its block) and for campaign-level expressions.
  int step_index = -1;
  // The step's id, for messages.
  std::string step_id;
  // `item` and `index` are bound (inside a for_each step, except in for_each itself).
  bool has_item = false;
  // `iteration` and `previous` are bound (inside a repeat block and its `until`).
  bool in_repeat = false;
};

// Checks expressions against the campaign's params and steps, reporting into diagnostics.
class ExpressionChecker {
 public:
  // Both must outlive the checker.
  ExpressionChecker(const absl::flat_hash_set<std::string>* params, Diagnostics* diagnostics)
      : params_(*params), diagnostics_(*diagnostics) {}

  // A bare condition such as `steps.measure.output.cpc > 2`, or one `{{ … }}` template.
  void CheckCondition(absl::string_view source, const std::string& path,
                      const ExpressionSite& site);
  // A string that may embed `{{ … }}` parts. If `require_single`, it must be exactly one
  // `{{ … }}` (as for_each and wait.until are); `what` names it for the message.
  void CheckTemplate(absl::string_view text, const std::string& path, const ExpressionSite& site,
                     bool require_single = false, absl::string_view what = "");
  // Every string inside a value tree (a step's `with`).
  void CheckValueTree(const google::protobuf::Value& value, const std::string& path,
                      const ExpressionSite& site);

 private:
  // " (did you mean 'x'?)", or "" once the report is full: a suggestion costs an edit
  // distance per candidate, and a problem past the report's end is only counted.
  std::string Suggest(absl::string_view name, const std::vector<std::string>& candidates) const;
  void ReportParseError(const absl::Status& status, absl::string_view source,
                        const std::string& path, const ExpressionSite& site);
  void CheckReferences(const std::vector<expr::Reference>& references, const std::string& path,
                       const ExpressionSite& site);
  void CheckReference(const expr::Reference& reference, const std::string& path,
                      const ExpressionSite& site);
  void CheckStepReference(const expr::Reference& reference, size_t first, const std::string& path,
                          const ExpressionSite& site, bool previous);
  void CheckStepField(const expr::Reference& reference, size_t field_index,
                      const v1::Step& target, const std::string& path,
                      const ExpressionSite& site);
  SourcePosition PositionAt(const std::string& path, size_t offset) const;

  const absl::flat_hash_set<std::string>& params_;
  Diagnostics& diagnostics_;
};

}  // namespace fanfare::definition::internal

#endif  // FANFARE_ENGINE_DEFINITION_INTERNAL_EXPRESSION_CHECK_H_
