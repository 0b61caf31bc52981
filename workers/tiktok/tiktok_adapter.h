// The TikTok adapter. Content Posting API (open.tiktokapis.com): publish = creator_info
// query → video/init (FILE_UPLOAD; chunks of 5–64 MB, one chunk under 5 MB) → PUT chunks to
// upload_url with Content-Range → poll status/fetch until PUBLISH_COMPLETE (or FAILED);
// reconcile lists the creator's videos and matches the title (caption); insights reads
// video/query. Marketing API v1.3 (business-api.tiktok.com, "Access-Token" header):
// campaign → ad group (daily budget as a decimal) → ad promoting the posted video (Spark
// Ads style, tiktok_item_id); budgets, status updates and the integrated report.
//
// Errors: the content API's {"error": {"code"}}: access_token_invalid/expired (401) →
// refresh once, then AuthExpired; rate_limit_exceeded (429) → Throttled 1 min;
// spam_risk_too_many_posts → Throttled 24 h; 5xx → Retryable; else RejectedInput. The
// Marketing API answers HTTP 200 with {"code"}: 40100 → Throttled, 40001/40102/40104/40105 →
// AuthExpired, 5xxxx → Retryable, else RejectedInput.
//
// Normalised ids: a boost's `ad_set_id` is the ad group. insights with an ad_id reports the
// budget only when `ad_set_id` is passed as well. Credentials: access_token, refresh_token,
// client_id (the client_key), client_secret, advertiser_id, ads_access_token.
#ifndef FANFARE_WORKERS_TIKTOK_TIKTOK_ADAPTER_H_
#define FANFARE_WORKERS_TIKTOK_TIKTOK_ADAPTER_H_

#include <memory>

#include "workers/common/adapter.h"
#include "workers/common/http_client.h"

namespace fanfare::workers {

std::unique_ptr<NetworkAdapter> MakeTikTokAdapter(const AdapterOptions& options);

absl::Status ClassifyTikTokError(const HttpResponse& response, absl::string_view what);
// The Marketing API's failure for a non-zero `code` (its answers are HTTP 200).
absl::Status ClassifyTikTokBusinessCode(int64_t code, absl::string_view message,
                                        absl::string_view what);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_TIKTOK_TIKTOK_ADAPTER_H_
