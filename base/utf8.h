// UTF-8 text cut to a size without splitting a character.
#ifndef FANFARE_BASE_UTF8_H_
#define FANFARE_BASE_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace fanfare {

// The length of the longest prefix of `text` of at most `max_bytes` that does not end inside
// a character (it backs up over continuation bytes).
size_t Utf8PrefixLength(absl::string_view text, size_t max_bytes);

}  // namespace fanfare

#endif  // FANFARE_BASE_UTF8_H_
