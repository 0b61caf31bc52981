// What the step validator knows about one scope of steps (the campaign, or a repeat block).
// Private to engine/definition.
#ifndef FANFARE_ENGINE_DEFINITION_INTERNAL_STEP_SCOPE_H_
#define FANFARE_ENGINE_DEFINITION_INTERNAL_STEP_SCOPE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "fanfare/v1/campaign.pb.h"

namespace fanfare::definition::internal {

// The steps of one scope with their dependency closure. Built once per scope, in time
// O(n + e·n/64) and space n²/8 bytes for n steps and e needs (kMaxSteps bounds n).
class StepScope {
 public:
  // `steps` must outlive the scope. `parent` is the enclosing scope (null at the top) and
  // `owner` the index of the repeat step in it that owns this block.
  StepScope(const google::protobuf::RepeatedPtrField<v1::Step>& steps, std::string path,
            const StepScope* parent, int owner);

  const google::protobuf::RepeatedPtrField<v1::Step>& steps() const { return steps_; }
  // The field path of the scope's step list, e.g. "steps" or "steps[4].repeat.steps".
  const std::string& path() const { return path_; }
  std::string StepPath(int index) const;
  const StepScope* parent() const { return parent_; }
  int owner() const { return owner_; }

  // Index of the step with `id` (the first one, if duplicated), or -1.
  int IndexOf(const std::string& id) const;
  std::vector<std::string> Ids() const;

  // True if step `from` needs `to`, directly or transitively. REQUIRES: the graph was
  // checked acyclic, or the answer is merely conservative.
  bool IsUpstream(int from, int to) const;
  // True if `id` names a step of an enclosing scope.
  bool ShadowsOuter(const std::string& id) const;

 private:
  void ComputeUpstream();

  const google::protobuf::RepeatedPtrField<v1::Step>& steps_;
  std::string path_;
  const StepScope* parent_;
  int owner_;
  absl::flat_hash_map<std::string, int> index_;
  // Bit j of row i: step i needs step j, directly or transitively. Rows of words_ words.
  std::vector<uint64_t> upstream_;
  size_t words_ = 0;
};

}  // namespace fanfare::definition::internal

#endif  // FANFARE_ENGINE_DEFINITION_INTERNAL_STEP_SCOPE_H_
