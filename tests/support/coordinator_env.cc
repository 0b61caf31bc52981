#include "tests/support/coordinator_env.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "auth/api_token.h"
#include "engine/definition/loader.h"
#include "engine/service/admin_token.h"
#include "gtest/gtest.h"

namespace fanfare::testing {

CoordinatorEnv::CoordinatorEnv(CoordinatorEnvOptions options)
    : options_(options), data_dir_(dir_.Join("data")) {
  Open();
}

CoordinatorEnv::~CoordinatorEnv() { Close(); }

void CoordinatorEnv::Open() {
  coordinator::CoordinatorOptions coordinator_options;
  coordinator_options.data_dir = data_dir_;
  if (options_.clock != nullptr) coordinator_options.clock = options_.clock;
  coordinator_options.rehearsal_clock = options_.rehearsal_clock;
  coordinator_options.engine.quotas = options_.quotas;
  coordinator_options.engine.scheduler.lease_ttl = options_.lease_ttl;
  coordinator_options.engine.scheduler.fence_margin = options_.fence_margin;
  coordinator_options.engine.master_key = options_.master_key;
  coordinator_options.engine.previous_master_key = options_.previous_master_key;
  coordinator_options.token_renewer = options_.token_renewer;
  coordinator_options.block_cache_bytes = 8 << 20;
  coordinator_options.write_buffer_bytes = 8 << 20;
  auto coordinator = coordinator::Coordinator::Open(std::move(coordinator_options));
  if (!coordinator.ok()) {
    ADD_FAILURE() << "coordinator: " << coordinator.status();
    return;
  }
  coordinator_ = *std::move(coordinator);
  if (options_.authenticate && admin_token_.empty()) {
    absl::StatusOr<auth::ApiToken> token = auth::MintApiToken();
    ASSERT_TRUE(token.ok()) << token.status();
    ASSERT_TRUE(service::AddClusterAdminToken(*coordinator_, *token, "test-admin").ok());
    admin_token_ = token->Text();
  }
  // The first open picks a free port; a restart takes the same one back.
  auto server = service::Server::Start(coordinator_.get(), absl::StrCat("127.0.0.1:", port_),
                                       {.authenticate = options_.authenticate,
                                        .tls = {},
                                        .jwt = options_.jwt});
  if (!server.ok()) {
    ADD_FAILURE() << "server: " << server.status();
    return;
  }
  server_ = *std::move(server);
  port_ = server_->port();
  ClientOptions client_options;
  client_options.address = address();
  client_options.identity = "test";
  client_options.max_retries = 8;
  client_options.token = admin_token_;
  client_ = *Client::Create(client_options);
}

void CoordinatorEnv::Close() {
  client_.reset();
  if (server_ != nullptr) server_->Shutdown(absl::Milliseconds(200));
  server_.reset();
  coordinator_.reset();
}

void CoordinatorEnv::Restart() {
  Close();
  Open();
}

void CoordinatorEnv::RestartWithMasterKeys(
    std::shared_ptr<const accounts::MasterKey> master_key,
    std::shared_ptr<const accounts::MasterKey> previous_master_key) {
  options_.master_key = std::move(master_key);
  options_.previous_master_key = std::move(previous_master_key);
  Restart();
}

std::string CoordinatorEnv::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::unique_ptr<Worker> CoordinatorEnv::NewWorker(int concurrency, const std::string& worker_id) {
  WorkerOptions options;
  options.address = address();
  options.concurrency = concurrency;
  options.worker_id = worker_id;
  options.reconnect_initial = absl::Milliseconds(20);
  options.reconnect_max = absl::Milliseconds(200);
  options.drain_timeout = absl::Seconds(5);
  options.token = admin_token_;
  return std::make_unique<Worker>(options);
}

v1::Campaign CoordinatorEnv::Apply(const std::string& yaml) {
  definition::LoadResult loaded =
      definition::ParseCampaign(yaml, definition::SourceFormat::kYaml, "test.yaml");
  EXPECT_TRUE(loaded.status.ok()) << loaded.status.message();
  auto applied = client_->ApplyCampaign(loaded.spec, "test.yaml");
  EXPECT_TRUE(applied.ok()) << applied.status();
  return applied.ok() ? applied->campaign() : v1::Campaign();
}

absl::StatusOr<v1::Run> CoordinatorEnv::WaitFor(const std::string& run_id,
                                                const std::function<bool(const v1::Run&)>& done,
                                                absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::StatusOr<v1::Run> run = client_->GetRun(run_id);
    if (!run.ok()) return run.status();
    if (done(*run)) return run;
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("run ", run_id, " still ", v1::RunStatus_Name(run->status()),
                       " after ", absl::FormatDuration(timeout), ": ", run->DebugString()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

absl::StatusOr<v1::Run> CoordinatorEnv::RunToEnd(v1::StartRunRequest request,
                                                 absl::Duration timeout) {
  absl::StatusOr<v1::StartRunResponse> started = client_->StartRun(std::move(request));
  if (!started.ok()) return started.status();
  return WaitFor(started->run().run_id(), [](const v1::Run& run) {
    return run.status() == v1::RUN_STATUS_SUCCEEDED || run.status() == v1::RUN_STATUS_FAILED ||
           run.status() == v1::RUN_STATUS_CANCELED;
  }, timeout);
}

const v1::StepInstance& StepOf(const v1::Run& run, const std::string& key) {
  for (const v1::StepInstance& step : run.steps()) {
    if (step.key() == key) return step;
  }
  ADD_FAILURE() << "run " << run.run_id() << " has no step " << key;
  static const v1::StepInstance* const kNone = new v1::StepInstance();
  return *kNone;
}

}  // namespace fanfare::testing
