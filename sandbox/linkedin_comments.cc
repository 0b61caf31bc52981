// LinkedIn Community Management API, for comments on the organization's posts:
//
//   GET    /rest/socialActions/{post-urn}/comments?start=&count=     top-level comments, newest
//                                                                   first (count 1..100, 10)
//   GET    /rest/socialActions/{comment-urn}/comments                a comment's replies, oldest
//                                                                   first
//   POST   /rest/socialActions/{target}/comments {actor, object,     comment, or reply with
//          message: {text}, parentComment?}                          parentComment; 201 and
//                                                                   x-restli-id; replies are one
//                                                                   level deep
//   DELETE /rest/socialActions/{target}/comments/{id}?actor=         204 (target: the post,
//                                                                   or a reply's parent)
//   POST   /rest/reactions?actor= {root, reactionType: LIKE}         201; 409 when it exists
//
// A comment is {id, commentUrn "urn:li:comment:(<post>,<id>)", actor "urn:li:person:<id>" (or
// the organization), object, message {text}, created {actor, time (ms)}, parentComment?}.
// LinkedIn has no way to hide a comment, and gives neither names nor follower counts.
#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sandbox/linkedin_api.h"

namespace fanfare::sandbox::linkedin {
namespace {

bool Listed(const SandboxState& state, const CommentRecord& c) {
  return c.network == "linkedin" && !c.deleted && c.created_at <= state.Now();
}

std::string Urn(const CommentRecord& c) {
  return absl::StrCat("urn:li:comment:(", c.post_id, ",", c.id, ")");
}

std::string Actor(const CommentRecord& c) {
  return absl::StartsWith(c.author_id, "urn:") ? c.author_id
                                               : absl::StrCat("urn:li:person:", c.author_id);
}

Json CommentJson(SandboxState& state, const CommentRecord& c)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const int64_t at = absl::ToUnixMillis(c.created_at);
  Json j = {{"id", c.id}, {"commentUrn", Urn(c)}, {"$URN", Urn(c)}, {"actor", Actor(c)},
            {"object", c.post_id}, {"message", {{"text", c.text}}},
            {"created", {{"actor", Actor(c)}, {"time", at}}},
            {"lastModified", {{"actor", Actor(c)}, {"time", at}}},
            {"likesSummary", {{"totalLikes", c.liked_by.size()}}}};
  if (!c.parent_id.empty()) {
    if (const CommentRecord* parent = state.FindComment("linkedin", c.parent_id)) {
      j["parentComment"] = Urn(*parent);
    }
  }
  return j;
}

// "urn:li:comment:(urn:li:share:7,42)" → the comment 42, if listed.
CommentRecord* FindByUrn(SandboxState& state, const std::string& urn)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  if (!absl::StartsWith(urn, "urn:li:comment:(") || !absl::EndsWith(urn, ")")) return nullptr;
  const size_t comma = urn.rfind(',');
  if (comma == std::string::npos) return nullptr;
  CommentRecord* c = state.FindComment("linkedin", urn.substr(comma + 1, urn.size() - comma - 2));
  return c != nullptr && Listed(state, *c) && Urn(*c) == urn ? c : nullptr;
}

// The organization that may act on comments under `post`: its author.
std::string OwnerOf(SandboxState& state, const std::string& post)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const PostRecord* p = state.FindPost("linkedin", post);
  return p == nullptr ? "" : p->extra.value("author", "");
}

void ListComments(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const std::string target = req.PathParam("target");
  const CommentRecord* parent = FindByUrn(state, target);
  if (parent == nullptr && state.FindPost("linkedin", target) == nullptr) {
    return Error(res, 404, "", absl::StrCat("Not found: ", target));
  }
  int start = 0, count = 10;
  if ((!req.Param("start").empty() && (!absl::SimpleAtoi(req.Param("start"), &start) || start < 0)) ||
      (!req.Param("count").empty() &&
       (!absl::SimpleAtoi(req.Param("count"), &count) || count < 1 || count > 100))) {
    return Error(res, 400, "", "start must be >= 0 and count 1..100", 100);
  }
  std::vector<const CommentRecord*> items;
  for (const CommentRecord& c : state.Comments()) {
    if (!Listed(state, c)) continue;
    if (parent != nullptr ? c.parent_id == parent->id : c.post_id == target && c.parent_id.empty()) {
      items.push_back(&c);
    }
  }
  std::stable_sort(items.begin(), items.end(), [top = parent == nullptr](const CommentRecord* a,
                                                                         const CommentRecord* b) {
    return top ? a->created_at > b->created_at : a->created_at < b->created_at;
  });
  Json elements = Json::array();
  const size_t begin = std::min(items.size(), static_cast<size_t>(start));
  const size_t end = std::min(items.size(), begin + static_cast<size_t>(count));
  for (size_t i = begin; i < end; ++i) elements.push_back(CommentJson(state, *items[i]));
  res.SetJson(200, {{"elements", std::move(elements)},
                    {"paging", {{"start", start}, {"count", count}, {"total", items.size()},
                                {"links", Json::array()}}}});
}

