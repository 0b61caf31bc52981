// The CLI's pure output functions: durations, tables, the progress bar, the live frame, the
// watch views, JSON/YAML printing and --param parsing.
#include "cli/render.h"

#include <sstream>

#include "base/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cli/output.h"
#include "cli/param_values.h"
#include "cli/views.h"
#include "tests/cli/golden.h"

namespace fanfare::cli {
namespace {

using ::testing::ElementsAre;
using testing::ExpectGolden;
using ::testing::HasSubstr;

absl::Time At(int hour, int minute, int second, int millis = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 12, 1, hour, minute, second),
                         absl::UTCTimeZone()) +
         absl::Milliseconds(millis);
}

RenderStyle Utc(absl::Time now) {
  RenderStyle style;
  style.zone = absl::UTCTimeZone();
  style.now = now;
  return style;
}

TEST(ShortDurationTest, KeepsTwoUnitsAtMost) {
  EXPECT_EQ(ShortDuration(absl::ZeroDuration()), "0ms");
  EXPECT_EQ(ShortDuration(absl::Milliseconds(120)), "120ms");
  EXPECT_EQ(ShortDuration(absl::Milliseconds(4260)), "4.2s");
  EXPECT_EQ(ShortDuration(absl::Seconds(42)), "42s");
  EXPECT_EQ(ShortDuration(absl::Seconds(192)), "3m12s");
  EXPECT_EQ(ShortDuration(absl::Minutes(3)), "3m");
  EXPECT_EQ(ShortDuration(absl::Hours(2) + absl::Minutes(5) + absl::Seconds(9)), "2h5m");
  EXPECT_EQ(ShortDuration(absl::Hours(76)), "3d4h");
  EXPECT_EQ(ShortDuration(-absl::Seconds(1)), "0ms");
}

TEST(RenderStyleTest, TimesAreLocalClockTimesWithTheDateForOtherDays) {
  const RenderStyle style = Utc(At(18, 0, 0));
  EXPECT_EQ(style.Time(At(9, 5, 7)), "09:05:07");
  EXPECT_EQ(style.Time(At(9, 5, 7) - absl::Hours(24)), "2026-11-30 09:05:07");
  EXPECT_EQ(style.Time(google::protobuf::Timestamp()), "-");
  RenderStyle placeholders = style;
  placeholders.placeholders = true;
  EXPECT_EQ(placeholders.Time(At(9, 5, 7)), "hh:mm:ss");
  EXPECT_EQ(placeholders.Duration(absl::Seconds(3)), "<dur>");
}

TEST(TableTest, AlignsColumnsByCharactersAndTrimsLineEnds) {
  Table table({"STEP", "STATE", "DETAIL"});
  table.AddRow({"copy", "SUCCEEDED", ""});
  table.AddRow({"publish[café]", "RUNNING", "worker w-1\nsecond line"});
  table.AddRow({"x"});
  EXPECT_THAT(table.Lines(),
              ElementsAre("STEP           STATE      DETAIL", "copy           SUCCEEDED",
                          "publish[café]  RUNNING    worker w-1 second line", "x"));
}

TEST(ProgressBarTest, FillsInProportion) {
  EXPECT_EQ(ProgressBar(0, 4, 8), "[........]  0/4");
  EXPECT_EQ(ProgressBar(3, 4, 8), "[######..]  3/4");
  EXPECT_EQ(ProgressBar(4, 4, 8), "[########]  4/4");
  EXPECT_EQ(ProgressBar(0, 0, 4), "[....]  0/0");
}

TEST(TruncateTest, CutsByCharacters) {
  EXPECT_EQ(Truncate("abcdef", 6), "abcdef");
  EXPECT_EQ(Truncate("abcdef", 4), "abc…");
  EXPECT_EQ(Truncate("ééééé", 3), "éé…");
}

TEST(LiveFrameTest, RedrawsOverThePreviousFrame) {
  std::ostringstream out;
  LiveFrame frame(out);
  frame.Draw({"a", "b", "c"});
  EXPECT_EQ(out.str(), "\r\x1b[2Ka\n\r\x1b[2Kb\n\r\x1b[2Kc\n\x1b[J");
  out.str("");
  frame.Draw({"d"});
  EXPECT_EQ(out.str(), "\x1b[3A\r\x1b[2Kd\n\x1b[J");
  out.str("");
  frame.Draw({"e", "f"});
  EXPECT_EQ(out.str(), "\x1b[1A\r\x1b[2Ke\n\r\x1b[2Kf\n\x1b[J");
}

