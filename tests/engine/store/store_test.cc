// The Store contract (engine/store/store.h) on RocksStore, and the faults FaultInjectingStore
// injects: what a failed commit leaves, and what power loss takes back.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/rocks_store.h"
#include "engine/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/support/fault_injecting_store.h"
#include "tests/support/temp_dir.h"

namespace fanfare::store {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using Fault = testing::FaultInjectingStore::Fault;

std::unique_ptr<RocksStore> OpenAt(const std::string& path) {
  auto store = RocksStore::Open({.path = path, .block_cache_bytes = 1 << 20,
                                 .write_buffer_bytes = 4 << 20});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

std::optional<std::string> ValueOf(const Store& store, Cf cf, absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> value = store.Get(cf, key);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *value : std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Scan(const Store& store, Cf cf,
                                                      absl::string_view prefix) {
  std::vector<std::pair<std::string, std::string>> found;
  EXPECT_TRUE(store
                  .ScanPrefix(cf, prefix,
                              [&](absl::string_view key, absl::string_view value) {
                                found.emplace_back(key, value);
                                return true;
                              })
                  .ok());
  return found;
}

TEST(BatchTest, ReplaysItsOperationsInOrderWithTheirBytes) {
  Batch batch;
  const std::string binary("k\0\xff", 3);
  batch.Put(Cf::kRuns, binary, std::string(70'000, 'v'));
  batch.Delete(Cf::kQuotas, "gone");
  batch.Put(Cf::kMeta, "", "");
  EXPECT_EQ(batch.count(), 3);

  std::vector<std::string> seen;
  batch.ForEach([&](const Batch::Operation& op) {
    seen.push_back(absl::StrCat(op.kind == Batch::Kind::kPut ? "put " : "delete ", CfName(op.cf),
                                " ", op.key.size(), "/", op.value.size()));
    if (op.cf == Cf::kRuns) {
      EXPECT_EQ(op.key, binary);
    }
  });
  EXPECT_THAT(seen, ElementsAre("put runs 3/70000", "delete quotas 4/0", "put default 0/0"));

  batch.Clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.bytes(), 0u);
}

TEST(RocksStoreTest, ACommittedBatchIsReadableAndSurvivesAReopen) {
  testing::TempDir dir;
  {
    std::unique_ptr<RocksStore> store = OpenAt(dir.Join("db"));
    Batch batch;
    batch.Put(Cf::kSteps, "run1/a", "1");
    batch.Put(Cf::kSteps, "run1/b", "2");
    batch.Put(Cf::kSteps, "run2/a", "3");
    batch.Put(Cf::kRuns, "run1/a", "other keyspace");
    ASSERT_TRUE(store->Commit(batch).ok());
    Batch second;
    second.Delete(Cf::kSteps, "run1/a");
    second.Put(Cf::kSteps, "run1/b", "2'");
    ASSERT_TRUE(store->Commit(second).ok());
    EXPECT_EQ(ValueOf(*store, Cf::kSteps, "run1/a"), std::nullopt);
  }
  std::unique_ptr<RocksStore> store = OpenAt(dir.Join("db"));
  EXPECT_THAT(Scan(*store, Cf::kSteps, "run1/"), ElementsAre(Pair("run1/b", "2'")));
  EXPECT_THAT(Scan(*store, Cf::kSteps, ""), ElementsAre(Pair("run1/b", "2'"), Pair("run2/a", "3")));
  EXPECT_EQ(ValueOf(*store, Cf::kRuns, "run1/a"), "other keyspace");
  EXPECT_EQ(ValueOf(*store, Cf::kRuns, "run1/b"), std::nullopt);
}

TEST(RocksStoreTest, ScanPrefixStopsWhenAskedTo) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> store = OpenAt(dir.Join("db"));
  Batch batch;
  for (const char* key : {"p1", "p2", "p3", "q1"}) batch.Put(Cf::kHistory, key, key);
  ASSERT_TRUE(store->Commit(batch).ok());
  int calls = 0;
  ASSERT_TRUE(store->ScanPrefix(Cf::kHistory, "p", [&](absl::string_view, absl::string_view) {
    return ++calls < 2;
  }).ok());
  EXPECT_EQ(calls, 2);
}

TEST(RocksStoreTest, AnEmptyBatchCommits) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> store = OpenAt(dir.Join("db"));
  EXPECT_TRUE(store->Commit(Batch()).ok());
}

TEST(RocksStoreTest, OpeningWhereNoDatabaseCanBeIsAClearError) {
  const absl::StatusOr<std::unique_ptr<RocksStore>> store =
      RocksStore::Open({.path = "/proc/fanfare-cannot-be-here"});
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), ::testing::HasSubstr("open /proc/fanfare-cannot-be-here"));
}

