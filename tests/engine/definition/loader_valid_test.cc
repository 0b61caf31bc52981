// Valid campaigns: the examples, and the YAML forms a campaign may take.
#include <algorithm>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/engine/definition/test_util.h"

namespace fanfare::definition {
namespace {

using ::fanfare::definition::testing::ExampleFiles;
using ::fanfare::definition::testing::LoadYaml;
using ::fanfare::definition::testing::Printed;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(LoaderValidTest, EveryExampleValidates) {
  const auto files = ExampleFiles();
  ASSERT_GE(files.size(), 3u) << "examples/ not found under " << testing::SourceDir();
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    absl::StatusOr<v1::CampaignSpec> spec = LoadCampaignFile(file.string());
    ASSERT_TRUE(spec.ok()) << spec.status();
    EXPECT_FALSE(spec->metadata().name().empty());
    EXPECT_GT(spec->steps_size(), 0);
  }
}

TEST(LoaderValidTest, LaunchExampleReadsAsWritten) {
  absl::StatusOr<v1::CampaignSpec> spec =
      LoadCampaignFile((testing::SourceDir() / "examples/launch.yaml").string());
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->metadata().name(), "product-launch");
  EXPECT_EQ(spec->metadata().labels().at("team"), "growth");
  EXPECT_EQ(spec->budget().currency(), "USD");
  EXPECT_EQ(spec->budget().total_micros(), 2'000'000'000);
  EXPECT_EQ(spec->budget().daily_max_micros(), 250'000'000);
  EXPECT_EQ(spec->accounts().at("instagram").names(0), "acme_ig");
  ASSERT_EQ(spec->steps_size(), 6);
  const v1::Step& publish = spec->steps(3);
  EXPECT_EQ(publish.id(), "publish");
  EXPECT_EQ(publish.for_each().expression(), "{{ params.networks }}");
  EXPECT_EQ(publish.retry().max_attempts(), 8);
  EXPECT_EQ(publish.retry().initial_backoff().seconds(), 30);
  EXPECT_EQ(publish.retry().max_backoff().seconds(), 600);
  const v1::Step& optimize = spec->steps(5);
  // The `&patient` anchor's retry policy, reused through aliases inside the loop.
  EXPECT_EQ(optimize.repeat().steps(2).retry().SerializeAsString(),
            publish.retry().SerializeAsString());
  EXPECT_EQ(optimize.repeat().every().seconds(), 6 * 3600);
  EXPECT_EQ(optimize.repeat().max_iterations(), 56);
  ASSERT_EQ(optimize.repeat().steps_size(), 3);
  // A folded block scalar (`when: >-`) is one line of text.
  EXPECT_EQ(optimize.repeat().steps(2).when(),
            "steps.measure.outputs[item].clicks >= 50 && steps.measure.outputs[item].cpc < "
            "params.max_cpc / 2");
  EXPECT_EQ(spec->steps(2).wait().until(), "{{ params.launch_at }}");
  const auto launch_at = std::find_if(spec->params().begin(), spec->params().end(),
                                     [](const v1::ParamSpec& p) { return p.name() == "launch_at"; });
  ASSERT_NE(launch_at, spec->params().end());
  EXPECT_EQ(launch_at->type(), v1::PARAM_TYPE_TIMESTAMP);
  EXPECT_EQ(launch_at->default_value().string_value(), "2026-12-01T09:00:00Z");
}

TEST(LoaderValidTest, QuotedScalarsAreStringsAndPlainOnesAreTyped) {
  const LoadResult result = LoadYaml(R"(name: c
params:
  label: {type: string, default: "40"}
  count: {type: int, default: 40}
  ratio: {type: double, default: 0.5}
  flag: {type: bool, default: false}
  when: {type: duration, default: 6h}
steps:
  - id: a
    action: content.generate
    with:
      quoted_number: "40"
      plain_number: 40
      plain_float: 2.5
      quoted_bool: 'true'
      plain_bool: true
      plain_null: null
      tilde: ~
      word: hello
      version: 1.2.3
)");
  ASSERT_TRUE(result.status.ok()) << result.status;
  const auto& with = result.spec.steps(0).with().fields();
  EXPECT_EQ(with.at("quoted_number").string_value(), "40");
  EXPECT_EQ(with.at("plain_number").number_value(), 40);
  EXPECT_EQ(with.at("plain_float").number_value(), 2.5);
  EXPECT_EQ(with.at("quoted_bool").string_value(), "true");
  EXPECT_TRUE(with.at("plain_bool").bool_value());
  EXPECT_TRUE(with.at("plain_null").has_null_value());
  EXPECT_TRUE(with.at("tilde").has_null_value());
  EXPECT_EQ(with.at("word").string_value(), "hello");
  EXPECT_EQ(with.at("version").string_value(), "1.2.3");
  EXPECT_EQ(result.spec.params(0).default_value().string_value(), "40");
  EXPECT_EQ(result.spec.params(1).default_value().number_value(), 40);
  EXPECT_EQ(result.spec.params(4).default_value().string_value(), "6h");
}

TEST(LoaderValidTest, BuiltinShorthands) {
  const LoadResult result = LoadYaml(R"(name: c
steps:
  - id: pause
    wait: 6h
  - id: until
    needs: [pause]
    wait: {until: "2026-12-01T09:00:00Z"}
  - id: go
    needs: [until]
    signal: go_live
  - id: go_with_timeout
    needs: [go]
    signal: {name: go_now, timeout: 1d}
  - id: gate
    needs: [go_with_timeout]
    approval:
  - id: gate2
    needs: [gate]
    approval: {}
)");
  ASSERT_TRUE(result.status.ok()) << result.status;
  const auto& steps = result.spec.steps();
  EXPECT_EQ(steps[0].wait().duration().seconds(), 6 * 3600);
  EXPECT_EQ(steps[1].wait().until(), "2026-12-01T09:00:00Z");
  EXPECT_EQ(steps[2].signal().name(), "go_live");
  EXPECT_FALSE(steps[2].signal().has_timeout());
  EXPECT_EQ(steps[3].signal().name(), "go_now");
  EXPECT_EQ(steps[3].signal().timeout().seconds(), 86400);
  EXPECT_TRUE(steps[4].has_approval());
  EXPECT_TRUE(steps[5].has_approval());
}

TEST(LoaderValidTest, DurationForms) {
  const LoadResult result = LoadYaml(R"(name: c
steps:
  - id: a
    action: x.insights
    retry: {initial_backoff: 500ms, max_backoff: 1h30m}
    timeouts: {start_to_close: 2d, heartbeat: 90s, schedule_to_start: 0}
)");
  ASSERT_THAT(Printed(result), ElementsAre("c.yaml:6:71: step 'a': schedule_to_start must be "
                                           "longer than zero"));
  const v1::Step& step = result.spec.steps(0);
  EXPECT_EQ(step.retry().initial_backoff().nanos(), 500'000'000);
  EXPECT_EQ(step.retry().max_backoff().seconds(), 5400);
  EXPECT_EQ(step.timeouts().start_to_close().seconds(), 2 * 86400);
  EXPECT_EQ(step.timeouts().heartbeat().seconds(), 90);
}

TEST(LoaderValidTest, AnchorsAndAliasesAreResolved) {
  const LoadResult result = LoadYaml(R"(name: c
steps:
  - id: a
    action: x.publish
    retry: &patient {max_attempts: 6, initial_backoff: 1m}
    with: &post
      text: Hello
      link: https://acme.example
  - id: b
    action: facebook.publish
    retry: *patient
    with: *post
)");
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(result.spec.steps(0).retry(),
                                                                 result.spec.steps(1).retry()));
  EXPECT_EQ(result.spec.steps(1).retry().max_attempts(), 6);
  EXPECT_EQ(result.spec.steps(1).with().fields().at("text").string_value(), "Hello");
}

