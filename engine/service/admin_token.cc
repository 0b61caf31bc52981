#include "engine/service/admin_token.h"

#include <string>

#include "absl/synchronization/notification.h"

namespace fanfare::service {

absl::Status AddClusterAdminToken(coordinator::Coordinator& coordinator,
                                  const auth::ApiToken& token, absl::string_view name) {
  v1::CreateTokenRequest request;
  request.set_name(std::string(name));
  request.set_cluster_admin(true);
  auth::Principal first_start;
  first_start.issuer = "fanfared";
  first_start.subject = "first start";
  first_start.cluster_admin = true;
  absl::Notification done;
  absl::Status created;
  coordinator.Post([&](coordinator::Engine& engine) {
    engine.CreateToken(first_start, request, token,
                       [&](absl::StatusOr<v1::CreateTokenResponse> response) {
                         created = response.status();
                         done.Notify();
                       });
  });
  done.WaitForNotification();
  return created;
}

}  // namespace fanfare::service
