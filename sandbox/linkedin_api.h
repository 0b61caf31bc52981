// What the LinkedIn emulation's files share (linkedin_api.cc: posts, statistics, ads;
// linkedin_comments.cc: comments on the organization's posts).
#ifndef FANFARE_SANDBOX_LINKEDIN_API_H_
#define FANFARE_SANDBOX_LINKEDIN_API_H_

#include <string>

#include "sandbox/network_api.h"

namespace fanfare::sandbox::linkedin {

// A Rest.li error: {"status", "message", "code"?, "serviceErrorCode"?}.
void Error(SandboxResponse& res, int status, const std::string& code, const std::string& message,
           int service_code = 0);
// Checks the LinkedIn-Version and X-Restli-Protocol-Version headers and the token; answers
// 400/426/401 otherwise.
bool Admit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
           std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);

// /rest/socialActions/{target}/comments and /rest/reactions.
void RegisterComments(Router& router, SandboxState& state);

}  // namespace fanfare::sandbox::linkedin

#endif  // FANFARE_SANDBOX_LINKEDIN_API_H_
