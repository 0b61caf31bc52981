// RocksStore: the Store on RocksDB, one column family per keyspace.
//
// Commit() writes the batch with sync = true, so it returns only once the write-ahead log
// is fsynced. After a failed write RocksDB refuses further writes until it is reopened,
// which is what the coordinator does anyway (it stops on a failed commit).
//
// Thread safety: as Store.
#ifndef FANFARE_ENGINE_STORE_ROCKS_STORE_H_
#define FANFARE_ENGINE_STORE_ROCKS_STORE_H_

#include <array>
#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/store/store.h"
#include "rocksdb/db.h"

namespace fanfare::store {

struct StoreOptions {
  std::string path;
  // LRU block cache shared by every column family.
  size_t block_cache_bytes = 64 << 20;
  // Memtable memory across all column families; the two together bound RocksDB's memory.
  size_t write_buffer_bytes = 64 << 20;
  // False only for tests and fuzzers that measure something else than durability: a store
  // opened so breaks the Store contract (a commit is not durable when it returns).
  bool sync = true;
};

class RocksStore final : public Store {
 public:
  // Opens (creating if needed) the database at options.path.
  static absl::StatusOr<std::unique_ptr<RocksStore>> Open(const StoreOptions& options);
  ~RocksStore() override;

  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  absl::Status Commit(const Batch& batch) override;
  absl::StatusOr<std::optional<std::string>> Get(Cf cf, absl::string_view key) const override;
  std::unique_ptr<Cursor> NewCursor(Cf cf) const override;
  uint64_t ApproximateMemoryBytes() const override;
  StoreStats Stats() const override;
  absl::StatusOr<BackupInfo> BackUp(const std::string& dir, int keep) const override;
  absl::StatusOr<std::optional<BackupInfo>> NewestBackup(const std::string& dir) const override;

  // Restores the newest backup in `backup_dir` that verifies against its checksums into
  // `data_dir`, which must not exist or be empty (a restore never overwrites data); returns
  // its id. It is restored into `data_dir`.restoring and renamed into place once whole.
  static absl::StatusOr<uint32_t> RestoreLatestBackup(const std::string& backup_dir,
                                                      const std::string& data_dir);

 private:
  RocksStore() = default;
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const { return handles_[static_cast<int>(cf)]; }

  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, kCfCount> handles_{};
  rocksdb::WriteOptions write_options_;
};

}  // namespace fanfare::store

#endif  // FANFARE_ENGINE_STORE_ROCKS_STORE_H_