v1::StepInstance* AddStep(v1::Run& run, const std::string& key, v1::StepState state, int attempt,
                          absl::Time started, absl::Time ended) {
  v1::StepInstance* step = run.add_steps();
  step->set_key(key);
  step->set_state(state);
  step->set_attempt(attempt);
  step->set_action("test.echo");
  if (started != absl::InfinitePast()) *step->mutable_started_at() = ToProtoTime(started);
  if (ended != absl::InfinitePast()) *step->mutable_ended_at() = ToProtoTime(ended);
  ++(*run.mutable_step_counts())[v1::StepState_Name(state)];
  return step;
}

// A run in the middle of things: one step done, one running, one waiting for approval, one
// retrying after an error, one pending.
v1::Run RunningRun() {
  v1::Run run;
  run.set_run_id("launch-1");
  run.set_campaign("product-launch");
  run.set_campaign_version(3);
  run.set_status(v1::RUN_STATUS_RUNNING);
  *run.mutable_created_at() = ToProtoTime(At(12, 0, 0));
  const absl::Time never = absl::InfinitePast();
  AddStep(run, "copy", v1::STEP_STATE_SUCCEEDED, 1, At(12, 0, 1), At(12, 0, 1, 120));
  AddStep(run, "publish[facebook]", v1::STEP_STATE_RUNNING, 1, At(12, 0, 2), never)
      ->set_worker_id("worker-7");
  v1::StepInstance* approve = AddStep(run, "approve_copy", v1::STEP_STATE_WAITING, 0, never, never);
  approve->mutable_waiting()->set_kind(v1::WaitingReason::KIND_APPROVAL);
  approve->mutable_waiting()->set_detail("Approve the launch copy");
  v1::StepInstance* boost = AddStep(run, "boost", v1::STEP_STATE_WAITING, 1, At(12, 0, 3), never);
  boost->mutable_waiting()->set_kind(v1::WaitingReason::KIND_BACKOFF);
  *boost->mutable_waiting()->mutable_until() = ToProtoTime(At(12, 0, 33));
  boost->mutable_last_error()->set_type(v1::ERROR_TYPE_RETRYABLE);
  boost->mutable_last_error()->set_message("the network hiccuped");
  AddStep(run, "report", v1::STEP_STATE_PENDING, 0, never, never);
  return run;
}

TEST(WatchFrameTest, ShowsEveryStepWithProgress) {
  const std::vector<std::string> lines =
      RenderWatchFrame(RunningRun(), Utc(At(12, 0, 10)), 200, 20);
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  ExpectGolden("watch_frame.txt", text);
}

TEST(WatchFrameTest, FitsTheTerminalAndShowsActiveStepsFirst) {
  const std::vector<std::string> lines = RenderWatchFrame(RunningRun(), Utc(At(12, 0, 10)), 40, 3);
  // Header, progress bar, table header, two rows, the "more" line.
  ASSERT_EQ(lines.size(), 6u);
  for (const std::string& line : lines) EXPECT_LE(DisplayWidth(line), 40u) << line;
  EXPECT_THAT(lines[3], HasSubstr("publish[facebook]"));
  EXPECT_THAT(lines[4], HasSubstr("approve_copy"));
  EXPECT_EQ(lines[5], "… and 3 more steps");
}

v1::HistoryEvent Event(int64_t seq, absl::Time time, v1::EventType type, const std::string& key,
                       int attempt) {
  v1::HistoryEvent event;
  event.set_seq(seq);
  *event.mutable_time() = ToProtoTime(time);
  event.set_type(type);
  event.set_step_key(key);
  event.set_attempt(attempt);
  return event;
}

