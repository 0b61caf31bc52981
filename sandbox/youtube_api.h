// What the YouTube emulation's files share (youtube_api.cc: uploads, videos, channels;
// youtube_comments.cc: comment threads, replies and moderation; youtube_search.cc:
// search.list).
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

// Reads maxResults (1..`limit`, `fallback` when absent) and pageToken ("t<offset>");
// answers 400 invalidValue or invalidPageToken otherwise.
bool Paging(const SandboxRequest& req, SandboxResponse& res, int fallback, int limit,
            int* max_results, size_t* offset);

// commentThreads.list, comments.list/insert/delete, comments.setModerationStatus.
void RegisterComments(Router& router, SandboxState& state);
// search.list of videos (youtube_search.cc).
void RegisterSearch(Router& router, SandboxState& state);

}  // namespace fanfare::sandbox::youtube

#endif  // FANFARE_SANDBOX_YOUTUBE_API_H_
