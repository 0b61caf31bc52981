// The remote verbs of `fanfare`, run in-process against a real coordinator and a real
// worker: what they print (golden files, with times and durations as placeholders), and the
// exit code and message of every kind of failure.
#include <fstream>
#include <thread>
#include <regex>
#include <sstream>

#include "fanfare/v1/worker.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "grpcpp/grpcpp.h"
#include "cli/command.h"
#include "sdk/worker/task_errors.h"
#include "tests/cli/golden.h"
#include "tests/support/coordinator_env.h"
#include "tests/support/temp_dir.h"

namespace fanfare::cli {
namespace {

using ::testing::AllOf;
using testing::CoordinatorEnv;
using testing::ExpectGolden;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TempDir;

constexpr char kDemo[] = R"yaml(name: cli-demo
description: Echo a greeting twice.
params:
  greeting: {type: string, default: hello}
  times: {type: int, default: 1}
steps:
  - id: first
    action: test.echo
    with: {text: "{{ params.greeting }}"}
  - id: second
    needs: [first]
    action: test.echo
    with: {text: "{{ steps.first.output.text }} again"}
)yaml";

constexpr char kFailing[] = R"yaml(name: cli-failing
steps:
  - id: boom
    action: test.fail
)yaml";

// Waits for a signal, then for an approval, echoes the first signal's payload, then waits
// for a last signal.
constexpr char kGated[] = R"yaml(name: cli-gated
steps:
  - id: go
    signal: go
  - id: review
    needs: [go]
    approval: {message: "Ship it?"}
  - id: ship
    needs: [review]
    action: test.echo
    with: {text: "{{ steps.go.output.note }}"}
  - id: done
    needs: [ship]
    signal: done
)yaml";

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Times, task ids and digests differ from run to run.
std::string Normalized(std::string text) {
  text = std::regex_replace(text, std::regex(R"("\d{4}-\d\d-\d\dT[0-9:.]+Z")"), "\"<time>\"");
  text = std::regex_replace(text, std::regex(R"(("?task_id"?): "\d+")"), "$1: \"<task>\"");
  text = std::regex_replace(text, std::regex(R"(("?digest"?): "?[0-9a-f]{64}"?)"), "$1: <digest>");
  return text;
}

// Whether `run` has a step instance `key` waiting; false while it has none yet.
bool IsWaiting(const v1::Run& run, const std::string& key) {
  for (const v1::StepInstance& step : run.steps()) {
    if (step.key() == key) return step.state() == v1::STEP_STATE_WAITING;
  }
  return false;
}

class RemoteCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = env_.NewWorker(4, "worker-1");
    worker_->Handle("test.echo", [](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
      google::protobuf::Value out;
      *out.mutable_struct_value() = ctx.input();
      return out;
    });
    worker_->Handle("test.fail", [](TaskContext&) -> absl::StatusOr<google::protobuf::Value> {
      return RejectedInput("the network refused the post", "368");
    });
    ASSERT_TRUE(worker_->Start().ok());
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = dir_.Join(name);
    std::ofstream(path) << content;
    return path;
  }

  // Runs `fanfare argv...` against the test coordinator (or `address`).
  CliResult Cli(std::vector<std::string> argv, const std::string& address = "",
                bool interactive = false) {
    argv.push_back("--address=" + (address.empty() ? env_.address() : address));
    return CliWithContext(argv, "", interactive);
  }

  CliResult CliWithContext(const std::vector<std::string>& argv,
                           const std::string& address_from_env, bool interactive = false) {
    std::ostringstream out;
    std::ostringstream err;
    CliContext context{out, err, interactive, address_from_env, "tester", true};
    CliResult result;
    result.code = RunCli(argv, context);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  // Runs cli-demo and cli-failing to their ends with fixed ids.
  void RunDemoAndFailing() {
    ASSERT_EQ(Cli({"run", WriteFile("demo.yaml", kDemo), "--id", "run-ok", "--param", "greeting=hi",
                   "--label", "team=growth", "--watch"})
                  .code,
              kExitOk);
    ASSERT_EQ(Cli({"run", WriteFile("failing.yaml", kFailing), "--id", "run-fail", "--watch"}).code,
              kExitFailed);
  }

  TempDir dir_;
  CoordinatorEnv env_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(RemoteCommandsTest, ApplyPrintsTheVersionAndWhetherItChanged) {
  const std::string path = WriteFile("demo.yaml", kDemo);
  CliResult first = Cli({"apply", path});
  EXPECT_EQ(first.code, kExitOk) << first.err;
  EXPECT_EQ(first.out, "campaign cli-demo: version 1 (changed)\n");
  EXPECT_EQ(Cli({"apply", path}).out, "campaign cli-demo: version 1 (unchanged)\n");
  WriteFile("demo.yaml", std::string(kDemo) + "    description: now different\n");
  EXPECT_EQ(Cli({"apply", path}).out, "campaign cli-demo: version 2 (changed)\n");
  EXPECT_EQ(Cli({"apply", "--dry-run", WriteFile("failing.yaml", kFailing)}).out,
            "campaign cli-failing: valid (dry run; nothing stored)\n");
  EXPECT_EQ(Cli({"get", "nothing", "--output", "json"}).code, kExitNotFound);
}

TEST_F(RemoteCommandsTest, ApplyOfABadFileReportsEveryProblemAndAppliesNothing) {
  const std::string good = WriteFile("demo.yaml", kDemo);
  const std::string bad = WriteFile("bad.yaml", R"yaml(name: cli-bad
steps:
  - id: first
    action: test.echo
    needs: [nope]
  - id: first
    action: test.echo
)yaml");
  CliResult result = Cli({"apply", good, bad});
  EXPECT_EQ(result.code, kExitFailed);
  EXPECT_THAT(result.err, AllOf(HasSubstr(bad + ":5:"), HasSubstr("nope"), HasSubstr(bad + ":6:"),
                                HasSubstr("error: nothing was applied")));
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(env_.client().GetCampaign("cli-demo").status().code(), absl::StatusCode::kNotFound)
      << "the good file must not be applied either";

  CliResult missing = Cli({"apply", dir_.Join("missing.yaml")});
  EXPECT_EQ(missing.code, kExitFailed);
  EXPECT_THAT(missing.err, AllOf(StartsWith("error: "), HasSubstr("missing.yaml")));
  EXPECT_EQ(Cli({"run", bad}).code, kExitFailed);
}

TEST_F(RemoteCommandsTest, RunWatchExitsZeroOnSuccessAndOneOnFailure) {
  CliResult ok = Cli({"run", WriteFile("demo.yaml", kDemo), "--id", "run-ok", "--param",
                      "greeting=hi", "--watch"});
  EXPECT_EQ(ok.code, kExitOk) << ok.err;
  EXPECT_EQ(ok.err, "campaign cli-demo: version 1 (changed)\n");
  ExpectGolden("run_watch_ok.txt", ok.out);

  CliResult failed =
      Cli({"run", WriteFile("failing.yaml", kFailing), "--id", "run-fail", "--watch"});
  EXPECT_EQ(failed.code, kExitFailed);
  ExpectGolden("run_watch_failed.txt", failed.out);
  EXPECT_THAT(failed.err,
              HasSubstr("error: run run-fail failed: step boom failed: the network refused the "
                        "post — `fanfare history run-fail` shows what happened; `fanfare retry "
                        "run-fail` runs the failed steps again\n"));

  // Watching a run that has ended replays it and exits with its outcome.
  EXPECT_EQ(Cli({"watch", "run-ok"}).out, ok.out.substr(ok.out.find('\n') + 1));
  EXPECT_EQ(Cli({"watch", "run-fail"}).code, kExitFailed);
}

TEST_F(RemoteCommandsTest, SummaryFollowsTheWatchOrReplaysTheHistory) {
  CliResult watched = Cli({"run", WriteFile("demo.yaml", kDemo), "--id", "run-ok", "--watch",
                           "--summary"});
  EXPECT_EQ(watched.code, kExitOk) << watched.err;
  EXPECT_THAT(watched.out, AllOf(HasSubstr("\nSummary of run run-ok — campaign cli-demo v1, "
                                           "SUCCEEDED"),
                                 HasSubstr("Adjustments: none; no rule fired\n")));
  EXPECT_EQ(Cli({"run", "cli-demo", "--summary"}).code, kExitUsage);
  CliResult replayed = Cli({"summary", "run-ok"});
  EXPECT_EQ(replayed.code, kExitOk) << replayed.err;
  EXPECT_EQ(replayed.out, watched.out.substr(watched.out.find("\nSummary of run")));
}

TEST_F(RemoteCommandsTest, InteractiveWatchRedrawsATableInPlace) {
  ASSERT_EQ(Cli({"run", WriteFile("demo.yaml", kDemo), "--id", "run-ok"}).code, kExitOk);
  CliResult watched = Cli({"watch", "run-ok"}, "", /*interactive=*/true);
  EXPECT_EQ(watched.code, kExitOk) << watched.err;
  EXPECT_THAT(watched.out, AllOf(HasSubstr("\x1b[2K"), HasSubstr("\x1b[J"),
                                 HasSubstr("run run-ok  cli-demo v1  SUCCEEDED"),
                                 HasSubstr("[##############################]  2/2 steps done"),
                                 HasSubstr("second  SUCCEEDED  1")));
}

TEST_F(RemoteCommandsTest, ReadVerbsMatchGoldenFiles) {
  RunDemoAndFailing();
  struct Case {
    std::vector<std::string> argv;
    std::string golden;
  };
  const std::vector<Case> cases = {
      {{"get", "run-ok"}, "get_table.txt"},
      {{"get", "run-ok", "--output", "json"}, "get.json"},
      {{"get", "run-ok", "--output", "yaml"}, "get.yaml"},
      {{"get", "run-fail"}, "get_failed_table.txt"},
      {{"list"}, "list_table.txt"},
      {{"list", "--output", "json"}, "list.json"},
      {{"campaigns"}, "campaigns_table.txt"},
      {{"campaigns", "--output", "json"}, "campaigns.json"},
      {{"history", "run-fail"}, "history_table.txt"},
      {{"history", "run-fail", "--output", "json"}, "history.json"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.golden);
    CliResult result = Cli(c.argv);
    EXPECT_EQ(result.code, kExitOk) << result.err;
    EXPECT_EQ(result.err, "");
    ExpectGolden(c.golden, Normalized(result.out));
  }
}

TEST_F(RemoteCommandsTest, WorkersShowsConnectedWorkersAndQueues) {
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    absl::StatusOr<v1::DispatchState> state = env_.client().GetDispatchState();
    // Connected, and its credit (sent after the welcome) arrived.
    if (state.ok() && state->workers_size() == 1 && state->workers(0).free_slots() == 4) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  CliResult table = Cli({"workers"});
  EXPECT_EQ(table.code, kExitOk) << table.err;
  ExpectGolden("workers_table.txt", table.out);
  CliResult json = Cli({"workers", "--output", "json"});
  EXPECT_EQ(json.code, kExitOk) << json.err;
  ExpectGolden("workers.json", Normalized(json.out));
}

TEST_F(RemoteCommandsTest, ListFiltersAndPages) {
  RunDemoAndFailing();
  auto rows = [](const std::string& table) {
    return std::count(table.begin(), table.end(), '\n') - 1;
  };
  CliResult failed = Cli({"list", "--status", "failed"});
  EXPECT_EQ(rows(failed.out), 1);
  EXPECT_THAT(failed.out, HasSubstr("run-fail"));
  EXPECT_THAT(Cli({"list", "--label", "team=growth"}).out, HasSubstr("run-ok"));
  EXPECT_EQ(rows(Cli({"list", "--label", "team=growth"}).out), 1);
  EXPECT_EQ(rows(Cli({"list", "--campaign", "cli-failing"}).out), 1);
  EXPECT_EQ(Cli({"list", "--status", "canceled"}).out, "No runs found.\n");

  CliResult first = Cli({"list", "--limit", "1"});
  EXPECT_EQ(rows(first.out), 1);
  std::smatch token;
  ASSERT_TRUE(std::regex_search(first.err, token, std::regex("--page-token (\\S+)\\)")))
      << first.err;
  CliResult second = Cli({"list", "--limit", "1", "--page-token", token[1]});
  EXPECT_EQ(rows(second.out), 1);
  EXPECT_NE(first.out, second.out);
}

TEST_F(RemoteCommandsTest, ParamsAreTypedByTheCampaignsDeclarations) {
  ASSERT_EQ(Cli({"apply", WriteFile("demo.yaml", kDemo)}).code, kExitOk);
  const std::string params_file = WriteFile("params.yaml", "greeting: from file\ntimes: 2\n");
  CliResult started = Cli({"run", "cli-demo", "--id", "typed", "--param", "greeting=2024",
                           "--params-file", params_file, "--priority", "5", "--watch"});
  ASSERT_EQ(started.code, kExitOk) << started.err;
  EXPECT_THAT(started.out, StartsWith("run typed started (cli-demo version 1)\n"));
  absl::StatusOr<v1::Run> run = env_.client().GetRun("typed");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->params().fields().at("greeting").string_value(), "2024");
  EXPECT_EQ(run->params().fields().at("times").number_value(), 2);
  EXPECT_EQ(run->priority(), 5);

  CliResult again = Cli({"run", "cli-demo", "--id", "typed", "--param", "greeting=2024",
                         "--params-file", params_file, "--priority", "5"});
  EXPECT_EQ(again.code, kExitOk);
  EXPECT_EQ(again.out, "run typed already exists (cli-demo version 1, SUCCEEDED)\n");
}

