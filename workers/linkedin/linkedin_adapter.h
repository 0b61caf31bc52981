// The LinkedIn adapter: versioned REST API (every request carries Linkedin-Version and
// X-Restli-Protocol-Version: 2.0.0). publish = POST /rest/posts (the new URN comes back in
// x-restli-id); reconcile finds the post among the author's recent posts by its commentary;
// ads: adCampaignGroups → adCampaigns (dailyBudget {amount, currencyCode}) → creatives.
//
// Errors: 401 → refresh the token once (LinkedIn issues refresh tokens to approved apps),
// then AuthExpired; 426 → RejectedInput telling the operator to bump --linkedin-version;
// 429 (LinkedIn sends no Retry-After) → Throttled with our own per-account exponential
// backoff (1 min doubling to 1 h, reset by a success); 422 "duplicate" → Duplicate;
// 5xx → Retryable; other 4xx → RejectedInput.
//
// Normalised ids: a boost's `ad_set_id` is the adCampaign (it holds the budget), its `ad_id`
// the sponsored creative URN. Credentials: access_token, refresh_token, client_id,
// client_secret, author_urn (urn:li:organization:… or urn:li:person:…), ad_account_id.
#ifndef FANFARE_WORKERS_LINKEDIN_LINKEDIN_ADAPTER_H_
#define FANFARE_WORKERS_LINKEDIN_LINKEDIN_ADAPTER_H_

#include <memory>

#include "workers/common/adapter.h"

namespace fanfare::workers {

std::unique_ptr<NetworkAdapter> MakeLinkedInAdapter(const AdapterOptions& options);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_LINKEDIN_LINKEDIN_ADAPTER_H_
