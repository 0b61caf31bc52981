#include "engine/definition/internal/yaml_fields.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/durations.h"
#include "base/suggest.h"
#include "engine/definition/limits.h"

namespace fanfare::definition::internal {
namespace {

// Plain (unquoted) scalars carry the non-specific tag "?"; quoted ones "!".
bool IsPlain(const YAML::Node& node) { return node.Tag() == "?" || node.Tag().empty(); }

bool IsNullScalar(absl::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> ParseBool(absl::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

bool LooksNumeric(absl::string_view s) {
  return !s.empty() && (absl::ascii_isdigit(s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.');
}

// Parses "12", "12.5", "0.000001" into micro-units without going through a double.
std::optional<int64_t> ParseMicros(absl::string_view s) {
  const size_t dot = s.find('.');
  absl::string_view whole = s.substr(0, dot);
  absl::string_view fraction = dot == absl::string_view::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || fraction.size() > 6) return std::nullopt;
  int64_t units = 0;
  if (!absl::SimpleAtoi(whole, &units) || units < 0 || whole[0] == '+' ||
      units > std::numeric_limits<int64_t>::max() / 1'000'000) {
    return std::nullopt;
  }
  int64_t micros = 0;
  for (size_t i = 0; i < 6; ++i) {
    const char c = i < fraction.size() ? fraction[i] : '0';
    if (!absl::ascii_isdigit(c)) return std::nullopt;
    micros = micros * 10 + (c - '0');
  }
  return units * 1'000'000 + micros;
}

// How many bytes of UTF-8 encode `code_point`.
size_t Utf8Length(uint32_t code_point) {
  return code_point < 0x80 ? 1 : code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
}

// A double-quoted scalar's escape at the start of `source` (which starts with '\\'): how
// many source bytes it spans and how many bytes of the value it stands for.
std::pair<size_t, size_t> EscapeSize(absl::string_view source) {
  if (source.size() < 2) return {source.size(), 0};
  const auto hex = [&](size_t digits) -> std::pair<size_t, size_t> {
    uint32_t code_point = 0;
    size_t n = 0;
    for (; n < digits && 2 + n < source.size() && absl::ascii_isxdigit(source[2 + n]); ++n) {
      const char c = absl::ascii_tolower(source[2 + n]);
      code_point = code_point * 16 + (absl::ascii_isdigit(c) ? c - '0' : c - 'a' + 10);
    }
    return {2 + n, Utf8Length(code_point)};
  };
  switch (source[1]) {
    case '\n': case '\r': return {2, 0};  // an escaped line break
    case 'x': return hex(2);
    case 'u': return hex(4);
    case 'U': return hex(8);
    case 'N': case '_': return {2, 2};
    case 'L': case 'P': return {2, 3};
    default: return {2, 1};
  }
}

// Where the characters of `value`, a scalar whose content starts at `text[start]` (position
// `at`), sit in the source: line folding, indentation, escapes and doubled quotes move them
// off the one-character-per-column course. `style` is the scalar's first source character
// for quoted and block scalars, 0 for plain ones. Matches greedily and stops where the source
// no longer explains the value (the remaining characters then follow the last run).
std::vector<TextRun> LayOutText(absl::string_view text, size_t start, SourcePosition at,
                                absl::string_view value, char style) {
  std::vector<TextRun> runs;
  size_t src = start;
  bool fresh = true;  // the next character starts a run
  const auto skip = [&](size_t n) {
    for (; n > 0 && src < text.size(); --n, ++src) {
      if (text[src] == '\n') {
        ++at.line;
        at.column = 1;
      } else {
        ++at.column;
      }
    }
  };
  for (size_t i = 0; i < value.size() && src < text.size();) {
    const char c = text[src];
    if (style == '"' && c == '\\') {
      const auto [source_bytes, value_bytes] = EscapeSize(text.substr(src));
      if (value_bytes > 0) runs.push_back(TextRun{i, at});
      i += value_bytes;
      skip(source_bytes);
      fresh = true;
    } else if (style == '\'' && c == '\'' && src + 1 < text.size() && text[src + 1] == '\'') {
      runs.push_back(TextRun{i, at});
      ++i;
      skip(2);
      fresh = true;
    } else if (c == value[i]) {
      if (fresh) runs.push_back(TextRun{i, at});
      fresh = c == '\n';
      ++i;
      skip(1);
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      skip(1);
      fresh = true;
    } else {
      break;
    }
  }
  return runs;
}

}  // namespace

SourcePosition PositionOf(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0 || mark.column < 0) return {};
  return SourcePosition{mark.line + 1, mark.column + 1};
}

void YamlFields::Mark(const YAML::Node& node, const std::string& path) {
  SourcePosition position = PositionOf(node);
  if (!position.known()) return;
  size_t offset = static_cast<size_t>(node.Mark().pos);
  if (!node.IsScalar() || offset >= text_.size()) {
    source_map_.Set(path, position);
    return;
  }
  const char first = text_[offset];
  const char style = first == '"' || first == '\'' || first == '|' || first == '>' ? first : 0;
  if (style == '"' || style == '\'') {
    ++position.column;
    ++offset;
  }
  source_map_.Set(path, position);
  const std::string& value = node.Scalar();
  if (style != '|' && style != '>' && text_.substr(offset, value.size()) == value) return;
  if (style == '|' || style == '>') {
    // A block scalar's content starts on the line after its header (`>-`, `|`).
    const size_t header_end = text_.find('\n', offset);
    if (header_end == absl::string_view::npos) return;
    offset = header_end + 1;
    position = SourcePosition{position.line + 1, 1};
  }
  source_map_.SetTextRuns(path, LayOutText(text_, offset, position, value, style));
}

void YamlFields::Error(const YAML::Node& node, absl::string_view path, absl::string_view step,
                       std::string message) {
  SourcePosition position = PositionOf(node);
  if (!position.known()) position = diagnostics_.PositionOf(path);
  diagnostics_.AddAt(position, path, step, std::move(message));
}

bool YamlFields::ForEachField(const YAML::Node& node, const std::string& path,
                              absl::string_view step, const std::vector<std::string>& known,
                              FieldFn fn) {
  Mark(node, path);
  if (!node.IsMap()) {
    Error(node, path, step,
          absl::StrCat(path.empty() ? "the document" : absl::StrCat("'", path, "'"),
                       " must be a map of fields (", absl::StrJoin(known, ", "), ")"));
    return false;
  }
  absl::flat_hash_set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    const std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string();
    const std::string field_path = path.empty() ? key : absl::StrCat(path, ".", key);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      Error(key_node, field_path, step,
            absl::StrCat("unknown field '", key, "'", DidYouMean(key, known),
                         "; allowed here: ", absl::StrJoin(known, ", ")));
      continue;
    }
    if (!seen.insert(key).second) {
      Error(key_node, field_path, step, absl::StrCat("field '", key, "' is given twice"));
      continue;
    }
    Mark(entry.second.IsNull() ? key_node : entry.second, field_path);
    fn(key, entry.second, field_path);
  }
  return true;
}

std::optional<std::string> YamlFields::Scalar(const YAML::Node& node, const std::string& path,
                                              absl::string_view step, absl::string_view what) {
  if (!node.IsScalar()) {
    Error(node, path, step, absl::StrCat("'", path, "' must be ", what));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> YamlFields::String(const YAML::Node& node, const std::string& path,
                                              absl::string_view step) {
  return Scalar(node, path, step, "a string");
}

std::optional<bool> YamlFields::Bool(const YAML::Node& node, const std::string& path,
                                     absl::string_view step) {
  std::optional<std::string> text = Scalar(node, path, step, "true or false");
  if (!text) return std::nullopt;
  std::optional<bool> value = IsPlain(node) ? ParseBool(*text) : std::nullopt;
  if (!value) Error(node, path, step, absl::StrCat("'", path, "' must be true or false, not '", *text, "'"));
  return value;
}

std::optional<int64_t> YamlFields::Int(const YAML::Node& node, const std::string& path,
                                       absl::string_view step) {
  std::optional<std::string> text = Scalar(node, path, step, "an integer");
  if (!text) return std::nullopt;
  int64_t value = 0;
  if (!IsPlain(node) || !absl::SimpleAtoi(*text, &value)) {
    Error(node, path, step, absl::StrCat("'", path, "' must be an integer, not '", *text, "'"));
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlFields::Double(const YAML::Node& node, const std::string& path,
                                         absl::string_view step) {
  std::optional<std::string> text = Scalar(node, path, step, "a number");
  if (!text) return std::nullopt;
  double value = 0;
  if (!IsPlain(node) || !LooksNumeric(*text) || !absl::SimpleAtod(*text, &value) ||
      !std::isfinite(value)) {
    Error(node, path, step, absl::StrCat("'", path, "' must be a number, not '", *text, "'"));
    return std::nullopt;
  }
  return value;
}

std::optional<google::protobuf::Duration> YamlFields::Duration(const YAML::Node& node,
                                                               const std::string& path,
                                                               absl::string_view step) {
  std::optional<std::string> text = Scalar(node, path, step, "a duration such as 90s, 6h or 2d");
  if (!text) return std::nullopt;
  absl::StatusOr<absl::Duration> parsed = ParseDuration(*text);
  if (!parsed.ok()) {
    Error(node, path, step, std::string(parsed.status().message()));
    return std::nullopt;
  }
  if (*parsed < absl::ZeroDuration()) {
    Error(node, path, step, absl::StrCat("'", path, "' must not be negative"));
    return std::nullopt;
  }
  google::protobuf::Duration out;
  out.set_seconds(absl::ToInt64Seconds(*parsed));
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(*parsed - absl::Seconds(out.seconds()))));
  return out;
}

std::optional<int64_t> YamlFields::Money(const YAML::Node& node, const std::string& path,
                                         absl::string_view step) {
  std::optional<std::string> text = Scalar(node, path, step, "an amount such as 5000 or 12.50");
  if (!text) return std::nullopt;
  std::optional<int64_t> micros = ParseMicros(absl::StripAsciiWhitespace(*text));
  if (!micros) {
    Error(node, path, step,
          absl::StrCat("'", path, "' must be a non-negative amount with at most 6 decimals, "
                       "such as 5000 or 12.50, not '", *text, "'"));
  }
  return micros;
}

std::optional<std::vector<std::string>> YamlFields::StringList(const YAML::Node& node,
                                                               const std::string& path,
                                                               absl::string_view step) {
  if (node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!node.IsSequence()) {
    Error(node, path, step, absl::StrCat("'", path, "' must be a name or a list of names"));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    Mark(node[i], item_path);
    if (std::optional<std::string> s = String(node[i], item_path, step)) out.push_back(*s);
  }
  return out;
}

std::optional<google::protobuf::Value> YamlFields::Value(const YAML::Node& node,
                                                         const std::string& path,
                                                         absl::string_view step) {
  if (++values_read_ > kMaxValues) {
    if (values_read_ == kMaxValues + 1) {
      Error(node, path, step,
            absl::StrCat("the document holds more than ", kMaxValues, " values (an alias counts "
                         "each time it is used); a campaign should be far smaller"));
    }
    return std::nullopt;
  }
  Mark(node, path);
  if ((node.IsSequence() || node.IsMap()) && depth_ >= kMaxNesting) {
    Error(node, path, step, absl::StrCat("values nest more than ", kMaxNesting, " deep"));
    return std::nullopt;
  }
  struct Nesting {
    explicit Nesting(int& d) : depth(d) { ++depth; }
    ~Nesting() { --depth; }
    int& depth;
  } nesting(depth_);
  google::protobuf::Value out;
  if (node.IsNull()) {
    out.set_null_value(google::protobuf::NULL_VALUE);
  } else if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    int64_t i = 0;
    double d = 0;
    if (!IsPlain(node)) {
      out.set_string_value(s);
    } else if (IsNullScalar(s)) {
      out.set_null_value(google::protobuf::NULL_VALUE);
    } else if (std::optional<bool> b = ParseBool(s)) {
      out.set_bool_value(*b);
    } else if (absl::SimpleAtoi(s, &i)) {
      out.set_number_value(static_cast<double>(i));
    } else if (LooksNumeric(s) && absl::SimpleAtod(s, &d) && std::isfinite(d)) {
      out.set_number_value(d);
    } else {
      out.set_string_value(s);
    }
  } else if (node.IsSequence()) {
    auto* list = out.mutable_list_value();
    for (size_t i = 0; i < node.size(); ++i) {
      std::optional<google::protobuf::Value> item =
          Value(node[i], absl::StrCat(path, "[", i, "]"), step);
      *list->add_values() = item ? *std::move(item) : google::protobuf::Value();
    }
  } else if (node.IsMap()) {
    auto* fields = out.mutable_struct_value()->mutable_fields();
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        Error(entry.first, path, step, "map keys must be strings");
        continue;
      }
      const std::string& key = entry.first.Scalar();
      const std::string field_path = absl::StrCat(path, ".", key);
      if (fields->contains(key)) {
        Error(entry.first, field_path, step, absl::StrCat("key '", key, "' is given twice"));
        continue;
      }
      std::optional<google::protobuf::Value> item = Value(entry.second, field_path, step);
      (*fields)[key] = item ? *std::move(item) : google::protobuf::Value();
    }
  }
  return out;
}

}  // namespace fanfare::definition::internal
