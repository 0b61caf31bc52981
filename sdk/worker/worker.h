// fanfare::Worker: serves actions for the coordinator over the Connect stream.
//
//   fanfare::WorkerOptions options;
//   options.address = "127.0.0.1:7600";
//   options.concurrency = 32;
//   fanfare::Worker worker(options);
//   worker.Handle("crm.sync", [](fanfare::TaskContext& ctx) -> absl::StatusOr<Value> { ... });
//   RETURN_IF_ERROR(worker.Start());
//   fanfare::Worker::RunUntilSignal(worker);   // drains on SIGTERM / SIGINT
//
// The worker announces the queues and actions it has handlers for, grants the coordinator
// credit for `concurrency` tasks, runs each task's handler on a handler thread, and reports
// outcomes in batches together with fresh credit. Running attempts are heartbeated at the
// interval the coordinator asks for. If the connection drops it reconnects with backoff and
// re-sends every outcome the coordinator has not acknowledged (outcomes are fenced, so a
// repeat is harmless). Drain() stops taking tasks, lets running ones finish within
// drain_timeout, hands back the rest, and waits for the last acknowledgements.
//
// Thread safety: Handle() before Start(); the rest is safe from any thread.
#ifndef FANFARE_SDK_WORKER_WORKER_H_
#define FANFARE_SDK_WORKER_WORKER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/base/clock.h"
#include "fanfare/v1/worker.grpc.pb.h"
#include "sdk/worker/task_context.h"

namespace fanfare {

struct WorkerOptions {
  std::string address = "127.0.0.1:7600";
  std::string ns = "default";
  // Stable across reconnects; default "<hostname>-<pid>".
  std::string worker_id;
  std::string identity;
  // Tasks run at once (one handler thread each).
  int concurrency = 16;
  absl::Duration reconnect_initial = absl::Milliseconds(100);
  absl::Duration reconnect_max = absl::Seconds(10);
  absl::Duration drain_timeout = absl::Seconds(30);
  const Clock* clock = &Clock::System();
};

class Worker {
 public:
  explicit Worker(WorkerOptions options);
  // Stops (without draining) if still running.
  ~Worker();

  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Registers the handler of `action` ("facebook.publish"). REQUIRES: before Start().
  void Handle(const std::string& action, TaskHandler handler);

  // Starts connecting (in the background) and serving. FailedPrecondition without handlers.
  absl::Status Start();
  // Graceful shutdown; see the file comment. Returns when done.
  void Drain();
  // Immediate shutdown: running handlers are told to cancel; their leases will expire.
  void Stop();
  // Blocks until SIGTERM or SIGINT, then drains. REQUIRES: BlockShutdownSignals()
  // (engine/base/signals.h) ran in main() before any thread started.
  static void RunUntilSignal(Worker& worker);

  struct Stats {
    int64_t succeeded = 0;
    int64_t failed = 0;
    int64_t connections = 0;
  };
  Stats stats() const;
  // True while a session with the coordinator is open.
  bool connected() const;

 private:
  struct Running {
    int32_t attempt = 0;
    std::shared_ptr<CancellationToken> cancellation;
    bool started = false;
  };
  using Stream = grpc::ClientReaderWriter<v1::WorkerMessage, v1::CoordinatorMessage>;

  void ConnectionLoop();
  bool Session(absl::Duration& backoff);
  void ReadLoop(Stream& stream);
  void WriterLoop();
  bool NextMessage(v1::WorkerMessage* message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void HandlerLoop();
  v1::TaskOutcome RunTask(v1::Task task, const std::shared_ptr<CancellationToken>& cancellation);
  void Accept(const v1::CoordinatorMessage& message);
  // Drain's work under the lock: stop taking tasks, wait for running ones within
  // drain_timeout, report the rest as handed back, wait for the acknowledgements.
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
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool drain_sent_ ABSL_GUARDED_BY(mu_) = false;
  // The open session, if any; the writer writes to it, the connection thread reads it.
  std::shared_ptr<grpc::ClientContext> context_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Stream> stream_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<v1::Task> ready_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, Running> running_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskOutcome> outbox_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskOutcome> unacked_ ABSL_GUARDED_BY(mu_);
  int credit_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration heartbeat_interval_ ABSL_GUARDED_BY(mu_) = absl::Seconds(10);
  absl::Time next_heartbeat_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  Stats stats_ ABSL_GUARDED_BY(mu_);

  std::thread connection_thread_;
  std::thread writer_thread_;
  std::vector<std::thread> handler_threads_;
};

}  // namespace fanfare

#endif  // FANFARE_SDK_WORKER_WORKER_H_
