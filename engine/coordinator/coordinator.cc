#include "engine/coordinator/coordinator.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/notification.h"
#include "base/log.h"
#include "engine/store/rocks_store.h"

namespace fanfare::coordinator {
namespace {

// A manual clock may be moved from outside (tests); look at it at least this often.
constexpr absl::Duration kManualClockPoll = absl::Milliseconds(5);
constexpr absl::Duration kIdleWait = absl::Seconds(1);

[[noreturn]] void CommitFailed(const absl::Status& status) {
  // Memory is now ahead of the store; the only safe continuation is a restart, which
  // recovers from what the store holds.
  log::Error("store", "could not commit to the store: stopping (a restart recovers)")
      .Field("error", status.ToString());
  std::abort();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Coordinator>> Coordinator::Open(CoordinatorOptions options) {
  store::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.block_cache_bytes = options.block_cache_bytes;
  store_options.write_buffer_bytes = options.write_buffer_bytes;
  absl::StatusOr<std::unique_ptr<store::RocksStore>> store =
      store::RocksStore::Open(store_options);
  if (!store.ok()) return store.status();
  return Open(std::move(options), *std::move(store));
}

absl::StatusOr<std::unique_ptr<Coordinator>> Coordinator::Open(
    CoordinatorOptions options, std::unique_ptr<store::Store> store) {
  std::unique_ptr<Coordinator> coordinator(new Coordinator(std::move(options)));
  coordinator->store_ = std::move(store);
  if (coordinator->options_.token_renewer) {
    coordinator->renewer_ =
        coordinator->options_.token_renewer([c = coordinator.get()](RenewalAnswer answer) {
          c->Post([answer = std::move(answer)](Engine& engine) mutable {
            engine.TokenRenewed(std::move(answer));
          });
        });
    coordinator->options_.engine.token_renewer = coordinator->renewer_.get();
  }
  if (coordinator->options_.webhook_sender) {
    coordinator->webhook_sender_ =
        coordinator->options_.webhook_sender([c = coordinator.get()](WebhookAnswer answer) {
          c->Post([answer = std::move(answer)](Engine& engine) {
            engine.WebhookAnswered(answer);
          });
        });
    coordinator->options_.engine.webhook_sender = coordinator->webhook_sender_.get();
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(
      coordinator->store_.get(), coordinator->options_.clock, coordinator->options_.engine);
  if (!engine.ok()) return engine.status();
  coordinator->engine_ = *std::move(engine);
  coordinator->commit_thread_ = std::thread([c = coordinator.get()] { c->CommitLoop(); });
  coordinator->engine_thread_ = std::thread([c = coordinator.get()] { c->EngineLoop(); });
  return coordinator;
}

Coordinator::~Coordinator() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (engine_thread_.joinable()) engine_thread_.join();
  if (commit_thread_.joinable()) commit_thread_.join();
  renewer_.reset();  // an answer it still posts is dropped; the stored intent is kept
  webhook_sender_.reset();  // likewise: the outbox keeps what was not answered
}

void Coordinator::CollectMetrics(std::vector<metrics::MetricFamily>& out,
                                 absl::Duration timeout) {
  // One pass at a time: a scrape that finds one on its way waits for it rather than posting
  // another, so that slow or many scrapers cannot pile passes up on the engine thread.
  std::shared_ptr<MetricsPass> pass;
  {
    absl::MutexLock lock(&metrics_mu_);
    if (metrics_pass_ == nullptr || metrics_pass_->done.HasBeenNotified()) {
      metrics_pass_ = std::make_shared<MetricsPass>();
      Post([pass = metrics_pass_](Engine& engine) {
        engine.CollectMetrics(pass->families);
        pass->done.Notify();
      });
    }
    pass = metrics_pass_;
  }
  if (pass->done.WaitForNotificationWithTimeout(timeout)) {
    // Shared by the scrapes that waited for it: copied, not moved.
    out.insert(out.end(), pass->families.begin(), pass->families.end());
  } else {
    metrics_timeouts_.fetch_add(1, std::memory_order_relaxed);
  }
  using metrics::MetricType;
  out.push_back(metrics::Single(
      "fanfare_metrics_engine_timeouts_total",
      "Scrapes whose state series were left out: the engine thread did not get to them in time.",
      MetricType::kCounter, static_cast<double>(metrics_timeouts_.load())));
  const store::StoreStats stats = store_->Stats();
  out.push_back(metrics::Single("fanfare_store_live_data_bytes",
                                "Bytes of RocksDB's live data files (SSTs).", MetricType::kGauge,
                                static_cast<double>(stats.live_data_bytes)));
  out.push_back(metrics::Single("fanfare_store_wal_bytes",
                                "Bytes of RocksDB's write-ahead log files.", MetricType::kGauge,
                                static_cast<double>(stats.log_bytes)));
  out.push_back(metrics::Single(
      "fanfare_store_pending_compaction_bytes",
      "Bytes RocksDB estimates compaction still has to rewrite.", MetricType::kGauge,
      static_cast<double>(stats.pending_compaction_bytes)));
  out.push_back(metrics::Single("fanfare_store_running_compactions",
                                "Compactions running now.", MetricType::kGauge,
                                static_cast<double>(stats.running_compactions)));
  out.push_back(metrics::Single("fanfare_store_memory_bytes",
                                "Memory RocksDB holds: memtables, block cache, table readers.",
                                MetricType::kGauge,
                                static_cast<double>(store_->ApproximateMemoryBytes())));
}

void Coordinator::Post(Operation operation) {
  absl::MutexLock lock(&mu_);
  inbox_.push_back(std::move(operation));
}

std::vector<Coordinator::Operation> Coordinator::WaitForWork(absl::Duration max_wait) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return !inbox_.empty() || committer_done_ || stopping_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), max_wait);
  std::vector<Operation> work;
  work.swap(inbox_);
  return work;
}

