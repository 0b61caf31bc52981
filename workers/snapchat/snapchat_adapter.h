// The Snapchat adapter (Snapchat Marketing API v1). Snapchat has no public API for organic
// Stories, so `snapchat.publish` creates what a campaign can later promote: a media object
// (uploaded from the post's media URL) and a Snap Ad creative whose `name` is the task's
// client reference (ClientReference(idempotency key)) — reconcile finds it by that name. The
// creative's headline is the input `headline` or `text` (at most 34 characters, Snapchat's
// limit). Ads: campaigns → ad squads (daily_budget_micro) → ads, updated with full-object PUTs;
// stats in micros.
//
// Errors: envelope {"request_status": "ERROR", "debug_message", "error_code"}; 401 → refresh
// once, then AuthExpired; 429 → Throttled (Retry-After, else 1 min); 5xx → Retryable; else
// RejectedInput.
//
// Normalised ids: publish's post_id is the creative id; a boost's `ad_set_id` is the ad squad.
// Credentials: access_token, refresh_token, client_id, client_secret, ad_account_id,
// brand_name (optional).
#ifndef FANFARE_WORKERS_SNAPCHAT_SNAPCHAT_ADAPTER_H_
#define FANFARE_WORKERS_SNAPCHAT_SNAPCHAT_ADAPTER_H_

#include <memory>

#include "workers/common/adapter.h"
#include "workers/common/http_client.h"

namespace fanfare::workers {

std::unique_ptr<NetworkAdapter> MakeSnapchatAdapter(const AdapterOptions& options);

absl::Status ClassifySnapchatError(const HttpResponse& response, absl::string_view what);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_SNAPCHAT_SNAPCHAT_ADAPTER_H_
