// Fanfare's metrics as an operator sees them: a real Prometheus (Debian's) scrapes a running
// fanfared and a fanfare-worker on loopback, and PromQL over its HTTP API returns the run and
// step counts this test caused. promtool lints both live pages, and every series on them is
// described in docs/operations.md.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
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

constexpr int kRuns = 3;
constexpr int kPostsPerRun = 2;
constexpr char kCampaign[] = R"yaml(
name: metrics
accounts: {x: acme_x}
params:
  day: {type: string}
steps:
  - {id: teaser, action: x.publish, with: {text: "Something is coming on {{ params.day }}"}}
  - {id: launch, action: x.publish, needs: [teaser], with: {text: "It is {{ params.day }}"}}
)yaml";

// A port nothing listens on now (Prometheus takes no port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// Reads `process`'s stdout until a line contains `text`; returns what follows `after` in it.
std::string LineAfter(Subprocess& process, const std::string& text, const std::string& after) {
  absl::StatusOr<std::string> line = process.WaitForLine(text, absl::Seconds(30));
  EXPECT_TRUE(line.ok()) << line.status();
  if (!line.ok()) return "";
  const size_t at = line->find(after);
  return at == std::string::npos ? "" : line->substr(at + after.size());
}

// "127.0.0.1:1234/metrics" → "127.0.0.1:1234".
std::string HostPort(const std::string& url_rest) {
  return std::string(absl::StripSuffix(url_rest, "/metrics"));
}

std::string Scrape(const std::string& host_port) {
  const std::vector<std::string> parts = absl::StrSplit(host_port, ':');
  int port = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port)) return "";
  httplib::Client client(parts[0], port);
  httplib::Result page = client.Get("/metrics");
  return page && page->status == 200 ? page->body : "";
}

// promtool's remarks on `page` ("" when it has none), or why it could not run.
std::string Lint(const std::string& page, const std::string& path) {
  std::ofstream(path) << page;
  absl::StatusOr<std::unique_ptr<Subprocess>> promtool =
      Subprocess::Start({"/bin/sh", "-c", "promtool check metrics < " + path + " 2>&1"});
  if (!promtool.ok()) return promtool.status().ToString();
  std::string said;
  for (absl::StatusOr<std::string> line = (*promtool)->ReadLine(absl::Seconds(30)); line.ok();
       line = (*promtool)->ReadLine(absl::Seconds(30))) {
    said += *line + "\n";
  }
  absl::StatusOr<int> code = (*promtool)->Wait(absl::Seconds(30));
  if (!code.ok() || *code != 0) said += "promtool failed";
  return said;
}

// The names a page declares with `# TYPE`.
std::set<std::string> SeriesNames(const std::string& page) {
  std::set<std::string> names;
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (!absl::ConsumePrefix(&line, "# TYPE ")) continue;
    names.insert(std::string(line.substr(0, line.find(' '))));
  }
  return names;
}

class MetricsScrapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sandbox_.Start().ok());
    absl::StatusOr<std::unique_ptr<Subprocess>> fanfared = Subprocess::Start(
        {BinDir() + "/fanfared", "--auth=off", "--data-dir=" + dir_.Join("data"),
         "--listen=127.0.0.1:0", "--metrics-listen=127.0.0.1:0"});
    ASSERT_TRUE(fanfared.ok()) << fanfared.status();
    fanfared_ = *std::move(fanfared);
    coordinator_metrics_ = HostPort(LineAfter(*fanfared_, "metrics on", "http://"));
    absl::StatusOr<std::string> listening =
        fanfared_->WaitForLine("listening on", absl::Seconds(30));
    ASSERT_TRUE(listening.ok()) << listening.status();
    address_ = testing::AddressFromListeningLine(*listening);

    const std::string credentials = dir_.Join("credentials.json");
    std::filesystem::copy_file(SourceTree() + "/examples/sandbox-credentials.json", credentials);
    ASSERT_EQ(chmod(credentials.c_str(), 0600), 0);
    absl::StatusOr<std::unique_ptr<Subprocess>> worker = Subprocess::Start(
        {BinDir() + "/fanfare-worker", "--coordinator=" + address_, "--networks=x",
         "--credentials=" + credentials, "--api-base=x=" + sandbox_.NetworkBase("x"),
         "--metrics-listen=127.0.0.1:0"});
    ASSERT_TRUE(worker.ok()) << worker.status();
    worker_ = *std::move(worker);
    worker_metrics_ = HostPort(LineAfter(*worker_, "metrics on", "http://"));
    ASSERT_TRUE(worker_->WaitForLine("serving", absl::Seconds(30)).ok());

    ClientOptions options;
    options.address = address_;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }

  void TearDown() override {
    if (prometheus_ != nullptr) prometheus_->Signal(SIGTERM);
    if (worker_ != nullptr) worker_->Signal(SIGTERM);
    if (fanfared_ != nullptr) fanfared_->Signal(SIGTERM);
    for (Subprocess* process : {prometheus_.get(), worker_.get(), fanfared_.get()}) {
      if (process == nullptr) continue;
      EXPECT_EQ(process->Wait(absl::Seconds(30)).value_or(-1), 0);
    }
  }

  // Runs the campaign kRuns times, each to its end.
  void RunCampaigns() {
    definition::LoadResult loaded =
        definition::ParseCampaign(kCampaign, definition::SourceFormat::kYaml, "metrics.yaml");
    ASSERT_TRUE(loaded.status.ok()) << loaded.status;
    ASSERT_TRUE(client_->ApplyCampaign(loaded.spec, "metrics.yaml").ok());
    for (int i = 0; i < kRuns; ++i) {
      v1::StartRunRequest request = StartRunRequest("metrics");
      request.set_run_id(absl::StrCat("metrics-", i));
      // X refuses a post whose text it has seen: each run posts its own.
      (*request.mutable_params()->mutable_fields())["day"].set_string_value(
          absl::StrCat("day ", i));
      ASSERT_TRUE(client_->StartRun(request).ok());
    }
    for (int i = 0; i < kRuns; ++i) {
      const absl::Time deadline = absl::Now() + absl::Seconds(60);
      absl::StatusOr<v1::Run> run;
      do {
        absl::SleepFor(absl::Milliseconds(50));
        run = client_->GetRun(absl::StrCat("metrics-", i));
        ASSERT_TRUE(run.ok()) << run.status();
      } while (run->status() != v1::RUN_STATUS_SUCCEEDED && absl::Now() < deadline);
      ASSERT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
    }
  }

  // Debian's Prometheus, scraping both processes every second.
  void StartPrometheus() {
    prometheus_port_ = FreePort();
    ASSERT_GT(prometheus_port_, 0);
    const std::string config = dir_.Join("prometheus.yml");
    std::ofstream(config) << "global:\n  scrape_interval: 1s\nscrape_configs:\n"
                          << "  - job_name: fanfared\n    static_configs:\n      - targets: [\""
                          << coordinator_metrics_ << "\"]\n"
                          << "  - job_name: fanfare-worker\n    static_configs:\n"
                          << "      - targets: [\"" << worker_metrics_ << "\"]\n";
    absl::StatusOr<std::unique_ptr<Subprocess>> prometheus = Subprocess::Start(
        {"/bin/sh", "-c",
         absl::StrCat("exec prometheus --config.file=", config,
                      " --storage.tsdb.path=", dir_.Join("tsdb"),
                      " --web.listen-address=127.0.0.1:", prometheus_port_, " > ",
                      dir_.Join("prometheus.log"), " 2>&1")});
    ASSERT_TRUE(prometheus.ok()) << prometheus.status();
    prometheus_ = *std::move(prometheus);
  }

  // The value of the PromQL `query` now: one number, or NaN if it has no single answer.
  double Query(const std::string& query) {
    httplib::Client client("127.0.0.1", prometheus_port_);
    const httplib::Params params = {{"query", query}};
    httplib::Result answer = client.Get("/api/v1/query", params, httplib::Headers());
    if (!answer || answer->status != 200) return std::nan("");
    const Json body = Json::parse(answer->body, nullptr, false);
    if (body.is_discarded() || body["data"]["result"].size() != 1) return std::nan("");
    double value = std::nan("");
    absl::SimpleAtod(body["data"]["result"][0]["value"][1].get<std::string>(), &value);
    return value;
  }

  // Waits until `query` answers `expected` (or the deadline); returns the last answer.
  double QueryUntil(const std::string& query, double expected) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    double value = Query(query);
    while (value != expected && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(250));
      value = Query(query);
    }
    return value;
  }

  fanfare::testing::TempDir dir_;
  sandbox::Sandbox sandbox_;
  std::unique_ptr<Subprocess> fanfared_;
  std::unique_ptr<Subprocess> worker_;
  std::unique_ptr<Subprocess> prometheus_;
  std::string address_;
  std::string coordinator_metrics_;
  std::string worker_metrics_;
  int prometheus_port_ = 0;
  std::unique_ptr<Client> client_;
};

