#include "engine/service/backups.h"

#include <chrono>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/proto_time.h"

namespace fanfare::service {
namespace {

// `path` made absolute and normal, with a trailing separator, so that prefixes compare
// whole components.
std::string Normal(const std::string& path) {
  std::error_code error;
  std::filesystem::path normal = std::filesystem::weakly_canonical(
      std::filesystem::absolute(path, error), error);
  std::string text = normal.lexically_normal().string();
  if (!absl::EndsWith(text, "/")) text += '/';
  return text;
}

}  // namespace

absl::Status CheckBackupDir(const std::string& dir, const std::string& data_dir) {
  if (dir.empty() || dir.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "directory: `", dir, "` is not an absolute path on the coordinator's machine"));
  }
  const std::string backup = Normal(dir);
  const std::string data = Normal(data_dir);
  if (absl::StartsWith(backup, data) || absl::StartsWith(data, backup)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "directory: ", dir, " and the data directory ", data_dir,
        " must be apart: a backup inside the data (or the data inside it) is lost with it"));
  }
  return absl::OkStatus();
}

Backups::Backups(const store::Store* store, BackupSchedule schedule, const Clock* clock,
                 metrics::Registry* registry)
    : store_(*store),
      schedule_(std::move(schedule)),
      clock_(*clock),
      backups_(registry->AddCounter(
          "fanfare_backups_total",
          "Backups, scheduled or asked for, by outcome: succeeded, or failed (the earlier ones "
          "stay valid).",
          {"outcome"})),
      last_success_(registry
                        ->AddGauge("fanfare_backup_last_success_timestamp_seconds",
                                   "When the newest scheduled backup was made (0: none in the "
                                   "backup directory).")
                        .With({})),
      seconds_(registry
                   ->AddHistogram("fanfare_backup_seconds", "How long a backup took.", {},
                                  {0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600})
                   .With({})),
      next_scheduled_(clock->Now() + schedule_.every) {
  if (!schedule_.dir.empty()) {
    // Across restarts the age of the newest scheduled backup is what the schedule is
    // judged by (the FanfareBackupStale alert).
    absl::StatusOr<std::optional<store::BackupInfo>> newest = store_.NewestBackup(schedule_.dir);
    if (newest.ok() && newest->has_value()) {
      last_success_.Set(absl::ToDoubleSeconds((*newest)->created_at - absl::UnixEpoch()));
    }
  }
  thread_ = std::thread([this] { Loop(); });
}

Backups::~Backups() { Stop(); }

void Backups::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  thread_.join();  // after the backup in progress, if any
  std::deque<Job> dropped;
  {
    absl::MutexLock lock(&mu_);
    dropped.swap(jobs_);
  }
  for (Job& job : dropped) job.done(absl::CancelledError("fanfared is stopping"));
}

void Backups::BackUp(std::string dir, int keep, Done done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      jobs_.push_back({.dir = std::move(dir), .keep = keep, .done = std::move(done)});
      return;
    }
  }
  done(absl::CancelledError("fanfared is stopping"));
}

void Backups::Loop() {
  const bool scheduled = !schedule_.dir.empty() && schedule_.every > absl::ZeroDuration();
  while (true) {
    std::optional<Job> job;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || !jobs_.empty();
      };
      // Wakes for a job, a stop, or (polling the clock, which may be a test's) the schedule.
      mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(1));
      if (stopping_) return;
      if (!jobs_.empty()) {
        job = std::move(jobs_.front());
        jobs_.pop_front();
      } else if (scheduled && clock_.Now() >= next_scheduled_) {
        next_scheduled_ = clock_.Now() + schedule_.every;
        job = Job{.dir = schedule_.dir, .keep = schedule_.keep, .done = nullptr};
      }
    }
    if (!job.has_value()) continue;
    absl::StatusOr<v1::Backup> made = Make(job->dir, job->keep, /*scheduled=*/!job->done);
    if (job->done) job->done(std::move(made));
  }
}

absl::StatusOr<v1::Backup> Backups::Make(const std::string& dir, int keep, bool scheduled) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<store::BackupInfo> info = store_.BackUp(dir, keep);
  const absl::Duration took = absl::FromChrono(std::chrono::steady_clock::now() - start);
  seconds_.Observe(absl::ToDoubleSeconds(took));
  absl::MutexLock lock(&mu_);
  if (!info.ok()) {
    ++failures_;
    last_error_ = std::string(info.status().message());
    backups_.With({"failed"}).Add();
    log::Error("backups", "backup failed").Field("directory", dir).Field("error", last_error_);
    return info.status();
  }
  v1::Backup backup;
  backup.set_id(info->id);
  *backup.mutable_created_at() = ToProtoTime(info->created_at);
  backup.set_directory(dir);
  backup.set_size_bytes(info->size_bytes);
  backup.set_files(info->files);
  *backup.mutable_took() = ToProtoDuration(took);
  last_ = backup;
  backups_.With({"succeeded"}).Add();
  if (scheduled) last_success_.Set(absl::ToDoubleSeconds(info->created_at - absl::UnixEpoch()));
  log::Info("backups", "backup made")
      .Field("directory", dir)
      .Field("id", static_cast<int64_t>(info->id))
      .Field("bytes", static_cast<int64_t>(info->size_bytes))
      .Field("took", took);
  return backup;
}

void Backups::Describe(v1::CoordinatorStatus& status) const {
  absl::MutexLock lock(&mu_);
  if (!schedule_.dir.empty()) {
    status.set_backup_directory(schedule_.dir);
    *status.mutable_backup_every() = ToProtoDuration(schedule_.every);
  }
  if (last_.has_value()) *status.mutable_last_backup() = *last_;
  status.set_backups_failed(failures_);
  status.set_last_backup_error(last_error_);
}

}  // namespace fanfare::service