TEST(LoaderValidTest, NeedsMayBeOneName) {
  const LoadResult result = LoadYaml(R"(name: c
steps:
  - {id: a, action: x.insights}
  - {id: b, action: x.insights, needs: a}
)");
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_THAT(result.spec.steps(1).needs(), ElementsAre("a"));
}

TEST(LoaderValidTest, AccountsAsOneNameOrAList) {
  const LoadResult result = LoadYaml(R"(name: c
accounts:
  facebook: acme_fb
  x: [acme_x, acme_x_backup]
  mastodon: acme_social
steps:
  - {id: a, action: mastodon.toot}
)");
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_THAT(result.spec.accounts().at("facebook").names(), ElementsAre("acme_fb"));
  EXPECT_THAT(result.spec.accounts().at("x").names(), ElementsAre("acme_x", "acme_x_backup"));
}

TEST(LoaderValidTest, RepeatBlockMayReadOuterStepsItsBlockNeeds) {
  const LoadResult result = LoadYaml(R"(name: c
steps:
  - id: boost
    action: facebook.boost
  - id: loop
    needs: [boost]
    repeat:
      every: 6h
      until: "steps.measure.output.cpc > 2 || iteration >= 10"
      steps:
        - id: measure
          action: facebook.insights
          with:
            ad: "{{ steps.boost.output.ad_id }}"
            before: "{{ previous.steps.measure.output }}"
            n: "{{ iteration }}"
  - id: report
    needs: [loop]
    action: content.generate
    with: {iterations: "{{ steps.loop.output.iterations }}"}
)");
  EXPECT_THAT(Printed(result), IsEmpty());
}