TEST_F(MetricsScrapeTest, PrometheusCountsWhatTheRunsDid) {
  ASSERT_NO_FATAL_FAILURE(RunCampaigns());
  ASSERT_NO_FATAL_FAILURE(StartPrometheus());
  constexpr double kPosts = kRuns * kPostsPerRun;
  EXPECT_EQ(QueryUntil("up{job=\"fanfared\"}", 1), 1);
  EXPECT_EQ(QueryUntil("up{job=\"fanfare-worker\"}", 1), 1);
  EXPECT_EQ(QueryUntil("sum(fanfare_runs_ended_total{status=\"succeeded\"})", kRuns), kRuns);
  EXPECT_EQ(QueryUntil("sum(fanfare_step_attempts_started_total{action=\"x.publish\"})", kPosts),
            kPosts);
  EXPECT_EQ(QueryUntil("sum(fanfare_step_attempts_ended_total{action=\"x.publish\","
                       "outcome=\"succeeded\"})",
                       kPosts),
            kPosts);
  EXPECT_EQ(QueryUntil("sum(fanfare_worker_tasks_total{action=\"x.publish\","
                       "outcome=\"succeeded\"})",
                       kPosts),
            kPosts);
  // Every publish is at least one call to X that X answered with a success.
  EXPECT_GE(QueryUntil("sum(fanfare_worker_network_requests_total{network=\"x\",code=~\"2..\"})",
                       kPosts),
            kPosts);
  // Nothing runs any more: the state series say so.
  EXPECT_EQ(QueryUntil("sum(fanfare_runs) or vector(0)", 0), 0);
  EXPECT_EQ(QueryUntil("fanfare_worker_sessions{queue=\"x\"}", 1), 1);
  EXPECT_GT(Query("fanfare_commit_sync_seconds_count"), 0);
}

TEST_F(MetricsScrapeTest, PagesPassPromtoolAndAreDocumented) {
  ASSERT_NO_FATAL_FAILURE(RunCampaigns());
  const std::string coordinator_page = Scrape(coordinator_metrics_);
  const std::string worker_page = Scrape(worker_metrics_);
  ASSERT_FALSE(coordinator_page.empty());
  ASSERT_FALSE(worker_page.empty());
  EXPECT_EQ(Lint(coordinator_page, dir_.Join("fanfared.txt")), "");
  EXPECT_EQ(Lint(worker_page, dir_.Join("worker.txt")), "");

  std::ifstream docs_file(SourceTree() + "/docs/operations.md");
  std::stringstream docs;
  docs << docs_file.rdbuf();
  for (const std::string& page : {coordinator_page, worker_page}) {
    for (const std::string& name : SeriesNames(page)) {
      EXPECT_TRUE(absl::StrContains(docs.str(), "`" + name + "`"))
          << name << " is not described in docs/operations.md";
    }
  }
}

TEST(MetricsExposureTest, BeyondLoopbackOnlyWhenAskedFor) {
  fanfare::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<Subprocess>> fanfared = Subprocess::Start(
      {"/bin/sh", "-c",
       absl::StrCat("exec ", BinDir(), "/fanfared --auth=off --data-dir=", dir.Join("data"),
                    " --listen=127.0.0.1:0 --metrics-listen=0.0.0.0:0 2>&1")});
  ASSERT_TRUE(fanfared.ok()) << fanfared.status();
  absl::StatusOr<std::string> said =
      (*fanfared)->WaitForLine("refusing to serve metrics", absl::Seconds(30));
  EXPECT_TRUE(said.ok()) << said.status();
  EXPECT_EQ((*fanfared)->Wait(absl::Seconds(30)).value_or(-1), 1);
}

}  // namespace
}  // namespace fanfare
