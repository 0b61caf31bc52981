#include "engine/expr/internal/functions.h"

#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/expr/internal/builtins.h"
#include "engine/expr/internal/operators.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

constexpr absl::string_view kTimePartUsage = "t.hour() or t.hour(\"Europe/Paris\")";

constexpr FunctionSpec kFunctions[] = {
    {"size", Function::kSize, true, true, 1, 1, "size(x) or x.size()"},
    {"now", Function::kNow, true, false, 0, 0, "now()"},
    {"duration", Function::kDuration, true, false, 1, 1, "duration(\"6h\")"},
    {"timestamp", Function::kTimestamp, true, false, 1, 1,
     "timestamp(\"2026-12-01T09:00:00Z\")"},
    {"int", Function::kInt, true, false, 1, 1, "int(x)"},
    {"double", Function::kDouble, true, false, 1, 1, "double(x)"},
    {"string", Function::kString, true, false, 1, 1, "string(x)"},
    {"min", Function::kMin, true, false, 1, -1, "min(a, b, ...) or min(list)"},
    {"max", Function::kMax, true, false, 1, -1, "max(a, b, ...) or max(list)"},
    {"abs", Function::kAbs, true, false, 1, 1, "abs(x)"},
    {"round", Function::kRound, true, false, 1, 2, "round(x) or round(x, digits)"},
    {"contains", Function::kContains, false, true, 2, 2, "s.contains(t)"},
    {"startsWith", Function::kStartsWith, false, true, 2, 2, "s.startsWith(t)"},
    {"endsWith", Function::kEndsWith, false, true, 2, 2, "s.endsWith(t)"},
    {"lower", Function::kLower, false, true, 1, 1, "s.lower()"},
    {"upper", Function::kUpper, false, true, 1, 1, "s.upper()"},
    {"join", Function::kJoin, false, true, 1, 2, "list.join(\", \")"},
    {"year", Function::kYear, false, true, 1, 2, kTimePartUsage},
    {"month", Function::kMonth, false, true, 1, 2, kTimePartUsage},
    {"day", Function::kDay, false, true, 1, 2, kTimePartUsage},
    {"hour", Function::kHour, false, true, 1, 2, kTimePartUsage},
    {"minute", Function::kMinute, false, true, 1, 2, kTimePartUsage},
    {"second", Function::kSecond, false, true, 1, 2, kTimePartUsage},
    {"dayOfWeek", Function::kDayOfWeek, false, true, 1, 2, kTimePartUsage},
    {"sentiment", Function::kSentiment, true, true, 1, 1, "sentiment(s) or s.sentiment()"},
    {"hasLink", Function::kHasLink, false, true, 1, 1, "s.hasLink()"},
    {"isLinkOnly", Function::kIsLinkOnly, false, true, 1, 1, "s.isLinkOnly()"},
    {"isAllCaps", Function::kIsAllCaps, false, true, 1, 1, "s.isAllCaps()"},
    {"containsAny", Function::kContainsAny, false, true, 2, 2,
     "s.containsAny([\"scam\", \"free followers\"])"},
};

// Picks the least (or greatest) of `items`; the first of equals wins.
Value Extreme(absl::Span<const Value> items, absl::string_view name, bool max) {
  const Value* best = &items[0];
  for (const Value& item : items) {
    if (item.is_error()) return item;
    const Ordering order = Order(item, *best);
    if (order == Ordering::kIncomparable) {
      return Value::Error(absl::StrCat(name, "() cannot compare ", item.kind_name(), " and ",
                                       best->kind_name()));
    }
    if (order == (max ? Ordering::kGreater : Ordering::kLess)) best = &item;
  }
  return *best;
}

}  // namespace

