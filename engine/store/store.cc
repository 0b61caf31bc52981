#include "engine/store/store.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/rocks_status.h"
#include "rocksdb/cache.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/memory_util.h"
#include "rocksdb/write_buffer_manager.h"

namespace fanfare::store {
namespace {

constexpr absl::string_view kCfNames[] = {
    "default", "specs", "runs",   "run_index",   "active_runs", "steps",
    "ready",   "leases", "timers", "history",    "idempotency", "spend",
    "quotas"};
static_assert(std::size(kCfNames) == static_cast<size_t>(Cf::kCount));

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

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

}  // namespace

absl::string_view CfName(Cf cf) { return kCfNames[static_cast<int>(cf)]; }

void Batch::Put(Cf cf, absl::string_view key, absl::string_view value) {
  // WriteBatch only fails on size overflow (>4 GiB), which a transition cannot reach.
  batch_.Put(store_.handle(cf), ToSlice(key), ToSlice(value)).PermitUncheckedError();
}

void Batch::Delete(Cf cf, absl::string_view key) {
  batch_.Delete(store_.handle(cf), ToSlice(key)).PermitUncheckedError();
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(options.write_buffer_bytes, cache);
  // Memory grows with the working set, not the number of files ever written.
  db_options.max_open_files = 512;
  db_options.keep_log_file_num = 4;

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (absl::string_view name : kCfNames) {
    families.emplace_back(std::string(name), FamilyOptions(cache));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, options.path, families, &handles, &db);
  if (!status.ok()) return FromRocks(status, absl::StrCat("open ", options.path));

  std::unique_ptr<Store> store(new Store());
  store->db_.reset(db);
  for (size_t i = 0; i < handles.size(); ++i) store->handles_[i] = handles[i];
  store->write_options_.sync = options.sync;
  return store;
}

Store::~Store() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (handle != nullptr) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
}

absl::Status Store::Finish(const rocksdb::Status& status) const { return FromRocks(status); }

absl::Status Store::Commit(Batch& batch) {
  if (batch.empty()) return absl::OkStatus();
  return FromRocks(db_->Write(write_options_, &batch.batch_), "commit");
}

absl::StatusOr<std::optional<std::string>> Store::Get(Cf cf, absl::string_view key) const {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), handle(cf), ToSlice(key), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return FromRocks(status, absl::StrCat("read ", CfName(cf)));
  return std::optional<std::string>(std::move(value));
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(Cf cf) const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions(), handle(cf)));
}

uint64_t Store::ApproximateMemoryBytes() const {
  uint64_t total = 0;
  uint64_t value = 0;
  for (const char* property : {"rocksdb.cur-size-all-mem-tables", "rocksdb.block-cache-usage",
                               "rocksdb.estimate-table-readers-mem"}) {
    if (db_->GetAggregatedIntProperty(property, &value)) total += value;
  }
  return total;
}

}  // namespace fanfare::store
