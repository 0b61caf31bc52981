// YouTube Data API v3 comments: commentThreads.list (by channel or video, with the owner's
// moderationStatus filter, pageToken paging, 1 unit), comments.list of a thread's replies
// (1 unit), comments.insert of a reply (50 units), comments.setModerationStatus
// (published | heldForReview | rejected, banAuthor only with rejected; 50 units) and
// comments.delete of one's own comment (50 units). Others' comments can be rejected by the
// video's owner, never deleted.
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sandbox/youtube_api.h"

namespace fanfare::sandbox::youtube {
namespace {

constexpr int64_t kReadUnits = 1;
constexpr int64_t kWriteUnits = 50;

bool Listed(const SandboxState& state, const CommentRecord& c) {
  return c.network == "youtube" && !c.deleted && c.created_at <= state.Now();
}

Json CommentJson(const CommentRecord& c, bool owner) {
  Json snippet = {{"authorDisplayName", absl::StrCat("@", c.author_handle)},
                  {"authorChannelId", {{"value", absl::StrCat("UC", c.author_id)}}},
                  {"channelId", absl::StrCat("UC", c.account)},
                  {"textDisplay", c.text}, {"textOriginal", c.text},
                  {"canRate", true}, {"viewerRating", "none"},
                  {"likeCount", static_cast<int64_t>(c.liked_by.size())},
                  {"publishedAt", Rfc3339(c.created_at)}, {"updatedAt", Rfc3339(c.created_at)}};
  if (c.post_id.size() > 0) snippet["videoId"] = c.post_id;
  if (!c.parent_id.empty()) snippet["parentId"] = c.parent_id;
  if (owner) snippet["moderationStatus"] = c.moderation_status;
  return {{"kind", "youtube#comment"}, {"etag", absl::StrCat("sbx", c.id)}, {"id", c.id},
          {"snippet", snippet}};
}


// One page of `total` items (`page`, from `offset`) as a list response of `kind`.
void AnswerList(const std::string& kind, Json page, size_t total, int max_results, size_t offset,
                SandboxResponse& res) {
  const size_t shown = page.size();
  Json answer = {{"kind", kind}, {"items", std::move(page)},
                 {"pageInfo", {{"totalResults", total}, {"resultsPerPage", max_results}}}};
  if (offset + shown < total) answer["nextPageToken"] = absl::StrCat("t", offset + shown);
  res.SetJson(200, answer);
}

// The indices [offset, offset + max) of a list of `total`, clamped.
std::pair<size_t, size_t> PageOf(size_t total, size_t offset, int max_results) {
  const size_t begin = std::min(offset, total);
  return {begin, std::min(total, begin + static_cast<size_t>(max_results))};
}

// The published replies of every thread, oldest first: one pass over the comments.
std::map<std::string, std::vector<const CommentRecord*>> RepliesByThread(SandboxState& state)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::map<std::string, std::vector<const CommentRecord*>> replies;
  for (const CommentRecord& c : state.Comments()) {
    if (Listed(state, c) && !c.parent_id.empty() && c.moderation_status == "published") {
      replies[c.parent_id].push_back(&c);
    }
  }
  for (auto& [parent, list] : replies) {
    std::stable_sort(list.begin(), list.end(), [](const CommentRecord* a, const CommentRecord* b) {
      return a->created_at < b->created_at;
    });
  }
  return replies;
}

void ListThreads(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, kReadUnits, &account)) return;
  const std::string channel = req.Param("allThreadsRelatedToChannelId");
  const std::string video = req.Param("videoId");
  if (!absl::StrContains(req.Param("part"), "snippet") || channel.empty() == video.empty()) {
    return GoogleError(res, 400, "missingRequiredParameter",
                       "part=snippet and exactly one of allThreadsRelatedToChannelId, videoId "
                       "are required");
  }
  const std::string status = req.Param("moderationStatus", "published");
  if (status != "published" && status != "heldForReview" && status != "likelySpam") {
    return GoogleError(res, 400, "invalidModerationStatus",
                       "moderationStatus must be published, heldForReview or likelySpam");
  }
  const bool owner = channel == absl::StrCat("UC", account);
  if (status != "published" && !owner) {
    return GoogleError(res, 403, "forbidden",
                       "Only the channel's owner may list comments held for review.");
  }
  int max_results = 20;
  size_t offset = 0;
  if (!Paging(req, res, 20, 100, &max_results, &offset)) return;
  std::vector<const CommentRecord*> threads;
  for (const CommentRecord& c : state.Comments()) {
    if (!Listed(state, c) || !c.parent_id.empty() || c.moderation_status != status ||
        (!channel.empty() && absl::StrCat("UC", c.account) != channel) ||
        (!video.empty() && c.post_id != video)) {
      continue;
    }
    threads.push_back(&c);
  }
  std::sort(threads.begin(), threads.end(), [](const CommentRecord* a, const CommentRecord* b) {
    return a->created_at > b->created_at;
  });
  const bool with_replies = absl::StrContains(req.Param("part"), "replies");
  const auto replies_by_thread = RepliesByThread(state);
  const std::vector<const CommentRecord*> none;
  Json items = Json::array();
  const auto [begin, end] = PageOf(threads.size(), offset, max_results);
  for (size_t i = begin; i < end; ++i) {
    const CommentRecord* c = threads[i];
    auto found = replies_by_thread.find(c->id);
    const std::vector<const CommentRecord*>& replies =
        found == replies_by_thread.end() ? none : found->second;
    Json item = {{"kind", "youtube#commentThread"}, {"etag", absl::StrCat("sbxt", c->id)},
                 {"id", c->id},
                 {"snippet", {{"channelId", absl::StrCat("UC", c->account)},
                              {"videoId", c->post_id},
                              {"topLevelComment", CommentJson(*c, owner)},
                              {"canReply", true}, {"totalReplyCount", replies.size()},
                              {"isPublic", true}}}};
    if (with_replies && !replies.empty()) {
      Json comments = Json::array();
      for (const CommentRecord* r : replies) comments.push_back(CommentJson(*r, owner));
      item["replies"] = {{"comments", comments}};
    }
    items.push_back(std::move(item));
  }
  AnswerList("youtube#commentThreadListResponse", std::move(items), threads.size(), max_results,
             offset, res);
}

