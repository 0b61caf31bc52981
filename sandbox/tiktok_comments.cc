// TikTok API for Business, the account's videos and their comments (/open_api/v1.3/):
//
//   GET  business/video/list/?business_id=&max_count=        the account's videos, newest
//                                                            first: {videos: [{item_id,
//                                                            create_time, share_url}]}
//   GET  business/comment/list/?business_id=&video_id=       comments, newest first
//        &include_replies=&cursor=&max_count= (1..30, 20)    (sort_field create_time); replies
//                                                            too with include_replies=true
//   GET  business/comment/reply/list/?…&comment_id=          a comment's replies, oldest first
//   POST business/comment/reply/create/ {business_id,        a reply to a top-level comment
//        video_id, comment_id, text}
//   POST business/comment/hide/   {…, action: HIDE|UNHIDE}
//   POST business/comment/like/   {…, action: LIKE|UNLIKE}
//   POST business/comment/pin/    {…, action: PIN|UNPIN}     one pinned comment per video
//   POST business/comment/delete/ {business_id, comment_id}
//
// Every answer is HTTP 200 {code, message, request_id, data}; code 40002 for bad parameters
// and for a comment that does not exist. A comment is {comment_id, video_id, user_id,
// username, display_name, text, create_time (seconds), likes, replies, status PUBLIC|HIDDEN,
// parent_comment_id, owner, liked, pinned}; no follower counts.
#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sandbox/tiktok_api.h"

namespace fanfare::sandbox::tiktok {
namespace {

bool Listed(const SandboxState& state, const CommentRecord& c) {
  return c.network == "tiktok" && !c.deleted && c.created_at <= state.Now();
}

Json CommentJson(const CommentRecord& c, const std::string& account) {
  return {{"comment_id", c.id}, {"video_id", c.post_id}, {"user_id", c.author_id},
          {"username", c.author_handle}, {"display_name", c.author_handle}, {"text", c.text},
          {"create_time", absl::ToUnixSeconds(c.created_at)},
          {"likes", c.liked_by.size()}, {"replies", 0},
          {"status", c.hidden ? "HIDDEN" : "PUBLIC"}, {"parent_comment_id", c.parent_id},
          {"owner", c.by_account}, {"liked", c.liked_by.count(account) > 0},
          {"pinned", c.pinned}};
}

// Admits the request and checks business_id; false (answered) otherwise.
bool AdmitBusiness(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
                   std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  if (!BizAdmit(state, req, res, account)) return false;
  if (Str(req, "business_id").empty()) {
    Biz(res, 40002, "business_id is required", Json::object());
    return false;
  }
  return true;
}

// The account's comment `id` (listed), or nullptr with the answer given.
CommentRecord* FindOwned(SandboxState& state, const std::string& account, const std::string& id,
                         SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  CommentRecord* c = state.FindComment("tiktok", id);
  if (c == nullptr || !Listed(state, *c) || c->account != account) {
    Biz(res, 40002, "comment_id: the comment does not exist", Json::object());
    return nullptr;
  }
  return c;
}

void ListVideos(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!AdmitBusiness(state, req, res, &account)) return;
  int max = 20;
  if (!Str(req, "max_count").empty() &&
      (!absl::SimpleAtoi(Str(req, "max_count"), &max) || max < 1 || max > 20)) {
    return Biz(res, 40002, "max_count must be 1..20", Json::object());
  }
  Json videos = Json::array();
  for (auto it = state.posts.rbegin(); it != state.posts.rend() && static_cast<int>(videos.size()) < max; ++it) {
    if (it->network != "tiktok" || it->account != account) continue;
    videos.push_back({{"item_id", it->id}, {"create_time", absl::ToUnixSeconds(it->created_at)},
                      {"share_url", it->url}});
  }
  Biz(res, 0, "OK", {{"videos", videos}, {"cursor", 0}, {"has_more", false}});
}

// One page (`cursor`: an offset, `max_count` 1..30) of `items`.
void AnswerPage(const SandboxRequest& req, const std::vector<const CommentRecord*>& items,
                const std::string& account, SandboxResponse& res) {
  int64_t cursor = 0;
  int max = 20;
  if ((!Str(req, "cursor").empty() && (!absl::SimpleAtoi(Str(req, "cursor"), &cursor) || cursor < 0)) ||
      (!Str(req, "max_count").empty() &&
       (!absl::SimpleAtoi(Str(req, "max_count"), &max) || max < 1 || max > 30))) {
    return Biz(res, 40002, "cursor must be >= 0 and max_count 1..30", Json::object());
  }
  const size_t begin = std::min(items.size(), static_cast<size_t>(cursor));
  const size_t end = std::min(items.size(), begin + static_cast<size_t>(max));
  Json comments = Json::array();
  for (size_t i = begin; i < end; ++i) comments.push_back(CommentJson(*items[i], account));
  Biz(res, 0, "OK", {{"comments", comments}, {"cursor", end}, {"has_more", end < items.size()}});
}

void ListComments(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!AdmitBusiness(state, req, res, &account)) return;
  const std::string video = Str(req, "video_id");
  const PostRecord* post = state.FindPost("tiktok", video);
  if (post == nullptr || post->account != account) {
    return Biz(res, 40002, "video_id: the video does not exist", Json::object());
  }
  const bool with_replies = Str(req, "include_replies") == "true";
  std::vector<const CommentRecord*> items;
  for (const CommentRecord& c : state.Comments()) {
    if (Listed(state, c) && c.post_id == video && (with_replies || c.parent_id.empty())) {
      items.push_back(&c);
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const CommentRecord* a, const CommentRecord* b) {
    return a->created_at > b->created_at;
  });
  AnswerPage(req, items, account, res);
}

