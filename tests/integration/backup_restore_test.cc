// Backups of a working coordinator: `fanfare admin backup` while runs are in flight, then a
// new fanfared restored from it (`--restore-from`) into a new data directory. Every run
// acknowledged before the backup is there and goes on to succeed; runs started after it are
// not. And a fanfared SIGKILLed in the middle of a backup leaves the earlier one whole.
#include <signal.h>

#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/definition/loader.h"
#include "gtest/gtest.h"
#include "sdk/client/client.h"
#include "tests/support/dev_fanfared.h"
#include "tests/support/temp_dir.h"

namespace fanfare {
namespace {

constexpr char kCampaign[] = R"yaml(
name: slow
accounts: {x: acme_x}
params:
  day: {type: string}
steps:
  - {id: teaser, action: x.publish, with: {text: "Soon: {{ params.day }}"}}
  - {id: pause, needs: [teaser], wait: 3s}
  - {id: launch, action: x.publish, needs: [pause], with: {text: "Now: {{ params.day }}"}}
)yaml";

using Fanfared = testing::DevFanfared;

Fanfared StartFanfared(const std::vector<std::string>& flags) {
  return testing::StartDevFanfared(flags);
}

absl::Status Start(Client& client, const std::string& run_id) {
  v1::StartRunRequest request = StartRunRequest("slow");
  request.set_run_id(run_id);
  (*request.mutable_params()->mutable_fields())["day"].set_string_value(run_id);
  return client.StartRun(request).status();
}

absl::StatusOr<v1::Run> WaitForEnd(Client& client, const std::string& run_id) {
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (true) {
    absl::StatusOr<v1::Run> run = client.GetRun(run_id);
    if (!run.ok()) return run.status();
    if (run->status() == v1::RUN_STATUS_SUCCEEDED || run->status() == v1::RUN_STATUS_FAILED ||
        absl::Now() > deadline) {
      return run;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

void Apply(Client& client) {
  definition::LoadResult loaded =
      definition::ParseCampaign(kCampaign, definition::SourceFormat::kYaml, "slow.yaml");
  ASSERT_TRUE(loaded.status.ok()) << loaded.status;
  ASSERT_TRUE(client.ApplyCampaign(loaded.spec, "slow.yaml").ok());
}

TEST(BackupRestoreTest, RunsAcknowledgedBeforeTheBackupContinueAfterARestore) {
  fanfare::testing::TempDir dir;
  Fanfared first = StartFanfared({"--data-dir=" + dir.Join("data")});
  ASSERT_NE(first.client, nullptr);
  ASSERT_NO_FATAL_FAILURE(Apply(*first.client));
  constexpr int kBefore = 6;
  for (int i = 0; i < kBefore; ++i) {
    ASSERT_TRUE(Start(*first.client, absl::StrCat("before-", i)).ok());
  }
  // In flight: each is waiting, publishing, or about to.
  v1::CreateBackupRequest request;
  request.set_directory(dir.Join("backups"));
  absl::StatusOr<v1::Backup> backup = first.client->CreateBackup(request);
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_EQ(backup->id(), 1u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Start(*first.client, absl::StrCat("after-", i)).ok());
  absl::StatusOr<v1::CoordinatorStatus> status = first.client->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->last_backup().id(), 1u);
  // The disk dies: the coordinator with it.
  first.process->Signal(SIGKILL);
  ASSERT_TRUE(first.process->Wait(absl::Seconds(30)).ok());

  Fanfared restored = StartFanfared(
      {"--data-dir=" + dir.Join("restored"), "--restore-from=" + dir.Join("backups")});
  ASSERT_NE(restored.client, nullptr);
  for (int i = 0; i < kBefore; ++i) {
    absl::StatusOr<v1::Run> run = WaitForEnd(*restored.client, absl::StrCat("before-", i));
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(restored.client->GetRun(absl::StrCat("after-", i)).status().code(),
              absl::StatusCode::kNotFound);
  }
  restored.process->Signal(SIGTERM);
  EXPECT_EQ(restored.process->Wait(absl::Seconds(30)).value_or(-1), 0);
}

TEST(BackupRestoreTest, ASigkillDuringABackupLeavesTheEarlierOneWhole) {
  fanfare::testing::TempDir dir;
  Fanfared first = StartFanfared({"--data-dir=" + dir.Join("data")});
  ASSERT_NE(first.client, nullptr);
  ASSERT_NO_FATAL_FAILURE(Apply(*first.client));
  ASSERT_TRUE(Start(*first.client, "kept").ok());
  v1::CreateBackupRequest request;
  request.set_directory(dir.Join("backups"));
  ASSERT_TRUE(first.client->CreateBackup(request).ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Start(*first.client, absl::StrCat("bulk-", i)).ok());
  // The second backup is asked for and the process killed while it is being made.
  std::thread asker([&] { (void)first.client->CreateBackup(request); });
  absl::SleepFor(absl::Milliseconds(5));
  first.process->Signal(SIGKILL);
  ASSERT_TRUE(first.process->Wait(absl::Seconds(30)).ok());
  asker.join();

  Fanfared restored = StartFanfared(
      {"--data-dir=" + dir.Join("restored"), "--restore-from=" + dir.Join("backups")});
  ASSERT_NE(restored.client, nullptr);
  absl::StatusOr<v1::Run> run = WaitForEnd(*restored.client, "kept");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
  restored.process->Signal(SIGTERM);
  EXPECT_EQ(restored.process->Wait(absl::Seconds(30)).value_or(-1), 0);
}

TEST(BackupRestoreTest, ScheduledBackupsComeAndTheNewestAreKept) {
  fanfare::testing::TempDir dir;
  Fanfared fanfared =
      StartFanfared({"--data-dir=" + dir.Join("data"), "--backup-dir=" + dir.Join("backups"),
                     "--backup-every=1s", "--backup-keep=2"});
  ASSERT_NE(fanfared.client, nullptr);
  ASSERT_NO_FATAL_FAILURE(Apply(*fanfared.client));
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  absl::StatusOr<v1::CoordinatorStatus> status;
  do {
    absl::SleepFor(absl::Milliseconds(200));
    status = fanfared.client->GetStatus();
    ASSERT_TRUE(status.ok()) << status.status();
  } while (status->last_backup().id() < 4 && absl::Now() < deadline);
  EXPECT_GE(status->last_backup().id(), 4u) << status->DebugString();
  EXPECT_EQ(status->backup_directory(), dir.Join("backups"));
  EXPECT_EQ(status->backups_failed(), 0);
  fanfared.process->Signal(SIGTERM);
  EXPECT_EQ(fanfared.process->Wait(absl::Seconds(30)).value_or(-1), 0);
  // Stopped (a backup in progress finishes, pruning included): two kept, their metadata
  // files all that is listed.
  int listed = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir.Join("backups") + "/meta")) {
    listed += file.is_regular_file();
  }
  EXPECT_EQ(listed, 2);
}

}  // namespace
}  // namespace fanfare
