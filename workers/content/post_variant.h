// One network's variant of the post: its text fitted to the network's rules, and what the
// publish step needs alongside it.
//
// Output (a map; every key is always present, so expressions need no existence checks):
//   network, id        "x" (`id` makes it a for_each item keyed by network)
//   text               the post (on YouTube, the description)
//   length, limit      the text's length and the network's limit, in `length_unit`:
//   length_unit        "x_weighted", "code_points", "utf16_units" or "utf8_bytes"
//   hashtags           the hashtags from brief.hashtags that are in the text, in order
//   omitted_hashtags   those left out (over the network's cap, or to fit)
//   body_fit           "full", "sentences_dropped", "ellipsized", "dropped" or "absent"
//   shortened          true when anything given was left out or cut
//   link               brief.link with this network's UTM tags ("" without a link)
//   link_in_text       false where the text says "link in bio" or has no link
//   alt_text           the first media item's alt text, else the input's alt_text, else ""
//   media              [{url, type, alt_text}] for every media item
//   title, title_length  (YouTube only) the video title and its length in code points
#ifndef FANFARE_WORKERS_CONTENT_POST_VARIANT_H_
#define FANFARE_WORKERS_CONTENT_POST_VARIANT_H_

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "workers/content/content_input.h"
#include "workers/content/network_rules.h"

namespace fanfare::workers::content {

// RejectedInput when the required parts cannot fit, or the input breaks a network rule.
absl::StatusOr<google::protobuf::Value> BuildPostVariant(const ContentRequest& request,
                                                         const NetworkRules& rules);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_POST_VARIANT_H_
