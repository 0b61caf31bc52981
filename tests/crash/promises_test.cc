// Issue 12's three promises under crashes, faults and concurrency — never post twice, never
// create a second ad, never overspend — proved from what the network (the sandbox) holds.
//
// Real processes on 127.0.0.1: one fanfare-sandbox that answers 10% of requests with the
// network's transient error and drops the response of 10% of the writes it commits; one
// fanfared (short leases, see kCoordinatorFlags) SIGKILLed again and again and restarted on
// the same data and port; two or more fanfare-worker processes serving facebook, instagram
// and x through the sandbox, SIGKILLed and restarted now and then. Runs are started all
// along. Each campaign has its own accounts (Facebook and Instagram on one Meta ad account)
// and a daily_max of 60 USD per run it holds; each run publishes on facebook, instagram and
// x, replies once under its own X post (a reply takes no idempotency key), boosts on facebook
// and instagram at 20 USD a day each, then raises both ad sets to 35 in
// two parallel steps: 70 a day if both went through unclipped, past the cap of 60.
//
// Checked from the sandbox's own records (GET /_sandbox/posts, /_sandbox/ads,
// /_sandbox/budgets), once nothing talks to the sandbox any more:
//   - exactly one post per (run, network), the one the run reports, and none for a publish
//     that did not succeed (promise_checks.h);
//   - exactly one reply per run under its X post, the one the run reports, and none for a
//     reply step that did not succeed (GET /_sandbox/comments);
//   - at most one ad campaign, ad set and ad per boost step instance (client reference),
//     exactly one campaign when the boost succeeded;
//   - no Meta ad account's committed daily budget ever above its campaign's daily_max, at any
//     instant (the sandbox recounts it at every change), and at the end the same figure as
//     the coordinator's ledger;
//   - every run whose StartRun was acknowledged finished: SUCCEEDED, or FAILED because a step
//     used up its attempts on the injected transient errors.
//
// Variants (the variables are read when the test starts):
//   bounded, in ctest and ./dev test: 20 runs, 10 coordinator kills (every second one down
//     for 2.5 s, longer than a lease), 3 worker kills, 2 workers; 35–60 s on 2 cores.
//       cd build && ctest -R crash_promises_test --output-on-failure
//   FANFARE_CRASH_LONG=1: 100 runs (50 campaigns of 2), 120 coordinator kills (one in three
//     down for 2.5 s), 15 worker kills, 3 workers; about 5 minutes. Run the binary itself,
//     as ctest would stop it at its 300 s timeout:
//       FANFARE_CRASH_LONG=1 build/tests/crash/crash_promises_test      (from the repository)
//   FANFARE_CRASH_SEED=N     another chaos schedule and fault sampling (default 12).
//   FANFARE_CRASH_LOG_DIR=D  keep the processes' stderr logs in D (default: a temp dir that
//     is removed).
//
// Before the failures, one line ("promises suite (…): …") sums up the kills, the faults and
// what the sandbox holds, to be quoted.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "engine/definition/loader.h"
#include "gtest/gtest.h"
#include "sdk/client/client.h"
#include "tests/crash/processes.h"
#include "tests/crash/promise_checks.h"
#include "tests/support/temp_dir.h"

