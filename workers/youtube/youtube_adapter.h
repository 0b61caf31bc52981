// The YouTube adapter (YouTube Data API v3): publish is a resumable videos.insert — start a
// session (POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status, session
// URL in Location), PUT the file in chunks with Content-Range (308 Resume Incomplete + Range
// until the last), then poll processingDetails; reconcile reads the channel's uploads
// playlist and matches title and description; insights reads videos.list statistics.
// YouTube ads (Google Ads API) are out of scope: no boost/set_budget/pause/resume.
//
// Errors (error.errors[0].reason): quotaExceeded → Throttled until the next midnight Pacific
// time; rateLimitExceeded/userRateLimitExceeded → Throttled 1 min; 401 → refresh once, then
// AuthExpired; 5xx → Retryable; else RejectedInput.
// Credentials: access_token, refresh_token, client_id, client_secret.
#ifndef FANFARE_WORKERS_YOUTUBE_YOUTUBE_ADAPTER_H_
#define FANFARE_WORKERS_YOUTUBE_YOUTUBE_ADAPTER_H_

#include <memory>

#include "workers/common/adapter.h"
#include "workers/common/http_client.h"

namespace fanfare::workers {

std::unique_ptr<NetworkAdapter> MakeYouTubeAdapter(const AdapterOptions& options);

absl::Status ClassifyYouTubeError(const HttpResponse& response, absl::string_view what,
                                  absl::Time now);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_YOUTUBE_YOUTUBE_ADAPTER_H_