void CreateComment(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const Json body = req.BodyJson();
  const std::string actor = StringField(body, "actor");
  const std::string text = StringField(body.is_object() ? body.value("message", Json()) : Json(), "text");
  if (actor.empty() || text.empty() || text.size() > 1'250) {
    return Error(res, 422, "", "/actor and /message/text (1..1,250 characters) are required", 100);
  }
  const std::string target = req.PathParam("target");
  const CommentRecord* parent = FindByUrn(state, target);
  const std::string post = parent != nullptr ? parent->post_id : target;
  if (parent == nullptr && state.FindPost("linkedin", target) == nullptr) {
    return Error(res, 404, "", absl::StrCat("Not found: ", target));
  }
  if (parent != nullptr && !parent->parent_id.empty()) {
    return Error(res, 422, "", "Comments can only be nested one level: reply to the top-level "
                               "comment", 100);
  }
  if (actor != OwnerOf(state, post)) {
    return Error(res, 403, "ACCESS_DENIED", "The actor may not comment as this organization here");
  }
  CommentRecord c{.network = "linkedin", .account = account, .id = state.NextId(),
                  .parent_id = parent == nullptr ? "" : parent->id, .post_id = post,
                  .author_id = actor, .author_handle = account, .text = text,
                  .created_at = state.Now(), .by_account = true};
  res.AddHeader("x-restli-id", Urn(c));
  res.SetJson(201, CommentJson(state, c));
  state.AddComment(std::move(c));
}

void DeleteComment(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  // The target is the post the comment is on, or for a reply its parent comment.
  CommentRecord* c = state.FindComment("linkedin", req.PathParam("id"));
  const CommentRecord* parent =
      c == nullptr || c->parent_id.empty() ? nullptr : state.FindComment("linkedin", c->parent_id);
  const std::string target = req.PathParam("target");
  if (c == nullptr || !Listed(state, *c) ||
      (target != c->post_id && (parent == nullptr || target != Urn(*parent)))) {
    return Error(res, 404, "", "Not found: the comment");
  }
  if (req.Param("actor") != OwnerOf(state, c->post_id)) {
    return Error(res, 403, "ACCESS_DENIED",
                 "Only the organization that owns the post may delete its comments");
  }
  c->deleted = true;
  res.status = 204;
  res.body.clear();
}

void React(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const Json body = req.BodyJson();
  CommentRecord* c = FindByUrn(state, StringField(body, "root"));
  if (c == nullptr) return Error(res, 404, "", "Not found: root");
  if (StringField(body, "reactionType") != "LIKE" || req.Param("actor").empty()) {
    return Error(res, 422, "", "actor and reactionType LIKE are required", 100);
  }
  if (!c->liked_by.insert(req.Param("actor")).second) {
    return Error(res, 409, "", "The reaction already exists");
  }
  res.status = 201;
  res.body.clear();
}

}  // namespace

void RegisterComments(Router& router, SandboxState& state) {
  router.Add("GET", "/linkedin/rest/socialActions/{target}/comments", Locked(state, &ListComments));
  router.Add("POST", "/linkedin/rest/socialActions/{target}/comments", Locked(state, &CreateComment));
  router.Add("DELETE", "/linkedin/rest/socialActions/{target}/comments/{id}",
             Locked(state, &DeleteComment));
  router.Add("POST", "/linkedin/rest/reactions", Locked(state, &React));
}

}  // namespace fanfare::sandbox::linkedin
