// A sandbox on port 0 with a virtual clock, a CredentialStore holding one sandbox account
// per network (alias "acme_<network>", token "sbx_<network>_acme_<network>"), and adapter
// options pointing every network at the sandbox with ~instant polling.
#ifndef FANFARE_TESTS_WORKERS_SUPPORT_HARNESS_H_
#define FANFARE_TESTS_WORKERS_SUPPORT_HARNESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "fanfare/v1/run.pb.h"
#include "google/protobuf/struct.pb.h"
#include "sdk/worker/task_context.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/adapter.h"
#include "workers/common/credentials.h"
#include "workers/common/http_client.h"
#include "workers/common/json_value.h"
#include "sandbox/sandbox.h"

namespace fanfare::workers::testing {

class Harness {
 public:
  // `extra` accounts are added to the default ones.
  explicit Harness(sandbox::SandboxOptions options = {},
                   std::vector<AccountCredentials> extra = {});
  ~Harness();

  ManualClock& clock() { return clock_; }
  sandbox::Sandbox& sandbox() { return *sandbox_; }
  CredentialStore& credentials() { return *credentials_; }
  AdapterOptions& options() { return options_; }
  HttpClient& http() { return *http_; }

  // The adapter for `network`, built once.
  NetworkAdapter& Adapter(const std::string& network);

  // Runs `verb` of `network` as one task attempt.
  absl::StatusOr<Json> Run(const std::string& network, const std::string& verb,
                           const Json& input, const std::string& account = "",
                           bool reconcile = false,
                           const std::string& idempotency_key = "default/run-1/step");

  // The sandbox's control API.
  Json Control(const std::string& method, const std::string& path, const Json& body = nullptr);
  std::vector<Json> Posts(const std::string& network);
  // The sandbox's ad objects of `network`; with `client_ref`, only those a boost with that
  // client reference made (GET /_sandbox/ads?client_ref=).
  std::vector<Json> AdObjects(const std::string& network, const std::string& client_ref = "");
  // Publishes, now, a post of `network` that a boost can promote (with the media the
  // network needs), as the default account.
  absl::StatusOr<Json> PublishPromotable(const std::string& network, const std::string& text);
  // A media URL served by the sandbox (`bytes` long).
  std::string MediaUrl(int64_t bytes) const;

 private:
  ManualClock clock_;
  std::unique_ptr<sandbox::Sandbox> sandbox_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<CredentialStore> credentials_;
  AdapterOptions options_;
  std::vector<std::unique_ptr<NetworkAdapter>> adapters_;
};

// The failure type of `status`.
inline v1::ErrorType TypeOf(const absl::Status& status) { return ErrorTypeOf(status); }

}  // namespace fanfare::workers::testing

#endif  // FANFARE_TESTS_WORKERS_SUPPORT_HARNESS_H_
