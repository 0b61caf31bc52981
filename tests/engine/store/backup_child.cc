// The child of BackupTest.SigkillDuringABackupLeavesTheOthersValid: opens the store at
// argv[1] and, forever, commits a write and backs up into argv[2], writing one byte to
// stdout after each backup that completed. The test SIGKILLs it. (A fork of the test would
// not do: RocksDB's background threads do not survive a fork.)
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/store/rocks_store.h"

int main(int argc, char** argv) {
  if (argc != 4) return 1;
  auto store = fanfare::store::RocksStore::Open(
      {.path = argv[1], .block_cache_bytes = 1 << 20, .write_buffer_bytes = 4 << 20});
  if (!store.ok()) return 2;
  for (int i = 0;; ++i) {
    fanfare::store::Batch batch;
    batch.Put(fanfare::store::Cf::kRuns, absl::StrCat("more-", argv[3], "-", i),
              std::string(4096, 'z'));
    if (!(*store)->Commit(batch).ok()) return 3;
    if (!(*store)->BackUp(argv[2], 0).ok()) return 4;
    if (write(STDOUT_FILENO, "b\n", 2) != 2) return 5;
  }
}
