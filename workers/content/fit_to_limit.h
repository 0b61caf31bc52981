// Shortening a post to a network's limit without losing what it must say.
//
// A post's required parts (headline, call to action, link, a template's own text) are never
// cut. Its optional parts go in this order, each step only as far as needed:
//   1. hashtags, last first, down to one;
//   2. body sentences, last first, down to one;
//   3. the remaining sentence, cut at a word boundary and ended with "…" (text without
//      spaces, such as Japanese, is cut between characters);
//   4. the last hashtag — after which as much of the body as fits is kept (whole sentences
//      first, then a sentence ended with "…");
//   5. the body.
// Hashtags over a network's cap are left out before this starts (see the generator).
#ifndef FANFARE_WORKERS_CONTENT_FIT_TO_LIMIT_H_
#define FANFARE_WORKERS_CONTENT_FIT_TO_LIMIT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "workers/content/text_length.h"

namespace fanfare::workers::content {

// What became of the body.
enum class BodyFit {
  kAbsent,            // no body was given
  kFull,              // all of it is in the text
  kSentencesDropped,  // whole sentences from its end were left out
  kEllipsized,        // only the start of its first sentence, ending in "…"
  kDropped,           // none of it
};

// "absent", "full", "sentences_dropped", "ellipsized", "dropped".
absl::string_view BodyFitName(BodyFit fit);

struct FittedPost {
  std::string text;
  size_t length = 0;  // in the unit it was fitted in
  size_t hashtags_kept = 0;
  BodyFit body_fit = BodyFit::kAbsent;
};

// Makes a post's text from (part of) the body and the first `hashtag_count` hashtags.
using ComposeFn = absl::FunctionRef<std::string(absl::string_view body, size_t hashtag_count)>;

// The fullest text `compose` makes that measures at most `max_length` in `unit`, shortened in
// the order above; nullopt when even compose("", 0) — the required parts — is too long.
// `body` is the whole (trimmed) body; `hashtag_count` how many hashtags compose may use.
std::optional<FittedPost> FitToLimit(ComposeFn compose, absl::string_view body,
                                     size_t hashtag_count, LengthUnit unit, size_t max_length);

// Byte offsets in `body` where its sentences end, ascending; the last is body.size() when
// `body` is not empty. A sentence ends at . ! ? or … (and any closing quotes or brackets)
// followed by whitespace, at 。！？, or at a line break.
std::vector<size_t> SentenceEnds(absl::string_view body);

// Byte offsets at which `sentence` may be cut for an ellipsis, ascending: the ends of its
// words, or, if it has no spaces, every character boundary outside links.
std::vector<size_t> EllipsisCuts(absl::string_view sentence);

// sentence[0, cut) without trailing spaces or , ; : - – — and with "…" appended.
std::string Ellipsize(absl::string_view sentence, size_t cut);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_FIT_TO_LIMIT_H_
