// X API v2 conversations: the mention timeline (GET /2/users/{id}/mentions with since_id,
// pagination_token and the author expansion), replies (POST /2/tweets with
// reply.in_reply_to_tweet_id), hiding replies (PUT /2/tweets/{id}/hidden, only in
// conversations the account started), likes and reposts (POST /2/users/{id}/likes and
// /retweets), deleting one's own
// tweets (DELETE /2/tweets/{id}) and recent search (GET /2/tweets/search/recent, 7 days).
// Each endpoint has its own per-user 15-minute window (SandboxOptions).
#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sandbox/audience.h"
#include "sandbox/x_api.h"

namespace fanfare::sandbox::x {
namespace {

constexpr absl::Duration kSearchWindow = absl::Hours(24 * 7);

uint64_t Numeric(const std::string& id) {
  uint64_t n = 0;
  return absl::SimpleAtoi(id, &n) ? n : 0;
}

void InvalidRequest(SandboxResponse& res, const std::string& message) {
  res.SetJson(400, {{"errors", Json::array({{{"message", message}}})},
                    {"title", "Invalid Request"},
                    {"detail", "One or more parameters to your request was invalid."},
                    {"type", "https://api.twitter.com/2/problems/invalid-request"}});
}

Json TweetOf(const CommentRecord& c) {
  Json t = {{"id", c.id}, {"author_id", c.author_id},
            {"created_at", Rfc3339(c.created_at)},
            {"conversation_id", c.post_id.empty() ? c.id : c.post_id},
            {"edit_history_tweet_ids", Json::array({c.id})}};
  SetTweetText(t, c.text);
  const std::string parent = !c.parent_id.empty() ? c.parent_id : c.post_id;
  if (!parent.empty()) {
    t["referenced_tweets"] = Json::array({{{"type", "replied_to"}, {"id", parent}}});
    if (!c.by_account) t["in_reply_to_user_id"] = UserId(c.account);
  }
  return t;
}

Json UserOf(const CommentRecord& c) {
  return {{"id", c.author_id}, {"username", c.author_handle}, {"name", c.author_handle},
          {"public_metrics", {{"followers_count", c.author_followers},
                              {"following_count", 0}, {"tweet_count", 0},
                              {"listed_count", 0}}}};
}

// One page of `matches` (newest first) as X answers a timeline or a search: data,
// includes.users, meta with newest_id, oldest_id and next_token.
void AnswerPage(std::vector<const CommentRecord*> matches, const SandboxRequest& req,
                int min_results, SandboxResponse& res) {
  int max_results = 10;
  if (!req.Param("max_results").empty() &&
      (!absl::SimpleAtoi(req.Param("max_results"), &max_results) || max_results < min_results ||
       max_results > 100)) {
    return InvalidRequest(res, absl::StrCat("The `max_results` query parameter value [",
                                            req.Param("max_results"), "] is not between ",
                                            min_results, " and 100"));
  }
  size_t offset = 0;
  const std::string token = req.Param("pagination_token", req.Param("next_token"));
  if (!token.empty() && (!absl::StartsWith(token, "p") ||
                         !absl::SimpleAtoi(token.substr(1), &offset))) {
    return InvalidRequest(res, "The `pagination_token` query parameter value is not valid");
  }
  std::sort(matches.begin(), matches.end(), [](const CommentRecord* a, const CommentRecord* b) {
    return Numeric(a->id) > Numeric(b->id);
  });
  Json data = Json::array();
  Json users = Json::array();
  std::set<std::string> listed_users;
  for (size_t i = offset; i < matches.size() && data.size() < static_cast<size_t>(max_results);
       ++i) {
    data.push_back(TweetOf(*matches[i]));
    if (listed_users.insert(matches[i]->author_id).second) users.push_back(UserOf(*matches[i]));
  }
  Json meta = {{"result_count", data.size()}};
  if (data.empty()) return res.SetJson(200, {{"meta", meta}});
  meta["newest_id"] = data.front()["id"];
  meta["oldest_id"] = data.back()["id"];
  if (offset + data.size() < matches.size()) meta["next_token"] = absl::StrCat("p", offset + data.size());
  res.SetJson(200, {{"data", data}, {"includes", {{"users", users}}}, {"meta", meta}});
}

// The comments of X no one deleted that the clock has reached.
bool Visible(const SandboxState& state, const CommentRecord& c) {
  return c.network == "x" && !c.deleted && c.created_at <= state.Now();
}

// The (since_id, until_id) range of a timeline request, both exclusive; until 0 means none.
struct IdRange {
  uint64_t since = 0;
  uint64_t until = 0;
  bool Holds(const std::string& id) const {
    const uint64_t n = Numeric(id);
    return n > since && (until == 0 || n < until);
  }
};

IdRange RangeOf(const SandboxRequest& req) {
  return {Numeric(req.Param("since_id")), Numeric(req.Param("until_id"))};
}

void Mentions(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  if (!TakeWindow(state, account, "mentions", state.options().x_reads_per_window, res)) return;
  const IdRange range = RangeOf(req);
  std::vector<const CommentRecord*> matches;
  for (const CommentRecord& c : state.Comments()) {
    if (Visible(state, c) && !c.by_account && UserId(c.account) == req.PathParam("id") &&
        range.Holds(c.id)) {
      matches.push_back(&c);
    }
  }
  AnswerPage(std::move(matches), req, 5, res);
}

// Recent search (MatchesSearchQuery) over the last 7 days of every account's conversations.
void SearchRecent(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  if (!TakeWindow(state, account, "search", state.options().x_reads_per_window, res)) return;
  const std::string query = req.Param("query");
  if (query.empty() || query.size() > 512) {
    return InvalidRequest(res, "The `query` query parameter is required, at most 512 characters");
  }
  // Recent search reaches back 7 days and refuses ids and times from before.
  const absl::Time oldest = state.Now() - kSearchWindow;
  const IdRange range = RangeOf(req);
  for (const char* param : {"since_id", "until_id"}) {
    if (!req.Param(param).empty() && Numeric(req.Param(param)) < Numeric(XSnowflake(oldest, 0))) {
      return InvalidRequest(res, absl::StrCat("Invalid '", param, "':'", req.Param(param), "'. '",
                                              param, "' must be a tweet id created after ",
                                              Rfc3339(oldest)));
    }
  }
  const absl::Time start = ParseTimeParam(req.Param("start_time"), oldest);
  if (start < oldest) {
    return InvalidRequest(res, absl::StrCat("Invalid 'start_time':'", req.Param("start_time"),
                                            "'. 'start_time' must be on or after ",
                                            Rfc3339(oldest)));
  }
  std::vector<const CommentRecord*> matches;
  for (const CommentRecord& c : state.Comments()) {
    if (Visible(state, c) && c.created_at >= start && range.Holds(c.id) &&
        MatchesSearchQuery(c.text, c.author_handle, query)) {
      matches.push_back(&c);
    }
  }
  AnswerPage(std::move(matches), req, 10, res);
}

void Hide(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  if (!TakeWindow(state, account, "hide", state.options().x_moderation_per_window, res)) return;
  const Json body = req.BodyJson();
  if (!body.is_object() || !body.contains("hidden") || !body["hidden"].is_boolean()) {
    return InvalidRequest(res, "$.hidden: is missing but required");
  }
  CommentRecord* c = state.FindComment("x", req.PathParam("id"));
  if (c == nullptr || c->deleted || c->created_at > state.Now()) {
    return Problem(res, 404, "Not Found Error", "Could not find tweet with id: [" +
                                                    req.PathParam("id") + "].");
  }
  if (c->account != account || c->post_id.empty() || c->by_account) {
    return Problem(res, 403, "Forbidden",
                   "You can only hide or unhide replies to conversations you authored.");
  }
  c->hidden = body["hidden"].get<bool>();
  res.SetJson(200, {{"data", {{"hidden", c->hidden}}}});
}

// POST /2/users/{id}/likes and /retweets {tweet_id}: the account likes or reposts a tweet
// (doing it again changes nothing and answers the same).
void LikeOrRepost(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
                  bool repost) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  if (UserId(account) != req.PathParam("id")) {
    return Problem(res, 403, "Forbidden",
                   "You are not permitted to perform this action on behalf of this user.");
  }
  if (!TakeWindow(state, account, repost ? "retweets" : "likes",
                  state.options().x_moderation_per_window, res)) {
    return;
  }
  const std::string tweet_id = StringField(req.BodyJson(), "tweet_id");
  if (tweet_id.empty()) return InvalidRequest(res, "$.tweet_id: is missing but required");
  CommentRecord* c = state.FindComment("x", tweet_id);
  if (c == nullptr || !Visible(state, *c)) {
    return Problem(res, 404, "Not Found Error", "Could not find the tweet.");
  }
  (repost ? c->reshared_by : c->liked_by).insert(account);
  res.SetJson(200, {{"data", {{repost ? "retweeted" : "liked", true}}}});
}

void Delete(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  if (!TakeWindow(state, account, "delete", state.options().x_moderation_per_window, res)) return;
  CommentRecord* c = state.FindComment("x", req.PathParam("id"));
  if (c == nullptr || !Visible(state, *c)) {
    // Deleting what is already gone succeeds as not deleted now.
    return res.SetJson(200, {{"data", {{"deleted", false}}}});
  }
  if (!c->by_account || c->account != account) {
    return Problem(res, 403, "Forbidden", "You are not allowed to delete a Tweet you did not "
                                          "author.");
  }
  c->deleted = true;
  res.SetJson(200, {{"data", {{"deleted", true}}}});
}

}  // namespace

