#include "workers/content/post_template.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/suggest.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers::content {
namespace {

const std::string& FieldValue(const PostFields& fields, absl::string_view name) {
  if (name == "product") return fields.product;
  if (name == "headline") return fields.headline;
  if (name == "body") return fields.body;
  if (name == "call_to_action") return fields.call_to_action;
  if (name == "link") return fields.link;
  if (name == "hashtags") return fields.hashtags;
  return fields.network;
}

bool IsPlaceholderNameByte(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// The length of the "{name}" at the start of `text`, or 0 if `text` does not start with one.
size_t PlaceholderLength(absl::string_view text) {
  if (text.size() < 3 || text[0] != '{') return 0;
  size_t end = 1;
  while (end < text.size() && IsPlaceholderNameByte(text[end])) ++end;
  return end > 1 && end < text.size() && text[end] == '}' ? end + 1 : 0;
}

}  // namespace

const std::vector<std::string>& PlaceholderNames() {
  static const std::vector<std::string>* const names = new std::vector<std::string>{
      "product", "headline", "body", "call_to_action", "link", "hashtags", "network"};
  return *names;
}

absl::StatusOr<PostTemplate> PostTemplate::Parse(absl::string_view text) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    return RejectedInput(
        "content.generate: 'template' is empty; give the post's text with "
        "placeholders such as {headline} and {link}, or leave it out");
  }
  std::vector<Segment> segments;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) == "{{") {  // literal, as the engine left it
      literal.append("{{");
      i += 2;
      continue;
    }
    const size_t length = PlaceholderLength(text.substr(i));
    if (length == 0) {
      literal.push_back(text[i++]);
      continue;
    }
    const std::string name(text.substr(i + 1, length - 2));
    const std::vector<std::string>& known = PlaceholderNames();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return RejectedInput(absl::StrCat(
          "content.generate: 'template' has an unknown placeholder {", name, "}",
          DidYouMean(name, known), "; the placeholders are {", absl::StrJoin(known, "} {"), "}"));
    }
    if (!literal.empty()) segments.push_back({false, std::move(literal)});
    literal.clear();
    segments.push_back({true, name});
    i += length;
  }
  if (!literal.empty()) segments.push_back({false, std::move(literal)});
  return PostTemplate(std::move(segments));
}

bool PostTemplate::Uses(absl::string_view placeholder) const {
  return std::any_of(segments_.begin(), segments_.end(), [placeholder](const Segment& s) {
    return s.is_placeholder && s.text == placeholder;
  });
}

std::string PostTemplate::Render(const PostFields& fields) const {
  std::string out;
  for (const Segment& segment : segments_) {
    absl::StrAppend(&out, segment.is_placeholder ? FieldValue(fields, segment.text) : segment.text);
  }
  return out;
}

std::string PostTemplate::LiteralText() const { return Render(PostFields{}); }

}  // namespace fanfare::workers::content
