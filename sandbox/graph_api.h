// Pieces of the Graph API emulation shared by Facebook and Instagram: the error envelope,
// token checks, the platform rate limit with its usage headers, and the Marketing API.
#ifndef FANFARE_SANDBOX_GRAPH_API_H_
#define FANFARE_SANDBOX_GRAPH_API_H_

#include <string>

#include "sandbox/network_api.h"

namespace fanfare::sandbox::graph {

// {"error": {"message", "type", "code", "error_subcode"?, "fbtrace_id"}}
void Error(SandboxResponse& res, int status, int code, const std::string& message,
           int subcode = 0, const std::string& type = "OAuthException");

// Checks the token and counts the call against the account's hourly budget (adding the
// x-app-usage / x-business-use-case-usage headers). False (response filled) on failure.
bool Admit(SandboxState& state, const std::string& network, const SandboxRequest& req,
           SandboxResponse& res, bool ads_call, std::string* account)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);

// A field from the JSON body, else from the query/form parameters ("" if absent).
std::string Field(const SandboxRequest& req, const std::string& name);
// A JSON-valued field (the Graph API takes objects as JSON strings in forms).
Json JsonField(const SandboxRequest& req, const std::string& name);

// The Marketing API (act_<id>/campaigns, /adsets, /adcreatives, /ads, node reads and
// updates, /insights) under /<network>/{version}.
void RegisterMarketing(Router& router, SandboxState& state, const std::string& network);

// Comments on the account's posts: listing, replies, likes, deletion (graph_comments.cc).
void RegisterComments(Router& router, SandboxState& state, const std::string& network);
// GET /{ig-user-id}?fields=mentioned_media.media_id(…){…} or
// mentioned_comment.comment_id(…){…}: a mention of `account` read back (the sandbox's
// audience mentions in captions only). False, `res` untouched, for any other `fields`.
bool ReadMentioned(SandboxState& state, const std::string& account, const SandboxRequest& req,
                   SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);
// A comment as GET /{comment-id} shows it, in `comment.network`'s fields.
Json CommentNode(const CommentRecord& comment);
// POST /{comment-id} (hide or unhide). False, `res` untouched, if `id` names no comment.
bool UpdateComment(SandboxState& state, const std::string& network, const SandboxRequest& req,
                   SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);

// The currency of an ad account: JPY if its id contains "jpy", EUR if "eur", else USD.
std::string AccountCurrency(const std::string& account_id);
// An amount in the currency's minor units (cents), as the Graph API writes budgets.
int64_t MinorUnits(int64_t micros, const std::string& currency);
// A decimal string in currency units truncated to the minor unit, as Insights writes spend.
std::string DecimalSpend(int64_t micros, const std::string& currency);

}  // namespace fanfare::sandbox::graph

#endif  // FANFARE_SANDBOX_GRAPH_API_H_
