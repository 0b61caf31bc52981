// The engine cycle: due timers and leases, dispatch, flush, commit, effects.
#include "engine/coordinator/engine.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "engine/coordinator/event_log.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/run_codec.h"
#include "fanfare/internal/records.pb.h"

namespace fanfare::coordinator {
namespace {

// Task ids are reserved in the store this many at a time, so that ids stay unique across
// restarts without a write per id.
constexpr uint64_t kTaskIdBlock = 1 << 16;

}  // namespace

Engine::Engine(store::Store* store, const Clock* clock, EngineOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      own_metrics_(options.metrics == nullptr ? std::make_unique<metrics::Registry>() : nullptr),
      metrics_(options.metrics != nullptr ? *options.metrics : *own_metrics_),
      scheduler_(*clock, random_, *this, options.scheduler),
      limiter_(&options_.quotas),
      spend_(&options_.quotas, clock_, &scheduler_),
      workers_({.clock = clock_,
                .scheduler = &scheduler_,
                .dispatcher = &dispatcher_,
                .limiter = &limiter_,
                .spend = &spend_,
                .community = &community_,
                .active = &active_,
                .metrics = &metrics_},
               {.heartbeat_interval = options_.heartbeat_interval,
                .max_poll_wait = options_.max_poll_wait},
               this),
      webhooks_(state_, options.webhook_clock != nullptr ? *options.webhook_clock : *clock,
                options.metrics != nullptr ? *options.metrics : *own_metrics_,
                options.webhooks) {}

Engine::~Engine() = default;

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(store::Store* store, const Clock* clock,
                                                     EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine(store, clock, options));
  if (absl::Status status = engine->Recover(); !status.ok()) return status;
  return engine;
}

uint64_t Engine::AllocateTaskId() {
  if (next_task_id_ >= task_id_limit_) {
    task_id_limit_ = next_task_id_ + kTaskIdBlock;
    state_.PutMeta("task_id_limit", absl::StrCat(task_id_limit_));
  }
  return next_task_id_++;
}

void Engine::Register(scheduler::RunState& run, scheduler::StepInstance& instance) {
  instance.task_id = AllocateTaskId();
  active_.AddTask(instance.task_id, {&run, &instance});
}

void Engine::Forget(const scheduler::StepInstance& instance) {
  active_.RemoveTask(instance.task_id);
}

void Engine::Deferred(scheduler::RunState& run) {
  deferred_runs_.push_back(ActiveRuns::Key(run.ns(), run.run_id()));
}

void Engine::ContinueDeferred() {
  std::vector<std::string> runs;
  runs.swap(deferred_runs_);
  for (std::string& key : runs) {
    scheduler::RunState* run = active_.FindKey(key);
    // A run that still has work once the budget is spent is asked again next cycle.
    if (run != nullptr && scheduler_.ContinueDeferred(*run) &&
        std::find(deferred_runs_.begin(), deferred_runs_.end(), key) == deferred_runs_.end()) {
      deferred_runs_.push_back(std::move(key));
    }
  }
}

void Engine::Enqueue(scheduler::RunState& run, scheduler::StepInstance& instance) {
  const std::string& campaign = run.campaign().name();
  auto weight = options_.quotas.campaign_weights.find(absl::StrCat(run.ns(), "/", campaign));
  dispatcher_.Enqueue(run.ns(), instance.queue, instance.task_id, run.record().priority(),
                      campaign, weight == options_.quotas.campaign_weights.end() ? 1 : weight->second);
}

void Engine::Rearm(scheduler::RunState& run, scheduler::StepInstance& instance) {
  timer_heap_.emplace(instance.timer_at, instance.task_id);
  instance.armed.timer = instance.timer_at;
}

void Engine::Ended(scheduler::RunState& run, const scheduler::StepInstance& instance) {
  spend_.Ended(run, instance);
}

void Engine::CancelAttempt(scheduler::RunState& run, const scheduler::StepInstance& instance) {
  workers_.CancelAttempt(instance);
}

void Engine::AfterCommit(absl::AnyInvocable<void() &&> effect) {
  effects_.push_back(std::move(effect));
}

absl::Time Engine::NextDue() {
  // Drop stale heads so that the answer is a real deadline.
  auto live_head = [&](DueHeap& heap, bool lease) {
    while (!heap.empty()) {
      auto [at, task_id] = heap.top();
      const ActiveRuns::Task* ref = active_.FindTask(task_id);
      const bool live =
          ref != nullptr &&
          (ref->instance == nullptr
               ? !lease && ref->run->start_timer() == at
               : (lease ? ref->instance->lease_deadline : ref->instance->timer_at) == at);
      if (live) return at;
      heap.pop();
    }
    return absl::InfiniteFuture();
  };
  if (!deferred_runs_.empty()) return clock_->Now();  // expansions wait for the next cycle
  absl::Time due = std::min(live_head(lease_heap_, true), live_head(timer_heap_, false));
  due = std::min(due, workers_.NextPollDeadline());
  return std::min(due, NextScheduleFire());
}

void Engine::FireDue() {
  const absl::Time now = clock_->Now();
  while (!lease_heap_.empty() && lease_heap_.top().first <= now) {
    const auto [at, task_id] = lease_heap_.top();
    lease_heap_.pop();
    const ActiveRuns::Task* task = active_.FindInstance(task_id);
    if (task == nullptr || task->instance->lease_deadline != at) continue;
    metrics_.AttemptEnded(*task->instance, AttemptOutcome::kLost);
    scheduler_.LeaseExpired(*task->run, *task->instance);
  }
  while (!timer_heap_.empty() && timer_heap_.top().first <= now) {
    const auto [at, task_id] = timer_heap_.top();
    timer_heap_.pop();
    const ActiveRuns::Task* task = active_.FindTask(task_id);
    if (task == nullptr) continue;
    scheduler::RunState& run = *task->run;
    if (task->instance == nullptr) {
      // The run's own timer: a SCHEDULED run's start.
      if (run.start_timer() == at && run.record().status() == v1::RUN_STATUS_SCHEDULED) {
        run.set_start_timer(absl::InfiniteFuture());
        scheduler_.Start(run);
      }
      continue;
    }
    scheduler::StepInstance& instance = *task->instance;
    if (instance.timer_at != at || instance.timer_kind == scheduler::TimerKind::kNone ||
        run.record().status() == v1::RUN_STATUS_PAUSED) {
      continue;  // stale, or held until the run resumes
    }
    scheduler_.TimerFired(run, instance);
  }
  FireSchedules();
}

void Engine::Arm(DueHeap& heap, absl::Time& armed, absl::Time wanted, uint64_t task_id) {
  // The heaps delete lazily: a deadline that changes is pushed again, and the old entry is
  // skipped when it comes up (NextDue, FireDue).
  if (armed == wanted) return;
  armed = wanted;
  if (wanted != absl::InfiniteFuture()) heap.emplace(wanted, task_id);
}

void Engine::ArmRunTimer(scheduler::RunState& run) {
  Arm(timer_heap_, run.armed_start_timer, run.start_timer(), run.start_task_id);
}

void Engine::ArmDeadlines(scheduler::StepInstance& instance) {
  Arm(lease_heap_, instance.armed.lease, instance.lease_deadline, instance.task_id);
  Arm(timer_heap_, instance.armed.timer,
      instance.timer_kind == scheduler::TimerKind::kNone ? absl::InfiniteFuture()
                                                         : instance.timer_at,
      instance.task_id);
}

void Engine::FlushRun(scheduler::RunState& run) {
  scheduler::RunState::Changes changes = run.TakeChanges();
  const std::string& ns = run.ns();
  const std::string& run_id = run.run_id();
  // Deletions first: a step re-created in the same cycle (RetryRun) reuses its key.
  for (const std::string& key : changes.deleted_keys) state_.DeleteStep(ns, run_id, key);
  for (int64_t seq : changes.deleted_events) state_.DeleteEvent(ns, run_id, seq);
  // Only the step records are written: the dispatch queues, leases and timers are derived
  // from them, in memory, and rebuilt from them at start-up (recovery.cc).
  for (scheduler::StepInstance* instance : changes.instances) {
    state_.PutStep(ns, run_id, *instance);
    ArmDeadlines(*instance);
  }
  for (const v1::HistoryEvent& event : changes.events) state_.PutEvent(ns, run_id, event);
  NotifyRunEvents(run, changes.events);
  // Logged once durable, so that the log never tells of an event history does not hold.
  if (std::vector<v1::HistoryEvent> logged = EventsToLog(changes.events); !logged.empty()) {
    AfterCommit([ns, run_id, logged = std::move(logged)] {
      for (const v1::HistoryEvent& event : logged) LogEvent(ns, run_id, event);
    });
  }
  if (changes.record_dirty) {
    ArmRunTimer(run);
    state_.PutRun(EncodeRun(run));  // a terminal run is no longer active
    if (run.terminal()) {
      // Forgotten once this group is durable: until then reads must still find it here.
      ended_runs_.emplace_back(next_group_id_, ActiveRuns::Key(ns, run_id));
    }
  }
  // Watchers see the events once they are durable.
  auto watchers = watchers_.find(ActiveRuns::Key(ns, run_id));
  if (watchers != watchers_.end() && !changes.events.empty()) {
    AfterCommit([list = watchers->second, events = std::move(changes.events),
                 finished = run.terminal()]() mutable {
      for (const auto& watcher : list) {
        watcher->OnEvents(events);
        if (finished) watcher->OnFinished();
      }
    });
  }
}

void Engine::Flush() {
  // Flushing can change nothing further, but a run may be listed once per cycle only;
  // swap first so that the list is empty for the next cycle.
  std::vector<scheduler::RunState*> changed;
  changed.swap(changed_runs_);
  for (scheduler::RunState* run : changed) FlushRun(*run);
  for (auto& [key, record] : limiter_.TakeDirty()) state_.PutLimiter(key, record);
  for (auto& [key, record] : spend_.ledger().TakeDirty()) state_.PutSpend(record);
  for (const auto& record : community_.TakeDirtyStreams()) state_.PutCommunityStream(record);
  for (const auto& record : community_.TakeDirtyAuthors()) state_.PutCommunityAuthors(record);
  FlushInbox();
  FlushTokenLastUses();
  FlushDenialCount();
  workers_.FlushSessions();
}

void Engine::Step() {
  FireDue();
  StartDueRenewals();
  ContinueDeferred();
  workers_.Dispatch();
  Flush();
  StartDueDeliveries();
  scheduler_.BeginCycle();  // the next cycle's operations get a fresh budget
}

Engine::CommitGroup Engine::Seal() {
  CommitGroup group;
  group.id = next_group_id_++;
  group.batch = state_.Seal();
  group.effects.swap(effects_);
  return group;
}

absl::Status Engine::Commit(CommitGroup& group) {
  const auto start = std::chrono::steady_clock::now();
  if (absl::Status status = store_->Commit(*group.batch); !status.ok()) return status;
  if (!group.batch->empty()) {
    metrics_.Committed(group.batch->count(),
                       absl::FromChrono(std::chrono::steady_clock::now() - start));
  }
  for (auto& effect : group.effects) std::move(effect)();
  group.effects.clear();
  return absl::OkStatus();
}

void Engine::Durable(int64_t group_id) {
  durable_group_id_ = group_id;
  while (!ended_runs_.empty() && ended_runs_.front().first <= group_id) {
    const std::string key = std::move(ended_runs_.front().second);
    ended_runs_.pop_front();
    scheduler::RunState* run = active_.FindKey(key);
    if (run == nullptr || !run->terminal()) continue;
    metrics_.RunEnded(run->ns(), run->record().status());
    watchers_.erase(key);
    active_.Remove(*run);
  }
}

absl::Status Engine::FinishCycle() {
  Step();
  CommitGroup group = Seal();
  if (absl::Status status = Commit(group); !status.ok()) return status;
  Durable(group.id);
  return absl::OkStatus();
}

bool Engine::Quiescent() const {
  // A renewal in flight is work: a rehearsal must not jump past the token's expiry meanwhile.
  if (!deferred_runs_.empty() || !renewing_.empty()) return false;
  for (const auto& [key, run] : active_.runs()) {
    for (const auto& instance : run->instances()) {
      if (instance->leased() || instance->queued()) return false;
      if (instance->state == v1::STEP_STATE_WAITING &&
          (instance->waiting.kind() == v1::WaitingReason::KIND_APPROVAL ||
           instance->waiting.kind() == v1::WaitingReason::KIND_SIGNAL)) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace fanfare::coordinator
