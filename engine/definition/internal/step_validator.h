// Validation of a scope of steps. Private to engine/definition.
#ifndef FANFARE_ENGINE_DEFINITION_INTERNAL_STEP_VALIDATOR_H_
#define FANFARE_ENGINE_DEFINITION_INTERNAL_STEP_VALIDATOR_H_

#include <string>

#include "engine/definition/diagnostics.h"
#include "engine/definition/internal/expression_check.h"
#include "engine/definition/internal/step_scope.h"

namespace fanfare::definition::internal {

// Validates each step of `scope` (recursing into repeat blocks) and the scope's graph.
class StepValidator {
 public:
  // Both must outlive the validator.
  StepValidator(ExpressionChecker* expressions, Diagnostics* diagnostics)
      : expressions_(*expressions), diagnostics_(*diagnostics) {}

  void ValidateScope(const StepScope& scope);

 private:
  void CheckIds(const StepScope& scope);
  void CheckNeeds(const StepScope& scope);
  void CheckCycles(const StepScope& scope);
  void CheckStep(const StepScope& scope, int index);
  void CheckKind(const v1::Step& step, const std::string& path);
  void CheckAction(const v1::Step& step, const std::string& path, const ExpressionSite& site);
  void CheckForEach(const v1::Step& step, const std::string& path, const ExpressionSite& site);
  void CheckRetry(const v1::Step& step, const std::string& path);
  void CheckTimeouts(const v1::Step& step, const std::string& path);
  void CheckBuiltin(const StepScope& scope, int index, const ExpressionSite& site);
  void CheckRepeat(const StepScope& scope, int index, const ExpressionSite& site);
  // min_approvers within 0..kMaxApprovers and no more than the approvers listed, if any.
  void CheckApprovers(const v1::Step& step, const std::string& path);
  // Reports `d` if it is out of range (see limits.h); zero too if `positive`.
  void CheckDuration(const google::protobuf::Duration& d, const std::string& path,
                     const std::string& step_id, absl::string_view what, bool positive);

  ExpressionChecker& expressions_;
  Diagnostics& diagnostics_;
};

}  // namespace fanfare::definition::internal

#endif  // FANFARE_ENGINE_DEFINITION_INTERNAL_STEP_VALIDATOR_H_
