// WorkerGateway: where the coordinator meets its workers, and where a task is leased.
//
// It holds the worker side of the engine's cycle:
//   - sessions: stream sessions (Connect, OnMessage, Disconnect) and long-polls (Poll), whose
//     messages leave only after the cycle's commit (FlushSessions);
//   - dispatch: each queued task is matched with a session that has credit and serves its
//     action, then checked against its run (not paused), its account's rate limits and the
//     spend guard, and leased (Dispatch) — the whole decision in this one place;
//   - outcomes, fenced by (task_id, attempt): the current attempt's success or failure is
//     applied, a late success settles an UNKNOWN step, anything else is answered as
//     duplicate, stale or invalid and changes nothing (ApplyOutcome);
//   - leases: heartbeats extend the current attempt's lease (Heartbeat, OnMessage);
//     a session that broke the protocol loses its leases at once.
// The Dispatcher's index from task to session finds the session an outcome or a cancel is
// about without scanning them all.
//
// Not thread-safe: owned by the engine, on the engine thread.
#ifndef FANFARE_ENGINE_COORDINATOR_WORKER_GATEWAY_H_
#define FANFARE_ENGINE_COORDINATOR_WORKER_GATEWAY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "engine/coordinator/active_runs.h"
#include "engine/coordinator/engine_metrics.h"
#include "engine/coordinator/community_ledger.h"
#include "engine/coordinator/spend_guard.h"
#include "engine/dispatch/dispatcher.h"
#include "engine/dispatch/rate_limiter.h"
#include "engine/scheduler/scheduler.h"
#include "fanfare/v1/worker.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::coordinator {

class WorkerGateway {
 public:
  // What the gateway needs from the engine around it.
  class Host {
   public:
    virtual ~Host() = default;
    // Runs `effect` once the open commit group is durable.
    virtual void AfterCommit(absl::AnyInvocable<void() &&> effect) = 0;
    // A success at `instance` reached its campaign's total budget and `ads` are live: start
    // the run that pauses them.
    virtual void SpendCapped(scheduler::RunState& run, const scheduler::StepInstance& instance,
                             google::protobuf::ListValue ads) = 0;
    // What a task acting through account `alias` of `ns` carries, if the coordinator holds
    // that account; null otherwise. Valid until the engine changes its accounts.
    virtual const v1::AccountGrant* AccountGrantFor(const std::string& ns,
                                                    const std::string& alias) const = 0;
    // Why a task acting through account `alias` of `ns` must wait before it is delivered
    // ("account acme_x needs reconnecting: …", or its expired token is being renewed), or
    // nullopt if it need not (or the coordinator does not hold the account).
    virtual std::optional<std::string> WhyAccountWaits(const std::string& ns,
                                                       const std::string& alias) const = 0;
    // The network refused the token a task carried for account `alias` of `ns`, which the
    // coordinator holds, granted at `granted_version`. Has the token renewed, or the account
    // marked as needing a person, and returns what the task now waits for; nullopt if a newer
    // token is held already (the task may go again at once).
    virtual std::optional<std::string> TokenRefused(const std::string& ns,
                                                    const std::string& alias,
                                                    int64_t granted_version,
                                                    const std::string& why) = 0;
  };

  // The engine's parts the gateway works with; all must outlive it.
  struct Parts {
    const Clock* clock = nullptr;
    scheduler::Scheduler* scheduler = nullptr;
    dispatch::Dispatcher* dispatcher = nullptr;
    dispatch::RateLimiter* limiter = nullptr;
    SpendGuard* spend = nullptr;
    CommunityLedger* community = nullptr;
    ActiveRuns* active = nullptr;
    EngineMetrics* metrics = nullptr;
  };

  struct Options {
    // How often workers are asked to heartbeat their running attempts.
    absl::Duration heartbeat_interval = absl::Seconds(10);
    // Longest long-poll wait a worker may ask for.
    absl::Duration max_poll_wait = absl::Seconds(60);
  };

