// A real coordinator and real workers over gRPC: a campaign with fan-out, a condition and a
// failing-then-retried step runs to completion, outputs flow through templates, and every
// transition is visible in history.
#include <atomic>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sdk/worker/task_errors.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using ::testing::ElementsAre;
using testing::CoordinatorEnv;
using testing::StepOf;

constexpr char kCampaign[] = R"yaml(
name: fanout
params:
  networks: {type: list, default: [alpha, beta, gamma]}
steps:
  - id: copy
    action: test.echo
    with: {text: "hello"}
  - id: publish
    needs: [copy]
    for_each: "{{ params.networks }}"
    action: test.publish
    with:
      network: "{{ item }}"
      text: "{{ steps.copy.output.text }} from {{ item }}"
  - id: boost
    needs: [publish]
    when: size(steps.publish.output_list) == 3
    action: test.flaky
    with: {post: "{{ steps.publish.outputs.beta.post_id }}"}
    retry: {max_attempts: 3, initial_backoff: 10ms}
  - id: never
    needs: [publish]
    when: "false"
    action: test.echo
  - id: after_never
    needs: [never]
    action: test.echo
)yaml";

google::protobuf::Value Text(const std::string& s) {
  google::protobuf::Value v;
  v.set_string_value(s);
  return v;
}

class RunFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = env_.NewWorker(4);
    worker_->Handle("test.echo", [](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
      google::protobuf::Value out;
      *out.mutable_struct_value() = ctx.input();
      return out;
    });
    worker_->Handle("test.publish", [](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
      google::protobuf::Value out;
      auto& fields = *out.mutable_struct_value()->mutable_fields();
      fields["post_id"] = Text(ctx.input().fields().at("network").string_value() + "-1");
      fields["text"] = ctx.input().fields().at("text");
      return out;
    });
    worker_->Handle("test.flaky", [this](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
      if (flaky_calls_.fetch_add(1) == 0) return Retryable("the network hiccuped");
      google::protobuf::Value out;
      (*out.mutable_struct_value()->mutable_fields())["boosted"] = ctx.input().fields().at("post");
      return out;
    });
    ASSERT_TRUE(worker_->Start().ok());
  }

  CoordinatorEnv env_;
  std::unique_ptr<Worker> worker_;
  std::atomic<int> flaky_calls_{0};
};

