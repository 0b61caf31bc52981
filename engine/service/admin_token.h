// AddClusterAdminToken: how the first cluster admin's token comes to be, with no caller to
// make it — fanfared's first start (fanfared.cc) and tests.
#ifndef FANFARE_ENGINE_SERVICE_ADMIN_TOKEN_H_
#define FANFARE_ENGINE_SERVICE_ADMIN_TOKEN_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "auth/api_token.h"
#include "engine/coordinator/coordinator.h"

namespace fanfare::service {

// Stores `token` as a cluster admin's token named `name`, made by "fanfared (first start)",
// and returns once it is durable and in force. Blocks the calling thread; never call it on
// the engine thread.
absl::Status AddClusterAdminToken(coordinator::Coordinator& coordinator,
                                  const auth::ApiToken& token, absl::string_view name);

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_ADMIN_TOKEN_H_
