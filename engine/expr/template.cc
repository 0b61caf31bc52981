#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/expr/expression.h"
#include "engine/expr/internal/parse_error.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

// Skips the string literal whose opening quote is at text[i]; returns the index after its
// closing quote, or npos if it is not closed (on its line, unless triple-quoted).
size_t SkipString(absl::string_view text, size_t i) {
  const char quote = text[i];
  // r"..." is raw unless the r ends a longer word (bar"..." is not valid anyway).
  const bool raw = i > 0 && (text[i - 1] == 'r' || text[i - 1] == 'R') &&
                   (i < 2 || !(absl::ascii_isalnum(text[i - 2]) || text[i - 2] == '_'));
  const std::string triple(3, quote);
  const bool is_triple = text.substr(i, 3) == triple;
  for (i += is_triple ? 3 : 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && !raw) {
      ++i;
    } else if (is_triple ? text.substr(i, 3) == triple : c == quote) {
      return i + (is_triple ? 3 : 1);
    } else if (!is_triple && (c == '\n' || c == '\r')) {
      return absl::string_view::npos;
    }
  }
  return absl::string_view::npos;
}

// The position of the `}}` that closes an expression starting at `from`. The `}}` of a map
// literal ({"a": {"b": 1}}) and one inside a string ("}}") do not close it.
size_t FindClose(absl::string_view text, size_t from) {
  int braces = 0;
  for (size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      const size_t after = SkipString(text, i);
      // Let the expression parser report the unclosed string, at its quote.
      if (after == absl::string_view::npos) return text.find("}}", from);
      i = after - 1;
    } else if (c == '{') {
      ++braces;
    } else if (c == '}') {
      if (braces == 0 && i + 1 < text.size() && text[i + 1] == '}') return i;
      if (braces > 0) --braces;
    }
  }
  return absl::string_view::npos;
}

}  // namespace

absl::StatusOr<Template> Template::Parse(absl::string_view text) {
  std::vector<Part> parts;
  size_t expressions = 0;
  bool blank_literals = true;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    const size_t literal_end = open == absl::string_view::npos ? text.size() : open;
    if (literal_end > pos) {
      Part literal;
      literal.literal = std::string(text.substr(pos, literal_end - pos));
      literal.offset = pos;
      blank_literals = blank_literals && absl::StripAsciiWhitespace(literal.literal).empty();
      parts.push_back(std::move(literal));
    }
    if (open == absl::string_view::npos) break;
    const size_t inner = open + 2;
    const size_t close = FindClose(text, inner);
    if (close == absl::string_view::npos) {
      return ParseError(open, "unterminated '{{' (close the expression with '}}')");
    }
    absl::StatusOr<Expression> expression = Expression::Parse(text.substr(inner, close - inner));
    if (!expression.ok()) return ShiftParseError(expression.status(), inner);
    Part part;
    part.expression = *std::move(expression);
    part.offset = inner;
    parts.push_back(std::move(part));
    ++expressions;
    pos = close + 2;
  }
  return Template(std::move(parts), expressions == 1 && blank_literals);
}

bool Template::HasExpressions(absl::string_view text) { return absl::StrContains(text, "{{"); }

Value Template::Render(const Activation& vars) const {
  const auto failed = [](const Part& part, const Value& error) {
    return Value::Error(absl::StrCat("{{ ", absl::StripAsciiWhitespace(part.expression->source()),
                                     " }}: ", error.error_message()));
  };
  if (single_) {
    for (const Part& part : parts_) {
      if (!part.expression.has_value()) continue;
      Value value = part.expression->Evaluate(vars);
      return value.is_error() ? failed(part, value) : value;
    }
  }
  std::string out;
  for (const Part& part : parts_) {
    if (!part.expression.has_value()) {
      out.append(part.literal);
      continue;
    }
    const Value value = part.expression->Evaluate(vars);
    if (value.is_error()) return failed(part, value);
    AppendRendering(value, /*as_text=*/true, kMaxValueSize + 1, &out);
  }
  if (out.size() > kMaxValueSize) {
    return Value::Error(absl::StrCat("the template renders to over ", kMaxValueSize, " bytes"));
  }
  return Value::String(std::move(out));
}

bool Template::is_single_expression() const { return single_; }

std::vector<Reference> Template::references() const {
  std::vector<Reference> references;
  for (const Part& part : parts_) {
    if (!part.expression.has_value()) continue;
    for (Reference reference : part.expression->references()) {
      reference.offset += part.offset;
      references.push_back(std::move(reference));
    }
  }
  return references;
}

}  // namespace fanfare::expr