// A data directory written by a version that still stored the dispatch indexes: it opens,
// and the retired keyspaces are gone afterwards, their entries with them.
TEST(RocksStoreTest, DropsTheRetiredKeyspacesOfAnOlderLayout) {
  testing::TempDir dir;
  const std::string path = dir.Join("db");
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (absl::string_view name : kRetiredCfNames) {
      rocksdb::ColumnFamilyHandle* handle = nullptr;
      ASSERT_TRUE(db->CreateColumnFamily({}, std::string(name), &handle).ok());
      ASSERT_TRUE(db->Put({}, handle, "index-key", "ref").ok());
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
  }
  {
    std::unique_ptr<RocksStore> store = OpenAt(path);
    ASSERT_NE(store, nullptr);
    Batch batch;
    batch.Put(Cf::kRuns, "r1", "record");
    ASSERT_TRUE(store->Commit(batch).ok());
  }
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, path, &families).ok());
  for (absl::string_view name : kRetiredCfNames) {
    EXPECT_THAT(families, ::testing::Not(::testing::Contains(std::string(name))));
  }
  std::unique_ptr<RocksStore> reopened = OpenAt(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(ValueOf(*reopened, Cf::kRuns, "r1"), "record");
}

// A keyspace this version does not know (a newer layout's) is not silently dropped.
TEST(RocksStoreTest, RefusesADatabaseWithAnUnknownKeyspace) {
  testing::TempDir dir;
  const std::string path = dir.Join("db");
  OpenAt(path).reset();
  {
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (int i = 0; i < kCfCount; ++i) {
      families.emplace_back(std::string(CfName(static_cast<Cf>(i))), rocksdb::ColumnFamilyOptions());
    }
    ASSERT_TRUE(rocksdb::DB::Open({}, path, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* future = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily({}, "from_the_future", &future).ok());
    handles.push_back(future);
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
  }
  EXPECT_FALSE(RocksStore::Open({.path = path}).ok());
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, path, &families).ok());
  EXPECT_THAT(families, ::testing::Contains("from_the_future"));
}

class FaultInjectingStoreTest : public ::testing::Test {
 protected:
  FaultInjectingStoreTest() { Reopen(); }

  // Closes the store and opens the same database again, as a restart (or a reboot) does.
  void Reopen() {
    store_.reset();
    store_ = std::make_unique<testing::FaultInjectingStore>(OpenAt(dir_.Join("db")));
  }
  absl::Status Put(absl::string_view key, absl::string_view value) {
    Batch batch;
    batch.Put(Cf::kRuns, key, value);
    return store_->Commit(batch);
  }
  std::optional<std::string> Value(absl::string_view key) {
    return ValueOf(*store_, Cf::kRuns, key);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::FaultInjectingStore> store_;
};

TEST_F(FaultInjectingStoreTest, CommitsPassThroughUntilAFaultIsArmed) {
  ASSERT_TRUE(Put("a", "1").ok());
  store_->FailCommit(2, Fault::kWriteFails);
  ASSERT_TRUE(Put("b", "2").ok());
  EXPECT_FALSE(Put("c", "3").ok());
  EXPECT_EQ(store_->synced_commits(), 2);
}

TEST_F(FaultInjectingStoreTest, AFailedWriteReachesNothingAndLaterCommitsFailToo) {
  ASSERT_TRUE(Put("a", "1").ok());
  store_->FailCommit(1, Fault::kWriteFails);
  Batch batch;
  batch.Put(Cf::kRuns, "a", "overwritten");
  batch.Put(Cf::kRuns, "b", "2");
  EXPECT_THAT(store_->Commit(batch).message(), ::testing::HasSubstr("the write failed"));
  EXPECT_EQ(Value("a"), "1");
  EXPECT_EQ(Value("b"), std::nullopt);
  EXPECT_FALSE(Put("c", "3").ok()) << "a store whose write failed refuses writes until reopened";

  Reopen();
  EXPECT_EQ(Value("a"), "1");
  EXPECT_TRUE(Put("c", "3").ok());
}

TEST_F(FaultInjectingStoreTest, AFailedSyncMaySurviveARestartButNotAPowerLoss) {
  ASSERT_TRUE(Put("a", "1").ok());
  store_->FailCommit(1, Fault::kSyncFails);
  Batch batch;
  batch.Put(Cf::kRuns, "a", "2");
  batch.Put(Cf::kRuns, "a", "3");  // a key written twice in one batch
  batch.Put(Cf::kRuns, "b", "new");
  batch.Delete(Cf::kRuns, "missing");
  EXPECT_THAT(store_->Commit(batch).message(), ::testing::HasSubstr("the sync failed"));
  EXPECT_EQ(Value("a"), "3") << "the write reached the disk's cache";
  EXPECT_FALSE(Put("c", "4").ok());

  ASSERT_TRUE(store_->PowerLoss().ok());
  Reopen();
  EXPECT_EQ(Value("a"), "1");
  EXPECT_EQ(Value("b"), std::nullopt);
  EXPECT_EQ(Value("c"), std::nullopt);
}

TEST_F(FaultInjectingStoreTest, PowerLossKeepsEverySyncedCommit) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Put(absl::StrCat("k", i), absl::StrCat(i)).ok());
  store_->FailCommit(1, Fault::kSyncFails);
  EXPECT_FALSE(Put("k0", "lost").ok());
  ASSERT_TRUE(store_->PowerLoss().ok());
  EXPECT_FALSE(Put("k1", "after the power went").ok());
  Reopen();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(Value(absl::StrCat("k", i)), absl::StrCat(i));
}

}  // namespace
}  // namespace fanfare::store
