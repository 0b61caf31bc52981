// The fields a post is made of, and a user's template that arranges them.
//
//   ASSIGN_OR_RETURN(PostTemplate t, PostTemplate::Parse("{headline} 🚀 {link}\n{hashtags}"));
//   t.Render(fields);   // "Launch day is here 🚀 https://acme.example/rocket?utm_…\n#launch"
//
// Placeholders are a known name in single braces: {product} {headline} {body}
// {call_to_action} {link} {hashtags} {network}. Any other "{word}" is an error (it is almost
// always a typo); other braces ("{ }", "{{x}}") are literal text. The engine renders its own
// "{{ expr }}" templates before this action sees its input.
#ifndef FANFARE_WORKERS_CONTENT_POST_TEMPLATE_H_
#define FANFARE_WORKERS_CONTENT_POST_TEMPLATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fanfare::workers::content {

// One network's values for a post's fields, as they appear in its text.
struct PostFields {
  std::string product;
  std::string headline;
  std::string body;
  std::string call_to_action;
  std::string link;      // the tagged URL, or "link in bio" where links are not clickable
  std::string hashtags;  // "#launch #rocket"
  std::string network;
};

class PostTemplate {
 public:
  // RejectedInput naming 'template' for an unknown placeholder or an empty template.
  static absl::StatusOr<PostTemplate> Parse(absl::string_view text);

  // True if the template has {`placeholder`} (name without braces).
  bool Uses(absl::string_view placeholder) const;

  std::string Render(const PostFields& fields) const;

  // The template's own text, without its placeholders.
  std::string LiteralText() const;

 private:
  struct Segment {
    bool is_placeholder;
    std::string text;  // literal text, or the placeholder's name
  };

  explicit PostTemplate(std::vector<Segment> segments) : segments_(std::move(segments)) {}

  std::vector<Segment> segments_;
};

// The placeholder names, in the order the docs list them.
const std::vector<std::string>& PlaceholderNames();

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_POST_TEMPLATE_H_
