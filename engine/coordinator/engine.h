// Engine: the coordinator's state machine, driven one cycle at a time by a single thread.
//
// Everything that changes state happens on the engine thread, in cycles:
//
//   1. run the operations posted since the last cycle (RPCs, worker messages),
//   2. fire the timers and expire the leases that are due,
//   3. match queued tasks with workers that have credit (leasing them),
//   4. flush every change of the cycle into ONE store batch and commit it (fsync),
//   5. only then run the cycle's effects: RPC replies, task deliveries, acks, watch events.
//
// Step 4 is the group commit: however many transitions a cycle holds, they cost one fsync,
// and nothing any of them caused is visible outside before it is durable. Memory may run
// ahead of the store by at most one cycle, and only inside the engine; if a commit fails the
// process stops (the store is the truth, and the next start recovers from it).
//
// Thread safety: none. Engine is driven by Coordinator's thread (or directly by tests).
#ifndef FANFARE_ENGINE_COORDINATOR_ENGINE_H_
#define FANFARE_ENGINE_COORDINATOR_ENGINE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/container/btree_map.h"
#include "accounts/sealed_secret.h"
#include "auth/access.h"
#include "auth/api_token.h"
#include "auth/token_registry.h"
#include "base/clock.h"
#include "engine/coordinator/active_runs.h"
#include "engine/coordinator/engine_metrics.h"
#include "engine/coordinator/run_watcher.h"
#include "engine/coordinator/community_ledger.h"
#include "engine/coordinator/spend_guard.h"
#include "engine/coordinator/state_writer.h"
#include "engine/coordinator/token_renewer.h"
#include "engine/coordinator/webhook_outbox.h"
#include "engine/coordinator/webhook_sender.h"
#include "engine/coordinator/worker_gateway.h"
#include "engine/dispatch/dispatcher.h"
#include "engine/dispatch/quota_config.h"
#include "engine/dispatch/rate_limiter.h"
#include "engine/scheduler/scheduler.h"
#include "engine/store/store.h"
#include "fanfare/internal/records.pb.h"
#include "fanfare/v1/accounts.pb.h"
#include "fanfare/v1/admin.pb.h"
#include "fanfare/v1/coordinator.pb.h"
#include "metrics/registry.h"
#include "fanfare/v1/worker.pb.h"

namespace fanfare::coordinator {

struct EngineOptions {
  // New step instances per cycle are bounded so that a wide campaign or a large fan-out
  // spreads over cycles of a few milliseconds each (bench/README.md, "Campaigns at the limits").
  scheduler::SchedulerOptions scheduler{.max_new_instances_per_cycle = 200};
  // The networks' API limits, per account, and per-account spend caps.
  dispatch::QuotaConfig quotas = dispatch::QuotaConfig::Defaults();
  // How often workers are asked to heartbeat their running attempts.
  absl::Duration heartbeat_interval = absl::Seconds(10);
  // Longest long-poll wait a worker may ask for.
  absl::Duration max_poll_wait = absl::Seconds(60);
  // Seals network accounts' secrets (accounts/sealed_secret.h); null: PutAccount is refused.
  std::shared_ptr<const accounts::MasterKey> master_key;
  // The master key being rotated away from: accounts sealed with it are re-wrapped with
  // `master_key` when the engine opens (the secrets' ciphertexts are unchanged).
  std::shared_ptr<const accounts::MasterKey> previous_master_key;
  // Renews held accounts' access tokens (engine_renewal.cc); null: they are never renewed,
  // and an account whose token a network refuses needs reconnecting. Must outlive the engine.
  TokenRenewer* token_renewer = nullptr;
  // Delivers webhooks (engine_webhooks.cc); null: deliveries wait in the outbox. Must
  // outlive the engine.
  WebhookSender* webhook_sender = nullptr;
  WebhookLimits webhooks;
  // What webhook backoff and retention are measured on; null: the engine's clock. fanfared
  // gives the system's, so that a rehearsal's jumps neither hurry tries nor expire them.
  // Must outlive the engine.
  const Clock* webhook_clock = nullptr;
  // Where the engine's series go (engine_metrics.h); null: a registry of its own, unread.
  // Must outlive the engine, and take one engine's series only.
  metrics::Registry* metrics = nullptr;
};

// A reply to run once the operation's effects are durable.
template <typename T>
using Reply = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;

class Engine : private scheduler::SchedulerHost, private WorkerGateway::Host {
 public:
  // Recovers every active run from `store` and rebuilds the queues, leases and timers.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(store::Store* store, const Clock* clock,
                                                      EngineOptions options);
  ~Engine() override;

