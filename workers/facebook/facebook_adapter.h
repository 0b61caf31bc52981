// The Facebook adapter: Page posts (POST /{page-id}/feed) and boosts through the Meta
// Marketing API. Actions: publish (not idempotent; reconciled by reading the Page feed back
// and matching the message and link), insights (post: lifetime organic metrics; ad: Ads
// Insights), boost (not idempotent), set_budget, pause, resume.
//
// Credentials: access_token (a Page or system-user token), page_id, ad_account_id.
#ifndef FANFARE_WORKERS_FACEBOOK_FACEBOOK_ADAPTER_H_
#define FANFARE_WORKERS_FACEBOOK_FACEBOOK_ADAPTER_H_

#include <memory>

#include "workers/common/adapter.h"

namespace fanfare::workers {

std::unique_ptr<NetworkAdapter> MakeFacebookAdapter(const AdapterOptions& options);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_FACEBOOK_FACEBOOK_ADAPTER_H_