TEST_F(RemoteCommandsTest, BadParamsAreUsageErrorsOrRefusedByTheCampaign) {
  ASSERT_EQ(Cli({"apply", WriteFile("demo.yaml", kDemo)}).code, kExitOk);
  // Malformed on the command line: exit 2.
  CliResult no_value = Cli({"run", "cli-demo", "--param", "greeting"});
  EXPECT_EQ(no_value.code, kExitUsage);
  EXPECT_EQ(no_value.err,
            "error: --param greeting: expected KEY=VALUE, e.g. --param daily_budget=40\n");
  CliResult bad_yaml = Cli({"run", "cli-demo", "--param", "times=[1,"});
  EXPECT_EQ(bad_yaml.code, kExitUsage);
  EXPECT_THAT(bad_yaml.err, StartsWith("error: --param times:"));
  EXPECT_EQ(Cli({"run", "cli-demo", "--priority", "high"}).code, kExitUsage);
  CliResult no_file = Cli({"run", "cli-demo", "--params-file", dir_.Join("none.yaml")});
  EXPECT_EQ(no_file.code, kExitUsage);
  EXPECT_THAT(no_file.err, AllOf(StartsWith("error: --params-file: "), HasSubstr("none.yaml")));
  // Well-formed but refused by the campaign: exit 1, naming the param.
  CliResult wrong_type = Cli({"run", "cli-demo", "--param", "times=abc"});
  EXPECT_EQ(wrong_type.code, kExitFailed);
  EXPECT_THAT(wrong_type.err, HasSubstr("param 'times' must be an integer"));
  CliResult unknown = Cli({"run", "cli-demo", "--param", "tims=3"});
  EXPECT_EQ(unknown.code, kExitFailed);
  EXPECT_THAT(unknown.err, HasSubstr("unknown param 'tims' (did you mean 'times'?)"));
}