  // --- Campaigns and runs (engine_runs.cc). Each replies after its effects are durable.
  void ApplyCampaign(v1::ApplyCampaignRequest request, Reply<v1::ApplyCampaignResponse> reply);
  void StartRun(v1::StartRunRequest request, Reply<v1::StartRunResponse> reply);
  void GetRun(const v1::GetRunRequest& request, Reply<v1::Run> reply);
  void CancelRun(const v1::CancelRunRequest& request, Reply<v1::Run> reply);
  // Pause holds new dispatch and timers (running attempts finish); resume releases them.
  // Both are idempotent and recorded with who did it (engine_control.cc).
  void PauseRun(const v1::PauseRunRequest& request, Reply<v1::Run> reply);
  void ResumeRun(const v1::ResumeRunRequest& request, Reply<v1::Run> reply);
  void RetryRun(const v1::RetryRunRequest& request, Reply<v1::Run> reply);
  // Records `caller`'s decision; the request's identity is the caller's name (stamped by the
  // service when authentication is on).
  void DecideStep(const auth::Principal& caller, const v1::DecideStepRequest& request,
                  bool approve, Reply<v1::Run> reply);
  void SignalRun(const v1::SignalRunRequest& request, Reply<v1::Run> reply);
  // Registers `watcher` for the run's events; see RunWatcher.
  void Watch(const std::string& ns, const std::string& run_id,
             std::shared_ptr<RunWatcher> watcher);
  void GetDispatchState(const v1::GetDispatchStateRequest& request,
                        Reply<v1::DispatchState> reply);
  // Lifts the account's holds (RateLimiter::Release) and makes its tasks waiting on them
  // ready; NotFound if none is in force (engine_workers.cc).
  void ReleaseHold(const v1::ReleaseHoldRequest& request, Reply<v1::ReleaseHoldResponse> reply);

  // --- Community (engine_community.cc).
  // The authors the community ledger knows on one account, most recently seen first.
  void ListCommunityAuthors(const v1::ListCommunityAuthorsRequest& request,
                            Reply<v1::ListCommunityAuthorsResponse> reply);
  // Keeps pushed comments in the account's inbox (CommunityLedger::Deliver); answered once
  // durable. The request must have passed service::Check.
  void DeliverComments(const v1::DeliverCommentsRequest& request,
                       Reply<v1::DeliverCommentsResponse> reply);

  // --- Access (engine_access.cc).
  // The tokens in force, for authenticating calls on any thread (TokenRegistry is
  // thread-safe); changed only once a change is durable.
  auth::TokenRegistry& tokens() { return tokens_; }
  // Stores `token` (minted by the caller: auth::MintApiToken) as `request` describes, on
  // behalf of `caller`, who must be a cluster admin to make a cluster admin's token
  // (PERMISSION_DENIED otherwise). The reply carries the token's text.
  void CreateToken(const auth::Principal& caller, const v1::CreateTokenRequest& request,
                   const auth::ApiToken& token, Reply<v1::CreateTokenResponse> reply);
  // Revokes the token `request.id()` of `request`'s namespace (a cluster admin's token:
  // only by a cluster admin); NOT_FOUND if there is none. Idempotent.
  void RevokeToken(const auth::Principal& caller, const v1::RevokeTokenRequest& request,
                   Reply<v1::ApiTokenInfo> reply);

  // Records a state-changing call in the audit trail, in the open commit group: with the
  // change the call then makes, if it was allowed. Denials are recorded at most
  // kMaxDenialsAudited a second; beyond that one record counts the rest.
  void Audit(internal::AuditRecord record);
  // Per namespace, and in all namespaces, per second; and namespaces tracked per second
  // (denials in more are counted under the default namespace).
  static constexpr int kMaxDenialsAudited = 100;
  static constexpr int kMaxDenialsAuditedInAll = 1000;
  static constexpr size_t kMaxDenialNamespaces = 1000;

  // --- Network accounts (engine_accounts.cc). Secrets are sealed with the master key before
  // they are stored and never leave in a reply.
  void PutAccount(const v1::PutAccountRequest& request, Reply<v1::Account> reply);
  void ListAccounts(const v1::ListAccountsRequest& request,
                    Reply<v1::ListAccountsResponse> reply);
  void RemoveAccount(const v1::RemoveAccountRequest& request, Reply<v1::Account> reply);
  // Accounts a namespace may hold.
  static constexpr size_t kMaxAccountsPerNamespace = 1000;
  // What the network answered a renewal the engine asked its TokenRenewer for
  // (engine_renewal.cc): stored, and used, only once durable.
  void TokenRenewed(RenewalAnswer answer);

