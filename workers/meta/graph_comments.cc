#include "workers/meta/graph_comments.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/boost_chain.h"
#include "workers/common/community.h"
#include "workers/meta/meta_ads.h"

namespace fanfare::workers::graph {
namespace {

constexpr int kPosts = 10;
constexpr absl::Duration kPostAge = absl::Hours(24 * 30);
constexpr int kPagesPerPost = 5;

constexpr absl::string_view kFacebookFields =
    "id,message,created_time,from,parent,is_hidden,permalink_url";
constexpr absl::string_view kInstagramFields = "id,text,timestamp,username,from,hidden,parent_id";

bool IsFacebook(const CommentDialect& d) { return d.network == "facebook"; }

absl::Time ParseGraphTime(const std::string& text) {
  absl::Time t;
  std::string err;
  return absl::ParseTime("%Y-%m-%dT%H:%M:%S%z", text, &t, &err) ? t : absl::InfinitePast();
}

struct Post {
  std::string id;
  std::string url;
};

Comment CommentOf(const Json& j, const CommentDialect& d, const Post& post) {
  const Json& from = JsonMember(j, "from");
  Comment c;
  c.id = JsonString(j, "id");
  c.post_id = post.id;
  c.author_id = JsonString(from, "id");
  if (IsFacebook(d)) {
    c.parent_id = JsonString(JsonMember(j, "parent"), "id");
    c.author_handle = JsonString(from, "name");
    c.text = JsonString(j, "message");
    c.created_at = ParseGraphTime(JsonString(j, "created_time"));
    c.hidden = JsonMember(j, "is_hidden") == Json(true);
    c.url = JsonString(j, "permalink_url");
  } else {
    c.parent_id = JsonString(j, "parent_id");
    c.author_handle = JsonString(j, "username", JsonString(from, "username"));
    c.text = JsonString(j, "text");
    c.created_at = ParseGraphTime(JsonString(j, "timestamp"));
    c.hidden = JsonMember(j, "hidden") == Json(true);
    // Instagram comment links are the post's permalink, then c/<id>/.
    if (absl::EndsWith(post.url, "/")) c.url = absl::StrCat(post.url, "c/", c.id, "/");
  }
  return c;
}

// The account's newest posts (at most kPosts, none older than kPostAge).
absl::StatusOr<std::vector<Post>> RecentPosts(ActionCall& call, ApiSession& session,
                                              const CommentDialect& d) {
  ASSIGN_OR_RETURN(std::string owner, call.account.Require(d.owner_field));
  const std::string what = absl::StrCat(d.network, ".comments: GET /{id}/", d.posts_edge);
  ASSIGN_OR_RETURN(Json answer,
                   session.SendJson(GetRequest(call, absl::StrCat(
                                                         GraphUrl(call, call.endpoints.api,
                                                                  owner + "/" + d.posts_edge),
                                                         IsFacebook(d)
                                                             ? "?fields=id,created_time,permalink_url"
                                                             : "?fields=id,timestamp,permalink",
                                                         "&limit=", kPosts)),
                                    what));
  ASSIGN_OR_RETURN(Json items, ListedItems(answer, "data", what));
  std::vector<Post> posts;
  const absl::Time oldest = call.now() - kPostAge;
  for (const Json& item : items) {
    const absl::Time created = ParseGraphTime(
        JsonString(item, IsFacebook(d) ? "created_time" : "timestamp"));
    if (JsonString(item, "id").empty() || created < oldest) continue;
    posts.push_back({JsonString(item, "id"),
                     JsonString(item, IsFacebook(d) ? "permalink_url" : "permalink")});
    if (static_cast<int>(posts.size()) == kPosts) break;
  }
  return posts;
}

// Reads a Graph listing page by page, as far as kPagesPerPost pages reach, into `read`:
// `url` is its first page, and `add` takes each item and returns its created time as a key
// (Retryable when the item has none). A listing that is `newest_first` ends with the page
// whose last item is older than `since`; a listing that is not (Instagram's threads, whose
// replies may be newer than later threads) is read to its end.
absl::Status ReadListing(ActionCall& call, ApiSession& session, const std::string& what,
                         const std::string& url, bool newest_first, int64_t since,
                         const std::function<absl::StatusOr<int64_t>(const Json&)>& add,
                         PostComments& read) {
  std::string after;
  for (int n = 0; n < kPagesPerPost; ++n) {
    const std::string page = after.empty() ? url : absl::StrCat(url, "&after=", UrlEncode(after));
    ASSIGN_OR_RETURN(Json answer, session.SendJson(GetRequest(call, page), what));
    ASSIGN_OR_RETURN(Json items, ListedItems(answer, "data", what));
    int64_t last_key = INT64_MAX;
    for (const Json& json : items) {
      ASSIGN_OR_RETURN(last_key, add(json));
      read.oldest_read = std::min(read.oldest_read, last_key);
    }
    const bool reached_since = newest_first && last_key < since;
    const Json& paging = JsonMember(answer, "paging");
    after = JsonMember(paging, "next").is_string()
                ? JsonString(JsonMember(paging, "cursors"), "after")
                : "";
    if (reached_since || after.empty()) return absl::OkStatus();
  }
  read.truncated = true;
  return absl::OkStatus();
}

// The key of an item listed at `created`, or Retryable naming the listing.
absl::StatusOr<int64_t> KeyOf(absl::Time created, const std::string& what) {
  if (created == absl::InfinitePast()) {
    return Retryable(absl::StrCat(what, ": an item without a readable time"), "unreadable_listing");
  }
  return absl::ToUnixSeconds(created);
}

// One post's comments no older than `since` (a key), as far as kPagesPerPost pages reach:
// Facebook's newest first, replies included; Instagram's threads, newest first, each with
// its replies.
absl::StatusOr<PostComments> ReadPost(ActionCall& call, ApiSession& session,
                                      const CommentDialect& d, const Post& post, int64_t since) {
  const std::string what = absl::StrCat(d.network, ".comments: GET /{post-id}/comments");
  PostComments read;
  auto keep = [&](const Json& json) {
    ListedComment item{.comment = CommentOf(json, d, post)};
    item.key = absl::ToUnixSeconds(item.comment.created_at);
    if (!item.comment.id.empty() && item.key >= since) read.items.push_back(std::move(item));
  };
  auto add = [&](const Json& json) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(const int64_t key,
                     KeyOf(ParseGraphTime(JsonString(json, IsFacebook(d) ? "created_time"
                                                                         : "timestamp")),
                           what));
    keep(json);
    const Json& replies = JsonMember(JsonMember(json, "replies"), "data");
    for (const Json& reply : replies.is_array() ? replies : Json::array()) keep(reply);
    return key;
  };
  const std::string url = absl::StrCat(
      GraphUrl(call, call.endpoints.api, post.id + "/comments"),
      IsFacebook(d) ? absl::StrCat("?filter=stream&order=reverse_chronological&limit=100&fields=",
                                   kFacebookFields)
                    : absl::StrCat("?limit=50&fields=", kInstagramFields, ",replies{",
                                   kInstagramFields, "}"));
  RETURN_IF_ERROR(ReadListing(call, session, what, url, /*newest_first=*/IsFacebook(d), since,
                              add, read));
  return read;
}

// A mention: another account's post (Facebook) or media (Instagram) that tags the account.
// It sits under none of the account's posts (`post_id` ""). Facebook gives a person's post
// no `from` (only a Page's), and Instagram names the tagging account by username only: the
// author is often unknown. A Facebook mention is dated when it tagged the Page
// (`tagged_time`: an older post may be tagged later).
Comment MentionOf(const Json& j, const CommentDialect& d) {
  Comment c;
  c.id = JsonString(j, "id");
  if (IsFacebook(d)) {
    c.author_id = JsonString(JsonMember(j, "from"), "id");
    c.author_handle = JsonString(JsonMember(j, "from"), "name");
    c.text = JsonString(j, "message");
    c.created_at = ParseGraphTime(JsonString(j, "tagged_time", JsonString(j, "created_time")));
    c.url = JsonString(j, "permalink_url");
  } else {
    c.author_handle = JsonString(j, "username");
    c.text = JsonString(j, "caption");
    c.created_at = ParseGraphTime(JsonString(j, "timestamp"));
    c.url = JsonString(j, "permalink");
  }
  return c;
}

// The mentions of the account no older than `since` nor kPostAge, newest first: Facebook
// GET /{page-id}/tagged, Instagram GET /{ig-user-id}/tags.
absl::StatusOr<PostComments> ReadMentions(ActionCall& call, ApiSession& session,
                                          const CommentDialect& d, int64_t since) {
  since = std::max(since, absl::ToUnixSeconds(call.now() - kPostAge));
  ASSIGN_OR_RETURN(std::string owner, call.account.Require(d.owner_field));
  const std::string what = absl::StrCat(d.network, ".comments: GET /{id}/", d.mentions_edge);
  PostComments read;
  auto add = [&](const Json& json) -> absl::StatusOr<int64_t> {
    ListedComment item{.comment = MentionOf(json, d)};
    ASSIGN_OR_RETURN(const int64_t key, KeyOf(item.comment.created_at, what));
    item.key = key;
    if (!item.comment.id.empty() && key >= since) read.items.push_back(std::move(item));
    return key;
  };
  const std::string url = absl::StrCat(
      GraphUrl(call, call.endpoints.api, owner + "/" + d.mentions_edge),
      IsFacebook(d) ? "?limit=100&fields=id,message,created_time,tagged_time,from,permalink_url"
                    : "?limit=50&fields=id,caption,timestamp,username,permalink,media_type");
  RETURN_IF_ERROR(ReadListing(call, session, what, url, /*newest_first=*/true, since, add, read));
  return read;
}

// A failure that says the object no longer exists (Graph code 100, subcode 33).
bool IsMissingObject(const absl::Status& status) {
  const v1::TaskFailure failure = ToTaskFailure(status);
  return failure.code() == "100" && absl::StrContains(status.message(), "subcode 33");
}

// Graph object ids are digits, with an underscore in Facebook's "<post>_<comment>".
absl::Status CheckCommentId(const TaskInput& input, const std::string& id) {
  const bool ok = std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
  return ok ? absl::OkStatus() : input.Reject("comment_id", "is not a Graph API comment id");
}

std::string Capitalized(std::string network) {
  if (!network.empty()) network[0] = absl::ascii_toupper(static_cast<unsigned char>(network[0]));
  return network;
}

}  // namespace

