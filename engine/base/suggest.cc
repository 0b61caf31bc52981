#include "engine/base/suggest.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace fanfare {

int EditDistance(absl::string_view a, absl::string_view b) {
  // One row of the classic dynamic-programming table at a time.
  std::vector<int> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

std::string ClosestMatch(absl::string_view name, const std::vector<std::string>& candidates) {
  const int threshold = std::max<int>(1, static_cast<int>(name.size()) / 3);
  const std::string* best = nullptr;
  int best_distance = threshold + 1;
  for (const std::string& candidate : candidates) {
    const int distance = EditDistance(name, candidate);
    if (distance < best_distance && candidate != name) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best == nullptr ? std::string() : *best;
}

std::string DidYouMean(absl::string_view name, const std::vector<std::string>& candidates) {
  std::string match = ClosestMatch(name, candidates);
  return match.empty() ? std::string() : absl::StrCat(" (did you mean '", match, "'?)");
}

}  // namespace fanfare
