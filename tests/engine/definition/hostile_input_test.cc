// Hostile and broken campaigns: each is refused with a clear, bounded message, in time
// linear in its size, on both paths a campaign takes in (YAML and a CampaignSpec message).
#include <chrono>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/definition/limits.h"
#include "engine/definition/loader.h"
#include "engine/definition/params.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::definition {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A campaign of `n` steps, each needing the one before, listed last to first.
std::string ReversedChain(int n) {
  std::string yaml = "name: chain\nsteps:\n";
  for (int i = n - 1; i >= 0; --i) {
    absl::StrAppend(&yaml, "  - {id: s", i, ", action: x.insights",
                    i > 0 ? absl::StrCat(", needs: [s", i - 1, "]") : "", "}\n");
  }
  return yaml;
}

LoadResult Yaml(const std::string& text) {
  return ParseCampaign(text, SourceFormat::kYaml, "c.yaml");
}

// How long `fn` takes, in seconds.
template <typename Fn>
double Seconds(Fn fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(HostileInputTest, AChainAtTheStepLimitValidates) {
  const std::string yaml = ReversedChain(kMaxSteps);
  LoadResult result;
  const double took = Seconds([&] { result = Yaml(yaml); });
  EXPECT_TRUE(result.status.ok()) << result.status.message();
  // Linear work: milliseconds. Before, the ancestor sets made this quadratic.
  EXPECT_LT(took, 2.0);
  // Every step may read every step before it.
  std::string last = ReversedChain(kMaxSteps);
  last.replace(last.find("action: x.insights", last.find("id: s999")), 18,
               "action: x.insights, when: \"{{ steps.s0.state == 'SUCCEEDED' }}\"");
  EXPECT_TRUE(Yaml(last).status.ok()) << Yaml(last).status.message();
}

TEST(HostileInputTest, AChainFarBeyondTheLimitIsRefusedWithoutRecursion) {
  // 20,000 steps overflowed the stack of the recursive walks before.
  v1::CampaignSpec spec;
  spec.mutable_metadata()->set_name("chain");
  for (int i = 19'999; i >= 0; --i) {
    v1::Step& step = *spec.add_steps();
    step.set_id(absl::StrCat("s", i));
    step.set_action("x.insights");
    if (i > 0) step.add_needs(absl::StrCat("s", i - 1));
  }
  LoadResult result;
  const double took = Seconds([&] { result = CheckCampaign(spec, "campaign"); });
  EXPECT_THAT(result.status.message(),
              HasSubstr("the campaign has 20000 steps; at most 1000 are allowed"));
  EXPECT_LT(took, 1.0);
  // YAML too (it is smaller than the 1 MiB a source may be).
  const std::string yaml = ReversedChain(15'000);
  ASSERT_LT(yaml.size(), kMaxCampaignBytes);
  EXPECT_THAT(Yaml(yaml).status.message(), HasSubstr("at most 1000 are allowed"));
}

TEST(HostileInputTest, StepsInsideRepeatBlocksCount) {
  std::string yaml = "name: c\nsteps:\n  - id: loop\n    repeat:\n      max_iterations: 2\n"
                     "      steps:\n";
  for (int i = 0; i <= kMaxSteps; ++i) absl::StrAppend(&yaml, "        - {id: b", i, ", action: x.insights}\n");
  EXPECT_THAT(Yaml(yaml).status.message(), HasSubstr("the campaign has 1002 steps"));
}

TEST(HostileInputTest, ALongCycleIsPrintedShort) {
  std::string yaml = "name: c\nsteps:\n";
  for (int i = 0; i < 500; ++i) {
    absl::StrAppend(&yaml, "  - {id: s", i, ", action: x.insights, needs: [s", (i + 1) % 500, "]}\n");
  }
  const LoadResult result = Yaml(yaml);
  ASSERT_FALSE(result.status.ok());
  EXPECT_THAT(result.status.message(), HasSubstr("dependency cycle: s0 → s1 → s2 → s3 → s4 → s5 → "
                                                 "… (488 more) → s494"));
  EXPECT_LT(result.status.message().size(), 2000u);
}

TEST(HostileInputTest, ProblemsBeyondTheFiftiethAreCountedNotListed) {
  std::string yaml = "name: c\nsteps:\n";
  for (int i = 0; i < 900; ++i) {
    absl::StrAppend(&yaml, "  - {id: s", i, ", action: x.insights, needs: [missing_", i, "]}\n");
  }
  const LoadResult result = Yaml(yaml);
  EXPECT_THAT(result.status.message(), HasSubstr("900 errors in c.yaml"));
  EXPECT_THAT(result.status.message(), HasSubstr("… and 850 more"));
  EXPECT_EQ(result.diagnostics.size(), Diagnostics::kMaxKept);
}

TEST(HostileInputTest, ThousandsOfUnknownReferencesCostNoSuggestionEach) {
  // One step reading 20,000 unknown steps, in a campaign of 1,000: a "did you mean" for
  // each would cost an edit distance against every step id, each time.
  std::string yaml = "name: c\nsteps:\n";
  for (int i = 0; i < kMaxSteps - 1; ++i) {
    absl::StrAppend(&yaml, "  - {id: step_", i, ", action: x.insights}\n");
  }
  absl::StrAppend(&yaml, "  - id: last\n    action: x.insights\n    with:\n");
  for (int i = 0; i < 20'000; ++i) {
    absl::StrAppend(&yaml, "      f", i, ": \"{{ steps.stop_", i, " }}\"\n");
  }
  ASSERT_LT(yaml.size(), kMaxCampaignBytes);
  LoadResult result;
  const double took = Seconds([&] { result = Yaml(yaml); });
  EXPECT_THAT(result.status.message(), HasSubstr("unknown step 'stop_"));
  EXPECT_EQ(result.diagnostics.size(), Diagnostics::kMaxKept);
  EXPECT_LT(took, 5.0);
}

TEST(HostileInputTest, EchoedInputIsTruncated) {
  const std::string huge(20'000, 'q');
  const LoadResult result = Yaml(absl::StrCat("name: c\nsteps:\n  - {id: a, action: x.insights, "
                                              "needs: [", huge, "]}\n"));
  ASSERT_FALSE(result.status.ok());
  EXPECT_THAT(result.status.message(), HasSubstr("needs unknown step 'qqq"));
  EXPECT_LT(result.status.message().size(), 1000u);
}

TEST(HostileInputTest, ASecondYamlDocumentIsRefusedNotDropped) {
  const LoadResult result = Yaml("name: a\nsteps: [{id: s, action: x.insights}]\n---\n"
                                 "name: b\nsteps: [{id: s, action: x.insights}]\n");
  EXPECT_THAT(result.status.message(),
              HasSubstr("c.yaml:4:1: the file holds 2 YAML documents; a campaign file holds "
                        "exactly one"));
}

TEST(HostileInputTest, TextThatIsNotUtf8IsRefusedWithItsPlace) {
  const LoadResult result = Yaml("name: c\nsteps:\n  - {id: a, action: x.insights, with: {t: \"\xff\xfe\"}}\n");
  EXPECT_THAT(result.status.message(),
              HasSubstr("c.yaml:3:44: the file is not UTF-8 text (byte 58 "));
  // Overlong forms and surrogates are not UTF-8 either.
  EXPECT_NE(InvalidUtf8Offset("\xc0\xaf"), absl::string_view::npos);
  EXPECT_NE(InvalidUtf8Offset("\xed\xa0\x80"), absl::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("café ✓ 🎉"), absl::string_view::npos);
}

TEST(HostileInputTest, ASourceOverOneMebibyteIsRefusedBeforeParsing) {
  std::string yaml = "name: c\nsteps: [{id: a, action: x.insights}]\n# ";
  yaml.append(kMaxCampaignBytes, 'x');
  EXPECT_THAT(Yaml(yaml).status.message(), HasSubstr("at most 1048576 (1 MiB) are allowed"));
}

TEST(HostileInputTest, DeepNestingIsRefused) {
  std::string nested(200, '[');
  nested.append(200, ']');
  EXPECT_THAT(Yaml(absl::StrCat("name: c\nsteps:\n  - {id: a, action: x.insights, with: {v: ",
                                nested, "}}\n")).status.message(),
              HasSubstr("values nest more than 64 deep"));
}

TEST(HostileInputTest, TooManyForEachItemsAreRefused) {
  std::string items;
  for (int i = 0; i <= kMaxForEachItems; ++i) absl::StrAppend(&items, i == 0 ? "" : ", ", "i", i);
  EXPECT_THAT(Yaml(absl::StrCat("name: c\nsteps:\n  - {id: a, action: x.insights, for_each: [",
                                items, "]}\n")).status.message(),
              HasSubstr("for_each lists 1001 items; at most 1000 are allowed"));
}

// A spec sent as a message gets the checks the YAML reader makes.
v1::CampaignSpec OneStep() {
  v1::CampaignSpec spec;
  spec.mutable_metadata()->set_name("c");
  v1::Step& step = *spec.add_steps();
  step.set_id("a");
  step.set_action("x.insights");
  return spec;
}

std::string ProblemsOf(const v1::CampaignSpec& spec) {
  return std::string(CheckCampaign(spec, "campaign").status.message());
}

TEST(HostileInputTest, ProtobufDurationsAreRangeChecked) {
  v1::CampaignSpec spec = OneStep();
  v1::Step& wait = *spec.add_steps();
  wait.set_id("w");
  wait.mutable_wait()->mutable_duration()->set_seconds(-60);
  spec.mutable_steps(0)->mutable_retry()->mutable_initial_backoff()->set_seconds(-1);
  spec.mutable_steps(0)->mutable_retry()->mutable_max_backoff()->set_nanos(2'000'000'000);
  spec.mutable_steps(0)->mutable_timeouts()->mutable_start_to_close()->set_seconds(int64_t{1} << 40);
  const std::string problems = ProblemsOf(spec);
  EXPECT_THAT(problems, HasSubstr("step 'w': wait must not be negative"));
  EXPECT_THAT(problems, HasSubstr("step 'a': retry.initial_backoff must not be negative"));
  EXPECT_THAT(problems, HasSubstr("step 'a': retry.max_backoff is not a valid duration"));
  EXPECT_THAT(problems, HasSubstr("step 'a': start_to_close must be at most"));
}

TEST(HostileInputTest, ProtobufBudgetsAreRangeChecked) {
  v1::CampaignSpec spec = OneStep();
  spec.mutable_budget()->set_currency("USD");
  spec.mutable_budget()->set_total_micros(-5);
  spec.mutable_budget()->set_daily_max_micros(10);
  EXPECT_THAT(ProblemsOf(spec), HasSubstr("budget.total_micros must not be negative"));
}

TEST(HostileInputTest, NonFiniteNumbersAreRefusedEverywhere) {
  v1::CampaignSpec spec = OneStep();
  (*spec.mutable_steps(0)->mutable_with()->mutable_fields())["bid"].set_number_value(
      std::numeric_limits<double>::infinity());
  EXPECT_THAT(ProblemsOf(spec), HasSubstr("with.bid: must be finite"));

  v1::CampaignSpec params = OneStep();
  v1::ParamSpec& count = *params.add_params();
  count.set_name("count");
  count.set_type(v1::PARAM_TYPE_INT);
  v1::ParamSpec& ratio = *params.add_params();
  ratio.set_name("ratio");
  ratio.set_type(v1::PARAM_TYPE_DOUBLE);
  google::protobuf::Struct given;
  (*given.mutable_fields())["count"].set_number_value(1e300);
  (*given.mutable_fields())["ratio"].set_number_value(-std::numeric_limits<double>::infinity());
  const absl::Status status = ResolveParams(params, given).status();
  EXPECT_THAT(status.message(), HasSubstr("param 'count' must be an integer between -2^53 and 2^53"));
  EXPECT_THAT(status.message(), HasSubstr("param 'ratio' must be a finite number"));
  (*given.mutable_fields())["count"].set_number_value(std::numeric_limits<double>::infinity());
  EXPECT_THAT(ResolveParams(params, given).status().message(),
              HasSubstr("param 'count' must be an integer;"));
}

TEST(HostileInputTest, TimesOutsideWhatATimestampHoldsAreRefused) {
  v1::CampaignSpec spec = OneStep();
  v1::Step& wait = *spec.add_steps();
  wait.set_id("w");
  wait.mutable_wait()->set_until("99999-01-01T00:00:00Z");
  const std::string problems = ProblemsOf(spec);
  EXPECT_THAT(problems, Not(IsEmpty()));
  EXPECT_THAT(TimestampProblem([] {
                google::protobuf::Timestamp t;
                t.set_seconds(int64_t{1} << 62);
                return t;
              }()),
              HasSubstr("between the years 1 and 9999"));
}

TEST(HostileInputTest, EchoCutsAtACharacterBoundary) {
  EXPECT_EQ(Echo("short"), "short");
  EXPECT_EQ(Echo("ééé", 3), "é…");  // never half a character
  EXPECT_EQ(Echo(std::string(500, 'a'), 10), "aaaaaaaaaa…");
}

}  // namespace
}  // namespace fanfare::definition
