// What the YouTube emulation's files share (youtube_api.cc: uploads, videos, channels;
// youtube_comments.cc: comment threads, replies and moderation).
#ifndef FANFARE_SANDBOX_YOUTUBE_API_H_
#define FANFARE_SANDBOX_YOUTUBE_API_H_

#include <string>

#include "sandbox/network_api.h"

namespace fanfare::sandbox::youtube {

// A Google API error envelope: {"error": {code, message, errors: [{reason, domain}], status}}.
void GoogleError(SandboxResponse& res, int code, const std::string& reason,
                 const std::string& message, const std::string& domain = "global");
// Checks the token and charges `units` to the account's Pacific-day quota; answers 401 or
// 403 quotaExceeded otherwise.
bool Admit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res, int64_t units,
           std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);

// commentThreads.list, comments.list/insert/delete, comments.setModerationStatus.
void RegisterComments(Router& router, SandboxState& state);

}  // namespace fanfare::sandbox::youtube

#endif  // FANFARE_SANDBOX_YOUTUBE_API_H_
