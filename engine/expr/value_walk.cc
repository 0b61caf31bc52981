// Value's recursive walks, bounded in depth and (for rendering) in output size.
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/durations.h"
#include "engine/expr/internal/value_internal.h"
#include "engine/expr/value.h"

namespace fanfare::expr {
namespace {

bool Render(const Value& v, bool as_text, size_t limit, int depth, std::string* out);

// Inside lists and maps strings are quoted even in text, so that ["a, b"] stays readable.
bool RenderList(const Value::List& items, size_t limit, int depth, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->append(", ");
    if (!Render(items[i], /*as_text=*/false, limit, depth + 1, out)) return false;
  }
  out->push_back(']');
  return true;
}

bool RenderMap(const Value::Map& entries, size_t limit, int depth, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [key, item] : entries) {
    if (!first) out->append(", ");
    first = false;
    absl::StrAppend(out, Quote(key), ": ");
    if (!Render(item, /*as_text=*/false, limit, depth + 1, out)) return false;
  }
  out->push_back('}');
  return true;
}

bool Render(const Value& v, bool as_text, size_t limit, int depth, std::string* out) {
  if (out->size() >= limit) return false;
  if (depth > kMaxWalkDepth) {
    out->append("...");
    return false;
  }
  switch (v.kind()) {
    case Value::Kind::kNull: out->append("null"); return true;
    case Value::Kind::kBool: out->append(v.bool_value() ? "true" : "false"); return true;
    case Value::Kind::kInt: absl::StrAppend(out, v.int_value()); return true;
    case Value::Kind::kDouble: out->append(FormatDouble(v.double_value())); return true;
    case Value::Kind::kString:
      if (as_text) {
        out->append(v.string_value(), 0, limit - out->size());
      } else {
        out->append(Quote(v.string_value()));
      }
      return out->size() <= limit;
    case Value::Kind::kTimestamp: out->append(FormatTimestamp(v.timestamp_value())); return true;
    case Value::Kind::kDuration:
      out->append(fanfare::FormatDuration(v.duration_value()));
      return true;
    case Value::Kind::kError: absl::StrAppend(out, "<error: ", v.error_message(), ">"); return true;
    case Value::Kind::kList: return RenderList(v.list(), limit, depth, out);
    case Value::Kind::kMap: return RenderMap(v.map(), limit, depth, out);
  }
  return true;
}

// True if two values share one storage (so are equal without looking inside).
bool SameStorage(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_list()) return &a.list() == &b.list();
  if (a.is_map()) return &a.map() == &b.map();
  return false;
}

bool Equal(const Value& a, const Value& b, size_t* work, int depth) {
  if (work != nullptr) ++*work;
  if (a.is_number() && b.is_number()) {
    const std::optional<int> order = CompareNumbers(a, b);
    return order.has_value() && *order == 0;
  }
  if (a.kind() != b.kind()) return false;
  if (SameStorage(a, b)) return true;
  switch (a.kind()) {
    case Value::Kind::kNull: return true;
    case Value::Kind::kBool: return a.bool_value() == b.bool_value();
    case Value::Kind::kString: return a.string_value() == b.string_value();
    case Value::Kind::kTimestamp: return a.timestamp_value() == b.timestamp_value();
    case Value::Kind::kDuration: return a.duration_value() == b.duration_value();
    case Value::Kind::kError: return false;
    case Value::Kind::kList: {
      if (depth >= kMaxWalkDepth || a.list().size() != b.list().size()) return false;
      for (size_t i = 0; i < a.list().size(); ++i) {
        if (!Equal(a.list()[i], b.list()[i], work, depth + 1)) return false;
      }
      return true;
    }
    case Value::Kind::kMap: {
      if (depth >= kMaxWalkDepth || a.map().size() != b.map().size()) return false;
      auto it = b.map().begin();
      for (const auto& [key, item] : a.map()) {
        if (key != it->first || !Equal(item, it->second, work, depth + 1)) return false;
        ++it;
      }
      return true;
    }
    default: return false;  // numbers are handled above
  }
}

// Orders an int against a non-NaN double exactly, without rounding the int.
int CompareIntDouble(int64_t i, double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (d >= kTwo63) return -1;
  if (d < -kTwo63) return 1;
  const double whole = std::trunc(d);
  const int64_t whole_int = static_cast<int64_t>(whole);
  if (i != whole_int) return i < whole_int ? -1 : 1;
  const double fraction = d - whole;
  return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0);
}

}  // namespace

bool AppendRendering(const Value& v, bool as_text, size_t limit, std::string* out) {
  return Render(v, as_text, limit, 0, out);
}

bool EqualValues(const Value& a, const Value& b, size_t* work) { return Equal(a, b, work, 0); }

std::optional<int> CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    return a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
  }
  if (a.is_int()) {
    if (std::isnan(b.double_value())) return std::nullopt;
    return CompareIntDouble(a.int_value(), b.double_value());
  }
  if (b.is_int()) {
    if (std::isnan(a.double_value())) return std::nullopt;
    return -CompareIntDouble(b.int_value(), a.double_value());
  }
  const double x = a.double_value();
  const double y = b.double_value();
  if (std::isnan(x) || std::isnan(y)) return std::nullopt;
  return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace fanfare::expr
