#include "engine/store/rocks_store.h"

#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "engine/store/rocks_status.h"
#include "rocksdb/cache.h"
#include "rocksdb/table.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/write_batch.h"
#include "rocksdb/write_buffer_manager.h"

namespace fanfare::store {
namespace {

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view FromSlice(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.write_buffer_size = 16 << 20;
  options.compression = rocksdb::kLZ4Compression;
  return options;
}

class RocksCursor final : public Cursor {
 public:
  explicit RocksCursor(std::unique_ptr<rocksdb::Iterator> it) : it_(std::move(it)) {}

  void Seek(absl::string_view target) override { it_->Seek(ToSlice(target)); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  absl::string_view key() const override { return FromSlice(it_->key()); }
  absl::string_view value() const override { return FromSlice(it_->value()); }
  absl::Status status() const override { return FromRocks(it_->status(), "read"); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The retired column families (store.h) that the database at `path` still has; none if it
// does not exist yet.
std::vector<std::string> RetiredFamiliesIn(const std::string& path) {
  std::vector<std::string> existing;
  if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &existing).ok()) return {};
  std::vector<std::string> retired;
  for (const std::string& name : existing) {
    if (absl::c_linear_search(kRetiredCfNames, name)) retired.push_back(name);
  }
  return retired;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksStore>> RocksStore::Open(const StoreOptions& options) {
  // The memtables are charged to the same cache (the write buffer manager below), so that
  // one figure bounds RocksDB's memory; the cache holds both budgets. Sized to the block
  // budget alone, full memtables left it no room: every new iterator read its index block
  // from disk again and every seek decompressed its data block again.
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes + options.write_buffer_bytes);
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(options.write_buffer_bytes, cache);
  // Memory grows with the working set, not the number of files ever written.
  db_options.max_open_files = 512;
  db_options.keep_log_file_num = 4;
  // What a restart replays is bounded by the write-ahead log: a log is kept until every
  // family with data in it has flushed, so a family written rarely would hold logs for the
  // others (RocksDB's default bound is four times all write buffers). Past this size the
  // families holding the oldest log are flushed.
  db_options.max_total_wal_size = options.write_buffer_bytes;
  // The replayed data stays in the memtables instead of being flushed before Open returns.
  db_options.avoid_flush_during_recovery = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int i = 0; i < kCfCount; ++i) {
    families.emplace_back(std::string(CfName(static_cast<Cf>(i))), FamilyOptions(cache));
  }
  // RocksDB opens a database only with all of its column families named: the retired ones
  // are opened too, then dropped. Any other name (a newer layout) makes Open fail.
  for (const std::string& name : RetiredFamiliesIn(options.path)) {
    families.emplace_back(name, FamilyOptions(cache));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, options.path, families, &handles, &db);
  if (!status.ok()) return FromRocks(status, absl::StrCat("open ", options.path));

  std::unique_ptr<RocksStore> store(new RocksStore());
  store->db_.reset(db);
  for (int i = 0; i < kCfCount; ++i) store->handles_[i] = handles[i];
  for (size_t i = kCfCount; i < handles.size(); ++i) {
    status = db->DropColumnFamily(handles[i]);
    db->DestroyColumnFamilyHandle(handles[i]).PermitUncheckedError();
    if (!status.ok()) {
      return FromRocks(status, absl::StrCat("drop the retired keyspace ", families[i].name));
    }
  }
  store->write_options_.sync = options.sync;
  return store;
}

RocksStore::~RocksStore() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (handle != nullptr) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
}

absl::Status RocksStore::Commit(const Batch& batch) {
  if (batch.empty()) return absl::OkStatus();
  rocksdb::WriteBatch write(/*reserved_bytes=*/batch.bytes());
  rocksdb::Status added;
  batch.ForEach([&](const Batch::Operation& op) {
    if (!added.ok()) return;
    added = op.kind == Batch::Kind::kPut
                ? write.Put(handle(op.cf), ToSlice(op.key), ToSlice(op.value))
                : write.Delete(handle(op.cf), ToSlice(op.key));
  });
  if (!added.ok()) return FromRocks(added, "commit");
  return FromRocks(db_->Write(write_options_, &write), "commit");
}

absl::StatusOr<std::optional<std::string>> RocksStore::Get(Cf cf, absl::string_view key) const {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), handle(cf), ToSlice(key), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return FromRocks(status, absl::StrCat("read ", CfName(cf)));
  return std::optional<std::string>(std::move(value));
}

std::unique_ptr<Cursor> RocksStore::NewCursor(Cf cf) const {
  return std::make_unique<RocksCursor>(
      std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions(), handle(cf))));
}

uint64_t RocksStore::ApproximateMemoryBytes() const {
  // One block cache serves every column family, and the memtables are charged to it (the
  // WriteBufferManager): its usage, read once, counts both. Table readers are per family.
  uint64_t total = 0;
  uint64_t value = 0;
  if (db_->GetIntProperty("rocksdb.block-cache-usage", &value)) total += value;
  if (db_->GetAggregatedIntProperty("rocksdb.estimate-table-readers-mem", &value)) total += value;
  return total;
}

StoreStats RocksStore::Stats() const {
  StoreStats stats;
  db_->GetAggregatedIntProperty("rocksdb.live-sst-files-size", &stats.live_data_bytes);
  db_->GetAggregatedIntProperty("rocksdb.estimate-pending-compaction-bytes",
                                &stats.pending_compaction_bytes);
  db_->GetIntProperty("rocksdb.num-running-compactions", &stats.running_compactions);
  rocksdb::VectorLogPtr logs;
  if (db_->GetSortedWalFiles(logs).ok()) {
    for (const auto& log : logs) stats.log_bytes += log->SizeFileBytes();
  }
  return stats;
}

}  // namespace fanfare::store
