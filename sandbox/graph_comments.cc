// Graph API comments, as Facebook Pages and Instagram professional accounts expose them to
// the account that owns the posts:
//
//   GET    /{post-id}/comments      Facebook: filter=toplevel (default) | stream (replies too,
//                                   with `parent`), order=chronological (default) |
//                                   reverse_chronological. Instagram: top-level comments,
//                                   newest first, each with its `replies` when `fields` asks
//                                   for them. limit (1..100, 25), after (a cursor).
//   GET    /{comment-id}/comments   Facebook: a comment's replies, oldest first.
//   GET    /{comment-id}/replies    Instagram: a comment's replies, oldest first.
//   POST   /{comment-id}/comments   Facebook: reply (message). Any listed comment.
//   POST   /{comment-id}/replies    Instagram: reply (message) to a top-level comment on the
//                                   account's media; never to a hidden one (code 100).
//   POST   /{comment-id}/likes      Facebook: the page likes the comment.
//   POST   /{comment-id}            hide: Facebook `is_hidden`, Instagram `hide` (true|false);
//                                   only on the account's own posts (UpdateComment).
//   DELETE /{comment-id}            a comment on the account's posts, or the account's own.
//   GET    /{page-id}/tagged        Facebook: others' posts that tag the Page, newest first.
//   GET    /{ig-user-id}/tags       Instagram: media others tagged the account in, newest
//                                   first. Neither kind of mention is the account's to
//                                   moderate (code 200).
//
// Fields follow each network: Facebook {id, message, created_time, from{id, name},
// parent{id}, is_hidden, permalink_url, like_count}; Instagram {id, text, timestamp,
// username, from{id, username}, hidden, like_count, parent_id, media{id}}. Neither reports
// the commenter's followers.
#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "sandbox/graph_api.h"

