// Text signals for community rules: what a comment's text says about it, computed locally
// (no outside service) and cheaply — each is one pass over the text. The campaign language
// exposes them to `when:` (docs/expressions.md, "Community"):
//
//   Sentiment("Love this, best purchase")  →  0.72       (−1 hostile … +1 delighted)
//   IsAllCaps("@acme WORST COMPANY EVER")  →  true       (mentions and links ignored)
//   IsLinkOnly("@acme https://spam.example/x")  →  true
//   ContainsAny("Free followers!", {"free followers"})  →  true
//
// Thread-safe: pure functions over constant tables.
#ifndef FANFARE_ENGINE_COMMUNITY_TEXT_SIGNALS_H_
#define FANFARE_ENGINE_COMMUNITY_TEXT_SIGNALS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare::community {

// A lexicon score in [−1, 1]. Words carry a weight (love +2, thanks +1, late −1, scam −3…;
// sentiment_lexicon in text_signals.cc); a negator (not, no, never, nobody, n't…) within
// the three words before one flips it; the sum s is normalised as s / sqrt(s² + 15), so one
// mild word gives about ±0.25, two strong ones about ±0.7. Links and @mentions are not read.
// ASCII words only: text in other scripts scores 0.
double Sentiment(absl::string_view text);

// True if the text holds a link: http://, https:// or www.
bool HasLink(absl::string_view text);

// True if, once links, @mentions, #hashtags, punctuation and spaces are taken away, nothing
// is left — and there was a link.
bool IsLinkOnly(absl::string_view text);

// True if, ignoring links, @mentions and #hashtags, the text has at least 6 letters and
// at least 90% of its ASCII letters are capitals: shouting.
bool IsAllCaps(absl::string_view text);

// True if `text` holds one of `keywords` as whole words, ignoring ASCII case:
// "scam" matches "A SCAM!" but not "scampi"; "free followers" matches "Free  followers"
// only with one space (keywords are matched as written, spaces included).
bool ContainsAny(absl::string_view text, const std::vector<std::string>& keywords);

}  // namespace fanfare::community

#endif  // FANFARE_ENGINE_COMMUNITY_TEXT_SIGNALS_H_