  // --- Webhooks (engine_webhooks.cc): a namespace's subscriptions to its notifications, and
  // their outbox (webhook_outbox.h).
  // Adds the webhook `request` asks for, its signatures made with `signing_secret` (minted
  // by the caller); the reply carries the secret.
  void AddWebhook(const v1::AddWebhookRequest& request, std::string signing_secret,
                  Reply<v1::AddWebhookResponse> reply);
  void ListWebhooks(const v1::ListWebhooksRequest& request,
                    Reply<v1::ListWebhooksResponse> reply);
  void RemoveWebhook(const v1::RemoveWebhookRequest& request, Reply<v1::Webhook> reply);
  // What the WebhookSender said of a try.
  void WebhookAnswered(const WebhookAnswer& answer);
  // How long until the next webhook try falls due, by the delivery clock; InfiniteDuration
  // if none is, or nothing sends them.
  absl::Duration UntilNextDelivery() const;

  // --- Workers: forwarded to the WorkerGateway (engine_workers.cc).
  // Opens a stream session for `worker`, the principal that opened it. The welcome (or an
  // error) goes to `sink`.
  void Connect(const auth::Principal& worker, const std::string& session_id,
               v1::WorkerHello hello, std::shared_ptr<dispatch::SessionSink> sink);
  // A message on a stream session after its hello.
  void OnWorkerMessage(const std::string& session_id, v1::WorkerMessage message);
  // How a stream session ended (WorkerGateway::SessionEnd).
  using SessionEnd = WorkerGateway::SessionEnd;
  void Disconnect(const std::string& session_id, SessionEnd how = SessionEnd::kClosed);
  // Long-poll: `sink` is answered once tasks are leased to it, or at the wait's end.
  void Poll(const auth::Principal& worker, const std::string& session_id,
            v1::PollTasksRequest request, std::shared_ptr<dispatch::SessionSink> sink);
  // An outcome and heartbeats reported outside a stream (CompleteTask, FailTask,
  // Heartbeat) by `worker`: only tasks of namespaces it serves, leased to it, count.
  void ReportOutcome(const auth::Principal& worker, v1::TaskOutcome outcome,
                     Reply<v1::OutcomeAck> reply);
  void Heartbeat(const auth::Principal& worker, const v1::HeartbeatRequest& request,
                 Reply<v1::HeartbeatResponse> reply);

  // --- The cycle (engine.cc).
  // The writes of one or more cycles, and what may happen once they are durable.
  struct CommitGroup {
    int64_t id = 0;
    std::unique_ptr<store::Batch> batch;
    std::vector<absl::AnyInvocable<void() &&>> effects;
    bool empty() const { return batch->empty() && effects.empty(); }
  };
  // Fires due timers and leases, dispatches, and flushes every change into the open group.
  void Step();
  // Closes the open group (handing it over) and opens the next.
  CommitGroup Seal();
  // True if the open group holds writes or effects.
  bool HasOpenGroup() const { return !state_.empty() || !effects_.empty(); }
  // Writes `group` durably, then runs its effects. Touches no other engine state, so it
  // may run on another thread while the engine goes on; groups must be committed one at a
  // time in Seal() order. An error is fatal to the process: memory is ahead of the store.
  absl::Status Commit(CommitGroup& group);
  // Tells the engine `group_id` (and every group before it) is durable: runs that ended in
  // them can leave memory.
  void Durable(int64_t group_id);
  // Step, Seal, Commit and Durable in one go, on the calling thread (tests, recovery).
  absl::Status FinishCycle();

  // The earliest timer or lease deadline, or InfiniteFuture: what a rehearsal's clock may
  // jump to.
  absl::Time NextDue();
  // When the next held account's token is due for renewal, or InfiniteFuture.
  absl::Time NextRenewalDue() const;
  // What a rehearsal's clock may jump to: NextDue(), or sooner the next try of a renewal whose
  // answer was lost (it must come within the network's replay window). Renewals merely due
  // are no reason to jump (a clock would race through renewals with nothing else to do): one
  // that falls due during a jump starts right after it, before any task is delivered, and
  // tasks whose token expired meanwhile wait for it.
  absl::Time NextRehearsalDue();
  // True when no attempt is leased, no task is queued and no run waits for a person: the
  // moment a rehearsal may jump its clock to NextDue().
  bool Quiescent() const;

