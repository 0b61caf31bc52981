// What Meta's and X's webhooks push, read into comments as `<network>.comments` returns them
// (workers/common/community.h), and how each network signs what it pushes.
//
//   Meta   POST, X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body under the app
//          secret>; {"object": "page"|"instagram", "entry": [{"id": <page or IG user id>,
//          "time": <unix>, "changes": [{"field", "value"}]}]}. Read: Page `feed` changes with
//          item "comment" and verb "add"; Instagram `comments` (the comment whole) and
//          `mentions` ({media_id, comment_id?}: only a pointer — MentionRef — whose text the
//          receiver looks up). Verification: GET ?hub.mode=subscribe&hub.verify_token=&
//          hub.challenge= is answered with the challenge when the token matches.
//   X      POST, x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256 of the body under
//          the consumer secret>; Account Activity {"for_user_id", "tweet_create_events":
//          [v1.1 tweets]}. Read: tweets by others (the account's own are skipped). The CRC
//          check, GET ?crc_token=, is answered {"response_token": "sha256=<base64 HMAC of the
//          token>"}.
// Everything else a delivery holds (reactions, edits, removals, likes, messages) is counted
// as ignored. Pure functions; thread-safe.
#ifndef FANFARE_WORKERS_WEBHOOKS_PUSHED_COMMENTS_H_
#define FANFARE_WORKERS_WEBHOOKS_PUSHED_COMMENTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workers/common/community.h"

namespace fanfare::workers::webhooks {

// A comment pushed for the account the network names by its own id.
struct PushedComment {
  std::string network;   // "facebook", "instagram", "x"
  std::string owner_id;  // the page id, IG user id or X user id the delivery is for
  Comment comment;
};

// An Instagram @mention a delivery only points at.
struct MentionRef {
  std::string owner_id;    // the IG user mentioned
  std::string media_id;    // the media whose caption (or one of whose comments) mentions it
  std::string comment_id;  // "" for a mention in a caption
};

struct PushedDelivery {
  std::vector<PushedComment> comments;
  std::vector<MentionRef> mentions;
  int ignored = 0;  // changes or events that are not new comments
};

// Whether `header` (X-Hub-Signature-256) signs `body` under `app_secret`. Constant time.
bool MetaSignatureMatches(absl::string_view app_secret, absl::string_view body,
                          absl::string_view header);
// InvalidArgument naming what is wrong when `body` is not a Meta delivery. A time the
// delivery does not give is `received`.
absl::StatusOr<PushedDelivery> ReadMetaDelivery(absl::string_view body, absl::Time received);

// The body answering X's CRC check of `crc_token`.
std::string XCrcResponse(absl::string_view consumer_secret, absl::string_view crc_token);
// Whether `header` (x-twitter-webhooks-signature) signs `body` under `consumer_secret`.
bool XSignatureMatches(absl::string_view consumer_secret, absl::string_view body,
                       absl::string_view header);
// InvalidArgument naming what is wrong when `body` is not an Account Activity delivery. A
// time the delivery does not give is `received`.
absl::StatusOr<PushedDelivery> ReadXDelivery(absl::string_view body, absl::Time received);

}  // namespace fanfare::workers::webhooks

#endif  // FANFARE_WORKERS_WEBHOOKS_PUSHED_COMMENTS_H_