namespace fanfare::crash {
namespace {

// fanfared's flags, in one place: short leases and fences, so that lost attempts settle in
// seconds.
const std::vector<std::string> kCoordinatorFlags = {"--lease_ttl=2s", "--fence_margin=1s"};

constexpr double kErrorRate = 0.1;  // of all requests: the network's transient error
constexpr double kDropRate = 0.1;   // of committed writes: the response is lost
constexpr int kMaxAttempts = 20;    // per step; backoff 100 ms doubling to 1 s
constexpr int kBoostMicros = 20'000'000;
constexpr int kRaiseMicros = 35'000'000;
constexpr int64_t kCapMicrosPerRun = 60'000'000;

struct Scale {
  const char* name;
  int campaigns;
  int runs_per_campaign;
  int coordinator_kills;
  int worker_kills;
  int workers;
  absl::Duration gap_min;           // between two kills, drawn evenly from [gap_min, gap_max]
  absl::Duration gap_max;
  absl::Duration down_max;          // a killed coordinator stays down up to this…
  int long_down_every;              // …except every n-th kill (0: never), down long_down
  absl::Duration long_down;
  absl::Duration finish_within;     // once every run is started, for every run to end
  uint64_t seed;
};

uint64_t SeedFromEnv() {
  const char* seed = std::getenv("FANFARE_CRASH_SEED");
  return seed != nullptr ? std::strtoull(seed, nullptr, 10) : 12;
}

Scale ScaleFromEnv() {
  const char* long_variant = std::getenv("FANFARE_CRASH_LONG");
  if (long_variant != nullptr && std::string(long_variant) == "1") {
    return {.name = "long", .campaigns = 50, .runs_per_campaign = 2, .coordinator_kills = 120,
            .worker_kills = 15, .workers = 3, .gap_min = absl::Milliseconds(400),
            .gap_max = absl::Milliseconds(1200), .down_max = absl::Milliseconds(500),
            .long_down_every = 3, .long_down = absl::Milliseconds(2500),
            .finish_within = absl::Seconds(180), .seed = SeedFromEnv()};
  }
  return {.name = "bounded", .campaigns = 20, .runs_per_campaign = 1, .coordinator_kills = 10,
          .worker_kills = 3, .workers = 2, .gap_min = absl::Milliseconds(600),
          .gap_max = absl::Milliseconds(1400), .down_max = absl::Milliseconds(500),
          .long_down_every = 2, .long_down = absl::Milliseconds(2500),
          .finish_within = absl::Seconds(60), .seed = SeedFromEnv()};
}

std::string CampaignName(int k) { return absl::StrFormat("promise-%02d", k); }
std::string Alias(int k, const char* network) { return absl::StrFormat("p%02d_%s", k, network); }
std::string MetaAdAccount(int k) { return absl::StrFormat("70%03d", k); }

// Run i of the suite: campaigns take turns, so that neighbours in time are strangers.
std::string RunId(const Scale& scale, int i, int* campaign) {
  *campaign = i % scale.campaigns;
  return absl::StrCat(CampaignName(*campaign), "-r", i / scale.campaigns);
}

std::string CampaignYaml(int k, const Scale& scale) {
  return absl::StrCat("name: ", CampaignName(k), "\naccounts: {facebook: ", Alias(k, "fb"),
                      ", instagram: ", Alias(k, "ig"), ", x: ", Alias(k, "x"), "}\n",
                      "budget: {currency: USD, daily_max: ",
                      kCapMicrosPerRun * scale.runs_per_campaign / 1'000'000, "}\n",
                      absl::StrFormat(R"yaml(steps:
  - id: publish
    for_each: [facebook, instagram, x]
    action: "{{ item }}.publish"
    with:
      text: "Promise suite run {{ run.id }} on {{ item }}"
      media: [{url: "https://cdn.acme.example/promise.jpg", type: image}]
    retry: &retry {max_attempts: %d, initial_backoff: 100ms, max_backoff: 1s}
  - id: reply
    needs: [publish]
    action: x.moderate
    with:
      comment_id: "{{ steps.publish.outputs['x'].post_id }}"
      action: reply
      text: "More about it below, run {{ run.id }} "
    retry: *retry
  - id: boost
    needs: [publish]
    for_each: [facebook, instagram]
    action: "{{ item }}.boost"
    with: {post_id: "{{ steps.publish.outputs[item].post_id }}", daily_budget: %d, currency: USD}
    retry: *retry
  - id: raise_facebook
    needs: [boost]
    action: facebook.set_budget
    with: {ad_set_id: "{{ steps.boost.outputs['facebook'].ad_set_id }}", daily_budget: %d, currency: USD}
    retry: *retry
  - id: raise_instagram
    needs: [boost]
    action: instagram.set_budget
    with: {ad_set_id: "{{ steps.boost.outputs['instagram'].ad_set_id }}", daily_budget: %d, currency: USD}
    retry: *retry
)yaml",
                                      kMaxAttempts, kBoostMicros / 1'000'000,
                                      kRaiseMicros / 1'000'000, kRaiseMicros / 1'000'000));
}

// Sandbox credentials for every campaign's three accounts; Facebook and Instagram share the
// campaign's Meta ad account.
Json Credentials(const Scale& scale) {
  Json accounts = Json::object();
  for (int k = 0; k < scale.campaigns; ++k) {
    accounts[Alias(k, "fb")] = {{"network", "facebook"},
                                {"access_token", "sbx_facebook_" + Alias(k, "fb")},
                                {"page_id", absl::StrCat(2000 + k)},
                                {"ad_account_id", MetaAdAccount(k)}};
    accounts[Alias(k, "ig")] = {{"network", "instagram"},
                                {"access_token", "sbx_instagram_" + Alias(k, "ig")},
                                {"ig_user_id", absl::StrCat(17841400000000000 + k)},
                                {"ad_account_id", MetaAdAccount(k)}};
    accounts[Alias(k, "x")] = {{"network", "x"},
                               {"access_token", "sbx_x_" + Alias(k, "x")},
                               {"refresh_token", "sbxr_x_" + Alias(k, "x")},
                               {"client_id", "sandbox-client"},
                               {"client_secret", "sandbox-secret"}};
  }
  return {{"accounts", accounts}};
}

bool Terminal(const v1::Run& run) {
  return run.status() == v1::RUN_STATUS_SUCCEEDED || run.status() == v1::RUN_STATUS_FAILED ||
         run.status() == v1::RUN_STATUS_CANCELED;
}

ClientOptions Patient(const std::string& address) {
  ClientOptions options;
  options.address = address;
  options.timeout = absl::Seconds(3);
  options.max_retries = 3;
  options.initial_backoff = absl::Milliseconds(50);
  options.max_backoff = absl::Milliseconds(400);
  return options;
}

// What the runs' histories say the kills and faults did to them.
struct Disturbances {
  int unknown = 0;       // lost non-idempotent attempts (publish, boost): STEP_UNKNOWN
  int timed_out = 0;     // lost idempotent attempts (set_budget): failed with TIMEOUT
  int failed = 0;        // attempts that failed otherwise (mostly injected errors)
  int guardrails = 0;    // budget guardrails that clipped or refused a change
};

Disturbances ReadHistories(Client& client, const std::vector<RunReport>& runs) {
  Disturbances d;
  for (const RunReport& report : runs) {
    if (!report.run.has_value()) continue;
    v1::GetHistoryRequest request;
    request.set_run_id(report.run_id);
    request.set_page_size(1000);
    absl::StatusOr<v1::GetHistoryResponse> history = client.GetHistory(request);
    if (!history.ok()) continue;
    for (const v1::HistoryEvent& event : history->events()) {
      if (event.type() == v1::EVENT_TYPE_STEP_UNKNOWN) d.unknown++;
      if (event.type() == v1::EVENT_TYPE_BUDGET_GUARDRAIL) d.guardrails++;
      if (event.type() == v1::EVENT_TYPE_STEP_ATTEMPT_FAILED) {
        (event.error().type() == v1::ERROR_TYPE_TIMEOUT ? d.timed_out : d.failed)++;
      }
    }
  }
  return d;
}

// Starts runs on its own thread, in the order asked. Each is retried with its run id
// (StartRun is idempotent per run id) until the coordinator acknowledges it, it is refused
// for good, or kStartDeadline passes.
class RunStarter {
 public:
  static constexpr absl::Duration kStartDeadline = absl::Seconds(60);