  // Runs in memory: the active working set.
  size_t active_runs() const { return active_.size(); }

  // The state series (docs/operations.md, "Metrics"): runs by status, queues, rate-limit
  // waits, approvals, spend, workers and accounts, as they are now (engine_gauges.cc). One
  // pass over the active steps.
  void CollectMetrics(std::vector<metrics::MetricFamily>& out) const;
  // The event series' owner, for the commit thread (EngineMetrics::Committed).
  EngineMetrics& metrics() { return metrics_; }

 private:
  using Due = std::pair<absl::Time, uint64_t>;  // time, task id
  using DueHeap = std::priority_queue<Due, std::vector<Due>, std::greater<Due>>;

  Engine(store::Store* store, const Clock* clock, EngineOptions options);

  // SchedulerHost.
  void Enqueue(scheduler::RunState& run, scheduler::StepInstance& instance) override;
  void CancelAttempt(scheduler::RunState& run, const scheduler::StepInstance& instance) override;
  void Register(scheduler::RunState& run, scheduler::StepInstance& instance) override;
  void Forget(const scheduler::StepInstance& instance) override;
  void Ended(scheduler::RunState& run, const scheduler::StepInstance& instance) override;
  void Deferred(scheduler::RunState& run) override;
  void Rearm(scheduler::RunState& run, scheduler::StepInstance& instance) override;
  // Goes on with the runs' deferred expansions while the cycle's budget lasts.
  void ContinueDeferred();

  // Recovery (recovery.cc).
  absl::Status Recover();
  // Loads an active run and its steps, read through `steps_cursor` (over kSteps).
  absl::Status LoadRun(const std::string& ns, const std::string& run_id,
                       store::Cursor& steps_cursor);
  absl::Status LoadIterationEvents(scheduler::RunState& run);
  // Rebuilds the dispatch queues and the due heaps from the loaded runs.
  void RebuildQueuesAndHeaps();
  absl::Status LoadLimiters();
  absl::Status LoadSpend();
  absl::Status LoadCommunity();
  absl::Status LoadTokens();
  absl::Status LoadAccounts();
  // Re-wraps `record`'s data key with the master key if the previous one sealed it, and
  // writes it back (engine_accounts.cc).
  void RewrapIfRotated(internal::AccountRecord& record);
  // OK if namespace `ns` (or the cluster admins) may have one more token in force, named
  // `name`; AlreadyExists or ResourceExhausted saying why not.
  absl::Status RoomForToken(const std::string& ns, bool cluster_admin, const std::string& name,
                            absl::Time now) const;
  // Writes the tokens' last uses, each at most once a minute (engine_access.cc).
  void FlushTokenLastUses();
  // Once a second has passed, writes how many denials it did not audit one by one.
  void FlushDenialCount();
  // Writes the community inboxes' changes (engine_community.cc).
  void FlushInbox();
  uint64_t NextAuditSeq();

  // Cycle pieces (engine.cc).
  void FireDue();
  void Flush();
  void FlushRun(scheduler::RunState& run);
  // Pushes `wanted` (InfiniteFuture: none) onto `heap` for `task_id` unless it is `armed`
  // already, and records it as armed.
  static void Arm(DueHeap& heap, absl::Time& armed, absl::Time wanted, uint64_t task_id);
  // Puts the run's own start timer (a SCHEDULED run) in the timer heap, if it changed.
  void ArmRunTimer(scheduler::RunState& run);
  // Puts the instance's lease deadline and timer in the due heaps, if they changed.
  void ArmDeadlines(scheduler::StepInstance& instance);
  uint64_t AllocateTaskId();
  // Runs `effect` after this cycle's commit.
  void AfterCommit(absl::AnyInvocable<void() &&> effect) override;
  template <typename T>
  void ReplyAfterCommit(Reply<T> reply, absl::StatusOr<T> result);