void ListReplies(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!AdmitBusiness(state, req, res, &account)) return;
  const CommentRecord* parent = FindOwned(state, account, Str(req, "comment_id"), res);
  if (parent == nullptr) return;
  std::vector<const CommentRecord*> items;
  for (const CommentRecord& c : state.Comments()) {
    if (Listed(state, c) && c.parent_id == parent->id) items.push_back(&c);
  }
  std::stable_sort(items.begin(), items.end(), [](const CommentRecord* a, const CommentRecord* b) {
    return a->created_at < b->created_at;
  });
  AnswerPage(req, items, account, res);
}

void Reply(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!AdmitBusiness(state, req, res, &account)) return;
  const std::string text = Str(req, "text");
  if (text.empty() || text.size() > 150) {
    return Biz(res, 40002, "text is required, at most 150 characters", Json::object());
  }
  const CommentRecord* parent = FindOwned(state, account, Str(req, "comment_id"), res);
  if (parent == nullptr) return;
  if (parent->post_id != Str(req, "video_id") || !parent->parent_id.empty()) {
    return Biz(res, 40002, "replies go to a top-level comment of video_id", Json::object());
  }
  CommentRecord c{.network = "tiktok", .account = account, .id = state.NextId(),
                  .parent_id = parent->id, .post_id = parent->post_id, .author_id = account,
                  .author_handle = account, .text = text, .created_at = state.Now(),
                  .by_account = true};
  Biz(res, 0, "OK", CommentJson(c, account));
  state.AddComment(std::move(c));
}

// hide/, like/ and pin/: an action on one comment, setting a state.
void SetState(SandboxState& state, const std::string& what, const SandboxRequest& req,
              SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!AdmitBusiness(state, req, res, &account)) return;
  CommentRecord* c = FindOwned(state, account, Str(req, "comment_id"), res);
  if (c == nullptr) return;
  const std::string action = Str(req, "action");
  if (what != "like" && c->post_id != Str(req, "video_id")) {
    return Biz(res, 40002, "video_id: the comment is not on this video", Json::object());
  }
  if (what == "hide" && (action == "HIDE" || action == "UNHIDE")) {
    c->hidden = action == "HIDE";
  } else if (what == "like" && (action == "LIKE" || action == "UNLIKE")) {
    if (action == "LIKE") c->liked_by.insert(account);
    if (action == "UNLIKE") c->liked_by.erase(account);
  } else if (what == "pin" && (action == "PIN" || action == "UNPIN")) {
    // One pinned comment per video: pinning another unpins the last.
    if (action == "PIN") {
      for (CommentRecord& other : state.Comments()) {
        if (other.network == "tiktok" && other.post_id == c->post_id) other.pinned = false;
      }
    }
    c->pinned = action == "PIN";
  } else {
    return Biz(res, 40002, absl::StrCat("action is not valid for comment/", what, "/"),
               Json::object());
  }
  Biz(res, 0, "OK", Json::object());
}

void Delete(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!AdmitBusiness(state, req, res, &account)) return;
  CommentRecord* c = FindOwned(state, account, Str(req, "comment_id"), res);
  if (c == nullptr) return;
  c->deleted = true;
  Biz(res, 0, "OK", Json::object());
}

}  // namespace

void RegisterComments(Router& router, SandboxState& state) {
  const std::string biz = "/tiktok/open_api/v1.3/business/";
  router.Add("GET", biz + "video/list", Locked(state, &ListVideos));
  router.Add("GET", biz + "comment/list", Locked(state, &ListComments));
  router.Add("GET", biz + "comment/reply/list", Locked(state, &ListReplies));
  router.Add("POST", biz + "comment/reply/create", Locked(state, &Reply));
  router.Add("POST", biz + "comment/delete", Locked(state, &Delete));
  for (const char* what : {"hide", "like", "pin"}) {
    router.Add("POST", absl::StrCat(biz, "comment/", what),
               Locked(state, [w = std::string(what)](SandboxState& s, const SandboxRequest& req,
                                                     SandboxResponse& res)
                                 ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) { SetState(s, w, req, res); }));
  }
}

}  // namespace fanfare::sandbox::tiktok
