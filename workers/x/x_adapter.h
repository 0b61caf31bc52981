// The X adapter: X API v2 (POST /2/tweets with an OAuth 2.0 user token, refreshed with the
// account's refresh token when it expires) and the X Ads API (campaigns holding the daily
// budget in micros → line items → promoted tweets; stats in micros).
//
// Errors: 429 → Throttled until x-rate-limit-reset; 401 → refresh once, then AuthExpired;
// 403 "duplicate content" → Duplicate; other 4xx → RejectedInput; 5xx → Retryable.
//
// Normalised ids: a boost's `ad_set_id` is the campaign (it holds the budget) and its `ad_id`
// the line item (it pauses and reports stats). Credentials: access_token, refresh_token,
// client_id, client_secret (optional), user_id and username (optional), ads_account_id,
// funding_instrument_id, currency (optional, default USD).
//
// Known gap: the real X Ads API authenticates with OAuth 1.0a request signing; this adapter
// sends the OAuth 2.0 bearer token to the ads host as well (the sandbox accepts it).
#ifndef FANFARE_WORKERS_X_X_ADAPTER_H_
#define FANFARE_WORKERS_X_X_ADAPTER_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "workers/common/adapter.h"
#include "workers/common/http_client.h"

namespace fanfare::workers {

std::unique_ptr<NetworkAdapter> MakeXAdapter(const AdapterOptions& options);

// A tweet's text as its author wrote it: X v2 answers text with every link replaced by a
// t.co link (entities.urls says what each stands for) and &, < and > HTML-escaped; undone.
std::string XSentText(const Json& tweet);

// When X made the tweet (or snowflake id) `id`.
absl::Time SnowflakeTime(int64_t id);

// The X classifier, exposed for tests. `now` turns x-rate-limit-reset into a retry_after.
absl::Status ClassifyXError(const HttpResponse& response, absl::string_view what,
                            absl::Time now);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_X_X_ADAPTER_H_