  // Runs (engine_runs.cc).
  // ApplyCampaign and StartRun without the reply, for the engine's own callers (schedules,
  // the budget guard), which must record a failure rather than drop it.
  absl::StatusOr<v1::ApplyCampaignResponse> ApplyCampaignNow(v1::ApplyCampaignRequest request);
  absl::StatusOr<v1::StartRunResponse> StartRunNow(v1::StartRunRequest request);
  scheduler::RunState* FindActive(const std::string& ns, const std::string& run_id);
  absl::StatusOr<std::shared_ptr<const scheduler::CompiledCampaign>> LoadCampaign(
      const std::string& ns, const std::string& name, int64_t version);
  absl::StatusOr<v1::Run> ReadStoredRun(const std::string& ns, const std::string& run_id) const;
  absl::StatusOr<v1::StartRunResponse> ExistingRun(const v1::StartRunRequest& request,
                                                   const internal::StartFingerprint& previous);
  scheduler::RunState& AddRun(std::unique_ptr<scheduler::RunState> run);
  // Forgets an unchanged run that was loaded only to be looked at.
  void Unload(scheduler::RunState& run);
  // The active run, or the error to answer with: NotFound, or FailedPrecondition naming how
  // the run ended.
  absl::StatusOr<scheduler::RunState*> ActiveOrError(const std::string& ns,
                                                     const std::string& run_id);

  // Schedules (engine_schedules.cc).
  absl::Status LoadSchedules();
  void UpdateSchedule(const v1::Campaign& campaign);
  void FireSchedules();
  void FireSchedule(internal::ScheduleRecord& schedule, const v1::Schedule& spec,
                    absl::Time fire_time);
  absl::Time NextScheduleFire() const;
  // Leaves a FAILED run under the fire's run id, its one history event saying `why`.
  void RecordFailedFire(const internal::ScheduleRecord& schedule, const std::string& run_id,
                        absl::Time fire_time, const absl::Status& why);

  // WorkerGateway::Host (engine_workers.cc, engine_accounts.cc).
  void SpendCapped(scheduler::RunState& run, const scheduler::StepInstance& instance,
                   google::protobuf::ListValue ads) override;
  const v1::AccountGrant* AccountGrantFor(const std::string& ns,
                                          const std::string& alias) const override;
  std::optional<std::string> WhyAccountWaits(const std::string& ns,
                                             const std::string& alias) const override;
  std::optional<std::string> TokenRefused(const std::string& ns, const std::string& alias,
                                          int64_t granted_version,
                                          const std::string& why) override;
  // The network refused account `alias`'s tokens for good: a person must reconnect it.
  void MarkNeedsReconnecting(const std::string& ns, const std::string& alias,
                             const std::string& why);
  // Queues again the instances of `ns` waiting for account `alias`.
  void WakeAccountWaiters(const std::string& ns, const std::string& alias);
  // Tells the instances of `ns` waiting for account `alias` that they now wait for `detail`.
  void RewaitAccountWaiters(const std::string& ns, const std::string& alias,
                            const std::string& detail);
  // Keeps what tasks acting through `account` carry: its settings and access tokens.
  void HoldGrant(const v1::Account& account, const std::map<std::string, std::string>& secrets);
  internal::AccountRecord* FindAccount(const std::string& ns, const std::string& alias);
  const internal::AccountRecord* FindAccount(const std::string& ns,
                                             const std::string& alias) const;

  // Metrics (engine_gauges.cc): the spend series, given the campaigns' budgets as their
  // running runs know them; the workers' and accounts' series.
  void CollectSpendMetrics(
      const std::map<std::pair<std::string, std::string>, const v1::Budget*>& budgets,
      std::vector<metrics::MetricFamily>& out) const;
  void CollectWorkerMetrics(std::vector<metrics::MetricFamily>& out) const;

  // Webhooks (engine_webhooks.cc).
  // Puts a delivery of each notification `events` make into the outbox, for the webhooks
  // that take it: in the open group, with the events.
  void NotifyRunEvents(scheduler::RunState& run, const std::vector<v1::HistoryEvent>& events);
  // Hands the tries due to the sender, once the open group is durable.
  void StartDueDeliveries();

  // Renewals (engine_renewal.cc).
  using AccountId = std::pair<std::string, std::string>;  // namespace, alias
  // Files `record`'s next renewal, if it is renewed: shortly before its access token
  // expires, or now for a renewal a restart interrupted.
  void ScheduleRenewal(const internal::AccountRecord& record);
  void UnscheduleRenewal(const AccountId& id);
  void StartDueRenewals();
  // Stores the intent and, once it is durable, hands the exchange to the renewer; a no-op
  // while one is in flight for the account.
  void StartRenewal(const AccountId& id);
  void StoreRenewedTokens(internal::AccountRecord& record, const RenewalAnswer& answer);
  // Ends the account's renewal intent (an answer came).
  void ClearIntent(internal::AccountRecord& record);
  // Forgets everything about the renewals of an account removed.
  void ForgetRenewals(const AccountId& id);
  bool Renewable(const v1::Account& account) const;
  // Ends the rate-limit waits of the tasks of `account` on `network`: they are queued again.
  void WakeThrottled(const std::string& ns, const std::string& network,
                     const std::string& account);

