// What each network allows in a post's text: the numbers content.generate fits copy to.
//
//   const NetworkRules* x = FindNetworkRules("x");
//   if (TextLength(text, x->unit) > x->max_length) ...
//
// Sources: X's twitter-text v3 (280, links 23, weighted code points); LinkedIn's 3,000-
// character commentary; Instagram's 2,200-character caption and 30-hashtag cap; Facebook's
// 63,206; YouTube Data API (title 100 characters, description 5,000 bytes, no "<" or ">";
// more than 60 hashtags and YouTube ignores them all); TikTok's 2,200-character caption,
// which its Content Posting API counts in UTF-16 units. Instagram and TikTok do not make
// links in captions clickable.
#ifndef FANFARE_WORKERS_CONTENT_NETWORK_RULES_H_
#define FANFARE_WORKERS_CONTENT_NETWORK_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "workers/content/text_length.h"

namespace fanfare::workers::content {

struct NetworkRules {
  absl::string_view name;       // "x": the queue name and the key in outputs
  absl::string_view text_name;  // what the network calls the text: "post", "caption", …
  size_t max_length;            // of the text, in `unit`
  LengthUnit unit;
  size_t max_hashtags;          // 0: no cap
  bool links_clickable;         // false: the text says "link in bio" instead of the URL
  bool headline_is_title;       // true: the headline goes to `title`, not into the text
  size_t max_title_length;      // code points; 0: the network has no title
  size_t max_alt_text_length;   // code points; 0: not checked here
  bool forbids_angle_brackets;  // "<" and ">" are rejected by the network's API
};

// The rules for `network`, or nullptr if content.generate does not know it.
const NetworkRules* FindNetworkRules(absl::string_view network);

// The networks content.generate writes for, in the order it writes them by default:
// facebook, instagram, x, linkedin, youtube, tiktok.
const std::vector<std::string>& SupportedNetworks();

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_NETWORK_RULES_H_
