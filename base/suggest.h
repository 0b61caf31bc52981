// "Did you mean …?" — the closest known name to a misspelt one, for error messages.
#ifndef FANFARE_BASE_SUGGEST_H_
#define FANFARE_BASE_SUGGEST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare {

// Edit distance between `a` and `b`, counting bytes: insertions, deletions, substitutions
// and swaps of two adjacent bytes (optimal string alignment).
int EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `name` if it is close enough to be a plausible typo (distance at
// most max(1, len/3)); empty otherwise.
std::string ClosestMatch(absl::string_view name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" when ClosestMatch finds one; empty otherwise. For appending to a
// message.
std::string DidYouMean(absl::string_view name, const std::vector<std::string>& candidates);

}  // namespace fanfare

#endif  // FANFARE_BASE_SUGGEST_H_
