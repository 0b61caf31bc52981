// How long a post is, in the unit each network counts.
//
//   TextLength("Launch day 🚀", LengthUnit::kCodePoints);   // 12
//   TextLength("Launch day 🚀", LengthUnit::kXWeighted);    // 13: the emoji weighs 2
//   TextLength("See https://acme.example/a/very/long/path", LengthUnit::kXWeighted);  // 4 + 23
//
// Text is UTF-8. A byte that is not part of a valid UTF-8 sequence counts as one code point
// (as U+FFFD would), so that malformed input is measured, never rejected or crashed on.
#ifndef FANFARE_WORKERS_CONTENT_TEXT_LENGTH_H_
#define FANFARE_WORKERS_CONTENT_TEXT_LENGTH_H_

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare::workers::content {

enum class LengthUnit {
  kCodePoints,  // Unicode code points: "é" is 1, "🚀" is 1
  kUtf16Units,  // UTF-16 code units: code points above U+FFFF (most emoji) are 2
  kUtf8Bytes,   // bytes of the UTF-8 encoding
  kXWeighted,   // X's weighted length (twitter-text v3); see XWeightedLength
};

// "code_points", "utf16_units", "utf8_bytes" or "x_weighted": the name outputs carry.
absl::string_view LengthUnitName(LengthUnit unit);
// "characters", or "bytes" for kUtf8Bytes: the word error messages use.
absl::string_view LengthUnitNoun(LengthUnit unit);

size_t TextLength(absl::string_view text, LengthUnit unit);

// One decoded code point and the bytes it occupies in the text.
struct CodePoint {
  char32_t value;
  size_t offset;
  size_t size;
};

// Decodes `text`; an invalid byte becomes U+FFFD of size 1.
std::vector<CodePoint> DecodeUtf8(absl::string_view text);

size_t CountCodePoints(absl::string_view text);

// The length X enforces its 280 against, after twitter-text v3:
//  - every http(s) link counts 23 (t.co wraps it), whatever its own length; a bare domain
//    such as acme.com counts at least 23, since X may wrap it too;
//  - code points U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 weigh 1,
//    all others (CJK, most emoji, …) weigh 2;
//  - a few code points that X's NFC normalisation splits in two weigh what the pieces weigh
//    (e.g. Devanagari क़ U+0958 weighs 2).
// Where it differs from X it counts more: X counts a whole emoji sequence such as 👍🏽 or
// ❤️ as 2, this sums its code points (4); a word like "Node.js" looks like a domain and counts
// 23. The exception: an http(s) link whose domain X does not recognise (no real top-level
// domain) X counts in full, this counts 23.
size_t XWeightedLength(absl::string_view text);

// X's weight of one code point outside a link.
int XCodePointWeight(char32_t code_point);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_TEXT_LENGTH_H_
