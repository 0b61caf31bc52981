// Run control: pause, resume, retry.
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/namespaces.h"
#include "engine/coordinator/run_codec.h"

namespace fanfare::coordinator {

absl::StatusOr<scheduler::RunState*> Engine::ActiveOrError(const std::string& ns_in,
                                                           const std::string& run_id) {
  const std::string& ns = NamespaceOr(ns_in);
  if (scheduler::RunState* run = FindActive(ns, run_id)) return run;
  absl::StatusOr<v1::Run> stored = ReadStoredRun(ns, run_id);
  if (!stored.ok()) return stored.status();
  return absl::FailedPreconditionError(
      absl::StrCat("run '", run_id, "' has ended (",
                   absl::StripPrefix(v1::RunStatus_Name(stored->status()), "RUN_STATUS_"), ")"));
}

void Engine::PauseRun(const v1::PauseRunRequest& request, Reply<v1::Run> reply) {
  absl::StatusOr<scheduler::RunState*> run = ActiveOrError(request.namespace_(), request.run_id());
  if (!run.ok()) {
    ReplyAfterCommit<v1::Run>(std::move(reply), run.status());
    return;
  }
  scheduler_.Pause(**run, request.identity(), request.reason());
  ReplyAfterCommit<v1::Run>(std::move(reply), PublicRun(**run));
}

void Engine::ResumeRun(const v1::ResumeRunRequest& request, Reply<v1::Run> reply) {
  absl::StatusOr<scheduler::RunState*> run = ActiveOrError(request.namespace_(), request.run_id());
  if (!run.ok()) {
    ReplyAfterCommit<v1::Run>(std::move(reply), run.status());
    return;
  }
  scheduler_.Resume(**run, request.identity());
  ReplyAfterCommit<v1::Run>(std::move(reply), PublicRun(**run));
}

void Engine::RetryRun(const v1::RetryRunRequest& request, Reply<v1::Run> reply) {
  const std::string& ns = NamespaceOr(request.namespace_());
  scheduler::RunState* run = FindActive(ns, request.run_id());
  const bool loaded = run == nullptr;
  if (loaded) {
    // An ended run left memory; bring it back from the store.
    const std::unique_ptr<store::Cursor> steps = store_->NewCursor(store::Cf::kSteps);
    if (absl::Status status = LoadRun(ns, request.run_id(), *steps); !status.ok()) {
      ReplyAfterCommit<v1::Run>(std::move(reply), absl::IsDataLoss(status)
                                                      ? status
                                                      : ReadStoredRun(ns, request.run_id()).status());
      return;
    }
    run = FindActive(ns, request.run_id());
  }
  if (absl::Status status = scheduler_.Rerun(*run, request.from_step(), request.identity());
      !status.ok()) {
    if (loaded) Unload(*run);
    ReplyAfterCommit<v1::Run>(std::move(reply), status);
    return;
  }
  state_.Reactivate(ns, request.run_id());
  ReplyAfterCommit<v1::Run>(std::move(reply), PublicRun(*run));
}

}  // namespace fanfare::coordinator