namespace fanfare::sandbox::graph {
namespace {

bool Listed(const SandboxState& state, const CommentRecord& c, const std::string& network) {
  return c.network == network && !c.deleted && c.created_at <= state.Now();
}

Json CommentJson(const CommentRecord& c) {
  const int64_t likes = static_cast<int64_t>(c.liked_by.size());
  if (c.network == "instagram") {
    Json j = {{"id", c.id}, {"text", c.text}, {"timestamp", GraphTime(c.created_at)},
              {"username", c.author_handle},
              {"from", {{"id", c.author_id}, {"username", c.author_handle}}},
              {"hidden", c.hidden}, {"like_count", likes}, {"media", {{"id", c.post_id}}}};
    if (!c.parent_id.empty()) j["parent_id"] = c.parent_id;
    return j;
  }
  Json j = {{"id", c.id}, {"message", c.text}, {"created_time", GraphTime(c.created_at)},
            {"from", {{"id", c.author_id}, {"name", c.author_handle}}},
            {"is_hidden", c.hidden}, {"like_count", likes},
            {"permalink_url", absl::StrCat("https://www.facebook.com/", c.post_id,
                                           "?comment_id=", c.id)}};
  if (!c.parent_id.empty()) j["parent"] = {{"id", c.parent_id}};
  return j;
}

// The replies to `thread`, oldest first.
std::vector<const CommentRecord*> RepliesTo(SandboxState& state, const CommentRecord& thread)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::vector<const CommentRecord*> replies;
  for (const CommentRecord& c : state.Comments()) {
    if (Listed(state, c, thread.network) && c.parent_id == thread.id) replies.push_back(&c);
  }
  std::stable_sort(replies.begin(), replies.end(), [](const CommentRecord* a,
                                                      const CommentRecord* b) {
    return a->created_at < b->created_at;
  });
  return replies;
}

// Answers one page of `items`, each as `render` writes it, with Graph's cursor paging:
// `after` is "o<offset>".
void AnswerPage(const SandboxRequest& req, const std::vector<const CommentRecord*>& items,
                const std::function<Json(const CommentRecord&)>& render, SandboxResponse& res) {
  int limit = 25;
  if (!req.Param("limit").empty() &&
      (!absl::SimpleAtoi(req.Param("limit"), &limit) || limit < 1 || limit > 100)) {
    return Error(res, 400, 100, "(#100) limit must be a number from 1 to 100");
  }
  size_t offset = 0;
  const std::string after = req.Param("after");
  if (!after.empty() && (!absl::StartsWith(after, "o") || !absl::SimpleAtoi(after.substr(1), &offset))) {
    return Error(res, 400, 100, "(#100) Invalid cursor: after");
  }
  const size_t begin = std::min(offset, items.size());
  const size_t end = std::min(items.size(), begin + static_cast<size_t>(limit));
  Json data = Json::array();
  for (size_t i = begin; i < end; ++i) data.push_back(render(*items[i]));
  Json paging = {{"cursors", {{"before", absl::StrCat("o", begin)}, {"after", absl::StrCat("o", end)}}}};
  if (end < items.size()) {
    paging["next"] = absl::StrCat(req.path, "?limit=", limit, "&after=o", end);
  }
  res.SetJson(200, {{"data", std::move(data)}, {"paging", std::move(paging)}});
}

void SortByTime(std::vector<const CommentRecord*>& items, bool newest_first) {
  std::stable_sort(items.begin(), items.end(), [newest_first](const CommentRecord* a,
                                                              const CommentRecord* b) {
    return newest_first ? a->created_at > b->created_at : a->created_at < b->created_at;
  });
}

// GET /{object}/comments (and Instagram's /{comment}/replies): a post's comments or a
// comment's replies.
void ListComments(SandboxState& state, const std::string& network, const SandboxRequest& req,
                  SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, network, req, res, false, &account)) return;
  const std::string object = req.PathParam("id");
  const bool of_post = state.FindPost(network, object) != nullptr;
  const CommentRecord* parent = of_post ? nullptr : state.FindComment(network, object);
  if (!of_post && (parent == nullptr || !Listed(state, *parent, network))) {
    return Error(res, 400, 100, absl::StrCat("Unsupported get request. Object with ID '", object,
                                             "' does not exist"), 33, "GraphMethodException");
  }
  const std::string filter = req.Param("filter", "toplevel");
  const std::string order = req.Param("order", "chronological");
  if (filter != "toplevel" && filter != "stream") {
    return Error(res, 400, 100, "(#100) filter must be one of toplevel, stream");
  }
  if (order != "chronological" && order != "reverse_chronological") {
    return Error(res, 400, 100, "(#100) order must be one of chronological, reverse_chronological");
  }
  const bool stream = network == "facebook" && filter == "stream";
  std::vector<const CommentRecord*> items;
  for (const CommentRecord& c : state.Comments()) {
    if (!Listed(state, c, network)) continue;
    const bool wanted = of_post ? c.post_id == object && (stream || c.parent_id.empty())
                                : c.parent_id == object;
    if (wanted) items.push_back(&c);
  }
  // Instagram lists a media's comments newest first; replies, like Facebook, oldest first
  // unless asked otherwise.
  const bool newest_first = (network == "instagram" && of_post) ||
                            (network == "facebook" && order == "reverse_chronological");
  SortByTime(items, newest_first);
  // Instagram's fields=…,replies{…}: each comment carries its replies.
  const bool expand = network == "instagram" && of_post &&
                      absl::StrContains(req.Param("fields"), "replies");
  AnswerPage(req, items, [&](const CommentRecord& c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    Json comment = CommentJson(c);
    if (!expand) return comment;
    Json replies = Json::array();
    for (const CommentRecord* r : RepliesTo(state, c)) replies.push_back(CommentJson(*r));
    comment["replies"] = {{"data", std::move(replies)}};
    return comment;
  }, res);
}