const CommentDialect& FacebookComments() {
  static const CommentDialect kDialect{.network = "facebook", .owner_field = "page_id",
                                       .posts_edge = "posts", .replies_edge = "comments",
                                       .mentions_edge = "tagged",
                                       .hide_field = "is_hidden", .can_like = true};
  return kDialect;
}

const CommentDialect& InstagramComments() {
  static const CommentDialect kDialect{.network = "instagram", .owner_field = "ig_user_id",
                                       .posts_edge = "media", .replies_edge = "replies",
                                       .mentions_edge = "tags",
                                       .hide_field = "hide", .can_like = false};
  return kDialect;
}

absl::StatusOr<Json> ReadComments(ActionCall& call, ApiSession& session,
                                  const CommentDialect& dialect) {
  ASSIGN_OR_RETURN(int max, ReadMaxComments(call.input));
  ASSIGN_OR_RETURN(CommentCursor cursor, DecodeCursor(call.input));
  ASSIGN_OR_RETURN(std::vector<Post> posts, RecentPosts(call, session, dialect));
  std::vector<PostComments> read;
  for (const Post& post : posts) {
    ASSIGN_OR_RETURN(PostComments comments,
                     ReadPost(call, session, dialect, post, cursor.after.key));
    read.push_back(std::move(comments));
  }
  ASSIGN_OR_RETURN(PostComments mentions, ReadMentions(call, session, dialect, cursor.after.key));
  read.push_back(std::move(mentions));
  return DrainMerged(std::move(read), cursor, max);
}

