// Hashtags as networks link them: "#" and one word of letters, digits and "_".
//
//   NormaliseHashtag("launch")          → "#launch"        (one word: as given)
//   NormaliseHashtag("#rocket launch")  → "#RocketLaunch"  (several: CamelCase)
//   NormaliseHashtag("iPhone 15")       → "#iPhone15"      (a word with capitals is kept)
//   NormaliseHashtag("Launch-Day!")     → "#LaunchDay"
//   NormaliseHashtag("!!!")             → ""               (nothing usable)
//
// What counts as a letter is decided without Unicode tables: ASCII letters, digits and "_",
// and every non-ASCII code point except spaces, punctuation, symbols and emoji blocks. So
// "#café" and "#東京" stay whole, "#rocket🚀" loses the emoji.
#ifndef FANFARE_WORKERS_CONTENT_HASHTAGS_H_
#define FANFARE_WORKERS_CONTENT_HASHTAGS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare::workers::content {

// `raw` as a hashtag with its "#"; empty if no letters or digits remain.
std::string NormaliseHashtag(absl::string_view raw);

// True if `tag` (with its "#") has something besides digits and "_": networks do not link
// "#2026".
bool HashtagHasLetter(absl::string_view tag);

// The identity of a hashtag for duplicate checks: networks treat #Launch and #launch as one.
// ASCII letters are folded; other scripts compare as written.
std::string HashtagKey(absl::string_view tag);

// The hashtags already written in `text` ("#word" not preceded by a letter or digit, and not
// a link's #fragment), as HashtagKeys, in order, with repeats.
std::vector<std::string> HashtagsInText(absl::string_view text);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_HASHTAGS_H_
