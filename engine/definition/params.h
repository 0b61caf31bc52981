// A run's params: checked against the campaign's declarations, defaults filled in, and turned
// into the typed value expressions see as `params`.
#ifndef FANFARE_ENGINE_DEFINITION_PARAMS_H_
#define FANFARE_ENGINE_DEFINITION_PARAMS_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/expr/value.h"
#include "fanfare/v1/campaign.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::definition {

// Empty if `value` is a valid value of `type`; otherwise what it should be ("an integer",
// "a duration such as 6h or 2d"), for messages.
std::string ParamTypeMismatch(const google::protobuf::Value& value, v1::ParamType type);

// `given` with every declared default added. InvalidArgument naming the param for an
// undeclared param, a missing required one, or a value of the wrong type (durations as
// "6h", timestamps as RFC 3339 strings).
absl::StatusOr<google::protobuf::Struct> ResolveParams(const v1::CampaignSpec& spec,
                                                       const google::protobuf::Struct& given);

// The `params` variable: resolved params with durations and timestamps as typed values.
// REQUIRES: `resolved` came from ResolveParams for the same spec.
expr::Value ParamsValue(const v1::CampaignSpec& spec, const google::protobuf::Struct& resolved);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_PARAMS_H_
