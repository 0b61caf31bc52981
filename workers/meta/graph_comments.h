// Community actions over the Graph API, shared by the Facebook and Instagram adapters
// (docs/community.md): the comments on the account's recent posts, and moderation of one.
//
//   comments   GET /{owner}/{posts edge}?limit=10 (the 10 newest posts, at most 30 days old;
//              Facebook's /posts: the Page's own, where /feed also lists others' posts),
//              then each post's comments: Facebook `filter=stream&order=reverse_chronological`
//              (replies included, newest first, read down to the cursor); Instagram top-level
//              comments with their `replies` expanded (read whole: a reply can be newer than
//              the comments after its thread). At most 5 pages a post. Then the account's
//              mentions — others' posts that tag it: Facebook GET /{page-id}/tagged,
//              Instagram GET /{ig-user-id}/tags — newest first, down to the cursor, 5 pages
//              at most, each as a comment with no `post_id`.
//   moderate   hide/unhide (Facebook is_hidden, Instagram hide), delete, reply (Facebook
//              POST /{comment}/comments, Instagram POST /{comment}/replies), like (Facebook).
//
// The comments of all posts and the mentions are merged into one listing, newest first,
// keyed by their created time in seconds, and drained with the shared cursor
// (workers/common/community.h). When a post (or the mentions) has more than 5 pages hold,
// the listing is trusted only down to the oldest item read from it; the run says so
// (`complete: false`).
#ifndef FANFARE_WORKERS_META_GRAPH_COMMENTS_H_
#define FANFARE_WORKERS_META_GRAPH_COMMENTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "workers/common/adapter.h"
#include "workers/common/api_session.h"

namespace fanfare::workers::graph {

// How a Graph network names its comments.
struct CommentDialect {
  std::string network;      // "facebook" or "instagram"
  std::string owner_field;  // the credential naming the account: "page_id", "ig_user_id"
  std::string posts_edge;   // "posts" (the Page's own; /feed has others' too), "media"
  std::string replies_edge; // "comments", "replies"
  std::string mentions_edge;  // "tagged", "tags"
  std::string hide_field;   // "is_hidden", "hide"
  bool can_like = false;    // Facebook pages like comments; the Instagram API cannot
};

const CommentDialect& FacebookComments();
const CommentDialect& InstagramComments();

absl::StatusOr<Json> ReadComments(ActionCall& call, ApiSession& session,
                                  const CommentDialect& dialect);

// Execute of `moderate`. A reply is not idempotent: an answer lost after it was sent is
// OUTCOME_UNKNOWN, and ReconcileModeration finds it instead of replying again.
absl::StatusOr<Json> Moderate(ActionCall& call, ApiSession& session,
                              const CommentDialect& dialect);

// Reconcile of `moderate`: a reply is looked for among the comment's replies (by the
// account, with the same text, within the look-back); any other action simply runs again.
absl::StatusOr<Json> ReconcileModeration(ActionCall& call, ApiSession& session,
                                         const CommentDialect& dialect);

// The three above as an adapter registers them, each in its own ApiSession over `protocol`
// (which must outlive them).
struct CommunityActions {
  CommunityActions(const NetworkProtocol& protocol, const CommentDialect& dialect);
  ActionFn comments;
  ActionFn moderate;
  ActionFn reconcile_moderate;
};

}  // namespace fanfare::workers::graph

#endif  // FANFARE_WORKERS_META_GRAPH_COMMENTS_H_
