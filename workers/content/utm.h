// UTM tags: which network (and campaign) a click came from.
//
//   UtmParams utm = UtmForNetwork({{"utm_source", "{network}"}, {"utm_medium", "social"}}, "x");
//   AddUtm("https://acme.example/rocket?ref=mail#buy", utm)
//     → "https://acme.example/rocket?ref=mail&utm_source=x&utm_medium=social#buy"
//
// The query and fragment already in a link are kept. A utm parameter the link already has
// (compared case-insensitively) takes the new value in its place rather than appearing
// twice: the step's `utm` says where this post's clicks come from, which a link copied from
// elsewhere (say, with utm_source=newsletter) cannot know.
#ifndef FANFARE_WORKERS_CONTENT_UTM_H_
#define FANFARE_WORKERS_CONTENT_UTM_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare::workers::content {

// Query parameters in the order they are appended, e.g. {"utm_source", "x"}. Values are
// raw text; AddUtm encodes them.
using UtmParams = std::vector<std::pair<std::string, std::string>>;

// `params` with "{network}" in each value replaced by `network`; parameters whose value is
// empty are left out.
UtmParams UtmForNetwork(const UtmParams& params, absl::string_view network);

// `url` with `params` in its query, before any #fragment.
std::string AddUtm(absl::string_view url, const UtmParams& params);

// `text` with AddUtm applied to each http(s) link in it that FindLinks reports as plain.
std::string AddUtmToLinksInText(absl::string_view text, const UtmParams& params);

// Percent-encodes everything but ASCII letters, digits and -._~ (RFC 3986 unreserved).
std::string EncodeQueryValue(absl::string_view value);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_UTM_H_
