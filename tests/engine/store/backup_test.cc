// RocksStore's backups: online and consistent, incremental, pruned, restored only into an
// empty directory, and intact when the process making one is SIGKILLed halfway.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/subprocess.h"
#include "engine/store/rocks_store.h"
#include "gtest/gtest.h"
#include "rocksdb/utilities/backup_engine.h"
#include "tests/support/temp_dir.h"

namespace fanfare::store {
namespace {

std::unique_ptr<RocksStore> OpenAt(const std::string& path) {
  auto store = RocksStore::Open({.path = path, .block_cache_bytes = 1 << 20,
                                 .write_buffer_bytes = 4 << 20});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

absl::Status Put(Store& store, const std::string& key, const std::string& value) {
  Batch batch;
  batch.Put(Cf::kRuns, key, value);
  return store.Commit(batch);
}

bool Has(const Store& store, const std::string& key) {
  absl::StatusOr<std::optional<std::string>> value = store.Get(Cf::kRuns, key);
  return value.ok() && value->has_value();
}

TEST(BackupTest, RestoresWhatWasCommittedBeforeTheBackup) {
  fanfare::testing::TempDir dir;
  auto store = OpenAt(dir.Join("data"));
  ASSERT_TRUE(Put(*store, "run-1", "a").ok());
  absl::StatusOr<BackupInfo> first = store->BackUp(dir.Join("backups"), 0);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->id, 1u);
  EXPECT_GT(first->size_bytes, 0u);
  ASSERT_TRUE(Put(*store, "run-2", "b").ok());
  absl::StatusOr<BackupInfo> second = store->BackUp(dir.Join("backups"), 0);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id, 2u);
  ASSERT_TRUE(Put(*store, "run-3", "c").ok());  // after every backup: in none

  ASSERT_TRUE(RocksStore::RestoreLatestBackup(dir.Join("backups"), dir.Join("restored")).ok());
  auto restored = OpenAt(dir.Join("restored"));
  EXPECT_TRUE(Has(*restored, "run-1"));
  EXPECT_TRUE(Has(*restored, "run-2"));
  EXPECT_FALSE(Has(*restored, "run-3"));
}

TEST(BackupTest, SaysWhichIsNewest) {
  fanfare::testing::TempDir dir;
  auto store = OpenAt(dir.Join("data"));
  absl::StatusOr<std::optional<BackupInfo>> none = store->NewestBackup(dir.Join("backups"));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store->BackUp(dir.Join("backups"), 0).ok());
  absl::StatusOr<BackupInfo> second = store->BackUp(dir.Join("backups"), 0);
  ASSERT_TRUE(second.ok());
  absl::StatusOr<std::optional<BackupInfo>> newest = store->NewestBackup(dir.Join("backups"));
  ASSERT_TRUE(newest.ok() && newest->has_value());
  EXPECT_EQ((*newest)->id, 2u);
  EXPECT_EQ((*newest)->created_at, second->created_at);
}

TEST(BackupTest, KeepsTheNewest) {
  fanfare::testing::TempDir dir;
  auto store = OpenAt(dir.Join("data"));
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(Put(*store, absl::StrCat("run-", i), "x").ok());
    ASSERT_TRUE(store->BackUp(dir.Join("backups"), 2).ok());
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  ASSERT_TRUE(rocksdb::BackupEngineReadOnly::Open(rocksdb::Env::Default(),
                                                  rocksdb::BackupEngineOptions(dir.Join("backups")),
                                                  &raw)
                  .ok());
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  ASSERT_EQ(backups.size(), 2u);
  EXPECT_EQ(backups[0].backup_id, 3u);
  EXPECT_EQ(backups[1].backup_id, 4u);
}

