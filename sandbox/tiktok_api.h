// What the TikTok emulation's files share (tiktok_api.cc: Content Posting API, Marketing API;
// tiktok_comments.cc: the Business API's video comments).
#ifndef FANFARE_SANDBOX_TIKTOK_API_H_
#define FANFARE_SANDBOX_TIKTOK_API_H_

#include <string>

#include "sandbox/network_api.h"

namespace fanfare::sandbox::tiktok {

// A TikTok API for Business answer: HTTP 200 with {"code", "message", "request_id", "data"}.
void Biz(SandboxResponse& res, int code, const std::string& message, const Json& data);
// Checks the Access-Token header; answers code 40105 otherwise.
bool BizAdmit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
              std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);
// A parameter from the JSON body, else the query (parsed as JSON where it is JSON).
Json Get(const SandboxRequest& req, const std::string& name);
// The same as a string ("" when absent; non-strings as JSON text).
std::string Str(const SandboxRequest& req, const std::string& name);

// business/video/list/ and business/comment/…/ under /tiktok/open_api/v1.3/.
void RegisterComments(Router& router, SandboxState& state);

}  // namespace fanfare::sandbox::tiktok

#endif  // FANFARE_SANDBOX_TIKTOK_API_H_
