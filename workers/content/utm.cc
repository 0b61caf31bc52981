#include "workers/content/utm.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "workers/content/links.h"

namespace fanfare::workers::content {

UtmParams UtmForNetwork(const UtmParams& params, absl::string_view network) {
  UtmParams out;
  for (const auto& [key, value] : params) {
    std::string resolved = absl::StrReplaceAll(value, {{"{network}", network}});
    if (!resolved.empty()) out.emplace_back(key, std::move(resolved));
  }
  return out;
}

std::string EncodeQueryValue(absl::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

std::string AddUtm(absl::string_view url, const UtmParams& params) {
  if (params.empty()) return std::string(url);
  const size_t hash = url.find('#');
  const absl::string_view fragment =
      hash == absl::string_view::npos ? absl::string_view() : url.substr(hash);
  absl::string_view rest = url.substr(0, hash);
  const size_t question = rest.find('?');
  const absl::string_view base = rest.substr(0, question);
  const absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : rest.substr(question + 1);

  std::vector<bool> placed(params.size(), false);
  std::vector<std::string> pairs;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const absl::string_view key = pair.substr(0, pair.find('='));
    size_t match = 0;
    while (match < params.size() && !absl::EqualsIgnoreCase(key, params[match].first)) ++match;
    if (match == params.size()) {
      pairs.emplace_back(pair);
    } else if (!placed[match]) {  // the first occurrence takes the new value; repeats go
      pairs.push_back(
          absl::StrCat(params[match].first, "=", EncodeQueryValue(params[match].second)));
      placed[match] = true;
    }
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (!placed[i])
      pairs.push_back(absl::StrCat(params[i].first, "=", EncodeQueryValue(params[i].second)));
  }
  return absl::StrCat(base, "?", absl::StrJoin(pairs, "&"), fragment);
}

std::string AddUtmToLinksInText(absl::string_view text, const UtmParams& params) {
  if (params.empty()) return std::string(text);
  std::string out;
  size_t pos = 0;
  for (const LinkSpan& link : FindLinks(text)) {
    if (!link.has_scheme || !link.plain) continue;
    absl::StrAppend(&out, text.substr(pos, link.begin - pos),
                    AddUtm(text.substr(link.begin, link.end - link.begin), params));
    pos = link.end;
  }
  absl::StrAppend(&out, text.substr(pos));
  return out;
}

}  // namespace fanfare::workers::content
