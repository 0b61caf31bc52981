// fanfared's and fanfare-worker's logs as an operator reads them: one JSON object per line
// with level, component, namespace, run and step; quiet at info while all goes well; the
// network's errors and the retries they cause told; no token from the credentials file in
// either process's log.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/subprocess.h"
#include "engine/definition/loader.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sandbox/sandbox.h"
#include "sdk/client/client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

namespace fanfare {
namespace {

using Json = nlohmann::json;
using testing::BinDir;
using testing::SourceTree;

constexpr char kCampaign[] = R"yaml(
name: logged
accounts: {x: acme_x}
params:
  day: {type: string}
steps:
  - id: post
    action: x.publish
    with: {text: "Day {{ params.day }}"}
    retry: {max_attempts: 10, initial_backoff: 50ms, max_backoff: 200ms}
)yaml";

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

class LogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sandbox_.Start().ok());
    // Through a shell, so that each process's stderr (its log) lands in a file.
    absl::StatusOr<std::unique_ptr<Subprocess>> fanfared = Subprocess::Start(
        {"/bin/sh", "-c",
         absl::StrCat("exec ", BinDir(), "/fanfared --auth=off --log-format=json --data-dir=",
                      dir_.Join("data"), " --listen=127.0.0.1:0 2> ", dir_.Join("fanfared.log"))});
    ASSERT_TRUE(fanfared.ok()) << fanfared.status();
    fanfared_ = *std::move(fanfared);
    absl::StatusOr<std::string> line =
        fanfared_->WaitForLine("listening on", absl::Seconds(30));
    ASSERT_TRUE(line.ok()) << line.status();
    const std::string address = testing::AddressFromListeningLine(*line);

    const std::string credentials = dir_.Join("credentials.json");
    std::filesystem::copy_file(SourceTree() + "/examples/sandbox-credentials.json", credentials);
    ASSERT_EQ(chmod(credentials.c_str(), 0600), 0);
    absl::StatusOr<std::unique_ptr<Subprocess>> worker = Subprocess::Start(
        {"/bin/sh", "-c",
         absl::StrCat("exec ", BinDir(), "/fanfare-worker --log-format=json --coordinator=",
                      address, " --networks=x --credentials=", credentials,
                      " --api-base=x=", sandbox_.NetworkBase("x"), " 2> ",
                      dir_.Join("worker.log"))});
    ASSERT_TRUE(worker.ok()) << worker.status();
    worker_ = *std::move(worker);
    ASSERT_TRUE(worker_->WaitForLine("serving", absl::Seconds(30)).ok());

    ClientOptions options;
    options.address = address;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
    definition::LoadResult loaded =
        definition::ParseCampaign(kCampaign, definition::SourceFormat::kYaml, "logged.yaml");
    ASSERT_TRUE(loaded.status.ok()) << loaded.status;
    ASSERT_TRUE(client_->ApplyCampaign(loaded.spec, "logged.yaml").ok());
  }

  // Runs the campaign as `run_id` to its end.
  void Run(const std::string& run_id) {
    v1::StartRunRequest request = StartRunRequest("logged");
    request.set_run_id(run_id);
    (*request.mutable_params()->mutable_fields())["day"].set_string_value(run_id);
    ASSERT_TRUE(client_->StartRun(request).ok());
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    absl::StatusOr<v1::Run> run;
    do {
      absl::SleepFor(absl::Milliseconds(50));
      run = client_->GetRun(run_id);
      ASSERT_TRUE(run.ok()) << run.status();
    } while (run->status() != v1::RUN_STATUS_SUCCEEDED && absl::Now() < deadline);
    ASSERT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
  }

  // Stops both processes (so that their logs are complete) and returns each one's lines,
  // parsed; a line that is not a JSON object fails the test.
  std::vector<Json> StopAndReadLogs() {
    worker_->Signal(SIGTERM);
    EXPECT_EQ(worker_->Wait(absl::Seconds(30)).value_or(-1), 0);
    fanfared_->Signal(SIGTERM);
    EXPECT_EQ(fanfared_->Wait(absl::Seconds(30)).value_or(-1), 0);
    std::vector<Json> lines;
    for (const char* log : {"fanfared.log", "worker.log"}) {
      raw_ += ReadFile(dir_.Join(log));
      for (absl::string_view text : absl::StrSplit(ReadFile(dir_.Join(log)), '\n',
                                                   absl::SkipEmpty())) {
        Json line = Json::parse(text, nullptr, false);
        EXPECT_TRUE(line.is_object()) << log << ": " << text;
        if (!line.is_object()) continue;
        for (const char* field : {"ts", "level", "component", "msg"}) {
          EXPECT_TRUE(line.contains(field)) << log << ": " << text;
        }
        lines.push_back(std::move(line));
      }
    }
    return lines;
  }

  fanfare::testing::TempDir dir_;
  sandbox::Sandbox sandbox_;
  std::unique_ptr<Subprocess> fanfared_;
  std::unique_ptr<Subprocess> worker_;
  std::unique_ptr<Client> client_;
  std::string raw_;
};

