#include "engine/definition/params.h"

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/durations.h"
#include "base/suggest.h"
#include "engine/definition/limits.h"
#include "engine/expr/proto_value.h"

namespace fanfare::definition {
namespace {

using google::protobuf::Value;

// A time that a google.protobuf.Timestamp can hold.
bool ParseTimestamp(const std::string& text, absl::Time* out) {
  std::string error;
  return absl::ParseTime(absl::RFC3339_full, text, out, &error) && TimeProblem(*out).empty();
}

}  // namespace

std::string ParamTypeMismatch(const Value& value, v1::ParamType type) {
  switch (type) {
    case v1::PARAM_TYPE_STRING:
      return value.has_string_value() ? "" : "a string";
    case v1::PARAM_TYPE_INT:
      if (!value.has_number_value() || !NumberProblem(value.number_value()).empty() ||
          std::trunc(value.number_value()) != value.number_value()) {
        return "an integer";
      }
      return IntegerProblem(value.number_value()).empty() ? ""
                                                          : "an integer between -2^53 and 2^53";
    case v1::PARAM_TYPE_DOUBLE:
      if (!value.has_number_value()) return "a number";
      return NumberProblem(value.number_value()).empty() ? "" : "a finite number";
    case v1::PARAM_TYPE_BOOL:
      return value.has_bool_value() ? "" : "true or false";
    case v1::PARAM_TYPE_LIST:
      return value.has_list_value() ? "" : "a list";
    case v1::PARAM_TYPE_MAP:
      return value.has_struct_value() ? "" : "a map";
    case v1::PARAM_TYPE_DURATION: {
      if (!value.has_string_value()) return "a duration such as 6h or 2d";
      absl::StatusOr<absl::Duration> d = ParseDuration(value.string_value());
      if (!d.ok()) return "a duration such as 6h or 2d";
      return absl::AbsDuration(*d) <= kMaxDuration ? "" : "a duration of at most 10 years";
    }
    case v1::PARAM_TYPE_TIMESTAMP: {
      absl::Time t;
      std::string error;
      if (!value.has_string_value() ||
          !absl::ParseTime(absl::RFC3339_full, value.string_value(), &t, &error)) {
        return "an RFC 3339 time such as 2026-12-01T09:00:00Z";
      }
      return TimeProblem(t).empty() ? "" : "a time in the years 1 to 9999";
    }
    default:
      return "";
  }
}

absl::StatusOr<google::protobuf::Struct> ResolveParams(const v1::CampaignSpec& spec,
                                                       const google::protobuf::Struct& given) {
  std::vector<std::string> declared;
  for (const v1::ParamSpec& param : spec.params()) declared.push_back(param.name());
  std::vector<std::string> problems;
  for (const auto& [name, value] : given.fields()) {
    if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
      if (problems.size() >= 10) break;
      problems.push_back(absl::StrCat("unknown param '", Echo(name, 63), "'",
                                      DidYouMean(name, declared),
                                      "; campaign ", spec.metadata().name(), " declares ",
                                      declared.empty() ? "none" : absl::StrJoin(declared, ", ")));
    }
  }
  google::protobuf::Struct resolved;
  for (const v1::ParamSpec& param : spec.params()) {
    auto it = given.fields().find(param.name());
    if (it == given.fields().end()) {
      if (param.has_default_value()) {
        (*resolved.mutable_fields())[param.name()] = param.default_value();
      } else if (param.required()) {
        problems.push_back(absl::StrCat("param '", param.name(), "' is required"));
      }
      continue;
    }
    if (std::string want = ParamTypeMismatch(it->second, param.type()); !want.empty()) {
      problems.push_back(absl::StrCat("param '", param.name(), "' must be ", want));
      continue;
    }
    if (std::string problem = ValueProblem(it->second, param.name()); !problem.empty()) {
      problems.push_back(absl::StrCat("param ", problem));
      continue;
    }
    (*resolved.mutable_fields())[param.name()] = it->second;
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return resolved;
}

expr::Value ParamsValue(const v1::CampaignSpec& spec, const google::protobuf::Struct& resolved) {
  expr::Value::Map params;
  for (const auto& [name, value] : resolved.fields()) params.emplace(name, expr::FromProto(value));
  for (const v1::ParamSpec& param : spec.params()) {
    auto it = params.find(param.name());
    if (it == params.end() || !it->second.is_string()) continue;
    if (param.type() == v1::PARAM_TYPE_DURATION) {
      if (auto d = ParseDuration(it->second.string_value()); d.ok()) it->second = expr::Value::Duration(*d);
    } else if (param.type() == v1::PARAM_TYPE_TIMESTAMP) {
      absl::Time t;
      if (ParseTimestamp(it->second.string_value(), &t)) it->second = expr::Value::Timestamp(t);
    }
  }
  return expr::Value::MakeMap(std::move(params));
}

}  // namespace fanfare::definition