TEST(EventLinesTest, OneLinePerEventWithAttemptDurations) {
  EventLines lines(Utc(At(13, 0, 0)));
  v1::HistoryEvent started = Event(1, At(12, 0, 0), v1::EVENT_TYPE_RUN_STARTED, "", 0);
  started.set_actor("maria");
  started.set_message("campaign product-launch v3");
  EXPECT_EQ(lines.Line(started), "12:00:00 run STARTED by maria: campaign product-launch v3");
  EXPECT_EQ(lines.Line(Event(2, At(12, 0, 1), v1::EVENT_TYPE_STEP_STARTED, "publish[x]", 1)),
            "12:00:01 publish[x] STARTED attempt 1");
  EXPECT_EQ(lines.Line(Event(3, At(12, 0, 1, 120), v1::EVENT_TYPE_STEP_SUCCEEDED, "publish[x]", 1)),
            "12:00:01 publish[x] SUCCEEDED attempt 1 (120ms)");
  v1::HistoryEvent failed = Event(4, At(12, 0, 2), v1::EVENT_TYPE_STEP_ATTEMPT_FAILED, "boost", 1);
  failed.mutable_error()->set_type(v1::ERROR_TYPE_THROTTLED);
  failed.mutable_error()->set_code("613");
  failed.mutable_error()->set_message("too many calls");
  EXPECT_EQ(lines.Line(failed),
            "12:00:02 boost ATTEMPT_FAILED attempt 1: throttled 613: too many calls");
  v1::HistoryEvent approved =
      Event(5, At(12, 0, 3), v1::EVENT_TYPE_STEP_APPROVED, "approve_copy", 0);
  approved.set_actor("lee");
  approved.set_message("reads well");
  EXPECT_EQ(lines.Line(approved), "12:00:03 approve_copy APPROVED by lee: reads well");
  v1::HistoryEvent ended = Event(6, At(12, 1, 4), v1::EVENT_TYPE_RUN_FAILED, "", 0);
  ended.mutable_error()->set_type(v1::ERROR_TYPE_REJECTED_INPUT);
  ended.mutable_error()->set_message("step boost failed: bad media");
  ended.set_message("step boost failed: bad media");
  EXPECT_EQ(lines.Line(ended),
            "12:01:04 run FAILED (1m4s): rejected_input: step boost failed: bad media");
}

TEST(OutputTest, JsonUsesProtoNamesAndSortsMaps) {
  v1::Run run;
  run.set_run_id("r");
  (*run.mutable_labels())["zeta"] = "1";
  (*run.mutable_labels())["alpha"] = "2";
  (*run.mutable_params()->mutable_fields())["b"].set_number_value(40);
  (*run.mutable_params()->mutable_fields())["a"].set_string_value("x");
  absl::StatusOr<std::string> json = MessageToJson(run);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({
  "run_id": "r",
  "params": {
    "a": "x",
    "b": 40
  },
  "labels": {
    "alpha": "2",
    "zeta": "1"
  }
}
)");
}

TEST(OutputTest, YamlQuotesWhatWouldReadBackAsSomethingElse) {
  EXPECT_EQ(JsonToYaml(R"({"version": "3", "n": 3, "ok": true, "word": "yes", "empty": "",
                          "text": "Acme Rocket", "url": "https://acme.example/x",
                          "colon": "a: b", "key[x]": null, "multi": "a\nb"})"),
            "version: \"3\"\n"
            "n: 3\n"
            "ok: true\n"
            "word: \"yes\"\n"
            "empty: \"\"\n"
            "text: Acme Rocket\n"
            "url: https://acme.example/x\n"
            "colon: \"a: b\"\n"
            "\"key[x]\": null\n"
            "multi: \"a\\nb\"\n");
}

TEST(OutputTest, YamlNestsListsAndMapsInBlockStyle) {
  EXPECT_EQ(JsonToYaml(R"({"steps": [{"key": "a", "tags": ["x", "y"]}, [1, 2], {}],
                          "none": [], "map": {"inner": {"deep": 1.5}}})"),
            "steps:\n"
            "  - key: a\n"
            "    tags:\n"
            "      - x\n"
            "      - y\n"
            "  - - 1\n"
            "    - 2\n"
            "  - {}\n"
            "none: []\n"
            "map:\n"
            "  inner:\n"
            "    deep: 1.5\n");
}