  WorkerGateway(Parts parts, Options options, Host* host)
      : parts_(parts), options_(options), host_(host) {}

  // --- Sessions.
  // Opens a stream session for a worker that authenticated as `holder`
  // (auth::Principal::Key); its welcome goes to `sink` after the commit.
  void Connect(const std::string& session_id, v1::WorkerHello hello, std::string holder,
               std::shared_ptr<dispatch::SessionSink> sink);
  // A message on a stream session after its hello: outcomes, heartbeats, credit, drain.
  void OnMessage(const std::string& session_id, const v1::WorkerMessage& message);
  // How a stream session ended.
  enum class SessionEnd {
    // The worker closed its side, or the connection broke: the attempts it holds keep their
    // leases, so that it may reconnect and report or heartbeat them.
    kClosed,
    // The coordinator ended the stream because the worker sent a message it could not parse
    // or had to refuse: the attempts leased to the session are treated as lost at once
    // (Scheduler::LeaseExpired). Fencing still holds their next attempts until the lease
    // deadline plus the fence margin, since the worker may act until then.
    kBrokeProtocol,
  };
  void Disconnect(const std::string& session_id, SessionEnd how);
  // A long-poll, answered once tasks are leased to it or at its wait's end.
  void Poll(const std::string& session_id, const v1::PollTasksRequest& request,
            std::string holder, std::shared_ptr<dispatch::SessionSink> sink);
  // Hands each session's pending messages to its sink after the commit; ends answered polls.
  void FlushSessions();
  // The earliest long-poll deadline, or InfiniteFuture.
  absl::Time NextPollDeadline() const;

  // --- Tasks.
  // Leases queued tasks to sessions with credit (see the header comment).
  void Dispatch();
  // Tells the worker running `instance`'s attempt, if it is still connected, to stop it.
  void CancelAttempt(const scheduler::StepInstance& instance);

  // --- Outcomes and leases.
  // Who reports an outcome or heartbeats: which namespaces' tasks it serves (a stream
  // session, its hello's; a unary call, those its credentials have the worker role in) and
  // who it is (auth::Principal::Key). A task of another namespace, or whose lease another
  // principal took, is answered exactly as a task that does not exist.
  struct Reporter {
    absl::FunctionRef<bool(const std::string& ns)> serves;
    absl::string_view holder;
  };
  v1::OutcomeAck ApplyOutcome(const v1::TaskOutcome& outcome, const Reporter& reporter);
  v1::HeartbeatResponse Heartbeat(const v1::HeartbeatRequest& request,
                                  const Reporter& reporter);

 private:
  // False (and the instance waits) if its account's rate limit says not yet.
  bool WithinRateLimit(scheduler::RunState& run, scheduler::StepInstance& instance);
  // False (and the instance waits) if its account needs reconnecting.
  bool AccountUsable(scheduler::RunState& run, scheduler::StepInstance& instance);
  bool Assign(uint64_t task_id, dispatch::WorkerSession& session);
  // Whether `instance` is a read of comments the community ledger sees, and its stream.
  static bool ReadsComments(const scheduler::StepInstance& instance);
  static StreamRef StreamOf(const scheduler::RunState& run,
                            const scheduler::StepInstance& instance);
  void Apply(scheduler::RunState& run, scheduler::StepInstance& instance,
             const v1::TaskOutcome& outcome);
  // Extends the lease of the attempt `ref` names; returns how long it now runs, or nullopt
  // if that attempt is no longer current or `reporter` may not report on it.
  std::optional<absl::Duration> ExtendLease(const v1::TaskRef& ref, const Reporter& reporter);
  // The active task `task_id` if `reporter` serves its namespace and no other principal
  // took its lease, else null.
  const ActiveRuns::Task* FindServed(uint64_t task_id, const Reporter& reporter) const;

  const Parts parts_;
  const Options options_;
  Host* const host_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_WORKER_GATEWAY_H_
