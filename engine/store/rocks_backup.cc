// RocksStore's backups: RocksDB's BackupEngine, which copies the live files (sharing those
// earlier backups in the same directory already hold), the WAL, and a manifest, and writes
// each backup's metadata last: a backup cut short is not listed, and is cleaned up by the
// next open of the directory.
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "engine/store/rocks_status.h"
#include "engine/store/rocks_store.h"
#include "rocksdb/utilities/backup_engine.h"

namespace fanfare::store {
namespace {

rocksdb::BackupEngineOptions EngineOptions(const std::string& dir) {
  rocksdb::BackupEngineOptions options(dir);
  options.sync = true;  // every file, and the metadata last, synced before the call returns
  options.share_table_files = true;
  options.share_files_with_checksum = true;
  return options;
}

bool IsEmptyOrMissing(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) return true;
  return std::filesystem::is_directory(dir, error) &&
         std::filesystem::directory_iterator(dir, error) == std::filesystem::directory_iterator();
}

BackupInfo InfoOf(const rocksdb::BackupInfo& info) {
  return BackupInfo{.id = info.backup_id,
                    .created_at = absl::FromUnixSeconds(info.timestamp),
                    .size_bytes = info.size,
                    .files = info.number_files};
}

}  // namespace

absl::StatusOr<BackupInfo> RocksStore::BackUp(const std::string& dir, int keep) const {
  rocksdb::BackupEngine* raw = nullptr;
  if (rocksdb::IOStatus status =
          rocksdb::BackupEngine::Open(rocksdb::Env::Default(), EngineOptions(dir), &raw);
      !status.ok()) {
    return FromRocks(status, absl::StrCat("open backup directory ", dir));
  }
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;  // the memtables' committed batches go into the backup
  rocksdb::BackupID id = 0;
  if (rocksdb::IOStatus status = engine->CreateNewBackup(create, db_.get(), &id); !status.ok()) {
    return FromRocks(status, absl::StrCat("back up into ", dir));
  }
  if (keep > 0) {
    // The backup is made and synced: a failed purge leaves old ones behind, nothing worse.
    if (rocksdb::IOStatus status = engine->PurgeOldBackups(static_cast<uint32_t>(keep));
        !status.ok()) {
      log::Warning("backups", "could not remove old backups")
          .Field("directory", dir)
          .Field("error", status.ToString());
    }
  }
  rocksdb::BackupInfo info;
  if (rocksdb::Status status = engine->GetBackupInfo(id, &info); !status.ok()) {
    return FromRocks(status, absl::StrCat("read backup ", id, " in ", dir));
  }
  return InfoOf(info);
}

absl::StatusOr<std::optional<BackupInfo>> RocksStore::NewestBackup(
    const std::string& dir) const {
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) return std::nullopt;
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  if (rocksdb::IOStatus status =
          rocksdb::BackupEngineReadOnly::Open(rocksdb::Env::Default(), EngineOptions(dir), &raw);
      !status.ok()) {
    return FromRocks(status, absl::StrCat("open backup directory ", dir));
  }
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  if (backups.empty()) return std::nullopt;
  return InfoOf(backups.back());
}

absl::StatusOr<uint32_t> RocksStore::RestoreLatestBackup(const std::string& backup_dir,
                                                          const std::string& data_dir) {
  if (!IsEmptyOrMissing(data_dir)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "will not restore into ", data_dir, ": it holds data already (restore into a new, "
        "empty data directory)"));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  if (rocksdb::IOStatus status = rocksdb::BackupEngineReadOnly::Open(
          rocksdb::Env::Default(), EngineOptions(backup_dir), &raw);
      !status.ok()) {
    return FromRocks(status, absl::StrCat("open backup directory ", backup_dir));
  }
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  if (backups.empty()) return absl::NotFoundError(absl::StrCat("no backup in ", backup_dir));
  // Restored beside the data directory and renamed into place once whole, so that a restore
  // cut short leaves nothing that a second try would refuse.
  const std::string staging = absl::StrCat(data_dir, ".restoring");
  std::error_code error;
  std::filesystem::remove_all(staging, error);
  std::string refused;
  for (auto backup = backups.rbegin(); backup != backups.rend(); ++backup) {
    const rocksdb::BackupID id = backup->backup_id;
    if (rocksdb::IOStatus status = engine->VerifyBackup(id, /*verify_with_checksum=*/true);
        !status.ok()) {
      // The newest that verifies is restored: say what was passed over.
      absl::StrAppend(&refused, refused.empty() ? "" : "; ", "backup ", id, ": ",
                      status.ToString());
      continue;
    }
    if (rocksdb::IOStatus status = engine->RestoreDBFromBackup(id, staging, staging);
        !status.ok()) {
      return FromRocks(status, absl::StrCat("restore backup ", id, " into ", staging));
    }
    std::filesystem::remove(data_dir, error);  // empty, or missing
    std::filesystem::rename(staging, data_dir, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("move the restored ", staging, " to ", data_dir, ": ", error.message()));
    }
    if (!refused.empty()) {
      log::Warning("backups", "newer backups failed verification and were passed over")
          .Field("directory", backup_dir)
          .Field("errors", refused);
    }
    return static_cast<uint32_t>(id);
  }
  return absl::DataLossError(
      absl::StrCat("no backup in ", backup_dir, " verifies against its checksums: ", refused));
}

}  // namespace fanfare::store
