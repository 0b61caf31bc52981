// Backups: fanfared's online backups of its store (RocksDB's BackupEngine), asked for
// (`fanfare admin backup`) or on a schedule (`--backup-dir`, `--backup-every`,
// `--backup-keep`). docs/operations.md, "Backups".
//
// One thread makes every backup, one at a time, in the order asked; a scheduled one is due
// `every` after the previous scheduled one started. A backup never holds the engine: RocksDB
// copies files while the coordinator goes on committing.
//
// Thread safety: thread-safe. The store and the registry must outlive it. Stop() (or the
// destructor) finishes the backup in progress and drops those not started: their `done` gets
// CANCELLED, as does a backup asked for after it.
#ifndef FANFARE_ENGINE_SERVICE_BACKUPS_H_
#define FANFARE_ENGINE_SERVICE_BACKUPS_H_

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "engine/store/store.h"
#include "fanfare/v1/admin.pb.h"
#include "metrics/registry.h"

namespace fanfare::service {

struct BackupSchedule {
  // Empty: no scheduled backups.
  std::string dir;
  absl::Duration every = absl::Hours(1);
  int keep = 24;
};

class Backups {
 public:
  // `clock` paces the schedule (the system's: backups are about real disks, also in a
  // rehearsal).
  Backups(const store::Store* store, BackupSchedule schedule, const Clock* clock,
          metrics::Registry* registry);
  ~Backups();
  // Stops making backups (see above); idempotent. Call it before the gRPC server shuts down,
  // which waits for the calls whose backups are queued.
  void Stop();

  using Done = std::function<void(absl::StatusOr<v1::Backup>)>;
  // Queues a backup into `dir`, keeping its newest `keep` (0: all); `done` runs on the
  // backups thread once it is complete and synced, or has failed.
  void BackUp(std::string dir, int keep, Done done);

  // What GetStatus reports of backups: the schedule, the last success, the failures.
  void Describe(v1::CoordinatorStatus& status) const;

 private:
  struct Job {
    std::string dir;
    int keep = 0;
    Done done;
  };
  void Loop();
  // Makes one backup and records how it went; a scheduled one moves the last-success gauge.
  absl::StatusOr<v1::Backup> Make(const std::string& dir, int keep, bool scheduled);

  const store::Store& store_;
  const BackupSchedule schedule_;
  const Clock& clock_;
  metrics::CounterFamily& backups_;
  metrics::Gauge& last_success_;
  metrics::Histogram& seconds_;

  mutable absl::Mutex mu_;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time next_scheduled_ ABSL_GUARDED_BY(mu_);
  std::optional<v1::Backup> last_ ABSL_GUARDED_BY(mu_);
  int64_t failures_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// Checks a backup directory a caller names: absolute, and not inside `data_dir` (nor
// `data_dir` inside it). InvalidArgument saying which otherwise.
absl::Status CheckBackupDir(const std::string& dir, const std::string& data_dir);

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_BACKUPS_H_
