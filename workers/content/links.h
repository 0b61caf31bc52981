// Links written in post text, and what makes a link acceptable as the brief's `link`.
//
//   FindLinks("Read more: https://acme.example/rocket. Or visit acme.com!")
//     → {"https://acme.example/rocket", has_scheme}, {"acme.com", bare domain}
//
// A link ends at whitespace; trailing punctuation that usually closes a sentence (".", ",",
// ")" without a matching "(", quotes, …) is not part of it, as on the networks themselves.
#ifndef FANFARE_WORKERS_CONTENT_LINKS_H_
#define FANFARE_WORKERS_CONTENT_LINKS_H_

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare::workers::content {

// A link in text: bytes [begin, end).
struct LinkSpan {
  size_t begin;
  size_t end;
  // True for http:// and https:// links; false for bare domains ("acme.com/rocket").
  bool has_scheme;
  // True when every byte of the link is a plain URL character (ASCII letters, digits and
  // -._~:/?#[]@!$&'()*+,;=%). Only such links are rewritten (UTM tags), so that a link with
  // characters this code does not parse (e.g. non-ASCII paths) is left as written.
  bool plain;
};

// The links in `text`, in order, not overlapping.
std::vector<LinkSpan> FindLinks(absl::string_view text);

// True for an absolute http(s) URL with a dotted host and no whitespace, such as
// https://acme.example/rocket?ref=x#top.
bool IsAbsoluteHttpUrl(absl::string_view url);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_LINKS_H_
