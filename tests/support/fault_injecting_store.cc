#include "tests/support/fault_injecting_store.h"

#include <set>
#include <utility>
#include <vector>

namespace fanfare::testing {

FaultInjectingStore::FaultInjectingStore(std::unique_ptr<store::Store> base)
    : base_(std::move(base)) {}

void FaultInjectingStore::FailCommit(int n, Fault fault) {
  absl::MutexLock lock(&mu_);
  countdown_ = n;
  fault_ = fault;
}

int64_t FaultInjectingStore::synced_commits() const {
  absl::MutexLock lock(&mu_);
  return synced_commits_;
}

absl::Status FaultInjectingStore::Commit(const store::Batch& batch) {
  absl::MutexLock lock(&mu_);
  if (!broken_.ok()) return broken_;
  if (countdown_ == 0 || --countdown_ > 0) {
    absl::Status status = base_->Commit(batch);
    if (status.ok()) ++synced_commits_;
    return status;
  }
  if (fault_ == Fault::kWriteFails) {
    broken_ = absl::InternalError("commit: injected fault: the write failed");
    return broken_;
  }
  absl::StatusOr<store::Batch> undo = UndoOf(batch);
  if (!undo.ok()) return undo.status();
  if (absl::Status status = base_->Commit(batch); !status.ok()) return status;
  unsynced_undo_ = *std::move(undo);
  broken_ = absl::InternalError("commit: injected fault: the sync failed");
  return broken_;
}

absl::StatusOr<store::Batch> FaultInjectingStore::UndoOf(const store::Batch& batch) const {
  // The value each key had before the batch, once per key: putting those back undoes the
  // batch however often it touches a key.
  std::set<std::pair<store::Cf, std::string>> seen;
  std::vector<std::pair<store::Cf, std::string>> keys;
  batch.ForEach([&](const store::Batch::Operation& op) {
    if (seen.emplace(op.cf, std::string(op.key)).second) keys.emplace_back(op.cf, op.key);
  });
  store::Batch undo;
  for (const auto& [cf, key] : keys) {
    absl::StatusOr<std::optional<std::string>> before = base_->Get(cf, key);
    if (!before.ok()) return before.status();
    if (before->has_value()) {
      undo.Put(cf, key, **before);
    } else {
      undo.Delete(cf, key);
    }
  }
  return undo;
}

absl::Status FaultInjectingStore::PowerLoss() {
  absl::MutexLock lock(&mu_);
  broken_ = absl::UnavailableError("commit: the power is off");
  if (!unsynced_undo_.has_value()) return absl::OkStatus();
  absl::Status status = base_->Commit(*unsynced_undo_);
  unsynced_undo_.reset();
  return status;
}

absl::StatusOr<std::optional<std::string>> FaultInjectingStore::Get(store::Cf cf,
                                                                    absl::string_view key) const {
  return base_->Get(cf, key);
}

std::unique_ptr<store::Cursor> FaultInjectingStore::NewCursor(store::Cf cf) const {
  return base_->NewCursor(cf);
}

uint64_t FaultInjectingStore::ApproximateMemoryBytes() const {
  return base_->ApproximateMemoryBytes();
}

}  // namespace fanfare::testing
