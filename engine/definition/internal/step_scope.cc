#include "engine/definition/internal/step_scope.h"

#include "absl/strings/str_cat.h"

namespace fanfare::definition::internal {

StepScope::StepScope(const google::protobuf::RepeatedPtrField<v1::Step>& steps, std::string path,
                     const StepScope* parent, int owner)
    : steps_(steps), path_(std::move(path)), parent_(parent), owner_(owner) {
  for (int i = 0; i < steps.size(); ++i) index_.try_emplace(steps[i].id(), i);
  upstream_.resize(steps.size());
  // 0 = not visited, 1 = in progress (a cycle: left to the cycle check), 2 = done.
  std::vector<int> state(steps.size(), 0);
  for (int i = 0; i < steps.size(); ++i) ComputeUpstream(i, state);
}

void StepScope::ComputeUpstream(int index, std::vector<int>& state) {
  if (state[index] != 0) return;
  state[index] = 1;
  for (const std::string& need : steps_[index].needs()) {
    const int dep = IndexOf(need);
    if (dep < 0 || dep == index) continue;
    ComputeUpstream(dep, state);
    upstream_[index].insert(dep);
    upstream_[index].insert(upstream_[dep].begin(), upstream_[dep].end());
  }
  state[index] = 2;
}

std::string StepScope::StepPath(int index) const { return absl::StrCat(path_, "[", index, "]"); }

int StepScope::IndexOf(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

std::vector<std::string> StepScope::Ids() const {
  std::vector<std::string> ids;
  for (const v1::Step& step : steps_) ids.push_back(step.id());
  return ids;
}

bool StepScope::IsUpstream(int from, int to) const { return upstream_[from].contains(to); }

bool StepScope::ShadowsOuter(const std::string& id) const {
  for (const StepScope* s = parent_; s != nullptr; s = s->parent_) {
    if (s->IndexOf(id) >= 0) return true;
  }
  return false;
}

}  // namespace fanfare::definition::internal
