// The run codec: a run in flight, written as records (through their bytes, as the store holds
// them) and read back, is the same run; records that do not fit the campaign version are
// refused as DataLoss naming the run, the step record and the campaign.
#include "engine/coordinator/run_codec.h"

#include <memory>
#include <string>
#include <vector>

#include "base/proto_time.h"
#include "engine/coordinator/state_writer.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/engine/scheduler/scheduler_harness.h"

namespace fanfare::coordinator {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using scheduler::RunState;
using scheduler::StepInstance;
using scheduler::TimerKind;

// Copy, a publish per network, a report: instances of every kind a run holds.
constexpr char kLaunch[] = R"yaml(
name: launch
params:
  networks: {type: list, default: [facebook, x, linkedin]}
steps:
  - {id: copy, action: test.work}
  - id: publish
    needs: [copy]
    for_each: "{{ params.networks }}"
    action: "{{ item }}.publish"
    with: {text: "{{ steps.copy.output.text }}", position: "{{ index }}"}
  - {id: report, needs: [publish], action: test.work}
)yaml";

// T, round-tripped through its wire bytes.
template <typename T>
T ThroughBytes(const T& message) {
  T out;
  EXPECT_TRUE(out.ParseFromString(message.SerializeAsString()));
  return out;
}

internal::StepRecord Encoded(const StepInstance& instance) {
  internal::StepRecord record;
  EncodeStep(instance, record);
  return record;
}

std::vector<internal::StepRecord> EncodeSteps(const RunState& run) {
  std::vector<internal::StepRecord> steps;
  for (const auto& instance : run.instances()) steps.push_back(ThroughBytes(Encoded(*instance)));
  return steps;
}

// The run as recovery reads it back.
std::unique_ptr<RunState> Reload(const RunState& run) {
  absl::StatusOr<std::unique_ptr<RunState>> decoded =
      DecodeRun(ThroughBytes(EncodeRun(run)), run.campaign_ptr(), EncodeSteps(run));
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.ok() ? *std::move(decoded) : nullptr;
}

// Fails the test where `after` differs from `before` in anything a record keeps: every
// field the decoder reads back must encode again to the same record. (Records keep times to
// the microsecond: a backoff's jitter has nanoseconds in memory.)
void ExpectSameInstance(const StepInstance& before, const StepInstance& after) {
  SCOPED_TRACE(before.key);
  EXPECT_TRUE(MessageDifferencer::Equals(Encoded(after), Encoded(before)));
  // Placed under the same step definition, scope and iteration of the same campaign.
  EXPECT_EQ(after.def, before.def);
  EXPECT_EQ(after.scope, before.scope);
  EXPECT_EQ(after.iteration, before.iteration);
}

void ExpectSameRun(const RunState& before, RunState& after) {
  EXPECT_TRUE(MessageDifferencer::Equals(EncodeRun(after), EncodeRun(before)));
  ASSERT_EQ(after.instances().size(), before.instances().size());
  for (const auto& instance : before.instances()) {
    const StepInstance* reloaded = after.Find(instance->key);
    ASSERT_NE(reloaded, nullptr) << instance->key;
    ExpectSameInstance(*instance, *reloaded);
  }
  EXPECT_FALSE(after.has_changes()) << "what was read back is not a change to write";
}