absl::Duration Coordinator::WaitBudget() {
  // Webhook tries run on their own clock (the system's even in a rehearsal).
  const absl::Duration delivery = std::min(engine_->UntilNextDelivery(), kIdleWait);
  const absl::Time due = std::min(engine_->NextDue(), engine_->NextRenewalDue());
  if (options_.clock != &Clock::System()) {
    return due <= options_.clock->Now() ? absl::ZeroDuration()
                                        : std::min(kManualClockPoll, delivery);
  }
  if (due == absl::InfiniteFuture()) return delivery;
  return std::clamp(due - options_.clock->Now(), absl::ZeroDuration(), delivery);
}

void Coordinator::MaybeJumpClock(bool had_work) {
  if (options_.rehearsal_clock == nullptr || had_work || !engine_->Quiescent()) return;
  {
    absl::MutexLock lock(&mu_);
    if (committing_.has_value()) return;
  }
  const absl::Time due = engine_->NextRehearsalDue();
  if (due != absl::InfiniteFuture() && due > options_.rehearsal_clock->Now()) {
    options_.rehearsal_clock->Set(due);
  }
}

int64_t Coordinator::TakeDurable() {
  absl::MutexLock lock(&mu_);
  committer_done_ = false;
  return durable_;
}

void Coordinator::HandOver() {
  absl::MutexLock lock(&mu_);
  if (committing_.has_value()) return;  // the open group keeps collecting meanwhile
  Engine::CommitGroup group = engine_->Seal();
  if (!group.empty()) committing_ = std::move(group);
}

bool Coordinator::Finished() {
  absl::MutexLock lock(&mu_);
  if (!stopping_ || !inbox_.empty() || committing_.has_value() || engine_->HasOpenGroup()) {
    return false;
  }
  engine_done_ = true;
  return true;
}

void Coordinator::EngineLoop() {
  while (true) {
    std::vector<Operation> work = WaitForWork(WaitBudget());
    engine_->Durable(TakeDurable());
    for (Operation& operation : work) std::move(operation)(*engine_);
    engine_->Step();
    HandOver();
    if (Finished()) return;
    MaybeJumpClock(!work.empty());
  }
}

void Coordinator::CommitLoop() {
  while (true) {
    Engine::CommitGroup* group = nullptr;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return committing_.has_value() || engine_done_;
      };
      mu_.Await(absl::Condition(&ready));
      if (!committing_.has_value()) return;
      group = &*committing_;
    }
    // Only this thread touches the group while it is in `committing_`.
    if (absl::Status status = engine_->Commit(*group); !status.ok()) CommitFailed(status);
    absl::MutexLock lock(&mu_);
    durable_ = committing_->id;
    committing_.reset();
    committer_done_ = true;
  }
}

}  // namespace fanfare::coordinator