TEST_F(RemoteCommandsTest, UnreachableCoordinatorExitsThreeSayingWhatToDo) {
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"get", "run-1"}, {"list"}, {"watch", "run-1"}, {"workers"}, {"cancel", "run-1"}}) {
    CliResult result = Cli(argv, "127.0.0.1:1");
    EXPECT_EQ(result.code, kExitUnavailable) << argv[0];
    EXPECT_THAT(result.err, AllOf(StartsWith("error: cannot reach fanfared at 127.0.0.1:1: "),
                                  HasSubstr("is it running? Start it with `fanfared`, or point "
                                            "--address or FANFARE_ADDRESS at it\n")))
        << argv[0];
  }
}

TEST_F(RemoteCommandsTest, AddressComesFromTheEnvironmentUnlessGiven) {
  EXPECT_EQ(CliWithContext({"list"}, env_.address()).code, kExitOk);
  CliResult wrong = CliWithContext({"list"}, "127.0.0.1:1");
  EXPECT_EQ(wrong.code, kExitUnavailable);
  EXPECT_THAT(wrong.err, HasSubstr("127.0.0.1:1"));
  EXPECT_EQ(CliWithContext({"list", "--address", env_.address()}, "127.0.0.1:1").code, kExitOk);
}

TEST_F(RemoteCommandsTest, UnknownRunsAndCampaignsExitFour) {
  for (const auto& argv : std::vector<std::vector<std::string>>{{"get", "nope"},
                                                                {"history", "nope"},
                                                                {"watch", "nope"},
                                                                {"summary", "nope"},
                                                                {"cancel", "nope"},
                                                                {"pause", "nope"},
                                                                {"approve", "nope", "step"}}) {
    CliResult result = Cli(argv);
    EXPECT_EQ(result.code, kExitNotFound) << argv[0] << ": " << result.err;
    EXPECT_THAT(result.err, StartsWith("error: run 'nope' not found in namespace 'default'"))
        << argv[0];
  }
  EXPECT_THAT(Cli({"get", "nope"}).err, HasSubstr("— `fanfare list` shows the runs there\n"));
  CliResult campaign = Cli({"run", "no-such-campaign"});
  EXPECT_EQ(campaign.code, kExitNotFound);
  EXPECT_THAT(campaign.err, HasSubstr("apply it with `fanfare apply FILE`"));
  EXPECT_EQ(Cli({"run", "no-such-campaign", "--param", "a=1"}).code, kExitNotFound);
  EXPECT_EQ(Cli({"get", "run-ok", "--namespace", "elsewhere"}).code, kExitNotFound);
}

