// Percent-encoding for URL queries and forms (RFC 3986: unreserved characters kept).
#ifndef FANFARE_BASE_URL_ENCODE_H_
#define FANFARE_BASE_URL_ENCODE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare {

// Percent-encodes `text` for a URL query or path segment.
std::string UrlEncode(absl::string_view text);
// "a=1&b=x%20y" from ordered pairs.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace fanfare

#endif  // FANFARE_BASE_URL_ENCODE_H_