const FunctionSpec* FindFunction(absl::string_view name) {
  for (const FunctionSpec& spec : kFunctions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

absl::string_view FunctionName(Function function) {
  for (const FunctionSpec& spec : kFunctions) {
    if (spec.function == function) return spec.name;
  }
  return "?";
}

std::vector<std::string> CallableNames() {
  std::vector<std::string> names = {"has", "exists", "all", "map", "filter"};
  for (const FunctionSpec& spec : kFunctions) names.emplace_back(spec.name);
  return names;
}

Value ArgumentError(absl::string_view function, absl::string_view needs, const Value& got) {
  return Value::Error(absl::StrCat(function, "() needs ", needs, ", not ",
                                   KindWithArticle(got.kind())));
}

Value CallFunction(Function function, absl::Span<const Value> args, EvalContext& context) {
  switch (function) {
    case Function::kSize: return Size(args[0]);
    case Function::kNow: return Value::Timestamp(context.vars().now());
    case Function::kDuration: return ToDuration(args[0]);
    case Function::kTimestamp: return ToTimestamp(args[0]);
    case Function::kInt: return ToInt(args[0]);
    case Function::kDouble: return ToDouble(args[0]);
    case Function::kString: return ToText(args[0], context);
    case Function::kMin: return MinMax(args, /*max=*/false, context);
    case Function::kMax: return MinMax(args, /*max=*/true, context);
    case Function::kAbs: return Abs(args[0]);
    case Function::kRound: return Round(args);
    case Function::kContains:
    case Function::kStartsWith:
    case Function::kEndsWith: return StringTest(function, args[0], args[1]);
    case Function::kLower:
    case Function::kUpper: return ChangeCase(function, args[0], context);
    case Function::kJoin: return Join(args, context);
    case Function::kYear:
    case Function::kMonth:
    case Function::kDay:
    case Function::kHour:
    case Function::kMinute:
    case Function::kSecond:
    case Function::kDayOfWeek: return TimestampPart(function, args);
    case Function::kSentiment:
    case Function::kHasLink:
    case Function::kIsLinkOnly:
    case Function::kIsAllCaps:
    case Function::kContainsAny: return TextSignal(function, args, context);
  }
  return Value::Error("unknown function");
}

Value Size(const Value& x) {
  switch (x.kind()) {
    case Value::Kind::kString: {
      // Characters, not bytes: count the bytes that start a UTF-8 sequence.
      int64_t count = 0;
      for (char c : x.string_value()) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      return Value::Int(count);
    }
    case Value::Kind::kList: return Value::Int(static_cast<int64_t>(x.list().size()));
    case Value::Kind::kMap: return Value::Int(static_cast<int64_t>(x.map().size()));
    default: return ArgumentError("size", "a string, list or map", x);
  }
}

Value MinMax(absl::Span<const Value> args, bool max, EvalContext& context) {
  const absl::string_view name = max ? "max" : "min";
  if (args.size() == 1 && args[0].is_list()) {
    const Value::List& items = args[0].list();
    if (items.empty()) return Value::Error(absl::StrCat(name, "() of an empty list"));
    if (!context.Charge(items.size())) return context.ExhaustedError();
    return Extreme(items, name, max);
  }
  return Extreme(args, name, max);
}

Value Abs(const Value& x) {
  switch (x.kind()) {
    case Value::Kind::kInt:
      if (x.int_value() == std::numeric_limits<int64_t>::min()) {
        return Value::Error("integer overflow: abs(-9223372036854775808) does not fit in an int");
      }
      return Value::Int(x.int_value() < 0 ? -x.int_value() : x.int_value());
    case Value::Kind::kDouble: return Value::Double(std::fabs(x.double_value()));
    case Value::Kind::kDuration: return Value::Duration(absl::AbsDuration(x.duration_value()));
    default: return ArgumentError("abs", "a number or a duration", x);
  }
}

Value Round(absl::Span<const Value> args) {
  const Value& x = args[0];
  if (!x.is_number()) return ArgumentError("round", "a number", x);
  if (args.size() == 2) {
    const Value& digits = args[1];
    if (!digits.is_int() || digits.int_value() < 0 || digits.int_value() > 15) {
      return Value::Error("round(x, digits) needs digits to be an int from 0 to 15");
    }
    const double scale = std::pow(10.0, static_cast<double>(digits.int_value()));
    const double scaled = x.number_value() * scale;
    // Past 2^53 a double has no fraction left to round; scaling could overflow.
    if (!std::isfinite(scaled) || std::fabs(scaled) > 9007199254740992.0) {
      return Value::Double(x.number_value());
    }
    return Value::Double(std::round(scaled) / scale);
  }
  if (x.is_int()) return x;
  const double rounded = std::round(x.double_value());
  if (!(rounded >= -9223372036854775808.0 && rounded < 9223372036854775808.0)) {
    return Value::Error(absl::StrCat("round(", FormatDouble(x.double_value()),
                                     ") does not fit in an int"));
  }
  return Value::Int(static_cast<int64_t>(rounded));
}

}  // namespace fanfare::expr
