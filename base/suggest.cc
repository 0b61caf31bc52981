#include "base/suggest.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace fanfare {

int EditDistance(absl::string_view a, absl::string_view b) {
  // The classic dynamic-programming table, keeping the two previous rows: swapping two
  // adjacent letters ("stpes") is the commonest typo, and counts as one edit.
  std::vector<int> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    before.swap(previous);
    previous.swap(row);
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
    }
  }
  return row[b.size()];
}

std::string ClosestMatch(absl::string_view name, const std::vector<std::string>& candidates) {
  // Names are short; a long one is no typo of any of them (and would cost |name|·|candidate|).
  constexpr size_t kMaxName = 128;
  if (name.size() > kMaxName) return std::string();
  const int threshold = std::max<int>(1, static_cast<int>(name.size()) / 3);
  const std::string* best = nullptr;
  int best_distance = threshold + 1;
  for (const std::string& candidate : candidates) {
    // The length difference alone is a lower bound of the distance.
    const size_t gap = name.size() > candidate.size() ? name.size() - candidate.size()
                                                      : candidate.size() - name.size();
    if (gap > static_cast<size_t>(threshold)) continue;
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