TEST_F(LogsTest, QuietWhileAllGoesWell) {
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(Run(absl::StrCat("calm-", i)));
  const std::vector<Json> lines = StopAndReadLogs();
  // The worker's session coming, draining (if fanfared hears of it before the stream ends)
  // and going; nothing per run or step.
  ASSERT_GE(lines.size(), 2u) << raw_;
  EXPECT_LE(lines.size(), 3u) << raw_;
  EXPECT_EQ(lines.front()["msg"], "worker connected");
  EXPECT_EQ(lines.front()["namespace"], "default");
  EXPECT_EQ(lines.front()["queues"], "x");
  EXPECT_EQ(lines.back()["msg"], "worker disconnected");
  for (const Json& line : lines) {
    EXPECT_EQ(line["component"], "workers") << line;
    EXPECT_EQ(line["level"], "info") << line;
  }
}

TEST_F(LogsTest, ErrorsAndRetriesAreToldWithTheirContext) {
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    sandbox_.state().faults["*"].error_rate = 0.5;
  }
  for (int i = 0; i < 4; ++i) ASSERT_NO_FATAL_FAILURE(Run(absl::StrCat("stormy-", i)));
  const std::vector<Json> lines = StopAndReadLogs();
  int engine_retries = 0;
  int worker_failures = 0;
  for (const Json& line : lines) {
    if (line["component"] == "engine" && line["msg"] == "step_attempt_failed") {
      ++engine_retries;
      EXPECT_EQ(line["level"], "info");
      EXPECT_EQ(line["namespace"], "default");
      EXPECT_TRUE(absl::StartsWith(line["run"].get<std::string>(), "stormy-")) << line;
      EXPECT_EQ(line["step"], "post");
      EXPECT_GE(line["attempt"].get<int>(), 1);
      EXPECT_EQ(line["will_retry"], true);
      EXPECT_FALSE(line["error"].get<std::string>().empty());
    }
    if (line["component"] == "worker" && line["msg"] == "task failed") {
      ++worker_failures;
      EXPECT_EQ(line["action"], "x.publish");
      EXPECT_TRUE(line.contains("error_type")) << line;
    }
  }
  // With one request in two failing, four publishes surely met some failures; each one the
  // worker reported is one the coordinator recorded.
  EXPECT_GT(worker_failures, 0) << raw_;
  EXPECT_EQ(engine_retries, worker_failures) << raw_;
}

TEST_F(LogsTest, NoTokenInAnyLog) {
  {
    absl::MutexLock lock(&sandbox_.state().mu);
    sandbox_.state().faults["*"].error_rate = 0.5;
  }
  ASSERT_NO_FATAL_FAILURE(Run("secret-0"));
  StopAndReadLogs();
  const Json credentials =
      Json::parse(ReadFile(SourceTree() + "/examples/sandbox-credentials.json"));
  for (const auto& [alias, account] : credentials["accounts"].items()) {
    for (const char* secret : {"access_token", "refresh_token", "client_secret"}) {
      if (!account.contains(secret)) continue;
      EXPECT_FALSE(absl::StrContains(raw_, account[secret].get<std::string>()))
          << alias << "'s " << secret << " is in a log";
    }
  }
}

}  // namespace
}  // namespace fanfare
