// ResolveParams and ParamsValue: a run's params against the campaign's declarations.
#include "engine/definition/params.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/engine/definition/test_util.h"

namespace fanfare::definition {
namespace {

using ::fanfare::definition::testing::LoadYaml;

google::protobuf::Struct Json(absl::string_view json) {
  google::protobuf::Struct out;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(json), &out).ok()) << json;
  return out;
}

v1::CampaignSpec Spec() {
  const LoadResult result = LoadYaml(R"(name: launch
params:
  product: {type: string, required: true}
  budget: {type: int, default: 40}
  ratio: {type: double, default: 0.5}
  dry_run: {type: bool, default: false}
  networks: {type: list, default: [facebook, x]}
  utm: {type: map, default: {medium: social}}
  cadence: {type: duration, default: 6h}
  launch_at: {type: timestamp, default: "2026-12-01T09:00:00Z"}
  note: {type: string}
steps:
  - {id: a, action: x.insights}
)");
  EXPECT_TRUE(result.status.ok()) << result.status;
  return result.spec;
}

TEST(ResolveParamsTest, DefaultsAreFilledIn) {
  absl::StatusOr<google::protobuf::Struct> resolved =
      ResolveParams(Spec(), Json(R"({"product": "Rocket", "budget": 100})"));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  const auto& f = resolved->fields();
  EXPECT_EQ(f.at("product").string_value(), "Rocket");
  EXPECT_EQ(f.at("budget").number_value(), 100);
  EXPECT_EQ(f.at("ratio").number_value(), 0.5);
  EXPECT_FALSE(f.at("dry_run").bool_value());
  EXPECT_EQ(f.at("networks").list_value().values_size(), 2);
  EXPECT_EQ(f.at("utm").struct_value().fields().at("medium").string_value(), "social");
  EXPECT_EQ(f.at("cadence").string_value(), "6h");
  // An optional param without a default is simply absent.
  EXPECT_FALSE(f.contains("note"));
}

TEST(ResolveParamsTest, RequiredParamMissing) {
  EXPECT_EQ(ResolveParams(Spec(), Json("{}")).status().message(), "param 'product' is required");
}

TEST(ResolveParamsTest, UnknownParamSuggestsADeclaredOne) {
  EXPECT_EQ(ResolveParams(Spec(), Json(R"({"product": "R", "budjet": 5})")).status().message(),
            "unknown param 'budjet' (did you mean 'budget'?); campaign launch declares product, "
            "budget, ratio, dry_run, networks, utm, cadence, launch_at, note");
}

TEST(ResolveParamsTest, TypeMismatchesNameTheParamAndTheType) {
  const v1::CampaignSpec spec = Spec();
  auto message = [&](absl::string_view json) {
    return std::string(ResolveParams(spec, Json(json)).status().message());
  };
  EXPECT_EQ(message(R"({"product": 5})"), "param 'product' must be a string");
  EXPECT_EQ(message(R"({"product": "R", "budget": 2.5})"), "param 'budget' must be an integer");
  EXPECT_EQ(message(R"({"product": "R", "budget": "40"})"), "param 'budget' must be an integer");
  EXPECT_EQ(message(R"({"product": "R", "ratio": "x"})"), "param 'ratio' must be a number");
  EXPECT_EQ(message(R"({"product": "R", "dry_run": "yes"})"), "param 'dry_run' must be true or false");
  EXPECT_EQ(message(R"({"product": "R", "networks": "x"})"), "param 'networks' must be a list");
  EXPECT_EQ(message(R"({"product": "R", "utm": []})"), "param 'utm' must be a map");
  EXPECT_EQ(message(R"({"product": "R", "cadence": "6 hours"})"),
            "param 'cadence' must be a duration such as 6h or 2d");
  EXPECT_EQ(message(R"({"product": "R", "launch_at": "Dec 1"})"),
            "param 'launch_at' must be an RFC 3339 time such as 2026-12-01T09:00:00Z");
}

TEST(ResolveParamsTest, EveryProblemIsListed) {
  EXPECT_EQ(ResolveParams(Spec(), Json(R"({"budget": "x", "prodcut": "R"})")).status().message(),
            "unknown param 'prodcut' (did you mean 'product'?); campaign launch declares "
            "product, budget, ratio, dry_run, networks, utm, cadence, launch_at, note; param "
            "'product' is required; param 'budget' must be an integer");
}

TEST(ResolveParamsTest, ACampaignWithoutParams) {
  v1::CampaignSpec spec;
  spec.mutable_metadata()->set_name("bare");
  EXPECT_EQ(ResolveParams(spec, Json(R"({"x": 1})")).status().message(),
            "unknown param 'x'; campaign bare declares none");
  EXPECT_TRUE(ResolveParams(spec, Json("{}")).ok());
}

TEST(ParamTypeMismatchTest, EmptyWhenTheValueFits) {
  google::protobuf::Value v;
  v.set_number_value(3);
  EXPECT_EQ(ParamTypeMismatch(v, v1::PARAM_TYPE_INT), "");
  EXPECT_EQ(ParamTypeMismatch(v, v1::PARAM_TYPE_DOUBLE), "");
  EXPECT_EQ(ParamTypeMismatch(v, v1::PARAM_TYPE_STRING), "a string");
  v.set_string_value("1h30m");
  EXPECT_EQ(ParamTypeMismatch(v, v1::PARAM_TYPE_DURATION), "");
  v.set_string_value("2026-12-01T10:00:00+01:00");
  EXPECT_EQ(ParamTypeMismatch(v, v1::PARAM_TYPE_TIMESTAMP), "");
}

TEST(ParamsValueTest, DurationsAndTimestampsAreTyped) {
  const v1::CampaignSpec spec = Spec();
  absl::StatusOr<google::protobuf::Struct> resolved =
      ResolveParams(spec, Json(R"({"product": "Rocket", "cadence": "1h30m"})"));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  const expr::Value params = ParamsValue(spec, *resolved);
  ASSERT_TRUE(params.is_map());
  const expr::Value* cadence = params.Find("cadence");
  ASSERT_NE(cadence, nullptr);
  ASSERT_TRUE(cadence->is_duration());
  EXPECT_EQ(cadence->duration_value(), absl::Minutes(90));
  const expr::Value* launch_at = params.Find("launch_at");
  ASSERT_NE(launch_at, nullptr);
  ASSERT_TRUE(launch_at->is_timestamp());
  EXPECT_EQ(launch_at->timestamp_value(), absl::FromUnixSeconds(1796115600));
  // Whole numbers are ints, others doubles; strings stay strings.
  EXPECT_TRUE(params.Find("budget")->is_int());
  EXPECT_EQ(params.Find("budget")->int_value(), 40);
  EXPECT_TRUE(params.Find("ratio")->is_double());
  EXPECT_TRUE(params.Find("product")->is_string());
  EXPECT_TRUE(params.Find("networks")->is_list());
  EXPECT_EQ(params.Find("note"), nullptr);
}

}  // namespace
}  // namespace fanfare::definition