// A mention as the tagging post or media: Facebook {id, message, created_time, tagged_time,
// permalink_url} (the audience are people: their posts have no `from`), Instagram {id,
// caption, timestamp, username, permalink, media_type}.
Json MentionJson(const CommentRecord& c) {
  if (c.network == "instagram") {
    return {{"id", c.id}, {"caption", c.text}, {"timestamp", GraphTime(c.created_at)},
            {"username", c.author_handle},
            {"permalink", absl::StrCat("https://www.instagram.com/p/", c.id, "/")},
            {"media_type", "IMAGE"}};
  }
  // A person's post: Facebook gives `from` only to its author.
  return {{"id", c.id}, {"message", c.text}, {"created_time", GraphTime(c.created_at)},
          {"tagged_time", GraphTime(c.created_at)},
          {"permalink_url", absl::StrCat("https://www.facebook.com/", c.author_id, "/posts/",
                                         c.id)}};
}

// GET /{page-id}/tagged (Facebook) and /{ig-user-id}/tags (Instagram): others' posts that
// tag the account, newest first.
void ListMentions(SandboxState& state, const std::string& network, const SandboxRequest& req,
                  SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, network, req, res, false, &account)) return;
  std::vector<const CommentRecord*> items;
  for (const CommentRecord& c : state.Comments()) {
    if (c.mention && !c.in_caption && c.account == account && Listed(state, c, network)) {
      items.push_back(&c);
    }
  }
  SortByTime(items, /*newest_first=*/true);
  AnswerPage(req, items, &MentionJson, res);
}

// The argument of `prefix` where `fields` starts with it: "mentioned_media.media_id(7){…}"
// with prefix "mentioned_media.media_id(" gives "7".
bool ArgumentOf(absl::string_view fields, absl::string_view prefix, std::string* argument) {
  if (!absl::ConsumePrefix(&fields, prefix)) return false;
  const size_t close = fields.find(')');
  if (close == absl::string_view::npos || close == 0) return false;
  *argument = std::string(fields.substr(0, close));
  return true;
}

}  // namespace

bool ReadMentioned(SandboxState& state, const std::string& account, const SandboxRequest& req,
                   SandboxResponse& res) {
  const std::string fields = req.Param("fields");
  std::string id;
  const bool in_caption = ArgumentOf(fields, "mentioned_media.media_id(", &id);
  if (!in_caption && !ArgumentOf(fields, "mentioned_comment.comment_id(", &id)) return false;
  const CommentRecord* c = state.FindComment("instagram", id);
  // The sandbox's audience mentions accounts in captions only.
  if (c == nullptr || !in_caption || !c->in_caption || c->account != account ||
      !Listed(state, *c, "instagram")) {
    Error(res, 400, 100, absl::StrCat("Unsupported get request. Object with ID '", id,
                                      "' does not exist"), 33, "GraphMethodException");
    return true;
  }
  res.SetJson(200, {{"id", req.PathParam("id")}, {"mentioned_media", MentionJson(*c)}});
  return true;
}

