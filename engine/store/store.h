// Store: where Fanfare keeps its state, as an interface (as LevelDB's Env is one), with one
// keyspace per kind of record.
//
// The one implementation that ships is RocksStore (engine/store/rocks_store.h); tests also
// use FaultInjectingStore (tests/support/fault_injecting_store.h), which fails writes and
// syncs on demand and simulates power loss.
//
// The contract every implementation keeps, and that the coordinator's "fsync before ack"
// rule rests on:
//   - Commit(batch) applies all of `batch` or none of it. When it returns OK, the batch is
//     durable: it survives a crash of the process and a loss of power. The caller may then
//     (and only then) acknowledge what the batch records.
//   - When Commit returns an error, nothing it was given is acknowledged. The batch may or
//     may not be present after a restart (a write can reach the disk and its sync fail), so
//     the caller must treat its own memory as ahead of the store and recover from the store.
//   - Reads (Get, cursors) see every batch whose Commit returned OK.
//
// Grouping many transitions into one Batch is the caller's job (the coordinator does it once
// per engine cycle); see docs/architecture.md.
//
// Thread safety: a Store is safe for concurrent use. Batches and cursors are not; use each on
// one thread.
#ifndef FANFARE_ENGINE_STORE_STORE_H_
#define FANFARE_ENGINE_STORE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::store {

// The keyspaces. Key layouts are documented in engine/coordinator/keys.h.
enum class Cf : int {
  kMeta = 0,      // schema version, id watermarks
  kSpecs,         // campaign versions
  kRuns,          // run records
  kRunIndex,      // runs by namespace, newest first (ListRuns)
  kActiveRuns,    // runs that are not terminal (loaded at start-up)
  kSteps,         // step instance records
  kHistory,       // history events per run, by sequence number
  kIdempotency,   // StartRun fingerprints, schedule fire records
  kSpend,         // committed spend counters
  kQuotas,        // rate-limit counters per account
  kAccess,        // API tokens and their last uses
  kAudit,         // the audit trail of state-changing calls
  kAccounts,      // network accounts, their secrets sealed
  kWebhooks,      // namespaces' webhooks
  kOutbox,        // webhook deliveries not yet taken
  kCommunity,     // comment streams read, the authors met, pushed comments (community_ledger.h)
  kCount,
};

inline constexpr int kCfCount = static_cast<int>(Cf::kCount);

absl::string_view CfName(Cf cf);

// Keyspaces earlier versions wrote and this one no longer reads: the dispatch queues, leases
// and timers, now rebuilt from the step records at start-up. An implementation that finds
// them in its data drops them when it opens.
inline constexpr absl::string_view kRetiredCfNames[] = {"ready", "leases", "timers"};

// A set of writes that Store::Commit applies atomically, in order. Independent of any
// implementation: it holds its operations in one buffer, as LevelDB's WriteBatch does.
// Not thread-safe.
class Batch {
 public:
  enum class Kind : uint8_t { kPut = 0, kDelete = 1 };
  struct Operation {
    Kind kind;
    Cf cf;
    absl::string_view key;
    absl::string_view value;  // empty for kDelete
  };

  void Put(Cf cf, absl::string_view key, absl::string_view value);
  void Delete(Cf cf, absl::string_view key);

  // Calls `fn(const Operation&)` for each operation in the order they were added. The views
  // point into the batch and live as long as it is not changed.
  template <typename Fn>
  void ForEach(Fn fn) const;

  int count() const { return count_; }
  size_t bytes() const { return rep_.size(); }
  bool empty() const { return count_ == 0; }
  void Clear() {
    rep_.clear();
    count_ = 0;
  }

 private:
  // Each operation: kind (1 byte), cf (1 byte), key size (4 bytes, little-endian), key, and
  // for a put the value size (4 bytes) and the value.
  void AppendString(absl::string_view s);
  static absl::string_view ReadString(absl::string_view rep, size_t& pos);

  std::string rep_;
  int count_ = 0;
};

// A position in one keyspace, in key order. Not thread-safe. Reads see every batch committed
// before the cursor was created (an implementation may show later ones too).
class Cursor {
 public:
  virtual ~Cursor() = default;