TEST_F(RunFlowTest, FanOutConditionAndRetryRunToCompletion) {
  env_.Apply(kCampaign);
  absl::StatusOr<v1::Run> run = env_.RunToEnd(StartRunRequest("fanout"));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();

  EXPECT_EQ(StepOf(*run, "copy").state(), v1::STEP_STATE_SUCCEEDED);
  const v1::StepInstance& beta = StepOf(*run, "publish[beta]");
  EXPECT_EQ(beta.state(), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(beta.output().struct_value().fields().at("text").string_value(), "hello from beta");
  EXPECT_EQ(beta.idempotency_key(), "default/" + run->run_id() + "/publish[beta]");

  const v1::StepInstance& boost = StepOf(*run, "boost");
  EXPECT_EQ(boost.state(), v1::STEP_STATE_SUCCEEDED);
  EXPECT_EQ(boost.attempt(), 2) << "the first attempt failed and was retried";
  EXPECT_EQ(boost.output().struct_value().fields().at("boosted").string_value(), "beta-1");
  EXPECT_EQ(flaky_calls_.load(), 2);

  EXPECT_EQ(StepOf(*run, "never").state(), v1::STEP_STATE_SKIPPED);
  EXPECT_EQ(StepOf(*run, "after_never").state(), v1::STEP_STATE_SKIPPED)
      << "a skip propagates to a dependent without its own `when`";
}

TEST_F(RunFlowTest, HistoryRecordsEveryTransitionInOrder) {
  env_.Apply(kCampaign);
  absl::StatusOr<v1::Run> run = env_.RunToEnd(StartRunRequest("fanout"));
  ASSERT_TRUE(run.ok()) << run.status();
  v1::GetHistoryRequest request;
  request.set_run_id(run->run_id());
  request.set_page_size(1000);
  absl::StatusOr<v1::GetHistoryResponse> history = env_.client().GetHistory(request);
  ASSERT_TRUE(history.ok()) << history.status();
  int64_t expected_seq = 1;
  int attempt_failures = 0;
  for (const v1::HistoryEvent& event : history->events()) {
    EXPECT_EQ(event.seq(), expected_seq++);
    if (event.type() == v1::EVENT_TYPE_STEP_ATTEMPT_FAILED) {
      ++attempt_failures;
      EXPECT_EQ(event.step_key(), "boost");
      EXPECT_EQ(event.error().message(), "the network hiccuped");
    }
  }
  EXPECT_EQ(attempt_failures, 1);
  EXPECT_EQ(history->events(0).type(), v1::EVENT_TYPE_RUN_STARTED);
  EXPECT_EQ(history->events(history->events_size() - 1).type(), v1::EVENT_TYPE_RUN_SUCCEEDED);
}

TEST_F(RunFlowTest, WatchStreamsUntilTheRunEndsAndResumesFromASequenceNumber) {
  env_.Apply(kCampaign);
  absl::StatusOr<v1::StartRunResponse> started = env_.client().StartRun(StartRunRequest("fanout"));
  ASSERT_TRUE(started.ok());
  std::vector<int64_t> seqs;
  v1::EventType last = v1::EVENT_TYPE_UNSPECIFIED;
  absl::Status watched = env_.client().WatchRun(started->run().run_id(), 0,
                                                [&](const v1::HistoryEvent& e) {
                                                  seqs.push_back(e.seq());
                                                  last = e.type();
                                                  return true;
                                                });
  ASSERT_TRUE(watched.ok()) << watched;
  EXPECT_EQ(last, v1::EVENT_TYPE_RUN_SUCCEEDED);
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], static_cast<int64_t>(i + 1));

  std::vector<int64_t> tail;
  ASSERT_TRUE(env_.client()
                  .WatchRun(started->run().run_id(), seqs.size() - 1,
                            [&](const v1::HistoryEvent& e) {
                              tail.push_back(e.seq());
                              return true;
                            })
                  .ok());
  EXPECT_THAT(tail, ElementsAre(seqs.size() - 1, seqs.size()));
}

TEST_F(RunFlowTest, StartRunIsIdempotentByRunId) {
  env_.Apply(kCampaign);
  v1::StartRunRequest request = StartRunRequest("fanout");
  request.set_run_id("launch-1");
  absl::StatusOr<v1::StartRunResponse> first = env_.client().StartRun(request);
  absl::StatusOr<v1::StartRunResponse> second = env_.client().StartRun(request);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->created());
  EXPECT_FALSE(second->created());
  EXPECT_EQ(second->run().run_id(), "launch-1");

  (*request.mutable_params()->mutable_fields())["networks"].mutable_list_value();
  absl::StatusOr<v1::StartRunResponse> conflicting = env_.client().StartRun(request);
  EXPECT_EQ(conflicting.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(RunFlowTest, BadParamsAreRefusedNamingTheParam) {
  env_.Apply(kCampaign);
  v1::StartRunRequest request = StartRunRequest("fanout");
  (*request.mutable_params()->mutable_fields())["netwroks"] = Text("x");
  absl::StatusOr<v1::StartRunResponse> started = env_.client().StartRun(request);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(started.status().message()),
              ::testing::HasSubstr("unknown param 'netwroks' (did you mean 'networks'?)"));
  (*request.mutable_params()->mutable_fields()).clear();
  (*request.mutable_params()->mutable_fields())["networks"] = Text("facebook");
  started = env_.client().StartRun(request);
  EXPECT_THAT(std::string(started.status().message()),
              ::testing::HasSubstr("param 'networks' must be a list"));
}

TEST_F(RunFlowTest, UnknownCampaignIsNotFound) {
  absl::StatusOr<v1::StartRunResponse> started = env_.client().StartRun(StartRunRequest("nope"));
  EXPECT_EQ(started.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace fanfare