  store::Store* store_;
  const Clock* clock_;
  EngineOptions options_;
  std::unique_ptr<metrics::Registry> own_metrics_;
  EngineMetrics metrics_;
  absl::BitGen random_;
  scheduler::Scheduler scheduler_;
  dispatch::Dispatcher dispatcher_;
  dispatch::RateLimiter limiter_;
  SpendGuard spend_;
  CommunityLedger community_;

  // Active runs, and what each task id names.
  ActiveRuns active_;
  WorkerGateway workers_;
  // Runs changed since the last flush.
  std::vector<scheduler::RunState*> changed_runs_;
  // Runs ("ns/run_id") with expansions deferred to a later cycle.
  std::vector<std::string> deferred_runs_;
  // Lazily-deleted heaps: an entry counts only if the instance still has that deadline.
  DueHeap lease_heap_;
  DueHeap timer_heap_;
  // Latest applied version by "ns/name", for versions the store may not show yet.
  absl::flat_hash_map<std::string, int64_t> latest_versions_;
  // Compiled campaign versions, by "ns/name/version".
  absl::flat_hash_map<std::string, std::shared_ptr<const scheduler::CompiledCampaign>> campaigns_;
  // Campaign schedules by "ns/name".
  absl::flat_hash_map<std::string, internal::ScheduleRecord> schedules_;
  // Watchers by "ns/run_id".
  absl::flat_hash_map<std::string, std::vector<std::shared_ptr<RunWatcher>>> watchers_;

  auth::TokenRegistry tokens_;
  // Network accounts: namespace → alias → record (secrets sealed).
  absl::btree_map<std::string, absl::btree_map<std::string, internal::AccountRecord>> accounts_;
  // What their tasks carry (access tokens in the clear, in memory only), by "ns/alias"; none
  // for an account whose secrets the master key cannot open.
  absl::flat_hash_map<std::string, v1::AccountGrant> grants_;
  // Renewals: when each renewed account is due, in order; those in flight; and the failed
  // tries in a row of each (for backoff).
  std::set<std::pair<absl::Time, AccountId>> renewal_due_;
  absl::flat_hash_map<AccountId, absl::Time> renewal_due_at_;
  // In flight, with the uid of the account the order was for.
  absl::flat_hash_map<AccountId, std::string> renewing_;
  // Accounts with a stored intent (renewal_started_at): in flight, or waiting to ask again.
  absl::flat_hash_set<AccountId> intents_;
  absl::flat_hash_map<AccountId, int> renewal_failures_;
  absl::Time last_uses_flushed_ = absl::InfinitePast();
  // Tells apart audit records of one microsecond; starts at a random high half so that a
  // restart (or a clock set back) cannot reuse a key and overwrite a record.
  uint64_t audit_seq_ = 0;
  // Denials of the current second (starting at denials_second_), by namespace: audited one
  // by one, and counted only.
  struct DenialCount {
    int audited = 0;
    int64_t counted = 0;
  };
  int64_t denials_second_ = 0;
  int denials_audited_ = 0;  // in all namespaces
  absl::flat_hash_map<std::string, DenialCount> denials_;

  uint64_t next_task_id_ = 1;
  uint64_t task_id_limit_ = 0;  // ids below this are reserved in the store

  // The open commit group: every write (the one writer) and what to do once it is durable.
  StateWriter state_;
  std::vector<absl::AnyInvocable<void() &&>> effects_;
  // Writes through state_.
  WebhookOutbox webhooks_;
  int64_t next_group_id_ = 1;
  int64_t durable_group_id_ = 0;
  // Runs that ended, with the group their last write is in.
  std::deque<std::pair<int64_t, std::string>> ended_runs_;
};

template <typename T>
void Engine::ReplyAfterCommit(Reply<T> reply, absl::StatusOr<T> result) {
  AfterCommit([reply = std::move(reply), result = std::move(result)]() mutable {
    std::move(reply)(std::move(result));
  });
}

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_ENGINE_H_
