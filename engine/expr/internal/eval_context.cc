#include "engine/expr/internal/eval_context.h"

#include "absl/strings/str_cat.h"

namespace fanfare::expr {

std::string EvalContext::Text(const Node& node) const {
  constexpr size_t kMaxText = 60;
  absl::string_view text = source_.substr(node.begin, node.end - node.begin);
  if (text.size() <= kMaxText) return std::string(text);
  return absl::StrCat(text.substr(0, kMaxText - 3), "...");
}

bool EvalContext::Iterate() {
  if (++iterations_ <= kMaxMacroIterations) return true;
  Exhaust(absl::StrCat("the expression's macros ran over ", kMaxMacroIterations,
                       " iterations; iterate over smaller lists"));
  return false;
}

}  // namespace fanfare::expr
