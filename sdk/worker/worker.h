// fanfare::Worker: serves actions for the coordinator over the Connect stream.
//
//   int main() {
//     fanfare::BlockShutdownSignals();              // first, before any thread starts
//     fanfare::WorkerOptions options;
//     options.address = "127.0.0.1:7600";
//     options.concurrency = 8;
//     fanfare::Worker worker(options);
//     worker.Handle("crm.tag_leads", TagLeads);     // absl::StatusOr<Value>(TaskContext&)
//     if (!worker.Start().ok()) return 1;
//     fanfare::Worker::RunUntilSignal(worker);      // drains on SIGTERM / SIGINT
//   }
//
// Handlers: Handle() registers one per action; the worker announces those actions and
// their queues ("crm"). Each task runs on one of `concurrency` handler threads, so never
// more than `concurrency` handlers run at once; the coordinator is granted credit for that
// many tasks, renewed as handlers finish, and outcomes go back in batches with the credit.
//
// Heartbeats: while a task is held the worker heartbeats it, extending its lease, at the
// interval the coordinator asks for and at least three times per lease (the step's
// `timeouts.heartbeat`, else the lease the task arrived with). Handlers do nothing for it.
//
// Lease fence: an attempt may act on the outside world only while its lease is confirmed.
// Each heartbeat carries the worker's clock at sending; the coordinator answers, once the
// extension is durable, with a renewal granting the lease for `granted` from its own
// processing of it, which is later than the sending. So the worker's lease end,
// `sent_at + granted` on its own clock, comes no later than the coordinator's (up to the
// clocks' rate drift, which the coordinator's fence margin covers). TaskContext::BeforeWrite
// refuses a write past that end, or before the attempt's first renewal (it asks for one at
// once and waits for it); and an attempt whose lease end passes without a renewal is
// cancelled. docs/architecture.md ("Fencing") gives the whole timing argument.
//
// Cancellation: an attempt's CancellationToken (TaskContext::cancelled(), cancellation())
// is set when the coordinator cancels it (its run was cancelled, or its lease was lost),
// when its lease runs out unrenewed, when the drain deadline passes, and by Stop().
//
// Reconnects: when the connection drops the worker reconnects with jittered backoff
// (about reconnect_initial, doubling up to reconnect_max); handlers go on running and are
// heartbeated on the new session at once, and every outcome the coordinator has not
// acknowledged is sent again. Outcomes are fenced by (task_id, attempt): a repeat is a
// harmless DUPLICATE, an outdated one STALE.
//
// Drain (Drain(), or RunUntilSignal on SIGTERM / SIGINT): the worker stops taking tasks and
// tells the coordinator so; a task that has not started is handed back at once (RETRYABLE).
// Running handlers have drain_timeout to finish, and their outcomes are reported as usual.
// Past that deadline the rest are cancelled and handed back: an execution as
// OUTCOME_UNKNOWN, since it may already have acted (the coordinator retries an idempotent
// step and reconciles one that is not), a reconcile likewise (it may have completed a
// half-made boost). Drain returns once every
// outcome is acknowledged (waiting up to kAckWait for that, reconnecting if need be) and
// every handler has returned.
//
// Thread safety: Handle() before Start(); the rest is safe from any thread. Stop(), Drain()
// and the destructor wait for running handlers to return: handlers must watch their
// cancellation.
#ifndef FANFARE_SDK_WORKER_WORKER_H_
#define FANFARE_SDK_WORKER_WORKER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "fanfare/v1/worker.grpc.pb.h"
#include "sdk/worker/task_context.h"

namespace fanfare {

struct WorkerOptions {
  // host:port of fanfared.
  std::string address = "127.0.0.1:7600";
  std::string ns = "default";
  // Stable across reconnects; default "<hostname>-<pid>".
  std::string worker_id;
  std::string identity;
  // Tasks run at once (one handler thread each).
  int concurrency = 16;
  absl::Duration reconnect_initial = absl::Milliseconds(100);
  absl::Duration reconnect_max = absl::Seconds(1);
  // How long Drain() lets running handlers finish before handing their tasks back.
  absl::Duration drain_timeout = absl::Seconds(30);
  // TLS: when `tls` is set, the channel uses it; `tls_root_certs` (PEM) overrides the
  // system roots.
  bool tls = false;
  std::string tls_root_certs;
  // With `tls`: the client's certificate chain and private key (PEM), for a fanfared that
  // requires client certificates (mTLS).
  std::string tls_cert_chain;
  std::string tls_private_key;
  // An API token with the `worker` role in `ns` (docs/security.md), sent with every call.
  // Empty: none, for a fanfared with authentication off.
  std::string token;
  const Clock* clock = &Clock::System();
  // Called (on the worker's connection thread) when fanfared refuses a session rather than
  // being unreachable: a token or certificate it does not accept, a namespace the token does
  // not serve, a hello it finds invalid. The worker keeps trying, on its backoff schedule.
  std::function<void(const grpc::Status&)> on_session_refused;
};

class Worker : private WriteFence {
 public:
  // How long Drain() waits for the coordinator to acknowledge the last outcomes.
  static constexpr absl::Duration kAckWait = absl::Seconds(5);

  explicit Worker(WorkerOptions options);
  // Stops (without draining) if still running.
  ~Worker();

  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Registers the handler of `action` ("facebook.publish"). REQUIRES: before Start().
  void Handle(const std::string& action, TaskHandler handler);

