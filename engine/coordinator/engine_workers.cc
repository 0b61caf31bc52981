// Workers: the engine's worker operations, each handed to the WorkerGateway
// (worker_gateway.h); lifting the account holds their 429s cause; and starting the run that
// pauses a capped campaign's ads.
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/namespaces.h"

namespace fanfare::coordinator {
namespace {

// `report(reporter)` for a report made outside a stream by `worker`: it serves the namespaces
// it has the worker role in.
template <typename Report>
auto AsReporter(const auth::Principal& worker, Report report) {
  const std::string holder = worker.Key();
  const auto serves = [&worker](const std::string& ns) {
    return worker.May(auth::Permission::kWork, ns);
  };
  return report(WorkerGateway::Reporter{serves, holder});
}

}  // namespace

void Engine::Connect(const auth::Principal& worker, const std::string& session_id,
                     v1::WorkerHello hello, std::shared_ptr<dispatch::SessionSink> sink) {
  workers_.Connect(session_id, std::move(hello), worker.Key(), std::move(sink));
}

void Engine::OnWorkerMessage(const std::string& session_id, v1::WorkerMessage message) {
  workers_.OnMessage(session_id, message);
}

void Engine::Disconnect(const std::string& session_id, SessionEnd how) {
  workers_.Disconnect(session_id, how);
}

void Engine::Poll(const auth::Principal& worker, const std::string& session_id,
                  v1::PollTasksRequest request, std::shared_ptr<dispatch::SessionSink> sink) {
  workers_.Poll(session_id, request, worker.Key(), std::move(sink));
}

void Engine::ReportOutcome(const auth::Principal& worker, v1::TaskOutcome outcome,
                           Reply<v1::OutcomeAck> reply) {
  ReplyAfterCommit<v1::OutcomeAck>(
      std::move(reply), AsReporter(worker, [&](const WorkerGateway::Reporter& reporter) {
        return workers_.ApplyOutcome(outcome, reporter);
      }));
}

void Engine::Heartbeat(const auth::Principal& worker, const v1::HeartbeatRequest& request,
                       Reply<v1::HeartbeatResponse> reply) {
  ReplyAfterCommit<v1::HeartbeatResponse>(
      std::move(reply), AsReporter(worker, [&](const WorkerGateway::Reporter& reporter) {
        return workers_.Heartbeat(request, reporter);
      }));
}

void Engine::SpendCapped(scheduler::RunState& run, const scheduler::StepInstance& instance,
                         google::protobuf::ListValue ads) {
  absl::StatusOr<SpendGuard::PauseRun> pause =
      SpendGuard::PauseRunFor(run.ns(), run.campaign().name(), std::move(ads));
  absl::Status started = pause.status();
  std::string pause_run;
  if (pause.ok()) {
    pause_run = pause->start.run_id();
    absl::StatusOr<v1::ApplyCampaignResponse> applied = ApplyCampaignNow(std::move(pause->apply));
    started = applied.ok() ? StartRunNow(std::move(pause->start)).status() : applied.status();
  }
  if (!started.ok()) {
    spend_.PauseFailed(run, instance, started);
    return;
  }
  spend_.PauseStarted(run, instance, pause_run);
}

void Engine::ReleaseHold(const v1::ReleaseHoldRequest& request,
                         Reply<v1::ReleaseHoldResponse> reply) {
  const std::string& ns = NamespaceOr(request.namespace_());
  std::vector<dispatch::RateLimiter::ReleasedHold> released =
      limiter_.Release(ns, request.network(), request.account(), clock_->Now());
  if (released.empty()) {
    const std::string account = request.account().empty() ? "(default)" : request.account();
    ReplyAfterCommit<v1::ReleaseHoldResponse>(
        std::move(reply),
        absl::NotFoundError(absl::StrCat(
            "no hold on account '", account, "'",
            request.network().empty() ? "" : absl::StrCat(" of ", request.network()),
            " in namespace ", ns, "; `fanfare workers` shows the holds in force")));
    return;
  }
  v1::ReleaseHoldResponse response;
  for (dispatch::RateLimiter::ReleasedHold& hold : released) {
    v1::ReleaseHoldResponse::Hold& out = *response.add_released();
    out.set_network(hold.network);
    out.set_account(request.account());
    *out.mutable_held_until() = ToProtoTime(hold.until);
    out.set_detail(std::move(hold.detail));
    WakeThrottled(ns, hold.network, request.account());
  }
  ReplyAfterCommit<v1::ReleaseHoldResponse>(std::move(reply), std::move(response));
}

void Engine::WakeThrottled(const std::string& ns, const std::string& network,
                           const std::string& account) {
  for (const auto& [key, run] : active_.runs()) {
    if (run->ns() != ns) continue;
    for (const auto& instance : run->instances()) {
      // Waits for a rate limit are backoff timers (Scheduler::Throttle, WaitToRetry); firing
      // one early only queues the task again, and dispatch asks the limiter anew.
      if (instance->queue == network && instance->account == account &&
          instance->waiting.kind() == v1::WaitingReason::KIND_RATE_LIMIT &&
          instance->timer_kind == scheduler::TimerKind::kBackoff) {
        scheduler_.TimerFired(*run, *instance);
      }
    }
  }
}

}  // namespace fanfare::coordinator
