#include "engine/coordinator/coordinator.h"

#include <cstdio>
#include <cstdlib>

namespace fanfare::coordinator {
namespace {

// A manual clock may be moved from outside (tests); look at it at least this often.
constexpr absl::Duration kManualClockPoll = absl::Milliseconds(5);
constexpr absl::Duration kIdleWait = absl::Seconds(1);

}  // namespace

absl::StatusOr<std::unique_ptr<Coordinator>> Coordinator::Open(CoordinatorOptions options) {
  std::unique_ptr<Coordinator> coordinator(new Coordinator(std::move(options)));
  store::StoreOptions store_options;
  store_options.path = coordinator->options_.data_dir;
  store_options.block_cache_bytes = coordinator->options_.block_cache_bytes;
  store_options.write_buffer_bytes = coordinator->options_.write_buffer_bytes;
  absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(store_options);
  if (!store.ok()) return store.status();
  coordinator->store_ = *std::move(store);
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(
      coordinator->store_.get(), coordinator->options_.clock, coordinator->options_.engine);
  if (!engine.ok()) return engine.status();
  coordinator->engine_ = *std::move(engine);
  coordinator->thread_ = std::thread([c = coordinator.get()] { c->Loop(); });
  return coordinator;
}

Coordinator::~Coordinator() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Coordinator::Post(Operation operation) {
  absl::MutexLock lock(&mu_);
  inbox_.push_back(std::move(operation));
}

std::vector<Coordinator::Operation> Coordinator::WaitForWork(absl::Duration max_wait) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !inbox_.empty() || stopping_; };
  mu_.AwaitWithTimeout(absl::Condition(&ready), max_wait);
  std::vector<Operation> work;
  work.swap(inbox_);
  return work;
}

absl::Duration Coordinator::WaitBudget() {
  const absl::Time due = engine_->NextDue();
  if (options_.clock != &Clock::System()) {
    return due <= options_.clock->Now() ? absl::ZeroDuration() : kManualClockPoll;
  }
  if (due == absl::InfiniteFuture()) return kIdleWait;
  return std::clamp(due - options_.clock->Now(), absl::ZeroDuration(), kIdleWait);
}

void Coordinator::MaybeJumpClock(bool had_work) {
  if (options_.rehearsal_clock == nullptr || had_work || !engine_->Quiescent()) return;
  const absl::Time due = engine_->NextDue();
  if (due != absl::InfiniteFuture() && due > options_.rehearsal_clock->Now()) {
    options_.rehearsal_clock->Set(due);
  }
}

void Coordinator::Loop() {
  while (true) {
    std::vector<Operation> work = WaitForWork(WaitBudget());
    {
      absl::MutexLock lock(&mu_);
      if (stopping_ && work.empty()) return;
    }
    for (Operation& operation : work) std::move(operation)(*engine_);
    if (absl::Status status = engine_->FinishCycle(); !status.ok()) {
      // Memory is now ahead of the store; the only safe continuation is a restart, which
      // recovers from what the store holds.
      std::fprintf(stderr, "fanfared: fatal: could not commit to the store: %s\n",
                   status.ToString().c_str());
      std::abort();
    }
    MaybeJumpClock(!work.empty());
  }
}

}  // namespace fanfare::coordinator