  explicit RunStarter(const std::string& address)
      : client_(*Client::Create(Patient(address))), thread_([this] { Loop(); }) {}
  ~RunStarter() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    thread_.join();
  }

  void Request(const std::string& campaign, const std::string& run_id) {
    absl::MutexLock lock(&mu_);
    queue_.emplace_back(campaign, run_id);
  }
  // True once every run asked for was acknowledged or given up; false after `timeout`.
  bool WaitIdle(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return queue_.empty() && !busy_; };
    return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
  }
  std::set<std::string> acknowledged() {
    absl::MutexLock lock(&mu_);
    return acknowledged_;
  }

 private:
  void Loop() {
    while (true) {
      std::pair<std::string, std::string> next;
      {
        absl::MutexLock lock(&mu_);
        auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_ || !queue_.empty(); };
        mu_.Await(absl::Condition(&ready));
        if (stop_) return;
        next = queue_.front();
        queue_.pop_front();
        busy_ = true;
      }
      const bool acknowledged = Start(next.first, next.second);
      absl::MutexLock lock(&mu_);
      if (acknowledged) acknowledged_.insert(next.second);
      busy_ = false;
    }
  }

  bool Start(const std::string& campaign, const std::string& run_id) {
    const absl::Time deadline = absl::Now() + kStartDeadline;
    while (absl::Now() < deadline) {
      {
        absl::MutexLock lock(&mu_);
        if (stop_) return false;
      }
      v1::StartRunRequest request = StartRunRequest(campaign);
      request.set_run_id(run_id);
      absl::StatusOr<v1::StartRunResponse> started = client_->StartRun(request);
      if (started.ok()) return true;
      const absl::StatusCode code = started.status().code();
      if (code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kNotFound ||
          code == absl::StatusCode::kAlreadyExists) {
        std::fprintf(stderr, "StartRun %s refused: %s\n", run_id.c_str(),
                     std::string(started.status().message()).c_str());
        return false;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  absl::Mutex mu_;
  std::deque<std::pair<std::string, std::string>> queue_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> acknowledged_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::unique_ptr<Client> client_;
  std::thread thread_;  // last: starts once the rest is built
};

// The processes, the campaigns and the chaos; the checks are in promise_checks.h.
class PromisesSuite {
 public:
  explicit PromisesSuite(Scale scale)
      : scale_(scale),
        random_(scale.seed),
        log_dir_(LogDir()),
        coordinator_(dir_.Join("data"), log_dir_ + "/fanfared.log", CoordinatorFlags()) {}

  // Sandbox with faults on, coordinator, workers, campaigns.
  void SetUp();
  // Starts every run while the coordinator and the workers are killed per the scale.
  void StartRunsUnderChaos(RunStarter& starter);
  // Waits for every run to end (or the deadline), then for the sandbox to fall quiet;
  // returns what the coordinator says of each run.
  std::vector<RunReport> Finish(const std::set<std::string>& acknowledged);
  Findings Check(const std::vector<RunReport>& runs);
  void PrintSummary(const std::vector<RunReport>& runs, const Findings& findings,
                    absl::Duration took);

  Client& client() { return *client_; }
  const std::string& address() const { return address_; }

 private:
  std::string LogDir() const;
  std::vector<std::string> CoordinatorFlags();
  std::vector<std::string> WorkerArgv(int i, const std::string& credentials) const;
  void KillCoordinator();
  void KillWorker();
  absl::Duration Uniform(absl::Duration low, absl::Duration high);
  int64_t SandboxRequests();

  Scale scale_;
  std::mt19937_64 random_;
  testing::TempDir dir_;
  std::string log_dir_;
  SandboxProcess sandbox_;
  CoordinatorProcess coordinator_;
  std::vector<std::unique_ptr<WorkerProcess>> workers_;
  std::unique_ptr<Client> client_;
  std::string address_;
  std::vector<std::string> run_order_;  // run i → "campaign run_id"
  int coordinator_kills_ = 0;
  int worker_kills_ = 0;
};

std::string PromisesSuite::LogDir() const {
  const char* dir = std::getenv("FANFARE_CRASH_LOG_DIR");
  if (dir == nullptr) return dir_.path();
  std::filesystem::create_directories(dir);
  return dir;
}

std::vector<std::string> PromisesSuite::CoordinatorFlags() { return kCoordinatorFlags; }

std::vector<std::string> PromisesSuite::WorkerArgv(int i, const std::string& credentials) const {
  std::vector<std::string> argv = {BinDir() + "/fanfare-worker",
                                   "--coordinator=" + coordinator_.address(),
                                   "--networks=facebook,instagram,x",
                                   "--credentials=" + credentials, "--concurrency=8",
                                   absl::StrCat("--worker_id=promise-worker-", i)};
  for (const char* network : {"facebook", "instagram", "x"}) {
    argv.push_back(absl::StrCat("--api_base=", network, "=", sandbox_.NetworkBase(network)));
  }
  return argv;
}

void PromisesSuite::SetUp() {
  absl::Status sandbox = sandbox_.Start(log_dir_ + "/sandbox.log", scale_.seed);
  ASSERT_TRUE(sandbox.ok()) << sandbox;
  absl::StatusOr<Json> faults = sandbox_.Post(
      "/_sandbox/faults", {{"network", "*"}, {"error_rate", kErrorRate}, {"drop_rate", kDropRate}});
  ASSERT_TRUE(faults.ok()) << faults.status();
  absl::Status started = coordinator_.Start();
  ASSERT_TRUE(started.ok()) << started;
  address_ = coordinator_.address();
  client_ = *Client::Create(Patient(address_));

  const std::string credentials = dir_.Join("credentials.json");
  std::ofstream(credentials) << Credentials(scale_).dump(2);
  ASSERT_EQ(chmod(credentials.c_str(), 0600), 0);
  for (int i = 0; i < scale_.workers; ++i) {
    workers_.push_back(std::make_unique<WorkerProcess>(
        WorkerArgv(i, credentials), absl::StrCat(log_dir_, "/worker-", i, ".log")));
    absl::Status worker = workers_.back()->Start();
    ASSERT_TRUE(worker.ok()) << worker;
  }
  for (int k = 0; k < scale_.campaigns; ++k) {
    definition::LoadResult spec = definition::ParseCampaign(
        CampaignYaml(k, scale_), definition::SourceFormat::kYaml, CampaignName(k) + ".yaml");
    ASSERT_TRUE(spec.status.ok()) << spec.status;
    absl::StatusOr<v1::ApplyCampaignResponse> applied = client_->ApplyCampaign(spec.spec);
    ASSERT_TRUE(applied.ok()) << applied.status();
  }
}

absl::Duration PromisesSuite::Uniform(absl::Duration low, absl::Duration high) {
  std::uniform_int_distribution<int64_t> ms(absl::ToInt64Milliseconds(low),
                                            absl::ToInt64Milliseconds(high));
  return absl::Milliseconds(ms(random_));
}

void PromisesSuite::KillCoordinator() {
  absl::Status killed = coordinator_.Kill();
  ASSERT_TRUE(killed.ok()) << killed;
  ++coordinator_kills_;
  const bool long_down =
      scale_.long_down_every > 0 && coordinator_kills_ % scale_.long_down_every == 0;
  absl::SleepFor(long_down ? scale_.long_down : Uniform(absl::ZeroDuration(), scale_.down_max));
  absl::Status started = coordinator_.Start();
  ASSERT_TRUE(started.ok()) << started;
}

void PromisesSuite::KillWorker() {
  WorkerProcess& worker = *workers_[random_() % workers_.size()];
  absl::Status killed = worker.Kill();
  ASSERT_TRUE(killed.ok()) << killed;
  ++worker_kills_;
  absl::SleepFor(Uniform(absl::ZeroDuration(), absl::Milliseconds(800)));
  absl::Status started = worker.Start();
  ASSERT_TRUE(started.ok()) << started;
}

void PromisesSuite::StartRunsUnderChaos(RunStarter& starter) {
  // The kills in a shuffled order, a coordinator kill first.
  std::vector<bool> kill_coordinator(scale_.coordinator_kills - 1, true);
  kill_coordinator.insert(kill_coordinator.end(), scale_.worker_kills, false);
  std::shuffle(kill_coordinator.begin(), kill_coordinator.end(), random_);
  kill_coordinator.insert(kill_coordinator.begin(), true);
  const int runs = scale_.campaigns * scale_.runs_per_campaign;
  const int events = static_cast<int>(kill_coordinator.size());
  int requested = 0;
  auto request_until = [&](int count) {
    for (; requested < std::min(count, runs); ++requested) {
      int campaign = 0;
      const std::string run_id = RunId(scale_, requested, &campaign);
      starter.Request(CampaignName(campaign), run_id);
      run_order_.push_back(run_id);
    }
  };
  // Every run is asked for by three quarters of the way, so that all meet some kills.
  for (int e = 0; e < events; ++e) {
    request_until((4 * (e + 1) * runs + 3 * events - 1) / (3 * events));
    absl::SleepFor(Uniform(scale_.gap_min, scale_.gap_max));
    if (kill_coordinator[e]) {
      ASSERT_NO_FATAL_FAILURE(KillCoordinator());
    } else {
      ASSERT_NO_FATAL_FAILURE(KillWorker());
    }
  }
  request_until(runs);
}

int64_t PromisesSuite::SandboxRequests() {
  absl::StatusOr<Json> stats = sandbox_.Get("/_sandbox/stats");
  if (!stats.ok()) return -1;
  const Json totals = stats->value("totals", Json::object());
  return totals.value("requests", int64_t{0}) + totals.value("errors_injected", int64_t{0});
}

std::vector<RunReport> PromisesSuite::Finish(const std::set<std::string>& acknowledged) {
  std::map<std::string, RunReport> reports;
  for (const std::string& run_id : run_order_) {
    RunReport& report = reports[run_id];
    report.run_id = run_id;
    report.campaign = run_id.substr(0, run_id.rfind("-r"));
    report.acknowledged = acknowledged.count(run_id) > 0;
  }
  std::set<std::string> open(run_order_.begin(), run_order_.end());
  const absl::Time deadline = absl::Now() + scale_.finish_within;
  while (!open.empty()) {
    for (auto it = open.begin(); it != open.end();) {
      absl::StatusOr<v1::Run> run = client_->GetRun(*it);
      RunReport& report = reports[*it];
      if (run.ok()) report.run = *run;
      const bool never_started = !report.acknowledged && !run.ok() &&
                                 run.status().code() == absl::StatusCode::kNotFound;
      it = (run.ok() && Terminal(*run)) || never_started ? open.erase(it) : std::next(it);
    }
    if (open.empty() || absl::Now() > deadline) break;
    absl::SleepFor(absl::Milliseconds(250));
  }
  // Let any attempt still running (a lost one included) reach the network before counting:
  // quiet means no request for two seconds; at most twenty seconds.
  const absl::Time quiet_deadline = absl::Now() + absl::Seconds(20);
  for (int64_t last = -2, now = SandboxRequests(); now != last && absl::Now() < quiet_deadline;
       now = SandboxRequests()) {
    last = now;
    absl::SleepFor(absl::Seconds(2));
  }
  std::vector<RunReport> out;
  for (const std::string& run_id : run_order_) out.push_back(reports[run_id]);
  return out;
}

Findings PromisesSuite::Check(const std::vector<RunReport>& runs) {
  Findings findings;
  absl::StatusOr<Json> posts = sandbox_.Get("/_sandbox/posts");
  absl::StatusOr<Json> ads = sandbox_.Get("/_sandbox/ads");
  absl::StatusOr<Json> budgets = sandbox_.Get("/_sandbox/budgets");
  absl::StatusOr<Json> comments = sandbox_.Get("/_sandbox/comments?network=x");
  EXPECT_TRUE(posts.ok() && ads.ok() && budgets.ok() && comments.ok())
      << "the sandbox's records are unreadable";
  if (!posts.ok() || !ads.ok() || !budgets.ok() || !comments.ok()) return findings;
  std::vector<CampaignCap> caps;
  for (int k = 0; k < scale_.campaigns; ++k) {
    absl::StatusOr<v1::Campaign> campaign = client_->GetCampaign(CampaignName(k));
    EXPECT_TRUE(campaign.ok()) << CampaignName(k) << ": " << campaign.status();
    caps.push_back({.campaign = CampaignName(k),
                    .ad_account = "meta/act_" + MetaAdAccount(k),
                    .daily_max_micros = kCapMicrosPerRun * scale_.runs_per_campaign,
                    .ledger_committed_micros =
                        campaign.ok() ? campaign->spend().committed_daily_micros() : -1});
  }
  CheckPosts(*posts, runs, findings);
  CheckReplies(*comments, runs, findings);
  CheckAds(*ads, runs, findings);
  CheckBudgets(*budgets, caps, findings);
  CheckRunsFinished(runs, kMaxAttempts, findings);
  return findings;
}

void PromisesSuite::PrintSummary(const std::vector<RunReport>& runs, const Findings& f,
                                 absl::Duration took) {
  int acknowledged = 0;
  for (const RunReport& report : runs) acknowledged += report.acknowledged ? 1 : 0;
  absl::StatusOr<Json> stats = sandbox_.Get("/_sandbox/stats");
  const Json totals = stats.ok() ? stats->value("totals", Json::object()) : Json::object();
  const Disturbances d = ReadHistories(*client_, runs);
  std::printf(
      "promises suite (%s, seed %llu): %zu runs, %d acknowledged: %d succeeded, %d failed on "
      "used-up retries, %d failed otherwise, %d unfinished | %d coordinator kills, %d worker "
      "kills: %d publish/reply/boost attempts lost (UNKNOWN), %d set_budget attempts lost | sandbox: "
      "%lld requests, %lld errors injected, %lld responses dropped, %d failed attempts | "
      "posts: %d for %d successful publishes, %d extra | replies: %d for %d successful "
      "replies, %d extra | ad campaigns: %d for %d successful "
      "boosts, %d extra (and %d extra ads) | max committed %.2f USD a day vs cap %.2f (%d of %d accounts over; "
      "%d guardrail events) | %.0f s\n",
      scale_.name, static_cast<unsigned long long>(scale_.seed), runs.size(), acknowledged,
      f.succeeded, f.failed_justified, f.failed_other, f.unfinished, coordinator_kills_,
      worker_kills_, d.unknown, d.timed_out,
      static_cast<long long>(totals.value("requests", int64_t{0})),
      static_cast<long long>(totals.value("errors_injected", int64_t{0})),
      static_cast<long long>(totals.value("responses_dropped", int64_t{0})), d.failed, f.posts,
      f.expected_posts, f.extra_posts, f.replies, f.expected_replies, f.extra_replies,
      f.ad_campaigns, f.boosts, f.extra_campaigns, f.extra_ads,
      f.max_committed_micros / 1e6, f.cap_micros / 1e6, f.accounts_over_cap, scale_.campaigns,
      d.guardrails, absl::ToDoubleSeconds(took));
  std::fflush(stdout);
}

// One failure per promise broken, listing (up to a point) every breach.
void Report(const std::string& promise, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  constexpr size_t kShown = 40;
  std::vector<std::string> shown(problems.begin(),
                                 problems.begin() + std::min(problems.size(), kShown));
  ADD_FAILURE() << promise << ": " << problems.size() << " breaches\n  "
                << absl::StrJoin(shown, "\n  ")
                << (problems.size() > kShown
                        ? absl::StrCat("\n  … and ", problems.size() - kShown, " more")
                        : "");
}

TEST(PromisesCrashTest, NoSecondPostNoSecondAdNoOverspendUnderKillsAndFaults) {
  const absl::Time began = absl::Now();
  PromisesSuite suite(ScaleFromEnv());
  ASSERT_NO_FATAL_FAILURE(suite.SetUp());
  std::set<std::string> acknowledged;
  {
    RunStarter starter(suite.address());
    ASSERT_NO_FATAL_FAILURE(suite.StartRunsUnderChaos(starter));
    EXPECT_TRUE(starter.WaitIdle(RunStarter::kStartDeadline + absl::Seconds(5)))
        << "runs were still being started";
    acknowledged = starter.acknowledged();
  }
  const std::vector<RunReport> runs = suite.Finish(acknowledged);
  const Findings findings = suite.Check(runs);
  suite.PrintSummary(runs, findings, absl::Now() - began);
  Report("never post twice (one post per run and network, from the sandbox's posts)",
         findings.post_problems);
  Report("never reply twice (one reply per run under its X post, from the sandbox's comments)",
         findings.reply_problems);
  Report("never a second ad (one ad campaign, ad set and ad per boost, by client reference)",
         findings.ad_problems);
  Report("never overspend (each Meta ad account's committed daily budget, at every change)",
         findings.budget_problems);
  Report("every acknowledged run finishes", findings.run_problems);
}

}  // namespace
}  // namespace fanfare::crash
