#include "workers/content/links.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "workers/content/text_length.h"

namespace fanfare::workers::content {
namespace {

bool IsPlainUrlByte(char c) {
  if (absl::ascii_isalnum(c)) return true;
  return absl::string_view("-._~:/?#[]@!$&'()*+,;=%").find(c) != absl::string_view::npos;
}

// A link may end only with one of these (or a ")" closing a "(" inside it); anything else at
// its end is the sentence's punctuation.
bool IsLinkEndingByte(char c) {
  return absl::ascii_isalnum(c) || absl::string_view("-_&=#/+").find(c) != absl::string_view::npos;
}

// Bytes that keep a link from starting right after them ("xhttps://", "@acme.com").
bool BlocksLinkStart(char c) { return absl::ascii_isalnum(c) || c == '@' || c == '$' || c == '#'; }

// True when the run of URL bytes that ended at `pos` ended because the link did: at the end
// of the text, whitespace, a quote or bracket, or a non-ASCII space or punctuation mark.
// False when it was cut by something that may still belong to the link (a non-ASCII path,
// "|", "{", …): such a link is measured but never rewritten.
bool EndsAtDelimiter(absl::string_view text, size_t pos) {
  if (pos >= text.size()) return true;
  const char c = text[pos];
  if (static_cast<unsigned char>(c) < 0x80) {
    return absl::ascii_isspace(c) || absl::ascii_iscntrl(c) || c == '"' || c == '<' || c == '>';
  }
  const std::vector<CodePoint> next = DecodeUtf8(text.substr(pos, 4));
  const char32_t cp = next.front().value;
  return cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20);
}

// Drops trailing sentence punctuation from [begin, end), keeping a balanced ")".
size_t TrimLinkEnd(absl::string_view text, size_t begin, size_t end) {
  while (end > begin && !IsLinkEndingByte(text[end - 1])) {
    if (text[end - 1] == ')') {
      const absl::string_view span = text.substr(begin, end - begin);
      if (std::count(span.begin(), span.end(), '(') >= std::count(span.begin(), span.end(), ')')) {
        break;
      }
    }
    --end;
  }
  return end;
}

size_t SchemeLength(absl::string_view text) {
  if (absl::StartsWithIgnoreCase(text, "https://")) return 8;
  if (absl::StartsWithIgnoreCase(text, "http://")) return 7;
  return 0;
}

// "acme.example" in "user@acme.example:8080": a dotted name with no empty label.
bool IsDottedHost(absl::string_view authority) {
  const size_t at = authority.rfind('@');
  if (at != absl::string_view::npos) authority.remove_prefix(at + 1);
  authority = authority.substr(0, authority.find(':'));
  if (authority.find('.') == absl::string_view::npos) return false;
  for (absl::string_view label : absl::StrSplit(authority, '.')) {
    if (label.empty()) return false;
  }
  return true;
}

absl::string_view AuthorityOf(absl::string_view after_scheme) {
  return after_scheme.substr(0, after_scheme.find_first_of("/?#"));
}

// "acme.com" or "shop.acme.co.uk/rocket": labels of letters, digits and "-", ending in a
// top-level label of two or more letters.
bool IsBareDomain(absl::string_view link) {
  const absl::string_view host = link.substr(0, link.find_first_of("/?#"));
  if (host.find('.') == absl::string_view::npos) return false;
  absl::string_view last;
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty()) return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') return false;
    }
    last = label;
  }
  return last.size() >= 2 && std::all_of(last.begin(), last.end(), absl::ascii_isalpha);
}

// Finds the links in one run [begin, end) of URL bytes.
void ScanRun(absl::string_view text, size_t begin, size_t end, std::vector<LinkSpan>& links) {
  const bool plain = EndsAtDelimiter(text, end);
  for (size_t p = begin; p < end; ++p) {
    const size_t scheme = SchemeLength(text.substr(p, end - p));
    if (scheme == 0 || (p > 0 && BlocksLinkStart(text[p - 1]))) continue;
    const size_t link_end = TrimLinkEnd(text, p, end);
    if (link_end > p + scheme &&
        IsDottedHost(AuthorityOf(text.substr(p + scheme, link_end - p - scheme)))) {
      links.push_back({p, link_end, true, plain});
    }
    return;  // what follows a scheme in the same run belongs to it
  }
  size_t start = begin;
  while (start < end && !absl::ascii_isalnum(text[start])) ++start;
  if (start > begin && BlocksLinkStart(text[start - 1])) return;  // "#acme.com", "@acme.com"
  const size_t link_end = TrimLinkEnd(text, start, end);
  if (link_end > start && IsBareDomain(text.substr(start, link_end - start))) {
    links.push_back({start, link_end, false, plain});
  }
}

}  // namespace

std::vector<LinkSpan> FindLinks(absl::string_view text) {
  std::vector<LinkSpan> links;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsPlainUrlByte(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsPlainUrlByte(text[j])) ++j;
    ScanRun(text, i, j, links);
    i = j;
  }
  return links;
}

bool IsAbsoluteHttpUrl(absl::string_view url) {
  const size_t scheme = SchemeLength(url);
  if (scheme == 0) return false;
  for (char c : url) {
    if (absl::ascii_isspace(c) || absl::ascii_iscntrl(c)) return false;
  }
  return IsDottedHost(AuthorityOf(url.substr(scheme)));
}

}  // namespace fanfare::workers::content
