#include "workers/content/post_layout.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace fanfare::workers::content {

std::string CallToActionLine(absl::string_view call_to_action, absl::string_view link) {
  if (call_to_action.empty()) {
    if (link == kLinkInBio) return "Link in bio";
    return std::string(link);
  }
  if (link.empty()) return std::string(call_to_action);
  const bool ends_in_word = absl::ascii_isalnum(call_to_action.back());
  return absl::StrCat(call_to_action, ends_in_word ? ": " : " ", link);
}

std::string ComposePost(const PostLayout& layout, const PostFields& fields) {
  if (layout.post_template != nullptr) {
    return TidyWhitespace(layout.post_template->Render(fields));
  }
  std::vector<absl::string_view> blocks;
  if (layout.headline_in_text) blocks.push_back(fields.headline);
  blocks.push_back(fields.body);
  const std::string action_line = CallToActionLine(fields.call_to_action, fields.link);
  blocks.push_back(action_line);
  blocks.push_back(fields.hashtags);
  blocks.erase(std::remove_if(blocks.begin(), blocks.end(),
                              [](absl::string_view block) { return block.empty(); }),
               blocks.end());
  return TidyWhitespace(absl::StrJoin(blocks, "\n\n"));
}

std::string TidyWhitespace(absl::string_view text) {
  const std::string unix_text = absl::StrReplaceAll(text, {{"\r\n", "\n"}, {"\r", "\n"}});
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(unix_text, '\n')) {
    std::string tidy;
    bool in_space = false;
    for (char c : absl::StripAsciiWhitespace(line)) {
      const bool space = c == ' ' || c == '\t';
      if (!space || !in_space) tidy.push_back(space ? ' ' : c);
      in_space = space;
    }
    // Keep a blank line only when it separates two non-blank ones.
    if (tidy.empty() && (lines.empty() || lines.back().empty())) continue;
    lines.push_back(std::move(tidy));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return absl::StrJoin(lines, "\n");
}

}  // namespace fanfare::workers::content
