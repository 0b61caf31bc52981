// Community actions' shared shapes: what `<network>.comments` returns, what
// `<network>.moderate` takes and returns (docs/community.md).
//
//   comments  in:  {cursor?: "<from the last run>", max?: 1..500 (100)}
//             out: {comments: [Comment…] oldest first, count, cursor, complete}
//   Comment   {id, parent_id, post_id, author: {id, handle, followers}, text, created_at,
//              hidden, url}
//   moderate  in:  {comment_id, action: hide|unhide|delete|reply|like|pin|reject|reshare,
//                   text?}
//             out: {comment_id, action, done: true, reply_id?, reply_url?}
//
// A reply is the one moderation that is not idempotent: no network takes an idempotency key
// for it. An attempt whose answer was lost is OUTCOME_UNKNOWN, and its reconcile looks for
// the account's own reply under the comment with the same text (SameReplyText) instead of
// answering again. Every other action is idempotent and simply runs again.
#ifndef FANFARE_WORKERS_COMMON_COMMUNITY_H_
#define FANFARE_WORKERS_COMMON_COMMUNITY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "workers/common/json_value.h"
#include "workers/common/task_input.h"

namespace fanfare::workers {

struct Comment {
  std::string id;
  std::string parent_id;  // the comment it answers; "" for a top-level comment or a mention
  std::string post_id;    // the account's post it sits under; "" for a mention
  std::string author_id;
  std::string author_handle;
  int64_t author_followers = 0;  // 0 where the network does not say
  std::string text;
  absl::Time created_at;
  bool hidden = false;
  std::string url;
};

Json CommentJson(const Comment& comment);

// Reading comments since a cursor, exactly once, from a listing that pages newest first.
//
// Every listed comment has a `key` that grows with time: X's ids (unique), YouTube's
// publishedAt in seconds (shared by comments of the same second, told apart by id). A Mark
// is a position: every comment before it has a smaller key, or its key with an id listed.
// A cursor holds `after` (everything up to it was returned), `top` (the newest returned),
// and, while a backlog larger than one run's `max` is drained, `before` (the oldest
// returned): the next run reads what lies between `after` and `before`, newest first, and
// moves `after` to `top` once that gap is empty. So no comment is returned twice and none is
// skipped, whatever arrives meanwhile.
struct CommentMark {
  int64_t key = 0;
  std::vector<std::string> ids;
};
struct CommentCursor {
  std::string source;  // the action that wrote it ("x.comments"): another's is refused
  CommentMark after;
  std::optional<CommentMark> before;
  CommentMark top;
};
// "" is the start of the listing; otherwise the compact JSON EncodeCursor writes, for the
// same action (input.action()).
absl::StatusOr<CommentCursor> DecodeCursor(const TaskInput& input);
std::string EncodeCursor(const CommentCursor& cursor);

struct ListedComment {
  Comment comment;
  int64_t key = 0;
};
struct CommentPage {
  std::vector<ListedComment> items;  // newest first
  std::string next;                  // "" after the last page
};
// Reads one page: `token` is "" for the first, then the previous page's `next`.
using CommentPageFn = std::function<absl::StatusOr<CommentPage>(const std::string& token)>;

// Reads pages (at most `max_pages`) until `max` comments between the cursor's marks were
// collected or the listing reaches `after`; returns the output of `comments`:
// {comments (oldest first), count, cursor, complete}. `complete` is true when this run saw
// no comment it left for a later one: the backlog is drained and nothing newer was listed.
// A comment listed twice in one run (a listing that shifted between pages) is taken once.
// A backlog that `max_pages` pages no longer reach (the run skipped through them all and
// took nothing) is given up: the cursor moves to its top, and the output says
// `backlog_abandoned: true`.
absl::StatusOr<Json> DrainComments(const CommentPageFn& page, const CommentCursor& cursor,
                                   int max, int max_pages);

// One post's comments, read for a listing merged over several posts (DrainMerged): those
// whose key is at least the cursor's, and whether pages were left unread — then the listing
// is trusted only above `oldest_read`, the oldest key read from this post.
struct PostComments {
  std::vector<ListedComment> items;
  bool truncated = false;
  int64_t oldest_read = INT64_MAX;
};

// DrainComments over the comments of several posts, merged newest first, for networks with
// no listing of all of an account's comments. When a post was truncated above the cursor
// (its `oldest_read` not older than the cursor's key), comments at or below its `oldest_read`
// are left out and the run is not `complete`.
absl::StatusOr<Json> DrainMerged(std::vector<PostComments> posts, const CommentCursor& cursor,
                                 int max);

// `max` (1..500, 100 when absent).
absl::StatusOr<int> ReadMaxComments(const TaskInput& input);

enum class Moderation { kHide, kUnhide, kDelete, kReply, kLike, kPin, kReject, kReshare };

struct ModerationRequest {
  std::string comment_id;
  Moderation action;
  std::string action_name;  // as written: "hide"
  std::string text;         // reply only: 1..10,000 bytes, required
};

// Reads and checks the input of `moderate`.
absl::StatusOr<ModerationRequest> ReadModeration(const TaskInput& input);

// The non-retryable failure for an action `network` does not offer, naming its rule.
absl::Status UnsupportedModeration(const TaskInput& input, const ModerationRequest& request,
                                   absl::string_view rule);

// {comment_id, action, done: true}, plus reply_id and reply_url for a reply.
Json ModerationOutput(const ModerationRequest& request, const std::string& reply_id = "",
                      const std::string& reply_url = "");

// Whether a reply found on the network is the one `sent`: the same text once surrounding
// whitespace is trimmed and runs of whitespace are one space (networks tidy both).
bool SameReplyText(absl::string_view found, absl::string_view sent);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_COMMUNITY_H_
