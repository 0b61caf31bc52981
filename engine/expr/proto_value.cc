#include "engine/expr/proto_value.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/durations.h"
#include "base/status_macros.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

// Integral doubles up to 2^53 are exact, so they read back as ints.
constexpr double kMaxExactInt = 9007199254740992.0;

Value FromProtoValue(const google::protobuf::Value& value, int depth);

Value FromProtoList(const google::protobuf::ListValue& list, int depth) {
  if (depth > kMaxWalkDepth) return Value::Error("value is nested too deeply");
  Value::List items;
  items.reserve(list.values_size());
  for (const google::protobuf::Value& item : list.values()) {
    items.push_back(FromProtoValue(item, depth + 1));
  }
  return Value::MakeList(std::move(items));
}

Value FromProtoStruct(const google::protobuf::Struct& value, int depth) {
  if (depth > kMaxWalkDepth) return Value::Error("value is nested too deeply");
  Value::Map entries;
  for (const auto& [key, field] : value.fields()) {
    entries.emplace(key, FromProtoValue(field, depth + 1));
  }
  return Value::MakeMap(std::move(entries));
}

Value FromProtoValue(const google::protobuf::Value& value, int depth) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kBoolValue: return Value::Bool(value.bool_value());
    case google::protobuf::Value::kNumberValue: {
      const double d = value.number_value();
      if (std::trunc(d) == d && std::fabs(d) <= kMaxExactInt) {
        return Value::Int(static_cast<int64_t>(d));
      }
      return Value::Double(d);
    }
    case google::protobuf::Value::kStringValue: return Value::String(value.string_value());
    case google::protobuf::Value::kListValue: return FromProtoList(value.list_value(), depth);
    case google::protobuf::Value::kStructValue:
      return FromProtoStruct(value.struct_value(), depth);
    default: return Value::Null();
  }
}

// Where a value sits within the root, rendered only when a conversion fails: "the value" for
// the root, then "items[2]", "a.b". A chain of frames on the stack, so that converting a
// valid value builds no strings.
struct PathStep {
  const PathStep* parent = nullptr;
  absl::string_view key;  // a map's field
  size_t index = 0;       // a list's element, when `in_list`
  bool in_list = false;

  std::string Render() const {
    if (parent == nullptr) return "the value";
    std::string path = parent->parent == nullptr ? "" : parent->Render();
    if (in_list) {
      absl::StrAppend(&path, "[", index, "]");
    } else {
      absl::StrAppend(&path, path.empty() ? "" : ".", key);
    }
    return path;
  }
};

absl::Status ToProtoValue(const Value& value, const PathStep& at, int depth,
                          google::protobuf::Value* out) {
  if (depth > kMaxWalkDepth) {
    return absl::InvalidArgumentError(absl::StrCat(at.Render(), " is nested too deeply"));
  }
  switch (value.kind()) {
    case Value::Kind::kNull: out->set_null_value(google::protobuf::NULL_VALUE); break;
    case Value::Kind::kBool: out->set_bool_value(value.bool_value()); break;
    case Value::Kind::kInt: out->set_number_value(value.number_value()); break;
    case Value::Kind::kDouble:
      // JSON (and so every reader of a stored value) has no Infinity or NaN.
      if (!std::isfinite(value.double_value())) {
        return absl::InvalidArgumentError(
            absl::StrCat(at.Render(), " is not a finite number (", value.DebugString(), ")"));
      }
      out->set_number_value(value.double_value());
      break;
    case Value::Kind::kString: out->set_string_value(value.string_value()); break;
    case Value::Kind::kTimestamp:
      out->set_string_value(FormatTimestamp(value.timestamp_value()));
      break;
    case Value::Kind::kDuration:
      out->set_string_value(fanfare::FormatDuration(value.duration_value()));
      break;
    case Value::Kind::kError:
      return absl::InvalidArgumentError(
          absl::StrCat(at.Render(), " is an error: ", value.error_message()));
    case Value::Kind::kList: {
      google::protobuf::ListValue* list = out->mutable_list_value();
      list->mutable_values()->Reserve(static_cast<int>(value.list().size()));
      for (size_t i = 0; i < value.list().size(); ++i) {
        const PathStep element{&at, {}, i, /*in_list=*/true};
        RETURN_IF_ERROR(ToProtoValue(value.list()[i], element, depth + 1, list->add_values()));
      }
      break;
    }
    case Value::Kind::kMap: {
      auto* fields = out->mutable_struct_value()->mutable_fields();
      for (const auto& [key, item] : value.map()) {
        const PathStep field{&at, key};
        RETURN_IF_ERROR(ToProtoValue(item, field, depth + 1, &(*fields)[key]));
      }
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace

Value FromProto(const google::protobuf::Value& value) { return FromProtoValue(value, 0); }
Value FromProto(const google::protobuf::Struct& value) { return FromProtoStruct(value, 0); }
Value FromProto(const google::protobuf::ListValue& value) { return FromProtoList(value, 0); }

absl::Status ToProto(const Value& value, google::protobuf::Value* out) {
  return ToProtoValue(value, PathStep{}, 0, out);
}

absl::StatusOr<google::protobuf::Value> ToProto(const Value& value) {
  google::protobuf::Value out;
  RETURN_IF_ERROR(ToProto(value, &out));
  return out;
}

absl::StatusOr<google::protobuf::Struct> ToProtoStruct(const Value& value) {
  if (!value.is_map()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a map, got ", KindWithArticle(value.kind())));
  }
  ASSIGN_OR_RETURN(google::protobuf::Value out, ToProto(value));
  return std::move(*out.mutable_struct_value());
}

}  // namespace fanfare::expr
