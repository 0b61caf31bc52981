#include "engine/definition/limits.h"

#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/durations.h"
#include "base/utf8.h"
#include "base/utf8.h"

namespace fanfare::definition {
namespace {

// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

}  // namespace

std::string DurationProblem(const google::protobuf::Duration& d) {
  const int64_t s = d.seconds();
  const int32_t n = d.nanos();
  if (n <= -1'000'000'000 || n >= 1'000'000'000 || (s > 0 && n < 0) || (s < 0 && n > 0)) {
    return "is not a valid duration (nanos out of range)";
  }
  if (s < 0 || n < 0) return "must not be negative";
  if (absl::Seconds(s) + absl::Nanoseconds(n) > kMaxDuration) {
    return absl::StrCat("must be at most ", fanfare::FormatDuration(kMaxDuration), " (10 years)");
  }
  return "";
}

std::string PositiveDurationProblem(const google::protobuf::Duration& d) {
  std::string problem = DurationProblem(d);
  if (problem.empty() && d.seconds() == 0 && d.nanos() == 0) return "must be longer than zero";
  return problem;
}

std::string TimestampProblem(const google::protobuf::Timestamp& t) {
  if (t.nanos() < 0 || t.nanos() >= 1'000'000'000) {
    return "is not a valid time (nanos out of range)";
  }
  if (t.seconds() < kMinTimestampSeconds || t.seconds() > kMaxTimestampSeconds) {
    return "must be between the years 1 and 9999";
  }
  return "";
}

std::string TimeProblem(absl::Time t) {
  if (t < absl::FromUnixSeconds(kMinTimestampSeconds) ||
      t >= absl::FromUnixSeconds(kMaxTimestampSeconds + 1)) {
    return "must be between the years 1 and 9999";
  }
  return "";
}

std::string MoneyProblem(int64_t micros) {
  if (micros < 0) return "must not be negative";
  if (micros > kMaxMoneyMicros) return "must be at most 1000000000000 (a trillion)";
  return "";
}

std::string NumberProblem(double x) {
  if (std::isnan(x)) return "must be a number, not NaN";
  if (std::isinf(x)) return "must be finite";
  return "";
}

std::string IntegerProblem(double x) {
  if (std::string problem = NumberProblem(x); !problem.empty()) return problem;
  if (std::trunc(x) != x) return "must be a whole number";
  if (std::fabs(x) > kMaxExactInteger) return "must be between -2^53 and 2^53";
  return "";
}

std::string ValueProblem(const google::protobuf::Value& value, absl::string_view path) {
  // Depth-first, with an explicit stack: nesting is bounded by the parser (protobuf's
  // recursion limit, the YAML reader's kMaxNesting), but the walk must not rely on that.
  std::vector<std::pair<const google::protobuf::Value*, std::string>> pending;
  pending.emplace_back(&value, std::string(path));
  while (!pending.empty()) {
    auto [v, where] = std::move(pending.back());
    pending.pop_back();
    switch (v->kind_case()) {
      case google::protobuf::Value::kNumberValue:
        if (std::string problem = NumberProblem(v->number_value()); !problem.empty()) {
          return absl::StrCat(where, ": ", problem);
        }
        break;
      case google::protobuf::Value::kListValue:
        for (int i = v->list_value().values_size() - 1; i >= 0; --i) {
          pending.emplace_back(&v->list_value().values(i), absl::StrCat(where, "[", i, "]"));
        }
        break;
      case google::protobuf::Value::kStructValue:
        for (const auto& [key, field] : v->struct_value().fields()) {
          pending.emplace_back(&field, absl::StrCat(where, ".", Echo(key, 63)));
        }
        break;
      default:
        break;
    }
  }
  return "";
}

size_t InvalidUtf8Offset(absl::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The length of the sequence, and the range its second byte must fall in (which rules
    // out overlong forms, surrogates and code points beyond U+10FFFF).
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (n - i < length || bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (size_t k = 2; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return absl::string_view::npos;
}

std::string Echo(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  return absl::StrCat(text.substr(0, Utf8PrefixLength(text, max_bytes)), "…");
}

}  // namespace fanfare::definition