  virtual void Seek(absl::string_view target) = 0;  // first key >= target
  virtual void SeekToFirst() = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // Valid until the next move.
  virtual absl::string_view key() const = 0;
  virtual absl::string_view value() const = 0;
  // Why the cursor stopped being valid, if not because the keyspace ran out.
  virtual absl::Status status() const = 0;
};

// What a store says about its size and its background work, for metrics and status.
struct StoreStats {
  // Bytes of the live data files (SSTs) and of the write-ahead log.
  uint64_t live_data_bytes = 0;
  uint64_t log_bytes = 0;
  // Bytes compaction still has to rewrite (an estimate), and compactions running now.
  uint64_t pending_compaction_bytes = 0;
  uint64_t running_compactions = 0;
};

// One backup in a backup directory.
struct BackupInfo {
  uint32_t id = 0;  // 1, 2, … within its directory
  absl::Time created_at;
  uint64_t size_bytes = 0;  // of the files it is made of, shared ones included
  uint32_t files = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies `batch` atomically and durably, under the contract above.
  virtual absl::Status Commit(const Batch& batch) = 0;

  // The value under `key`, nullopt if absent, or an error.
  virtual absl::StatusOr<std::optional<std::string>> Get(Cf cf, absl::string_view key) const = 0;

  // A cursor over `cf`, not yet positioned.
  virtual std::unique_ptr<Cursor> NewCursor(Cf cf) const = 0;

  // Memory the store itself holds (caches, buffers), for the benchmarks and status.
  virtual uint64_t ApproximateMemoryBytes() const = 0;

  // Size and background work. Thread-safe; an implementation with none says zero.
  virtual StoreStats Stats() const { return {}; }

  // Backs the store up into `dir` (created if missing), online: the backup holds every
  // batch committed before the call and is consistent as of one instant; files already in
  // `dir` from earlier backups are shared, not copied again. Then keeps the newest `keep`
  // backups there (0: all). A backup cut short (a crash) leaves the earlier ones intact.
  // Thread-safe, but the caller makes one backup into a directory at a time. Unimplemented
  // by a store that cannot.
  virtual absl::StatusOr<BackupInfo> BackUp(const std::string& dir, int keep) const {
    return absl::UnimplementedError("this store cannot be backed up");
  }
  // The newest backup in `dir`, nullopt if there is none (or no such directory). Thread-safe.
  virtual absl::StatusOr<std::optional<BackupInfo>> NewestBackup(const std::string& dir) const {
    return absl::UnimplementedError("this store cannot be backed up");
  }

  // Calls `fn(key, value)` for each key starting with `prefix`, in key order, until `fn`
  // returns false.
  template <typename Fn>
  absl::Status ScanPrefix(Cf cf, absl::string_view prefix, Fn fn) const;
};

template <typename Fn>
void Batch::ForEach(Fn fn) const {
  const absl::string_view rep(rep_);
  size_t pos = 0;
  while (pos < rep.size()) {
    Operation op;
    op.kind = static_cast<Kind>(rep[pos]);
    op.cf = static_cast<Cf>(rep[pos + 1]);
    pos += 2;
    op.key = ReadString(rep, pos);
    if (op.kind == Kind::kPut) op.value = ReadString(rep, pos);
    fn(static_cast<const Operation&>(op));
  }
}

// As Store::ScanPrefix, on a cursor the caller keeps: scanning many prefixes in key order
// with one cursor saves creating a cursor for each.
template <typename Fn>
absl::Status ScanPrefix(Cursor& cursor, absl::string_view prefix, Fn fn) {
  for (cursor.Seek(prefix); cursor.Valid(); cursor.Next()) {
    if (!absl::StartsWith(cursor.key(), prefix)) break;
    if (!fn(cursor.key(), cursor.value())) break;
  }
  return cursor.status();
}

template <typename Fn>
absl::Status Store::ScanPrefix(Cf cf, absl::string_view prefix, Fn fn) const {
  std::unique_ptr<Cursor> cursor = NewCursor(cf);
  return store::ScanPrefix(*cursor, prefix, std::move(fn));
}

}  // namespace fanfare::store

#endif  // FANFARE_ENGINE_STORE_STORE_H_
