// Sandbox: one HTTP server that emulates the social networks' APIs for offline runs and
// tests — paths, payloads, auth, quotas, errors, asynchronous processing and synthetic ad
// metrics — and answers questions about what it accepted on a control API.
//
//   ManualClock clock;
//   Sandbox sandbox({.seed = 7, .manual_clock = &clock});
//   absl::StatusOr<int> port = sandbox.Start("127.0.0.1", 0);
//   // workers use --api-base x=<sandbox.NetworkBase("x")>, i.e. http://127.0.0.1:<port>/x
//   sandbox.Stop();
//
// Routing is by path prefix: /facebook/v19.0/…, /instagram/v19.0/…, /x/2/…, /x/12/… (ads),
// /linkedin/rest/…, /youtube/youtube/v3/… and /youtube/upload/…, /tiktok/v2/… and
// /tiktok/open_api/v1.3/…, /snapchat/v1/…; each network's OAuth token endpoint lives under
// its prefix too. /_sandbox/… is the control API (see docs/networks.md).
//
// Start/Stop may be called repeatedly (state survives a restart; a new Sandbox starts
// empty). Thread-safe: requests are served on a thread pool; state is behind one mutex.
#ifndef FANFARE_SANDBOX_SANDBOX_H_
#define FANFARE_SANDBOX_SANDBOX_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sandbox/router.h"
#include "sandbox/sandbox_state.h"
#include "sandbox/webhook_push.h"

namespace httplib {
class Server;
}

namespace fanfare::sandbox {

class Sandbox {
 public:
  explicit Sandbox(SandboxOptions options = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Binds `host`:`port` (0 picks a free port) and serves in the background. Returns the
  // bound port. FailedPrecondition if already started; Unavailable if the bind fails.
  absl::StatusOr<int> Start(const std::string& host = "127.0.0.1", int port = 0);
  // Stops serving and joins the server thread. A no-op when not started.
  void Stop();

  int port() const { return port_; }
  // "http://127.0.0.1:<port>"
  std::string BaseUrl() const;
  // "http://127.0.0.1:<port>/<network>": the --api-base for that network.
  std::string NetworkBase(absl::string_view network) const;

  SandboxState& state() { return *state_; }
  // Serves one request without HTTP (faults included, except dropping): for unit tests.
  SandboxResponse Handle(SandboxRequest request);

 private:
  // Applies the fault knobs around routing; sets response.drop when the response must be
  // lost after the change was committed.
  void Serve(SandboxRequest& request, SandboxResponse& response);

  // How often webhooks are pushed while the sandbox serves (webhook_push.h).
  static constexpr absl::Duration kPushEvery = absl::Milliseconds(200);

  std::unique_ptr<SandboxState> state_;
  std::unique_ptr<WebhookPusher> pusher_;
  Router router_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

}  // namespace fanfare::sandbox

#endif  // FANFARE_SANDBOX_SANDBOX_H_
