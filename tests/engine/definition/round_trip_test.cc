// The same campaign in every format: YAML → proto → JSON / text / binary → proto is lossless,
// and each format goes through the same validator.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/engine/definition/test_util.h"

namespace fanfare::definition {
namespace {

using ::fanfare::definition::testing::ExampleFiles;
using ::fanfare::definition::testing::Printed;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::CampaignSpec LoadExample(const std::filesystem::path& file) {
  absl::StatusOr<v1::CampaignSpec> spec = LoadCampaignFile(file.string());
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : v1::CampaignSpec();
}

std::string Diff(const v1::CampaignSpec& a, const v1::CampaignSpec& b) {
  std::string report;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&report);
  differencer.Compare(a, b);
  return report;
}

TEST(RoundTripTest, YamlToJsonAndBack) {
  for (const auto& file : ExampleFiles()) {
    SCOPED_TRACE(file.string());
    const v1::CampaignSpec spec = LoadExample(file);
    std::string json;
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(spec, &json, print).ok());
    EXPECT_THAT(json, ::testing::HasSubstr("\"default_value\""));  // proto field names
    v1::CampaignSpec parsed;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
    EXPECT_TRUE(MessageDifferencer::Equals(spec, parsed)) << Diff(spec, parsed);

    // The loader reads the same JSON, and validates it.
    const LoadResult loaded = ParseCampaign(json, SourceFormat::kJson, "c.json");
    EXPECT_TRUE(loaded.status.ok()) << loaded.status;
    EXPECT_TRUE(MessageDifferencer::Equals(spec, loaded.spec)) << Diff(spec, loaded.spec);
  }
}

TEST(RoundTripTest, YamlToTextFormatAndBack) {
  for (const auto& file : ExampleFiles()) {
    SCOPED_TRACE(file.string());
    const v1::CampaignSpec spec = LoadExample(file);
    std::string text;
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(spec, &text));
    const LoadResult loaded = ParseCampaign(text, SourceFormat::kTextProto, "c.textproto");
    EXPECT_TRUE(loaded.status.ok()) << loaded.status;
    EXPECT_TRUE(MessageDifferencer::Equals(spec, loaded.spec)) << Diff(spec, loaded.spec);
  }
}

TEST(RoundTripTest, YamlToBinaryAndBack) {
  for (const auto& file : ExampleFiles()) {
    SCOPED_TRACE(file.string());
    const v1::CampaignSpec spec = LoadExample(file);
    const LoadResult loaded =
        ParseCampaign(spec.SerializeAsString(), SourceFormat::kBinaryProto, "c.binpb");
    EXPECT_TRUE(loaded.status.ok()) << loaded.status;
    EXPECT_TRUE(MessageDifferencer::Equals(spec, loaded.spec)) << Diff(spec, loaded.spec);
  }
}

TEST(RoundTripTest, CheckCampaignAcceptsTheExamples) {
  for (const auto& file : ExampleFiles()) {
    SCOPED_TRACE(file.string());
    EXPECT_TRUE(CheckCampaign(LoadExample(file), "campaign").status.ok());
  }
}

TEST(RoundTripTest, TextFormatSyntaxErrorHasLineAndColumn) {
  const LoadResult result = ParseCampaign(R"(metadata { name: "c" }
steps {
  id: "a"
  action: "x.insights"
  neds: "b"
}
)",
                                          SourceFormat::kTextProto, "c.textproto");
  EXPECT_THAT(Printed(result), ElementsAre("c.textproto:5:7: Message type \"fanfare.v1.Step\" "
                                           "has no field named \"neds\"."));
}

TEST(RoundTripTest, TextFormatValidationErrorsHaveTheFieldsPositions) {
  const LoadResult result = ParseCampaign(R"(metadata { name: "c" }
steps {
  id: "a"
  action: "x.insigths"
}
steps { id: "b" action: "x.publish" needs: "a" needs: "zz" }
steps { id: "a" action: "x.publish" }
)",
                                          SourceFormat::kTextProto, "c.textproto");
  EXPECT_THAT(Printed(result),
              ElementsAre("c.textproto:4:12: step 'a': x has no action 'insigths' (did you mean "
                          "'insights'?); its actions are publish, insights, boost, set_budget, "
                          "pause, resume, comments, moderate, search",
                          "c.textproto:6:56: step 'b': needs unknown step 'zz'",
                          "c.textproto:7:14: step 'a': duplicate step id 'a'"));
}

TEST(RoundTripTest, TextFormatExpressionErrorsPointInsideTheString) {
  const LoadResult result = ParseCampaign(R"(metadata { name: "c" }
params { name: "n" type: PARAM_TYPE_INT }
steps {
  id: "a"
  action: "x.insights"
  when:
    "params.n > > 1"
  with { fields { key: "t" value { string_value: "{{ params.nn }}" } } }
}
)",
                                          SourceFormat::kTextProto, "c.textproto");
  // `with` is a Struct: its strings have only the position of `with` itself.
  EXPECT_THAT(Printed(result),
              ElementsAre("c.textproto:7:17: step 'a': in expression \"params.n > > 1\": "
                          "unexpected '>' (expected an operand)",
                          "c.textproto:8:3: step 'a': param 'nn' is not declared (did you mean "
                          "'n'?); declare it under `params:`"));
}

TEST(RoundTripTest, JsonErrors) {
  // Unknown fields are errors (they have no position: the JSON parser gives none).
  EXPECT_THAT(Printed(ParseCampaign(
                  R"({"metadata": {"name": "c"}, "steps": [{"id": "a", "action": "x.insights", "neds": []}]})",
                  SourceFormat::kJson, "c.json")),
              ElementsAre("c.json: invalid JSON campaign: (steps[0]) neds: Cannot find field."));
  // lowerCamel names work as well as snake_case ones; validation runs on the result.
  EXPECT_THAT(Printed(ParseCampaign(
                  R"({"metadata": {"name": "c"},
                      "steps": [{"id": "a", "action": "x.insights", "continueOnFailure": true,
                                 "retry": {"maxAttempts": 500}}]})",
                  SourceFormat::kJson, "c.json")),
              ElementsAre("c.json: step 'a': max_attempts must be between 1 and 100"));
  EXPECT_THAT(Printed(ParseCampaign(
                  R"({"metadata": {"name": "c"},
                      "params": [{"name": "n", "type": "PARAM_TYPE_INT", "default": 3}],
                      "steps": [{"id": "a", "action": "x.insights", "when": "params.n > 1"}]})",
                  SourceFormat::kJson, "c.json")),
              IsEmpty());
}

TEST(RoundTripTest, BinaryGarbageIsReported) {
  EXPECT_THAT(Printed(ParseCampaign("\xff\xff\xff\xff", SourceFormat::kBinaryProto, "c.binpb")),
              ElementsAre("c.binpb: not a valid binary fanfare.v1.CampaignSpec"));
}

}  // namespace
}  // namespace fanfare::definition
