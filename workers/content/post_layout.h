// How a post's fields become its text.
//
// Without a template, the default layout: blocks separated by one blank line, empty blocks
// left out.
//
//   Launch day is here                          {headline} (on YouTube: the title instead)
//
//   Faster, lighter, and ready for …            {body}
//
//   Pre-order now: https://acme.example/…       {call_to_action}: {link}
//
//   #launch #rocket                             {hashtags}
//
// Where links are not clickable the link line reads "Pre-order now: link in bio", or
// "Link in bio" without a call to action. With a template, the template is the layout.
// Either way the result is tidied (TidyWhitespace), and what is measured is what is posted.
#ifndef FANFARE_WORKERS_CONTENT_POST_LAYOUT_H_
#define FANFARE_WORKERS_CONTENT_POST_LAYOUT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "workers/content/post_template.h"

namespace fanfare::workers::content {

// What "{link}" reads as where links are not clickable.
inline constexpr absl::string_view kLinkInBio = "link in bio";

struct PostLayout {
  const PostTemplate* post_template = nullptr;  // nullptr: the default layout
  bool headline_in_text = true;                 // false on YouTube: the headline is the title
};

// The post's text for `fields`.
std::string ComposePost(const PostLayout& layout, const PostFields& fields);

// "Pre-order now: https://…" — a colon when the call to action ends in a letter or digit, a
// space otherwise ("Pre-order now! https://…"); "Link in bio" alone, capitalised.
std::string CallToActionLine(absl::string_view call_to_action, absl::string_view link);

// Line endings as "\n"; each line trimmed and its runs of spaces and tabs made one space; at
// most one blank line in a row; no blank lines at either end.
std::string TidyWhitespace(absl::string_view text);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_POST_LAYOUT_H_
