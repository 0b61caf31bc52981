// Conversions between kinds (int, double, string, duration, timestamp) and the parts of a
// timestamp.
#include <cmath>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "base/durations.h"
#include "engine/expr/expression.h"
#include "engine/expr/internal/builtins.h"
#include "engine/expr/internal/functions.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

constexpr double kTwo63 = 9223372036854775808.0;

Value DoubleToInt(double d) {
  const double whole = std::trunc(d);
  if (!(whole >= -kTwo63 && whole < kTwo63)) {
    return Value::Error(absl::StrCat("int(", FormatDouble(d), ") does not fit in an int"));
  }
  return Value::Int(static_cast<int64_t>(whole));
}

}  // namespace

bool TimestampInRange(absl::Time t) {
  static const absl::Time kMin = absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0),
                                                 absl::UTCTimeZone());
  static const absl::Time kEnd = absl::FromCivil(absl::CivilSecond(10000, 1, 1, 0, 0, 0),
                                                 absl::UTCTimeZone());
  return t >= kMin && t < kEnd;
}

Value ToDuration(const Value& x) {
  if (x.is_duration()) return x;
  if (!x.is_string()) return ArgumentError("duration", "a string such as \"6h\"", x);
  absl::StatusOr<absl::Duration> d = fanfare::ParseDuration(x.string_value());
  if (!d.ok()) return Value::Error(std::string(d.status().message()));
  return Value::Duration(*d);
}

Value ToTimestamp(const Value& x) {
  absl::Time t;
  if (x.is_timestamp()) {
    return x;
  } else if (x.is_int()) {
    t = absl::FromUnixSeconds(x.int_value());
  } else if (x.is_string()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, x.string_value(), &t, &error)) {
      return Value::Error(absl::StrCat("invalid timestamp ", Quote(x.string_value()),
                                       ": write RFC 3339 such as \"2026-12-01T09:00:00Z\" "
                                       "or \"2026-12-01T09:00:00+01:00\""));
    }
  } else {
    return ArgumentError("timestamp", "an RFC 3339 string or Unix seconds", x);
  }
  if (!TimestampInRange(t)) {
    return Value::Error(absl::StrCat("timestamp ", x.DebugString(),
                                     " is out of range (years 1 to 9999)"));
  }
  return Value::Timestamp(t);
}

Value ToInt(const Value& x) {
  switch (x.kind()) {
    case Value::Kind::kInt: return x;
    case Value::Kind::kDouble: return DoubleToInt(x.double_value());
    case Value::Kind::kString: {
      int64_t i = 0;
      if (!absl::SimpleAtoi(x.string_value(), &i)) {
        return Value::Error(absl::StrCat("int() cannot read ", Quote(x.string_value()),
                                         " as an int"));
      }
      return Value::Int(i);
    }
    case Value::Kind::kTimestamp: return Value::Int(absl::ToUnixSeconds(x.timestamp_value()));
    case Value::Kind::kDuration: return Value::Int(absl::ToInt64Seconds(x.duration_value()));
    default: return ArgumentError("int", "a number, string, timestamp or duration", x);
  }
}

Value ToDouble(const Value& x) {
  switch (x.kind()) {
    case Value::Kind::kDouble: return x;
    case Value::Kind::kInt: return Value::Double(static_cast<double>(x.int_value()));
    case Value::Kind::kString: {
      double d = 0;
      if (!absl::SimpleAtod(x.string_value(), &d) || !std::isfinite(d)) {
        return Value::Error(absl::StrCat("double() cannot read ", Quote(x.string_value()),
                                         " as a number"));
      }
      return Value::Double(d);
    }
    case Value::Kind::kDuration: return Value::Double(absl::ToDoubleSeconds(x.duration_value()));
    default: return ArgumentError("double", "a number, string or duration", x);
  }
}

Value ToText(const Value& x, EvalContext& context) {
  if (x.is_string()) return x;
  std::string text;
  if (!AppendRendering(x, /*as_text=*/true, kMaxValueSize, &text) || text.size() > kMaxValueSize) {
    return Value::Error(absl::StrCat("string() would be over ", kMaxValueSize, " bytes"));
  }
  if (!context.Charge(text.size())) return context.ExhaustedError();
  return Value::String(std::move(text));
}

Value TimestampPart(Function part, absl::Span<const Value> args) {
  const absl::string_view name = FunctionName(part);
  const Value& t = args[0];
  if (!t.is_timestamp()) {
    return ArgumentError(name, "a timestamp (convert a string with timestamp(s))", t);
  }
  absl::TimeZone zone = absl::UTCTimeZone();
  if (args.size() == 2) {
    if (!args[1].is_string()) return ArgumentError(name, "a time zone name such as \"Europe/Paris\"", args[1]);
    if (!absl::LoadTimeZone(args[1].string_value(), &zone)) {
      return Value::Error(absl::StrCat("unknown time zone ", Quote(args[1].string_value()),
                                       ": use an IANA name such as \"America/New_York\""));
    }
  }
  const absl::CivilSecond civil = zone.At(t.timestamp_value()).cs;
  switch (part) {
    case Function::kYear: return Value::Int(civil.year());
    case Function::kMonth: return Value::Int(civil.month());
    case Function::kDay: return Value::Int(civil.day());
    case Function::kHour: return Value::Int(civil.hour());
    case Function::kMinute: return Value::Int(civil.minute());
    case Function::kSecond: return Value::Int(civil.second());
    default: break;
  }
  // absl numbers weekdays from Monday = 0; the language, like CEL, from Sunday = 0.
  const int monday_based = static_cast<int>(absl::GetWeekday(absl::CivilDay(civil)));
  return Value::Int((monday_based + 1) % 7);
}

}  // namespace fanfare::expr