TEST_F(RemoteCommandsTest, ApprovalsAndSignalsDriveAGatedRun) {
  ASSERT_EQ(Cli({"run", WriteFile("gated.yaml", kGated), "--id", "gated"}).code, kExitOk);
  ASSERT_TRUE(env_.WaitFor("gated",
                           [](const v1::Run& run) { return IsWaiting(run, "go"); })
                  .ok());
  CliResult not_approval = Cli({"approve", "gated", "go"});
  EXPECT_EQ(not_approval.code, kExitRefused);
  EXPECT_EQ(not_approval.err, "error: step go is not an approval step\n");
  CliResult not_yet = Cli({"approve", "gated", "review"});
  EXPECT_EQ(not_yet.code, kExitNotFound) << "the step has no instance before it is reached";
  EXPECT_EQ(Cli({"signal", "gated", "go", "--payload", "{bad"}).code, kExitUsage);

  CliResult signalled = Cli({"signal", "gated", "go", "--payload", R"({"note": "now"})"});
  EXPECT_EQ(signalled.code, kExitOk) << signalled.err;
  EXPECT_EQ(signalled.out, "signal go sent to run gated\n");
  ASSERT_TRUE(env_.WaitFor("gated",
                           [](const v1::Run& run) { return IsWaiting(run, "review"); })
                  .ok());
  CliResult typo = Cli({"approve", "gated", "reveiw"});
  EXPECT_EQ(typo.code, kExitNotFound);
  EXPECT_THAT(typo.err, HasSubstr("(did you mean 'review'?)"));
  CliResult approved = Cli({"approve", "gated", "review", "--comment", "lgtm"});
  EXPECT_EQ(approved.code, kExitOk) << approved.err;
  EXPECT_EQ(approved.out, "step review of run gated approved\n");

  // The same approval again (a retry after a lost reply) changes nothing; anyone else's
  // comes too late.
  CliResult twice = Cli({"approve", "gated", "review"});
  EXPECT_EQ(twice.code, kExitOk) << twice.err;
  CliResult late = Cli({"approve", "gated", "review", "--identity", "someone-else"});
  EXPECT_EQ(late.code, kExitRefused);
  EXPECT_EQ(late.err, "error: step review is not waiting for a decision (it is SUCCEEDED)\n");

  ASSERT_TRUE(env_.WaitFor("gated",
                           [](const v1::Run& run) { return IsWaiting(run, "done"); })
                  .ok());
  EXPECT_EQ(Cli({"signal", "gated", "done"}).code, kExitOk);
  EXPECT_EQ(Cli({"watch", "gated"}).code, kExitOk);
  absl::StatusOr<v1::Run> run = env_.client().GetRun("gated");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(
      testing::StepOf(*run, "ship").output().struct_value().fields().at("text").string_value(),
      "now");
  EXPECT_EQ(Cli({"approve", "gated", "review"}).code, kExitRefused) << "the run has ended";
  CliResult late_signal = Cli({"signal", "gated", "go"});
  EXPECT_EQ(late_signal.code, kExitRefused);
  EXPECT_EQ(late_signal.err, "error: run 'gated' has ended\n");
}