  // Starts connecting (in the background) and serving. FailedPrecondition without handlers
  // or if already started.
  absl::Status Start();
  // Graceful shutdown; see the file comment. Returns when done; a no-op if not running.
  void Drain();
  // Immediate shutdown: running handlers are told to cancel, their outcomes are not
  // reported, and their leases expire at the coordinator.
  void Stop();
  // Blocks until SIGTERM or SIGINT, then drains. REQUIRES: BlockShutdownSignals()
  // (base/signals.h) ran in main() before any thread started.
  static void RunUntilSignal(Worker& worker);

  struct Stats {
    // Handlers that returned, by result (an attempt handed back during a drain included).
    int64_t succeeded = 0;
    int64_t failed = 0;
    // Tasks given back to the coordinator by a drain.
    int64_t handed_back = 0;
    // Sessions opened with the coordinator, and attempts that failed to open one.
    int64_t connections = 0;
    int64_t failed_connects = 0;
    // Attempts cancelled because their lease ran out without a renewal.
    int64_t lapsed = 0;
  };
  Stats stats() const;
  // True while a session with the coordinator is open.
  bool connected() const;
  // True from the start of Drain(): the worker takes no new task.
  bool draining() const;

 private:
  // An attempt this worker holds: queued for a handler thread, or running.
  struct Running {
    int32_t attempt = 0;
    v1::TaskPurpose purpose = v1::TASK_PURPOSE_EXECUTE;
    std::shared_ptr<CancellationToken> cancellation;
    bool started = false;
    // Heartbeat at least this often to keep the attempt's lease.
    absl::Duration heartbeat_every = absl::InfiniteDuration();
    // The lease as this worker knows it, on its own clock: the end the last renewal
    // confirmed (InfinitePast before the first), and when the lease it came with would end
    // if it had been granted on arrival (an upper bound: the coordinator granted it earlier).
    absl::Time confirmed_until = absl::InfinitePast();
    absl::Time arrival_lease_end = absl::InfiniteFuture();
    // A handler waits for a renewal that was asked for (on this session) and not yet given.
    bool renewal_pending = false;

    bool confirmed() const { return confirmed_until != absl::InfinitePast(); }
    // When the lease ends as far as this worker can tell: the confirmed end, else (never
    // renewed yet) the upper bound from its arrival.
    absl::Time lease_end() const { return confirmed() ? confirmed_until : arrival_lease_end; }
  };
  using Stream = grpc::ClientReaderWriter<v1::WorkerMessage, v1::CoordinatorMessage>;

  void ConnectionLoop();
  bool Session(absl::Duration& backoff);
  void ReadLoop(Stream& stream);
  void WriterLoop();
  bool HasWork() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool NextMessage(v1::WorkerMessage* message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // When the running attempts are next to be heartbeated.
  absl::Time NextHeartbeat() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void HandlerLoop();
  v1::TaskOutcome RunTask(v1::Task task, const std::shared_ptr<CancellationToken>& cancellation);
  void Finished(v1::TaskOutcome outcome) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Accept(const v1::CoordinatorMessage& message);
  void Renew(const v1::LeaseRenewal& renewal) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Cancels the attempts whose lease ran out without a renewal; returns when the next one
  // would run out.
  absl::Time CancelLapsed(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // WriteFence.
  absl::Status BeforeWrite(const v1::Task& task) override ABSL_LOCKS_EXCLUDED(mu_);
  bool MayStillAct(const v1::Task& task) override ABSL_LOCKS_EXCLUDED(mu_);
  // The attempt `task` names, if this worker still holds it and it is not cancelled.
  Running* Held(const v1::Task& task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Take(const v1::Task& task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reports the attempt as failed with `why` without running (the rest of) it.
  void GiveBack(uint64_t task_id, int32_t attempt, const absl::Status& why)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drain's work under the lock: stop taking tasks, wait for running ones within
  // drain_timeout, hand back the rest, wait for the acknowledgements.
  void HandBack() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  v1::WorkerHello Hello() const;

  WorkerOptions options_;
  absl::flat_hash_map<std::string, TaskHandler> handlers_;
  std::unique_ptr<v1::WorkerService::Stub> stub_;

  mutable absl::Mutex mu_;
  // Handler threads wait on ready_cv_ for tasks; the writer on writer_cv_ for something to
  // send.
  absl::CondVar ready_cv_;
  absl::CondVar writer_cv_;
  // Handlers waiting in BeforeWrite for a renewal wait on fence_cv_.
  absl::CondVar fence_cv_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool drain_sent_ ABSL_GUARDED_BY(mu_) = false;
  // The open session, if any; the writer writes to it, the connection thread reads it.
  std::shared_ptr<grpc::ClientContext> context_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Stream> stream_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  // Tasks waiting for a handler thread; each also has an entry in running_.
  std::deque<v1::Task> ready_ ABSL_GUARDED_BY(mu_);
  // By task id: the attempt this worker holds (a newer delivery replaces an older one).
  absl::flat_hash_map<uint64_t, Running> running_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskOutcome> outbox_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskOutcome> unacked_ ABSL_GUARDED_BY(mu_);
  int credit_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration heartbeat_interval_ ABSL_GUARDED_BY(mu_) = absl::Seconds(10);
  absl::Time last_heartbeat_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // A handler waits in BeforeWrite for a renewal: heartbeat at once.
  bool heartbeat_wanted_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);

  // Held while Stop() joins the threads below, which only Start() and Stop() touch.
  absl::Mutex join_mu_;
  std::thread connection_thread_;
  std::thread writer_thread_;
  std::vector<std::thread> handler_threads_;
};

}  // namespace fanfare

#endif  // FANFARE_SDK_WORKER_WORKER_H_
