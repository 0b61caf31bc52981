// The Instagram adapter (Instagram Graph API with Facebook Login): publish creates a media
// container, polls it until FINISHED, then calls media_publish — checking the rolling
// 24-hour publishing limit first; reconcile reads the account's media back and matches the
// caption. Boosts go through the Meta Marketing API (creative with
// source_instagram_media_id). Credentials: access_token, ig_user_id, ad_account_id.
#ifndef FANFARE_WORKERS_INSTAGRAM_INSTAGRAM_ADAPTER_H_
#define FANFARE_WORKERS_INSTAGRAM_INSTAGRAM_ADAPTER_H_

#include <memory>

#include "workers/common/adapter.h"

namespace fanfare::workers {

std::unique_ptr<NetworkAdapter> MakeInstagramAdapter(const AdapterOptions& options);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_INSTAGRAM_INSTAGRAM_ADAPTER_H_
