#include "workers/content/hashtags.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "workers/content/links.h"
#include "workers/content/text_length.h"

namespace fanfare::workers::content {
namespace {

// Non-ASCII blocks of spaces, punctuation, symbols, selectors and emoji.
struct Block {
  char32_t first;
  char32_t last;
};
constexpr Block kNotWordBlocks[] = {
    {0x0080, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7},   {0x2000, 0x2BFF},
    {0x2E00, 0x2E7F}, {0x3000, 0x303F}, {0xE000, 0xF8FF},   {0xFE00, 0xFE6F},
    {0xFEFF, 0xFEFF}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20},   {0xFF3B, 0xFF40},
    {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF}, {0x1F000, 0x1FAFF}, {0xE0000, 0xE007F},
};

bool IsWordCodePoint(char32_t cp) {
  if (cp < 0x80) return absl::ascii_isalnum(static_cast<char>(cp)) || cp == '_';
  for (const Block& block : kNotWordBlocks) {
    if (cp >= block.first && cp <= block.last) return false;
  }
  return true;
}

// The words of `raw`: maximal runs of word code points.
std::vector<std::string> Words(absl::string_view raw) {
  std::vector<std::string> words;
  std::string current;
  for (const CodePoint& cp : DecodeUtf8(raw)) {
    if (IsWordCodePoint(cp.value)) {
      absl::StrAppend(&current, raw.substr(cp.offset, cp.size));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

bool HasUpper(absl::string_view word) {
  return std::any_of(word.begin(), word.end(), absl::ascii_isupper);
}

}  // namespace

std::string NormaliseHashtag(absl::string_view raw) {
  std::vector<std::string> words = Words(raw);
  if (words.empty()) return "";
  if (words.size() > 1) {
    for (std::string& word : words) {
      if (!HasUpper(word)) word[0] = absl::ascii_toupper(word[0]);
    }
  }
  std::string tag = "#";
  for (const std::string& word : words) absl::StrAppend(&tag, word);
  return tag;
}

bool HashtagHasLetter(absl::string_view tag) {
  return std::any_of(tag.begin(), tag.end(),
                     [](char c) { return c != '#' && c != '_' && !absl::ascii_isdigit(c); });
}

std::string HashtagKey(absl::string_view tag) { return absl::AsciiStrToLower(tag); }

std::vector<std::string> HashtagsInText(absl::string_view text) {
  std::vector<std::string> keys;
  const std::vector<LinkSpan> links = FindLinks(text);
  size_t next_link = 0;
  auto in_link = [&](size_t offset) {  // offsets are asked for in ascending order
    while (next_link < links.size() && links[next_link].end <= offset) ++next_link;
    return next_link < links.size() && offset >= links[next_link].begin;
  };
  const std::vector<CodePoint> cps = DecodeUtf8(text);
  for (size_t i = 0; i < cps.size(); ++i) {
    if (cps[i].value != '#' || (i > 0 && IsWordCodePoint(cps[i - 1].value))) continue;
    if (in_link(cps[i].offset)) continue;  // a link's #fragment
    size_t j = i + 1;
    while (j < cps.size() && IsWordCodePoint(cps[j].value)) ++j;
    if (j == i + 1) continue;
    const size_t end = j < cps.size() ? cps[j].offset : text.size();
    const absl::string_view tag = text.substr(cps[i].offset, end - cps[i].offset);
    if (HashtagHasLetter(tag)) keys.push_back(HashtagKey(tag));
    i = j - 1;
  }
  return keys;
}

}  // namespace fanfare::workers::content