TEST(OutputTest, ParsesOutputFormats) {
  EXPECT_EQ(*ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(*ParseOutputFormat("yaml"), OutputFormat::kYaml);
  EXPECT_EQ(*ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_THAT(std::string(ParseOutputFormat("xml").status().message()),
              HasSubstr("expected table, json or yaml"));
}

TEST(ParamValuesTest, ValuesReadAsYamlScalarsListsAndMaps) {
  EXPECT_EQ(ParseValueText("40", "x")->number_value(), 40);
  EXPECT_EQ(ParseValueText("1.5", "x")->number_value(), 1.5);
  EXPECT_TRUE(ParseValueText("true", "x")->bool_value());
  EXPECT_TRUE(ParseValueText("null", "x")->has_null_value());
  EXPECT_EQ(ParseValueText("[a, b]", "x")->list_value().values(1).string_value(), "b");
  EXPECT_EQ(ParseValueText(R"({"k": 2})", "x")->struct_value().fields().at("k").number_value(), 2);
  EXPECT_EQ(ParseValueText("\"40\"", "x")->string_value(), "40");
  EXPECT_EQ(ParseValueText("Acme Rocket", "x")->string_value(), "Acme Rocket");
  EXPECT_EQ(ParseValueText("note: this stays text", "x")->string_value(), "note: this stays text");
  EXPECT_EQ(ParseValueText("- a", "x")->string_value(), "- a");
  EXPECT_EQ(ParseValueText("", "x")->string_value(), "");
  absl::StatusOr<google::protobuf::Value> bad = ParseValueText("[a,", "--param networks");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--param networks:"));
}

v1::CampaignSpec SpecWithParams() {
  v1::CampaignSpec spec;
  auto add = [&](const std::string& name, v1::ParamType type) {
    v1::ParamSpec* param = spec.add_params();
    param->set_name(name);
    param->set_type(type);
  };
  add("tag", v1::PARAM_TYPE_STRING);
  add("daily_budget", v1::PARAM_TYPE_DOUBLE);
  add("window", v1::PARAM_TYPE_DURATION);
  add("networks", v1::PARAM_TYPE_LIST);
  return spec;
}

TEST(ParamValuesTest, DeclaredTypesDecideTextOrValue) {
  const v1::CampaignSpec spec = SpecWithParams();
  absl::StatusOr<google::protobuf::Struct> params =
      BuildParams({"tag=2024", "daily_budget=40", "window=6h", "networks=[facebook, x]", "other=7"},
                  "", "", &spec);
  ASSERT_TRUE(params.ok()) << params.status();
  const auto& fields = params->fields();
  EXPECT_EQ(fields.at("tag").string_value(), "2024");
  EXPECT_EQ(fields.at("daily_budget").number_value(), 40);
  EXPECT_EQ(fields.at("window").string_value(), "6h");
  EXPECT_EQ(fields.at("networks").list_value().values_size(), 2);
  EXPECT_EQ(fields.at("other").number_value(), 7) << "undeclared params are read as YAML";
}

TEST(ParamValuesTest, FlagsOverrideTheParamsFile) {
  const v1::CampaignSpec spec = SpecWithParams();
  absl::StatusOr<google::protobuf::Struct> params = BuildParams(
      {"daily_budget=55"}, "tag: 2024\ndaily_budget: 40\nnetworks: [x]\n", "params.yaml", &spec);
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_EQ(params->fields().at("tag").string_value(), "2024");
  EXPECT_EQ(params->fields().at("daily_budget").number_value(), 55);
  EXPECT_EQ(params->fields().at("networks").list_value().values(0).string_value(), "x");

  params = BuildParams({}, R"({"daily_budget": 12.5})", "params.json", &spec);
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_EQ(params->fields().at("daily_budget").number_value(), 12.5);
}

TEST(ParamValuesTest, MalformedInputNamesTheFlagOrFile) {
  absl::StatusOr<google::protobuf::Struct> params = BuildParams({"daily_budget"}, "", "", nullptr);
  EXPECT_THAT(std::string(params.status().message()),
              HasSubstr("--param daily_budget: expected KEY=VALUE, e.g. --param daily_budget=40"));
  params = BuildParams({}, "- a\n- b\n", "params.yaml", nullptr);
  EXPECT_THAT(std::string(params.status().message()),
              HasSubstr("params.yaml: expected a map of param names to values"));
  params = BuildParams({}, "a: [1,\n", "params.yaml", nullptr);
  EXPECT_THAT(std::string(params.status().message()), HasSubstr("params.yaml:"));
  EXPECT_FALSE(SplitKeyValue("label", "=x").ok());
  EXPECT_EQ(SplitKeyValue("label", "team=a=b")->second, "a=b");
}

}  // namespace
}  // namespace fanfare::cli