TEST(RunCodecTest, ARunInFlightReadsBackAsItWas) {
  scheduler::SchedulerHarness h({.fence_margin = absl::Seconds(5)});
  h.Start(kLaunch);
  h.Succeed("copy", scheduler::Output({{"text", expr::Value::String("hello")}}));
  // One instance of each: running (leased), unknown (its lease lost, fenced, in doubt), and
  // waiting on a retry's backoff.
  h.Lease("publish[facebook]");
  h.Lease("publish[x]");
  h.ExpireLease("publish[x]");
  h.Fail("publish[linkedin]", v1::ERROR_TYPE_RETRYABLE, "HTTP 503");
  ASSERT_EQ(h.StateOf("publish[x]"), v1::STEP_STATE_UNKNOWN);
  ASSERT_EQ(h.At("publish[linkedin]").timer_kind, TimerKind::kBackoff);
  h.run().TakeChanges();

  std::unique_ptr<RunState> reloaded = Reload(h.run());
  ASSERT_NE(reloaded, nullptr);
  ExpectSameRun(h.run(), *reloaded);
  EXPECT_EQ(reloaded->Find("copy")->output, h.At("copy").output);
  EXPECT_EQ(reloaded->Find("publish[x]")->item, expr::Value::String("x"));
  EXPECT_TRUE(reloaded->Find("publish[x]")->in_doubt());
  EXPECT_TRUE(reloaded->Find("publish[facebook]")->leased());
  EXPECT_EQ(reloaded->Find("publish[facebook]")->worker_id, "worker-1");
  const StepInstance& linkedin = *reloaded->Find("publish[linkedin]");
  EXPECT_EQ(linkedin.timer_kind, TimerKind::kBackoff);
  EXPECT_LT(absl::AbsDuration(linkedin.timer_at - h.At("publish[linkedin]").timer_at),
            absl::Microseconds(1));
  const scheduler::StepGroup* group =
      reloaded->FindGroup(reloaded->campaign().root(), 1, /*iteration=*/0);
  ASSERT_NE(group, nullptr);
  EXPECT_TRUE(group->expanded);
  EXPECT_EQ(group->instances.size(), 3u) << "the fan-out's instances, regrouped";
}

// StateWriter encodes step records on one arena, reset after each: what it writes must be
// exactly what EncodeStep builds on the heap, for every instance and however often the arena
// is reused, including records larger than the arena's first block.
TEST(RunCodecTest, TheStateWriterWritesEachStepRecordAsEncoded) {
  scheduler::SchedulerHarness h;
  h.Start(kLaunch);
  // 100 KB of copy: larger than the writer's 64 KiB first block.
  h.Succeed("copy", scheduler::Output({{"text", expr::Value::String(std::string(100000, 'c'))}}));
  h.Lease("publish[x]");

  StateWriter writer;
  std::vector<const StepInstance*> written;
  for (int round = 0; round < 3; ++round) {
    for (const auto& instance : h.run().instances()) {
      writer.PutStep("default", "run-1", *instance);
      written.push_back(instance.get());
    }
  }
  std::unique_ptr<store::Batch> batch = writer.Seal();
  ASSERT_EQ(batch->count(), static_cast<int>(written.size()));
  size_t i = 0;
  batch->ForEach([&](const store::Batch::Operation& op) {
    const StepInstance& instance = *written[i++];
    SCOPED_TRACE(instance.key);
    EXPECT_EQ(op.cf, store::Cf::kSteps);
    internal::StepRecord record;
    ASSERT_TRUE(record.ParseFromArray(op.value.data(), static_cast<int>(op.value.size())));
    EXPECT_TRUE(MessageDifferencer::Equals(record, Encoded(instance)));
  });
  EXPECT_GT(Encoded(h.At("copy")).ByteSizeLong(), 64u << 10);
}

TEST(RunCodecTest, RepeatIterationsAndBufferedSignalsReadBack) {
  scheduler::SchedulerHarness h;
  h.Start(R"yaml(
name: loop
steps:
  - {id: review, action: test.work}
  - {id: go, needs: [review], signal: go_live}
  - id: optimize
    repeat:
      every: 6h
      max_iterations: 10
      steps:
        - {id: measure, action: test.work}
)yaml");
  h.Succeed("optimize/measure#1", scheduler::Output({{"n", expr::Value::Int(1)}}));
  h.FireTimer("optimize");
  EXPECT_EQ(h.scheduler().Signal(h.run(), "go_live", expr::Value::String("now"), "ops"), 0)
      << "nothing waits for go_live yet: buffered";
  h.run().TakeChanges();

  std::unique_ptr<RunState> reloaded = Reload(h.run());
  ASSERT_NE(reloaded, nullptr);
  ExpectSameRun(h.run(), *reloaded);
  const int optimize = h.At("optimize").def->index;
  EXPECT_EQ(reloaded->iteration(optimize), 2);
  ASSERT_EQ(reloaded->buffered_signals().size(), 1u);
  EXPECT_EQ(reloaded->buffered_signals()[0].name, "go_live");
  EXPECT_EQ(reloaded->buffered_signals()[0].payload, expr::Value::String("now"));
  EXPECT_EQ(reloaded->buffered_signals()[0].identity, "ops");
  EXPECT_NE(reloaded->Find("optimize/measure#2"), nullptr);
}