bool PostedBefore(SandboxState& state, const std::string& account, const std::string& text) {
  const absl::Time since = state.Now() - absl::Hours(24 * 30);
  for (const PostRecord& p : state.posts) {
    if (p.network == "x" && p.account == account && p.text == text && p.created_at > since) {
      return true;
    }
  }
  for (const CommentRecord& c : state.Comments()) {
    if (c.network == "x" && c.by_account && c.account == account && !c.deleted &&
        c.text == text && c.created_at > since) {
      return true;
    }
  }
  return false;
}

void PostReply(SandboxState& state, const std::string& account, const std::string& text,
               const Json& reply, SandboxResponse& res) {
  const std::string parent_id = StringField(reply, "in_reply_to_tweet_id");
  const CommentRecord* parent = state.FindComment("x", parent_id);
  const PostRecord* post = parent == nullptr ? state.FindPost("x", parent_id) : nullptr;
  if ((parent == nullptr || !Visible(state, *parent)) && post == nullptr) {
    return Problem(res, 403, "Forbidden",
                   "You attempted to reply to a Tweet that is deleted or not visible to you.");
  }
  CommentRecord c{.network = "x", .account = account,
                  .id = XSnowflake(state.Now(), static_cast<uint64_t>(state.counters["x/sequence"]++)),
                  .parent_id = parent_id,
                  .post_id = parent != nullptr ? parent->post_id : post->id,
                  .author_id = UserId(account), .author_handle = account, .text = text,
                  .created_at = state.Now(), .by_account = true};
  if (parent != nullptr && c.post_id.empty()) c.post_id = parent->id;  // answering a mention
  res.SetJson(201, {{"data", {{"id", c.id}, {"text", text},
                              {"edit_history_tweet_ids", Json::array({c.id})}}}});
  state.AddComment(std::move(c));
}