void ListReplies(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, kReadUnits, &account)) return;
  const std::string parent = req.Param("parentId");
  if (parent.empty()) {
    return GoogleError(res, 400, "missingRequiredParameter", "parentId is required");
  }
  int max_results = 20;
  size_t offset = 0;
  if (!Paging(req, res, 20, 100, &max_results, &offset)) return;
  const auto replies_by_thread = RepliesByThread(state);
  auto found = replies_by_thread.find(parent);
  const size_t total = found == replies_by_thread.end() ? 0 : found->second.size();
  Json items = Json::array();
  const auto [begin, end] = PageOf(total, offset, max_results);
  for (size_t i = begin; i < end; ++i) {
    const CommentRecord* r = found->second[i];
    items.push_back(CommentJson(*r, r->account == account));
  }
  AnswerList("youtube#commentListResponse", std::move(items), total, max_results, offset, res);
}

void InsertReply(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, kWriteUnits, &account)) return;
  const Json body = req.BodyJson();
  const Json snippet = body.is_object() ? body.value("snippet", Json::object()) : Json::object();
  const std::string parent_id = StringField(snippet, "parentId");
  const std::string text = StringField(snippet, "textOriginal");
  if (text.empty() || text.size() > 10'000) {
    return GoogleError(res, 400, "commentTextRequired",
                       "snippet.textOriginal is required, at most 10,000 characters");
  }
  const CommentRecord* parent = state.FindComment("youtube", parent_id);
  if (parent == nullptr || !Listed(state, *parent) || !parent->parent_id.empty()) {
    return GoogleError(res, 404, "parentCommentNotFound",
                       "The parent comment specified by snippet.parentId could not be found; "
                       "replies go to top-level comments only.");
  }
  CommentRecord c{.network = "youtube", .account = parent->account,
                  .id = absl::StrCat(parent->id, ".", state.NextId()), .parent_id = parent->id,
                  .post_id = parent->post_id, .author_id = account, .author_handle = account,
                  .text = text, .created_at = state.Now(), .by_account = account == parent->account};
  res.SetJson(200, CommentJson(c, true));
  state.AddComment(std::move(c));
}

void SetModerationStatus(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, kWriteUnits, &account)) return;
  const std::string status = req.Param("moderationStatus");
  if (status != "published" && status != "heldForReview" && status != "rejected") {
    return GoogleError(res, 400, "invalidModerationStatus",
                       "moderationStatus must be published, heldForReview or rejected");
  }
  if (req.Param("banAuthor") == "true" && status != "rejected") {
    return GoogleError(res, 400, "banWithoutReject",
                       "banAuthor can only be used with moderationStatus rejected");
  }
  CommentRecord* c = state.FindComment("youtube", req.Param("id"));
  if (c == nullptr || !Listed(state, *c)) {
    return GoogleError(res, 404, "commentNotFound", "The comment could not be found.");
  }
  if (c->account != account) {
    return GoogleError(res, 403, "forbidden",
                       "Only the owner of the video or channel can moderate its comments.");
  }
  c->moderation_status = status;
  c->hidden = status != "published";
  res.status = 204;
  res.body.clear();
}

void DeleteComment(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, kWriteUnits, &account)) return;
  CommentRecord* c = state.FindComment("youtube", req.Param("id"));
  if (c == nullptr || !Listed(state, *c)) {
    return GoogleError(res, 404, "commentNotFound", "The comment could not be found.");
  }
  if (c->author_id != account) {
    return GoogleError(res, 403, "forbidden",
                       "Only a comment's author can delete it; the owner of the video can "
                       "reject it with comments.setModerationStatus.");
  }
  c->deleted = true;
  res.status = 204;
  res.body.clear();
}

}  // namespace

void RegisterComments(Router& router, SandboxState& state) {
  router.Add("GET", "/youtube/youtube/v3/commentThreads", Locked(state, &ListThreads));
  router.Add("GET", "/youtube/youtube/v3/comments", Locked(state, &ListReplies));
  router.Add("POST", "/youtube/youtube/v3/comments", Locked(state, &InsertReply));
  router.Add("POST", "/youtube/youtube/v3/comments/setModerationStatus",
             Locked(state, &SetModerationStatus));
  router.Add("DELETE", "/youtube/youtube/v3/comments", Locked(state, &DeleteComment));
}

}  // namespace fanfare::sandbox::youtube
