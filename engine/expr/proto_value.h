// Conversions between expr::Value and google.protobuf.Value / Struct, the form values take
// in the protobuf contract (a step's `with`, a task's input, a step's output).
//
// Protobuf values have no int, timestamp or duration: numbers become ints when they are
// integral and within ±2^53, otherwise doubles; timestamps are written as RFC 3339 strings and
// durations as "1h30m" strings. Errors cannot be converted.
#ifndef FANFARE_ENGINE_EXPR_PROTO_VALUE_H_
#define FANFARE_ENGINE_EXPR_PROTO_VALUE_H_

#include "absl/status/statusor.h"
#include "engine/expr/value.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::expr {

Value FromProto(const google::protobuf::Value& value);
Value FromProto(const google::protobuf::Struct& value);
Value FromProto(const google::protobuf::ListValue& value);

// InvalidArgument if `value` is or contains an error Value (the message names its path).
absl::StatusOr<google::protobuf::Value> ToProto(const Value& value);
// The same, written into `out` (which may live on an arena, so that the converted value is
// allocated there). On error `out` holds a partial value.
absl::Status ToProto(const Value& value, google::protobuf::Value* out);
// InvalidArgument also if `value` is not a map.
absl::StatusOr<google::protobuf::Struct> ToProtoStruct(const Value& value);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_PROTO_VALUE_H_