absl::StatusOr<Json> Moderate(ActionCall& call, ApiSession& session,
                              const CommentDialect& dialect) {
  ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
  RETURN_IF_ERROR(CheckCommentId(call.input, m.comment_id));
  const std::string node = GraphUrl(call, call.endpoints.api, m.comment_id);
  const std::string what = absl::StrCat(dialect.network, ".moderate: ");
  const std::string network = Capitalized(dialect.network);
  switch (m.action) {
    case Moderation::kHide:
    case Moderation::kUnhide:
      RETURN_IF_ERROR(
          session.SendJson(FormRequest(call, "POST", node,
                                       {{dialect.hide_field,
                                         m.action == Moderation::kHide ? "true" : "false"}},
                                       /*idempotent=*/true),
                           what + "POST /{comment-id}")
              .status());
      return ModerationOutput(m);
    case Moderation::kDelete: {
      // Deleting what is already gone is done.
      absl::Status deleted =
          session.SendJson(FormRequest(call, "DELETE", node, {}, true), what + "DELETE /{comment-id}")
              .status();
      if (!deleted.ok() && !IsMissingObject(deleted)) return deleted;
      return ModerationOutput(m);
    }
    case Moderation::kLike:
      if (!dialect.can_like) {
        return UnsupportedModeration(call.input, m, "the Instagram API cannot like comments");
      }
      RETURN_IF_ERROR(session.SendJson(FormRequest(call, "POST", node + "/likes", {}, true),
                                       what + "POST /{comment-id}/likes")
                          .status());
      return ModerationOutput(m);
    case Moderation::kReply: {
      ASSIGN_OR_RETURN(Json created,
                       session.SendJson(FormRequest(call, "POST",
                                                    node + "/" + dialect.replies_edge,
                                                    {{"message", m.text}}, /*idempotent=*/false),
                                        what + "POST /{comment-id}/" + dialect.replies_edge));
      const std::string id = JsonString(created, "id");
      if (id.empty()) return OutcomeUnknown(what + "the answer has no comment id");
      return ModerationOutput(m, id, IsFacebook(dialect) ? "https://www.facebook.com/" + id : "");
    }
    case Moderation::kPin:
      return UnsupportedModeration(call.input, m, "the Graph API cannot pin comments");
    case Moderation::kReject:
      return UnsupportedModeration(
          call.input, m, absl::StrCat("reject is YouTube's moderation; on ", network,
                                      ", hide the comment"));
    case Moderation::kReshare:
      return UnsupportedModeration(call.input, m,
                                   absl::StrCat(network, " has no way to reshare a comment"));
  }
  return UnsupportedModeration(call.input, m, "unknown action");
}

