// Store: Fanfare's RocksDB database, with one column family per kind of record.
//
// Every state transition is written as one Batch with Commit(), which syncs the WAL before
// returning (sync = true): the caller may acknowledge the transition once Commit() returns
// OK. Grouping many transitions into one Batch is the caller's job (the coordinator does it
// once per engine cycle); see docs/architecture.md.
//
// Thread safety: a Store is safe for concurrent use. Batches are not; build each on one
// thread.
#ifndef FANFARE_ENGINE_STORE_STORE_H_
#define FANFARE_ENGINE_STORE_STORE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace fanfare::store {

// The column families. Key layouts are documented in engine/store/keys.h.
enum class Cf : int {
  kMeta = 0,      // schema version, id watermarks
  kSpecs,         // campaign versions
  kRuns,          // run records
  kRunIndex,      // runs by namespace, newest first (ListRuns)
  kActiveRuns,    // runs that are not terminal (loaded at start-up)
  kSteps,         // step instance records
  kReady,         // ready step instances, per queue, in dispatch order
  kLeases,        // running attempts by lease deadline
  kTimers,        // timers by due time
  kHistory,       // history events per run, by sequence number
  kIdempotency,   // StartRun fingerprints, schedule fire records
  kSpend,         // committed spend counters
  kQuotas,        // rate-limit counters per account
  kCount,
};

absl::string_view CfName(Cf cf);

struct StoreOptions {
  std::string path;
  // LRU block cache shared by every column family.
  size_t block_cache_bytes = 64 << 20;
  // Memtable memory across all column families.
  size_t write_buffer_bytes = 64 << 20;
  // False only for tests that measure something else than durability.
  bool sync = true;
};

class Store;

// A set of writes applied atomically by Store::Commit. Not thread-safe.
class Batch {
 public:
  explicit Batch(const Store& store) : store_(store) {}

  void Put(Cf cf, absl::string_view key, absl::string_view value);
  void Delete(Cf cf, absl::string_view key);

  int count() const { return batch_.Count(); }
  size_t bytes() const { return batch_.GetDataSize(); }
  bool empty() const { return batch_.Count() == 0; }
  void Clear() { batch_.Clear(); }

 private:
  friend class Store;
  const Store& store_;
  rocksdb::WriteBatch batch_;
};

class Store {
 public:
  // Opens (creating if needed) the database at options.path.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Applies `batch` atomically and durably (WAL fsync) before returning.
  absl::Status Commit(Batch& batch);

  // The value under `key`, nullopt if absent, or an error.
  absl::StatusOr<std::optional<std::string>> Get(Cf cf, absl::string_view key) const;

  // An iterator over `cf`; the caller seeks it. Reads see every committed batch.
  std::unique_ptr<rocksdb::Iterator> NewIterator(Cf cf) const;

  // Calls `fn(key, value)` for each key starting with `prefix`, in key order, until `fn`
  // returns false.
  template <typename Fn>
  absl::Status ScanPrefix(Cf cf, absl::string_view prefix, Fn fn) const;

  rocksdb::ColumnFamilyHandle* handle(Cf cf) const { return handles_[static_cast<int>(cf)]; }
  // RocksDB's own memory accounting, for the benchmark and `fanfared` status.
  uint64_t ApproximateMemoryBytes() const;

 private:
  Store() = default;
  absl::Status Finish(const rocksdb::Status& status) const;

  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, static_cast<int>(Cf::kCount)> handles_{};
  rocksdb::WriteOptions write_options_;
};

template <typename Fn>
absl::Status Store::ScanPrefix(Cf cf, absl::string_view prefix, Fn fn) const {
  std::unique_ptr<rocksdb::Iterator> it = NewIterator(cf);
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(rocksdb::Slice(prefix.data(), prefix.size()))) break;
    if (!fn(absl::string_view(key.data(), key.size()),
            absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return Finish(it->status());
}

}  // namespace fanfare::store

#endif  // FANFARE_ENGINE_STORE_STORE_H_