TEST_F(RemoteCommandsTest, RejectFailsTheRun) {
  ASSERT_EQ(Cli({"run", WriteFile("gated.yaml", kGated), "--id", "gated"}).code, kExitOk);
  ASSERT_EQ(Cli({"signal", "gated", "go"}).code, kExitOk);
  ASSERT_TRUE(env_.WaitFor("gated",
                           [](const v1::Run& run) { return IsWaiting(run, "review"); })
                  .ok());
  CliResult rejected = Cli({"reject", "gated", "review", "--comment", "off-brand"});
  EXPECT_EQ(rejected.code, kExitOk) << rejected.err;
  EXPECT_EQ(rejected.out, "step review of run gated rejected\n");
  CliResult watched = Cli({"watch", "gated"});
  EXPECT_EQ(watched.code, kExitFailed);
  EXPECT_THAT(watched.err, HasSubstr("rejected by tester: off-brand"));
}

TEST_F(RemoteCommandsTest, PauseResumeAndCancel) {
  ASSERT_EQ(Cli({"run", WriteFile("gated.yaml", kGated), "--id", "held"}).code, kExitOk);
  EXPECT_EQ(Cli({"pause", "held", "--reason", "hold on"}).out, "run held is paused\n");
  CliResult json = Cli({"pause", "held", "--output", "json"});
  EXPECT_THAT(json.out, HasSubstr("\"status\": \"RUN_STATUS_PAUSED\""));
  EXPECT_EQ(Cli({"resume", "held"}).out, "run held is running\n");
  CliResult canceled = Cli({"cancel", "held", "--reason", "wrong audience"});
  EXPECT_EQ(canceled.code, kExitOk) << canceled.err;
  EXPECT_EQ(canceled.out, "run held is canceled\n");
  EXPECT_EQ(Cli({"cancel", "held"}).code, kExitOk) << "cancel is idempotent";
  CliResult watched = Cli({"watch", "held"});
  EXPECT_EQ(watched.code, kExitFailed);
  EXPECT_THAT(watched.err, StartsWith("error: run held canceled: wrong audience"));
  CliResult paused = Cli({"pause", "held"});
  EXPECT_EQ(paused.code, kExitRefused);
  EXPECT_THAT(paused.err, HasSubstr("has ended"));
}

TEST_F(RemoteCommandsTest, RetryReportsTheCoordinatorsAnswer) {
  ASSERT_EQ(Cli({"run", WriteFile("failing.yaml", kFailing), "--id", "run-fail", "--watch"}).code,
            kExitFailed);
  CliResult retried = Cli({"retry", "run-fail", "--from", "boom"});
  if (retried.code == kExitOk) {
    EXPECT_THAT(retried.out, StartsWith("run run-fail is "));
  } else {
    // Until RetryRun is implemented the coordinator refuses it.
    EXPECT_EQ(retried.code, kExitRefused);
    EXPECT_THAT(retried.err, StartsWith("error: "));
  }
}

// A step on a custom pool no SDK worker of the fixture serves, so that the test's raw
// worker gets its attempts.
constexpr char kHeld[] = R"yaml(name: cli-held
accounts:
  test: acme_test
steps:
  - id: read
    action: test.held
    retry: {max_attempts: 3, initial_backoff: 1s}
)yaml";

// One PollTasks for test.held, waiting up to 10 s.
std::vector<v1::Task> PollHeld(v1::WorkerService::Stub& stub) {
  v1::PollTasksRequest request;
  request.set_worker_id("raw");
  request.add_queues("test");
  request.add_actions("test.held");
  request.set_max_tasks(1);
  request.mutable_wait()->set_seconds(10);
  v1::PollTasksResponse response;
  grpc::ClientContext context;
  EXPECT_TRUE(stub.PollTasks(&context, request, &response).ok());
  return {response.tasks().begin(), response.tasks().end()};
}

