// content.generate's input (the step's `with`), read and checked.
//
// Every problem is RejectedInput naming the field by its path and saying what to do:
//   "content.generate: 'networks' must be a list of network names such as [x, linkedin],
//    got a string"
//   "content.generate: 'media[0].alt_text' is required: …"
// Unknown fields are errors too (with "did you mean"), since a misspelt `netwroks` would
// otherwise silently post everywhere.
#ifndef FANFARE_WORKERS_CONTENT_CONTENT_INPUT_H_
#define FANFARE_WORKERS_CONTENT_CONTENT_INPUT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "workers/content/post_template.h"
#include "workers/content/utm.h"

namespace fanfare::workers::content {

// The copy to adapt. Text fields are trimmed; an absent field is empty.
struct ContentBrief {
  std::string product;
  std::string headline;
  std::string body;
  std::string link;  // an absolute http(s) URL, or empty
  std::string call_to_action;
  std::vector<std::string> hashtags;  // normalised ("#RocketLaunch"), first occurrence kept
};

struct MediaItem {
  std::string url;
  std::string type;            // as given ("image", "video", …); may be empty
  std::string alt_text;        // its own, or the input's `alt_text`; never empty
  std::string alt_text_field;  // where alt_text came from: "media[0].alt_text" or "alt_text"
};

struct ContentRequest {
  ContentBrief brief;
  std::optional<PostTemplate> post_template;
  std::vector<std::string> networks;  // known, distinct, in the order given
  // With "{network}" placeholders (see UtmForNetwork); empty when the input has no `utm`,
  // in which case links are left as written.
  UtmParams utm;
  std::vector<MediaItem> media;
  std::string alt_text;  // the input's top-level `alt_text`
};

absl::StatusOr<ContentRequest> ParseContentRequest(const google::protobuf::Struct& input);

// RejectedInput("content.generate: '<field>' <problem>").
absl::Status RejectField(absl::string_view field, absl::string_view problem);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_CONTENT_INPUT_H_
