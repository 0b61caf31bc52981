// What the X emulation's files share (x_api.cc: tweets and the Ads API;
// x_conversations.cc: replies, mentions, hiding, likes and search).
#ifndef FANFARE_SANDBOX_X_API_H_
#define FANFARE_SANDBOX_X_API_H_

#include <string>

#include "sandbox/network_api.h"

namespace fanfare::sandbox::x {

// An RFC 7807 problem, as X API v2 answers errors.
void Problem(SandboxResponse& res, int status, const std::string& title,
             const std::string& detail);
// Checks the bearer token and counts the request; answers 401 otherwise.
bool Admit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
           std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);
// A tweet's `text` as X v2 shows it — every link replaced by a t.co link, and &, < and >
// HTML-escaped — and `entities.urls` mapping each t.co link back to what was written.
void SetTweetText(Json& tweet, const std::string& text);
// The numeric user id of a sandbox account.
std::string UserId(const std::string& account);
// One request against the per-user window `endpoint` (`limit` per 15 minutes), with the
// x-rate-limit-* headers X sends; false after answering 429 when the window is full.
bool TakeWindow(SandboxState& state, const std::string& account, const std::string& endpoint,
                int limit, SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);

// POST /2/tweets with `reply.in_reply_to_tweet_id`: the account answers a comment or
// mention (x_conversations.cc). The write window and duplicate check were passed.
void PostReply(SandboxState& state, const std::string& account, const std::string& text,
               const Json& reply, SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);
// True if the account posted or replied `text` in the last 30 days.
bool PostedBefore(SandboxState& state, const std::string& account, const std::string& text)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);
// The account's replies, newest first, as GET /2/users/{id}/tweets lists them.
Json ReplyTweets(SandboxState& state, const std::string& account)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);

// Mentions, hidden replies, likes, deletes and recent search.
void RegisterConversations(Router& router, SandboxState& state);

}  // namespace fanfare::sandbox::x

#endif  // FANFARE_SANDBOX_X_API_H_