TEST_F(RemoteCommandsTest, AHugeRetryAfterIsAFiniteHoldThatWorkersReleaseLifts) {
  ASSERT_EQ(Cli({"apply", WriteFile("held.yaml", kHeld)}).code, kExitOk);
  ASSERT_EQ(Cli({"run", "cli-held", "--id", "held-1"}).code, kExitOk);
  auto stub = v1::WorkerService::NewStub(
      grpc::CreateChannel(env_.address(), grpc::InsecureChannelCredentials()));
  std::vector<v1::Task> tasks = PollHeld(*stub);
  ASSERT_EQ(tasks.size(), 1u);
  v1::FailTaskRequest fail;
  fail.set_worker_id("raw");
  fail.set_task_id(tasks[0].task_id());
  fail.set_attempt(tasks[0].attempt());
  fail.mutable_failure()->set_type(v1::ERROR_TYPE_THROTTLED);
  fail.mutable_failure()->set_message("slow down");
  fail.mutable_failure()->mutable_retry_after()->set_seconds(int64_t{1} << 62);
  v1::OutcomeAck ack;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->FailTask(&context, fail, &ack).ok());
  ASSERT_EQ(ack.status(), v1::OutcomeAck::STATUS_ACCEPTED) << ack.message();

  CliResult json = Cli({"workers", "--output", "json"});
  EXPECT_EQ(json.code, kExitOk) << json.err;
  EXPECT_THAT(json.out, HasSubstr("held after a 429: slow down"));
  env_.Restart();
  json = Cli({"workers", "--output", "json"});
  EXPECT_EQ(json.code, kExitOk) << "a finite hold after a restart too: " << json.err;
  v1::DispatchState state;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &state).ok()) << json.out;
  ASSERT_EQ(state.rate_limits_size(), 1) << json.out;
  EXPECT_LE(absl::FromUnixSeconds(state.rate_limits(0).held_until().seconds()),
            absl::Now() + absl::Hours(24))
      << "held for at most a day";

  CliResult released = Cli({"workers", "release", "acme_test", "--network", "test"});
  EXPECT_EQ(released.code, kExitOk) << released.err;
  EXPECT_THAT(released.out,
              AllOf(StartsWith("released test/acme_test (held until "),
                    HasSubstr("held after a 429: slow down")));
  tasks = PollHeld(*stub);
  ASSERT_EQ(tasks.size(), 1u) << "the account's task goes at once";
  EXPECT_EQ(tasks[0].attempt(), 2);

  CliResult again = Cli({"workers", "release", "acme_test"});
  EXPECT_EQ(again.code, kExitNotFound);
  EXPECT_THAT(again.err, StartsWith("error: no hold on account 'acme_test' in namespace default"));
  CliResult usage = Cli({"workers", "release"});
  EXPECT_EQ(usage.code, kExitUsage);
  EXPECT_THAT(usage.err, HasSubstr("usage: fanfare workers release [FLAGS] ACCOUNT"));
}

TEST_F(RemoteCommandsTest, UsageErrorsExitTwo) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"get"}, "error: get needs RUN_ID; usage: fanfare get [FLAGS] RUN_ID\n"},
      {{"get", "a", "b"},
       "error: get: unexpected argument 'b'; usage: fanfare get [FLAGS] RUN_ID\n"},
      {{"approve", "run"},
       "error: approve needs RUN_ID STEP; usage: fanfare approve [FLAGS] RUN_ID STEP\n"},
      {{"list", "--output", "xml"}, "error: --output xml: expected table, json or yaml\n"},
      {{"list", "--status", "runing"},
       "error: --status runing: unknown status (did you mean 'running'?); expected one of "
       "scheduled, running, paused, succeeded, failed, canceled\n"},
      {{"list", "--limit", "0"}, "error: --limit 0: expected a positive whole number\n"},
      {{"list", "--label", "team"},
       "error: --label team: expected KEY=VALUE, e.g. --label team=growth\n"},
      {{"run", "cli-demo", "--watch", "--output", "json"},
       "error: run: --watch prints a live view; leave out --output, or use `fanfare get` "
       "afterwards\n"},
  };
  for (const auto& [argv, err] : cases) {
    CliResult result = Cli(argv);
    EXPECT_EQ(result.code, kExitUsage) << argv[0];
    EXPECT_EQ(result.err, err);
  }
  CliResult unknown_flag = Cli({"get", "x", "--bogus"});
  EXPECT_EQ(unknown_flag.code, kExitUsage);
  EXPECT_THAT(unknown_flag.err, StartsWith("error: unknown flag --bogus"));
}

}  // namespace
}  // namespace fanfare::cli