TEST(LoaderValidTest, ConditionMayBeATemplate) {
  const LoadResult result = LoadYaml(R"(name: c
params:
  go: {type: bool, default: true}
steps:
  - {id: a, action: x.insights, when: "{{ params.go }}"}
  - {id: b, action: x.insights, when: params.go && campaign.name == 'c' && run.labels.x == 'y'}
)");
  EXPECT_THAT(Printed(result), IsEmpty());
}

TEST(LoaderValidTest, CustomWorkerPoolsAreAccepted) {
  const LoadResult result = LoadYaml(R"(name: c
steps:
  - {id: a, action: crm.sync_leads, idempotent: false}
)");
  ASSERT_THAT(Printed(result), IsEmpty());
  EXPECT_FALSE(result.spec.steps(0).idempotent());
  EXPECT_TRUE(result.spec.steps(0).has_idempotent());
}

TEST(LoaderValidTest, FormatForPath) {
  EXPECT_EQ(*FormatForPath("a.yaml"), SourceFormat::kYaml);
  EXPECT_EQ(*FormatForPath("a.yml"), SourceFormat::kYaml);
  EXPECT_EQ(*FormatForPath("a.textproto"), SourceFormat::kTextProto);
  EXPECT_EQ(*FormatForPath("a.pbtxt"), SourceFormat::kTextProto);
  EXPECT_EQ(*FormatForPath("a.json"), SourceFormat::kJson);
  EXPECT_EQ(*FormatForPath("a.binpb"), SourceFormat::kBinaryProto);
  EXPECT_EQ(FormatForPath("notes.txt").status().message(),
            "notes.txt: unknown file type; campaigns are .yaml/.yml, .textproto, .json or .binpb");
}

TEST(LoaderValidTest, MissingFileIsNotFound) {
  const absl::StatusOr<v1::CampaignSpec> spec = LoadCampaignFile("/nonexistent/campaign.yaml");
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(spec.status().message(),
            "cannot read /nonexistent/campaign.yaml: No such file or directory");
}

}  // namespace
}  // namespace fanfare::definition
