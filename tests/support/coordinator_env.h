// CoordinatorEnv: a real coordinator (RocksDB in a temp dir) behind a real gRPC server on
// 127.0.0.1:0, with a client and helpers to run campaigns in tests.
#ifndef FANFARE_TESTS_SUPPORT_COORDINATOR_ENV_H_
#define FANFARE_TESTS_SUPPORT_COORDINATOR_ENV_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/coordinator/coordinator.h"
#include "engine/service/server.h"
#include "fanfare/v1/campaign.pb.h"
#include "sdk/client/client.h"
#include "sdk/worker/worker.h"
#include "tests/support/temp_dir.h"

namespace fanfare::testing {

struct CoordinatorEnvOptions {
  absl::Duration lease_ttl = absl::Seconds(30);
  // Short, so that tests of lost attempts do not wait out production's 30 s; fencing tests
  // set their own.
  absl::Duration fence_margin = absl::Milliseconds(200);
  // Null: the system clock.
  const Clock* clock = nullptr;
  // Rehearsal: the coordinator jumps this clock (which must also be `clock`) to the next
  // due timer whenever it is quiescent.
  ManualClock* rehearsal_clock = nullptr;
  // The networks' limits; the built-in defaults unless given.
  dispatch::QuotaConfig quotas = dispatch::QuotaConfig::Defaults();
  // Calls must carry API tokens, as fanfared's default is; the env's client carries a
  // cluster admin's (admin_token()).
  bool authenticate = false;
  // With `authenticate`: JWTs this verifier accepts are taken too (it must outlive the env).
  const auth::JwtVerifier* jwt = nullptr;
  // Seals network accounts' secrets; null: adding accounts is refused.
  std::shared_ptr<const accounts::MasterKey> master_key;
  // Accounts sealed with this key are re-wrapped with `master_key` when the coordinator opens.
  std::shared_ptr<const accounts::MasterKey> previous_master_key;
  // Builds the renewer of held accounts' tokens (CoordinatorOptions::token_renewer); null:
  // tokens are not renewed.
  decltype(coordinator::CoordinatorOptions::token_renewer) token_renewer;
};

class CoordinatorEnv {
 public:
  explicit CoordinatorEnv(CoordinatorEnvOptions options = {});
  ~CoordinatorEnv();

  // Stops the server and the coordinator, then opens both again on the same data (a clean
  // restart; the crash tests kill a real process instead).
  void Restart();
  // Restart with other master keys (a rotation).
  void RestartWithMasterKeys(std::shared_ptr<const accounts::MasterKey> master_key,
                             std::shared_ptr<const accounts::MasterKey> previous_master_key);

  std::string address() const;
  Client& client() { return *client_; }
  coordinator::Coordinator& coordinator() { return *coordinator_; }
  const std::string& data_dir() const { return data_dir_; }
  // With options.authenticate: a cluster admin's token ("fft_…"); else empty.
  const std::string& admin_token() const { return admin_token_; }

  // A worker connected to this coordinator, not yet started.
  std::unique_ptr<Worker> NewWorker(int concurrency = 8, const std::string& worker_id = "");

  // Applies a campaign written in YAML; fails the test on any problem.
  v1::Campaign Apply(const std::string& yaml);
  // Starts a run and waits until it is over (or `timeout` passes), returning its final state.
  absl::StatusOr<v1::Run> RunToEnd(v1::StartRunRequest request,
                                   absl::Duration timeout = absl::Seconds(30));
  // Polls GetRun until `done(run)` or the timeout.
  absl::StatusOr<v1::Run> WaitFor(const std::string& run_id,
                                  const std::function<bool(const v1::Run&)>& done,
                                  absl::Duration timeout = absl::Seconds(30));

 private:
  void Open();
  void Close();

  CoordinatorEnvOptions options_;
  TempDir dir_;
  std::string data_dir_;
  int port_ = 0;
  std::unique_ptr<coordinator::Coordinator> coordinator_;
  std::unique_ptr<service::Server> server_;
  std::unique_ptr<Client> client_;
  std::string admin_token_;
};

// The step instance with `key` in `run`, or a failed assertion.
const v1::StepInstance& StepOf(const v1::Run& run, const std::string& key);

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_COORDINATOR_ENV_H_
