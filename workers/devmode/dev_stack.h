// DevStack: what `fanfared --dev` runs beside the coordinator — the network sandbox and one
// in-process worker per network (plus content), wired to each other over loopback, so that
// a campaign runs end to end on one laptop. With a ManualClock it is the rehearsal stack:
// the sandbox and the workers read the same virtual time as the coordinator.
#ifndef FANFARE_WORKERS_DEVMODE_DEV_STACK_H_
#define FANFARE_WORKERS_DEVMODE_DEV_STACK_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/clock.h"
#include "workers/common/credentials.h"
#include "workers/runtime/network_worker.h"
#include "sandbox/sandbox.h"

namespace fanfare::devmode {

// The sandbox accounts the example campaigns use (acme_fb, acme_ig, acme_x, acme_li,
// acme_yt, acme_tt, acme_snap); the same as examples/sandbox-credentials.json.
std::vector<workers::AccountCredentials> SandboxAccounts();

struct DevStackOptions {
  // Time for the sandbox and the workers; must outlive the stack. A ManualClock here must
  // also be `manual_clock`, so that the sandbox follows it.
  const Clock* clock = &Clock::System();
  ManualClock* manual_clock = nullptr;
  int concurrency_per_network = 4;
  // The workers hold the sandbox accounts' credentials themselves (zero configuration). Off
  // when the coordinator holds the accounts (`fanfare accounts import`): its tasks then carry
  // what they need, and the workers hold nothing.
  bool workers_hold_credentials = true;
  uint64_t sandbox_seed = 1;
  // "network/account" (x or youtube): accounts the sandbox grows a 14-day audience for when
  // it starts (sandbox/audience.h), 12 comments a day.
  std::vector<std::string> audiences;
};

class DevStack {
 public:
  explicit DevStack(DevStackOptions options) : options_(options) {}
  ~DevStack() { Stop(); }

  // Starts the sandbox on a free loopback port (once), and grows the audiences.
  // InvalidArgument, naming the entry, for an audience on a network without comments.
  absl::Status StartSandbox();
  // Starts the sandbox if it is not yet, and the workers against `coordinator`.
  absl::Status Start(const std::string& coordinator);
  // Drains the workers, then stops the sandbox.
  void Stop();

  sandbox::Sandbox& sandbox() { return *sandbox_; }
  // Once the sandbox started: each network's token endpoint base in it.
  std::map<std::string, std::string> AuthBases() const;

 private:
  absl::Status GrowAudiences(sandbox::Sandbox& sandbox);

  DevStackOptions options_;
  std::unique_ptr<sandbox::Sandbox> sandbox_;
  std::vector<std::unique_ptr<workers::NetworkWorker>> workers_;
};

}  // namespace fanfare::devmode

#endif  // FANFARE_WORKERS_DEVMODE_DEV_STACK_H_