absl::StatusOr<Json> ReconcileModeration(ActionCall& call, ApiSession& session,
                                         const CommentDialect& dialect) {
  ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
  if (m.action != Moderation::kReply) return Moderate(call, session, dialect);
  RETURN_IF_ERROR(CheckCommentId(call.input, m.comment_id));
  ASSIGN_OR_RETURN(std::string owner, call.account.Require(dialect.owner_field));
  const std::string what = absl::StrCat(dialect.network, ".moderate (reconcile): ");
  // Facebook threads are one level deep: a reply to a reply lands in its thread.
  std::string thread = m.comment_id;
  if (IsFacebook(dialect)) {
    ASSIGN_OR_RETURN(Json node,
                     session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.api,
                                                                m.comment_id) +
                                                           "?fields=id,parent"),
                                      what + "GET /{comment-id}"));
    const std::string parent = JsonString(JsonMember(node, "parent"), "id");
    if (!parent.empty()) thread = parent;
  }
  auto page = [&](const std::string& after) -> absl::StatusOr<ListingPage> {
    std::string url = absl::StrCat(
        GraphUrl(call, call.endpoints.api, thread + "/" + dialect.replies_edge),
        "?limit=100&fields=", IsFacebook(dialect) ? kFacebookFields : kInstagramFields);
    if (!after.empty()) absl::StrAppend(&url, "&after=", UrlEncode(after));
    ASSIGN_OR_RETURN(Json answer, session.SendJson(GetRequest(call, url),
                                                   what + "GET /{comment-id}/" +
                                                       dialect.replies_edge));
    ListingPage listed;
    ASSIGN_OR_RETURN(listed.items, ListedItems(answer, "data", what));
    const Json& paging = JsonMember(answer, "paging");
    if (JsonMember(paging, "next").is_string()) {
      listed.next = JsonString(JsonMember(paging, "cursors"), "after");
    }
    return listed;
  };
  const absl::Time oldest = call.now() - call.options.reconcile_lookback;
  auto is_the_reply = [&](const Json& json) {
    const Comment c = CommentOf(json, dialect, Post{});
    return c.author_id == owner && SameReplyText(c.text, m.text) && c.created_at >= oldest;
  };
  ASSIGN_OR_RETURN(std::optional<Json> found, FindInListing(page, is_the_reply, what));
  if (!found) {
    return ReconcileNotFound(absl::StrCat(dialect.network, ".moderate: not found: the account "
                                          "has no reply with this text under comment ",
                                          m.comment_id));
  }
  const std::string id = JsonString(*found, "id");
  return ModerationOutput(m, id, IsFacebook(dialect) ? "https://www.facebook.com/" + id : "");
}

CommunityActions::CommunityActions(const NetworkProtocol& protocol, const CommentDialect& dialect) {
  using Action = absl::StatusOr<Json> (*)(ActionCall&, ApiSession&, const CommentDialect&);
  auto in_session = [&protocol, &dialect](Action action) -> ActionFn {
    return [&protocol, &dialect, action](ActionCall& call) {
      ApiSession session(call, protocol);
      return action(call, session, dialect);
    };
  };
  comments = in_session(&ReadComments);
  moderate = in_session(&Moderate);
  reconcile_moderate = in_session(&ReconcileModeration);
}

}  // namespace fanfare::workers::graph