namespace {

// A comment on one of the account's posts that the account may act on; nullptr (response
// filled) otherwise.
CommentRecord* OwnedComment(SandboxState& state, const std::string& network,
                            const std::string& account, const std::string& id,
                            SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  CommentRecord* c = state.FindComment(network, id);
  if (c == nullptr || !Listed(state, *c, network)) {
    Error(res, 400, 100, absl::StrCat("Unsupported request. Object with ID '", id,
                                      "' does not exist"), 33, "GraphMethodException");
    return nullptr;
  }
  if (c->account != account || c->mention) {
    Error(res, 403, 200, "(#200) The user does not have permission to moderate this comment: "
                         "it is not on the account's own posts", 0, "OAuthException");
    return nullptr;
  }
  return c;
}

void Reply(SandboxState& state, const std::string& network, const SandboxRequest& req,
           SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, network, req, res, false, &account)) return;
  const std::string message = Field(req, "message");
  if (message.empty() || message.size() > 8'000) {
    return Error(res, 400, 100, "(#100) message is required, at most 8,000 characters");
  }
  CommentRecord* parent = OwnedComment(state, network, account, req.PathParam("id"), res);
  if (parent == nullptr) return;
  if (network == "instagram") {
    if (!parent->parent_id.empty()) {
      return Error(res, 400, 100, "(#100) Replies can only be made to top-level comments");
    }
    if (parent->hidden) {
      return Error(res, 400, 100, "(#100) Cannot reply to a hidden comment");
    }
  }
  // Facebook threads are one level deep: a reply to a reply joins its thread.
  const std::string thread = parent->parent_id.empty() ? parent->id : parent->parent_id;
  // The reply is the Page's or the professional account's: `from` is its id.
  const PostRecord* post = state.FindPost(network, parent->post_id);
  const std::string author =
      post == nullptr ? account
                      : post->extra.value(network == "facebook" ? "page" : "ig_user", account);
  CommentRecord c{.network = network, .account = parent->account,
                  .id = network == "facebook" ? absl::StrCat(parent->post_id, "_", state.NextId())
                                              : state.NextId(),
                  .parent_id = thread, .post_id = parent->post_id, .author_id = author,
                  .author_handle = account, .text = message, .created_at = state.Now(),
                  .by_account = true};
  res.SetJson(200, {{"id", c.id}});
  state.AddComment(std::move(c));
}

void Like(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, "facebook", req, res, false, &account)) return;
  CommentRecord* c = state.FindComment("facebook", req.PathParam("id"));
  if (c == nullptr || !Listed(state, *c, "facebook")) {
    return Error(res, 400, 100, "(#100) The comment does not exist", 33, "GraphMethodException");
  }
  c->liked_by.insert(account);
  res.SetJson(200, {{"success", true}});
}

void Delete(SandboxState& state, const std::string& network, const SandboxRequest& req,
            SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, network, req, res, false, &account)) return;
  CommentRecord* c = OwnedComment(state, network, account, req.PathParam("id"), res);
  if (c == nullptr) return;
  c->deleted = true;
  res.SetJson(200, {{"success", true}});
}

}  // namespace

Json CommentNode(const CommentRecord& comment) { return CommentJson(comment); }

bool UpdateComment(SandboxState& state, const std::string& network, const SandboxRequest& req,
                   SandboxResponse& res) {
  if (state.FindComment(network, req.PathParam("id")) == nullptr) return false;
  std::string account;
  if (!Admit(state, network, req, res, false, &account)) return true;
  const std::string field = network == "facebook" ? "is_hidden" : "hide";
  const std::string value = Field(req, field);
  if (value != "true" && value != "false") {
    Error(res, 400, 100, absl::StrCat("(#100) ", field, " must be true or false"));
    return true;
  }
  CommentRecord* c = OwnedComment(state, network, account, req.PathParam("id"), res);
  if (c == nullptr) return true;
  c->hidden = value == "true";
  res.SetJson(200, {{"success", true}});
  return true;
}

void RegisterComments(Router& router, SandboxState& state, const std::string& network) {
  const std::string prefix = absl::StrCat("/", network, "/{v}/{id}");
  auto with_network = [&state, network](auto fn) {
    return Locked(state, [network, fn](SandboxState& s, const SandboxRequest& req,
                                       SandboxResponse& res) ABSL_NO_THREAD_SAFETY_ANALYSIS {
      fn(s, network, req, res);
    });
  };
  const std::string replies = network == "facebook" ? "/comments" : "/replies";
  router.Add("GET", prefix + "/comments", with_network(&ListComments));
  if (network == "instagram") router.Add("GET", prefix + "/replies", with_network(&ListComments));
  router.Add("POST", prefix + replies, with_network(&Reply));
  if (network == "facebook") router.Add("POST", prefix + "/likes", Locked(state, &Like));
  router.Add("DELETE", prefix, with_network(&Delete));
  router.Add("GET", prefix + (network == "facebook" ? "/tagged" : "/tags"),
             with_network(&ListMentions));
}

}  // namespace fanfare::sandbox::graph