TEST(BackupTest, RestoreNeverOverwritesData) {
  fanfare::testing::TempDir dir;
  auto store = OpenAt(dir.Join("data"));
  ASSERT_TRUE(store->BackUp(dir.Join("backups"), 0).ok());
  EXPECT_EQ(RocksStore::RestoreLatestBackup(dir.Join("backups"), dir.Join("data")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  std::filesystem::create_directories(dir.Join("nothing"));
  EXPECT_EQ(RocksStore::RestoreLatestBackup(dir.Join("nothing"), dir.Join("fresh")).status().code(),
            absl::StatusCode::kNotFound);
}

// The newest backup's own file is damaged on disk: the restore passes over it to the one
// before, which verifies.
TEST(BackupTest, ADamagedNewestBackupFallsBackToTheOneBefore) {
  fanfare::testing::TempDir dir;
  auto store = OpenAt(dir.Join("data"));
  ASSERT_TRUE(Put(*store, "run-1", "a").ok());
  ASSERT_TRUE(store->BackUp(dir.Join("backups"), 0).ok());
  std::set<std::string> first_files;
  for (const auto& file :
       std::filesystem::directory_iterator(dir.Join("backups") + "/shared_checksum")) {
    first_files.insert(file.path().string());
  }
  ASSERT_TRUE(Put(*store, "run-2", std::string(4096, 'b')).ok());
  ASSERT_TRUE(store->BackUp(dir.Join("backups"), 0).ok());
  int damaged = 0;
  for (const auto& file :
       std::filesystem::directory_iterator(dir.Join("backups") + "/shared_checksum")) {
    if (first_files.count(file.path().string()) || file.path().extension() != ".sst") continue;
    std::fstream bytes(file.path(), std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekp(64);
    bytes.write("damaged!", 8);
    ++damaged;
  }
  ASSERT_GT(damaged, 0);
  absl::StatusOr<uint32_t> restored =
      RocksStore::RestoreLatestBackup(dir.Join("backups"), dir.Join("restored"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(*restored, 1u);
  auto opened = OpenAt(dir.Join("restored"));
  EXPECT_TRUE(Has(*opened, "run-1"));
  EXPECT_FALSE(Has(*opened, "run-2"));
  EXPECT_FALSE(std::filesystem::exists(dir.Join("restored") + ".restoring"));
}

// Writers keep committing while a backup is made: everything committed before the backup
// began is in it, and what it holds opens as a consistent store.
TEST(BackupTest, OnlineUnderConcurrentCommits) {
  fanfare::testing::TempDir dir;
  auto store = OpenAt(dir.Join("data"));
  std::atomic<int> committed{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if (!Put(*store, absl::StrCat("run-", i), std::string(512, 'x')).ok()) return;
      committed = i + 1;
    }
  });
  while (committed < 2000) absl::SleepFor(absl::Milliseconds(1));
  const int before = committed;
  absl::StatusOr<BackupInfo> backup = store->BackUp(dir.Join("backups"), 0);
  stop = true;
  writer.join();
  ASSERT_TRUE(backup.ok()) << backup.status();
  ASSERT_TRUE(RocksStore::RestoreLatestBackup(dir.Join("backups"), dir.Join("restored")).ok());
  auto restored = OpenAt(dir.Join("restored"));
  for (int i = 0; i < before; ++i) {
    ASSERT_TRUE(Has(*restored, absl::StrCat("run-", i))) << "run-" << i << " of " << before;
  }
}

// A child process makes backup after backup of a store with some bulk, and is SIGKILLed at
// a random moment of one (after telling the parent of 0 to 2 completed ones), again and
// again: every backup listed afterwards verifies against its checksums, and the newest
// restores.
TEST(BackupTest, SigkillDuringABackupLeavesTheOthersValid) {
  fanfare::testing::TempDir dir;
  {
    auto store = OpenAt(dir.Join("data"));
    for (int i = 0; i < 4000; ++i) {
      ASSERT_TRUE(Put(*store, absl::StrCat("run-", i), std::string(2048, 'a' + i % 26)).ok());
    }
    ASSERT_TRUE(store->BackUp(dir.Join("backups"), 0).ok());
  }
  absl::BitGen random;
  const std::string child_path =
      std::filesystem::read_symlink("/proc/self/exe").parent_path() / "store_backup_child";
  int completed = 0;
  for (int round = 0; round < 6; ++round) {
    absl::StatusOr<std::unique_ptr<Subprocess>> child = Subprocess::Start(
        {child_path, dir.Join("data"), dir.Join("backups"), absl::StrCat(round)});
    ASSERT_TRUE(child.ok()) << child.status();
    for (int wanted = round % 3; wanted > 0; --wanted) {
      ASSERT_TRUE((*child)->ReadLine(absl::Seconds(60)).ok()) << "the child stopped";
      ++completed;
    }
    // Somewhere in the next backup (or the open and write before it).
    absl::SleepFor(absl::Milliseconds(absl::Uniform(random, 0, 150)));
    (*child)->Signal(SIGKILL);
    absl::StatusOr<int> code = (*child)->Wait(absl::Seconds(30));
    ASSERT_TRUE(code.ok()) << code.status();
  }
  rocksdb::BackupEngine* raw = nullptr;
  ASSERT_TRUE(rocksdb::BackupEngine::Open(rocksdb::Env::Default(),
                                          rocksdb::BackupEngineOptions(dir.Join("backups")), &raw)
                  .ok());
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  ASSERT_GE(backups.size(), 1u + completed);
  for (const rocksdb::BackupInfo& backup : backups) {
    EXPECT_TRUE(engine->VerifyBackup(backup.backup_id, /*verify_with_checksum=*/true).ok())
        << "backup " << backup.backup_id;
  }
  engine.reset();
  ASSERT_TRUE(RocksStore::RestoreLatestBackup(dir.Join("backups"), dir.Join("restored")).ok());
  auto restored = OpenAt(dir.Join("restored"));
  EXPECT_TRUE(Has(*restored, "run-3999"));
}

}  // namespace
}  // namespace fanfare::store
