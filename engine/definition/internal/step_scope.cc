#include "engine/definition/internal/step_scope.h"

#include "absl/strings/str_cat.h"

namespace fanfare::definition::internal {

StepScope::StepScope(const google::protobuf::RepeatedPtrField<v1::Step>& steps, std::string path,
                     const StepScope* parent, int owner)
    : steps_(steps), path_(std::move(path)), parent_(parent), owner_(owner) {
  for (int i = 0; i < steps.size(); ++i) index_.try_emplace(steps[i].id(), i);
  ComputeUpstream();
}

void StepScope::ComputeUpstream() {
  const int n = steps_.size();
  words_ = (static_cast<size_t>(n) + 63) / 64;
  upstream_.assign(words_ * n, 0);
  // Kahn's algorithm: a step's row is complete once every step it needs is. Steps on a
  // cycle (reported by the cycle check) never complete, and keep what they had.
  std::vector<int> waiting_on(n, 0);
  std::vector<std::vector<int>> dependents(n);
  for (int i = 0; i < n; ++i) {
    for (const std::string& need : steps_[i].needs()) {
      const int dep = IndexOf(need);
      if (dep < 0 || dep == i) continue;
      ++waiting_on[i];
      dependents[dep].push_back(i);
    }
  }
  std::vector<int> ready;
  for (int i = 0; i < n; ++i) {
    if (waiting_on[i] == 0) ready.push_back(i);
  }
  while (!ready.empty()) {
    const int dep = ready.back();
    ready.pop_back();
    const uint64_t* from = &upstream_[words_ * dep];
    for (int i : dependents[dep]) {
      uint64_t* to = &upstream_[words_ * i];
      for (size_t w = 0; w < words_; ++w) to[w] |= from[w];
      to[dep / 64] |= uint64_t{1} << (dep % 64);
      if (--waiting_on[i] == 0) ready.push_back(i);
    }
  }
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

bool StepScope::IsUpstream(int from, int to) const {
  return (upstream_[words_ * from + to / 64] >> (to % 64)) & 1;
}

bool StepScope::ShadowsOuter(const std::string& id) const {
  for (const StepScope* s = parent_; s != nullptr; s = s->parent_) {
    if (s->IndexOf(id) >= 0) return true;
  }
  return false;
}

}  // namespace fanfare::definition::internal
