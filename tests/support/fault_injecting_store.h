// FaultInjectingStore: a Store over another one that fails on demand, for tests of the
// durability contract (engine/store/store.h) — what LevelDB's fault-injection Env is to its
// tests.
//
//   auto faults = std::make_unique<FaultInjectingStore>(*RocksStore::Open(options));
//   faults->FailCommit(1, FaultInjectingStore::Fault::kSyncFails);   // the next commit
//   ... engine->FinishCycle() fails; nothing may have been acknowledged ...
//   faults->PowerLoss();   // what was never synced is gone; reopen and recover
//
// It models a store whose commits are durable only once synced:
//   - kWriteFails: the commit fails and reaches nothing.
//   - kSyncFails: the commit's writes reach the base store (visible to reads, and present
//     after a restart without power loss, as when a write lands in the page cache and its
//     fsync fails) but are not synced; PowerLoss() takes them back.
// After either fault every later commit fails too, as RocksDB refuses writes after a failed
// write-ahead-log write or sync until it is reopened. Commits that returned OK are synced
// and survive everything.
//
// Thread safety: as Store; the fault controls may be called from any thread.
#ifndef FANFARE_TESTS_SUPPORT_FAULT_INJECTING_STORE_H_
#define FANFARE_TESTS_SUPPORT_FAULT_INJECTING_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/store/store.h"

namespace fanfare::testing {

class FaultInjectingStore final : public store::Store {
 public:
  enum class Fault { kWriteFails, kSyncFails };

  explicit FaultInjectingStore(std::unique_ptr<store::Store> base);

  // The `n`th commit from now (1: the next one) fails with `fault`.
  void FailCommit(int n, Fault fault);
  // Simulates a power cut: the writes of a commit whose sync failed are taken back, so the
  // base store holds exactly what was acknowledged. Every later commit fails; close this
  // store and open the base again to go on, as after a reboot.
  absl::Status PowerLoss();
  // Commits that returned OK so far.
  int64_t synced_commits() const;

  absl::Status Commit(const store::Batch& batch) override;
  absl::StatusOr<std::optional<std::string>> Get(store::Cf cf,
                                                 absl::string_view key) const override;
  std::unique_ptr<store::Cursor> NewCursor(store::Cf cf) const override;
  uint64_t ApproximateMemoryBytes() const override;

 private:
  // The batch that puts back what `batch` overwrites in the base store.
  absl::StatusOr<store::Batch> UndoOf(const store::Batch& batch) const;

  const std::unique_ptr<store::Store> base_;
  mutable absl::Mutex mu_;
  int countdown_ ABSL_GUARDED_BY(mu_) = 0;  // commits until the armed fault; 0: none
  Fault fault_ ABSL_GUARDED_BY(mu_) = Fault::kWriteFails;
  // Set once a commit failed (or power was lost): every later commit fails with it.
  absl::Status broken_ ABSL_GUARDED_BY(mu_);
  // Undoes the writes that reached the base store without being synced.
  std::optional<store::Batch> unsynced_undo_ ABSL_GUARDED_BY(mu_);
  int64_t synced_commits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_FAULT_INJECTING_STORE_H_