TEST(RunCodecTest, AScheduledRunKeepsItsStartTime) {
  scheduler::SchedulerHarness h;
  h.Start("name: later\nsteps:\n  - {id: a, action: test.work}\n");
  const absl::Time start = h.clock().Now() + absl::Hours(1);
  v1::Run record;
  record.set_run_id("run-9");
  record.set_status(v1::RUN_STATUS_SCHEDULED);
  *record.mutable_start_at() = ToProtoTime(start);
  RunState run(record, h.run().campaign_ptr(), expr::Value::MakeMap({}));
  run.start_task_id = 77;
  std::unique_ptr<RunState> reloaded = Reload(run);
  ASSERT_NE(reloaded, nullptr);
  EXPECT_EQ(reloaded->start_timer(), start);
  EXPECT_EQ(reloaded->start_task_id, 77u);
  EXPECT_TRUE(reloaded->instances().empty());
}

TEST(RunCodecTest, ThePublicViewNamesTheWorkerOnlyWhileLeased) {
  scheduler::SchedulerHarness h;
  h.Start("name: two\nsteps:\n  - {id: a, action: test.work}\n  - {id: b, action: test.work}\n");
  h.Lease("a");
  h.Succeed("b");
  const v1::Run view = PublicRun(h.run());
  ASSERT_EQ(view.steps_size(), 2);
  EXPECT_EQ(view.steps(0).key(), "a");
  EXPECT_EQ(view.steps(0).worker_id(), "worker-1");
  EXPECT_EQ(view.steps(0).idempotency_key(), "default/run-1/a");
  EXPECT_EQ(view.steps(1).state(), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(view.steps(1).worker_id(), "") << "b's attempt is over";
  EXPECT_EQ(Encoded(h.At("b")).instance().worker_id(), "worker-1") << "the record keeps it";
  EXPECT_EQ(view.step_counts().at("STEP_STATE_RUNNING"), 1);
  EXPECT_EQ(view.step_counts().at("STEP_STATE_SUCCEEDED"), 1);
}

// A record of a run of "launch" v1 whose step record is bent by `corrupt`.
absl::Status DecodeCorrupt(void (*corrupt)(internal::StepRecord&)) {
  scheduler::SchedulerHarness h;
  h.Start(R"yaml(
name: launch
steps:
  - {id: copy, action: test.work}
  - id: optimize
    repeat:
      every: 6h
      max_iterations: 2
      steps:
        - {id: measure, action: test.work}
)yaml");
  std::vector<internal::StepRecord> steps = EncodeSteps(h.run());
  for (internal::StepRecord& step : steps) {
    if (step.instance().key() == "copy") corrupt(step);
  }
  return DecodeRun(EncodeRun(h.run()), h.run().campaign_ptr(), std::move(steps)).status();
}

TEST(RunCodecTest, AStepRecordTheCampaignVersionDoesNotHaveIsDataLoss) {
  const struct {
    const char* what;
    void (*corrupt)(internal::StepRecord&);
  } cases[] = {
      {"step index past the scope", [](internal::StepRecord& s) { s.set_step_index(2); }},
      {"negative step index", [](internal::StepRecord& s) { s.set_step_index(-1); }},
      {"scope of a step that is no repeat", [](internal::StepRecord& s) { s.set_scope(1); }},
      {"scope past the campaign", [](internal::StepRecord& s) { s.set_scope(3); }},
      {"negative scope", [](internal::StepRecord& s) { s.set_scope(-1); }},
      {"another step's definition", [](internal::StepRecord& s) { s.set_step_index(1); }},
      {"step index past the repeat block",
       [](internal::StepRecord& s) {
         s.set_scope(2);
         s.set_step_index(1);
       }},
  };
  for (const auto& c : cases) {
    absl::Status status = DecodeCorrupt(c.corrupt);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << c.what << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr("run run-1: step record 'copy' does not match "
                                            "campaign launch v1"))
        << c.what;
  }
  EXPECT_TRUE(DecodeCorrupt([](internal::StepRecord&) {}).ok()) << "the uncorrupted records";
}

}  // namespace
}  // namespace fanfare::coordinator