Json ReplyTweets(SandboxState& state, const std::string& account) {
  Json out = Json::array();
  for (const CommentRecord& c : state.Comments()) {
    if (c.network == "x" && c.by_account && c.account == account && !c.deleted) {
      out.push_back(TweetOf(c));
    }
  }
  return out;
}

void RegisterConversations(Router& router, SandboxState& state) {
  router.Add("GET", "/x/2/users/{id}/mentions", Locked(state, &Mentions));
  router.Add("GET", "/x/2/tweets/search/recent", Locked(state, &SearchRecent));
  router.Add("PUT", "/x/2/tweets/{id}/hidden", Locked(state, &Hide));
  router.Add("POST", "/x/2/users/{id}/likes",
             Locked(state, [](SandboxState& s, const SandboxRequest& req, SandboxResponse& res)
                               ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
                                 LikeOrRepost(s, req, res, /*repost=*/false);
                               }));
  router.Add("POST", "/x/2/users/{id}/retweets",
             Locked(state, [](SandboxState& s, const SandboxRequest& req, SandboxResponse& res)
                               ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
                                 LikeOrRepost(s, req, res, /*repost=*/true);
                               }));
  router.Add("DELETE", "/x/2/tweets/{id}", Locked(state, &Delete));
}

}  // namespace fanfare::sandbox::x
