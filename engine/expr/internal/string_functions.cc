// Functions on strings: contains, startsWith, endsWith, lower, upper, join.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/expr/expression.h"
#include "engine/expr/internal/builtins.h"
#include "engine/expr/internal/functions.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {

Value StringTest(Function function, const Value& s, const Value& t) {
  const absl::string_view name = FunctionName(function);
  if (!s.is_string()) {
    if (s.is_list() && function == Function::kContains) {
      return Value::Error("contains() is for strings; for a list write `x in list`");
    }
    return ArgumentError(name, "a string to search in", s);
  }
  if (!t.is_string()) return ArgumentError(name, "a string to search for", t);
  switch (function) {
    case Function::kContains: return Value::Bool(absl::StrContains(s.string_value(), t.string_value()));
    case Function::kStartsWith:
      return Value::Bool(absl::StartsWith(s.string_value(), t.string_value()));
    default: return Value::Bool(absl::EndsWith(s.string_value(), t.string_value()));
  }
}

// ASCII only: other characters pass through unchanged.
Value ChangeCase(Function function, const Value& s, EvalContext& context) {
  if (!s.is_string()) return ArgumentError(FunctionName(function), "a string", s);
  if (!context.Charge(s.string_value().size())) return context.ExhaustedError();
  return Value::String(function == Function::kLower ? absl::AsciiStrToLower(s.string_value())
                                                    : absl::AsciiStrToUpper(s.string_value()));
}

Value Join(absl::Span<const Value> args, EvalContext& context) {
  const Value& list = args[0];
  if (!list.is_list()) return ArgumentError("join", "a list of strings", list);
  absl::string_view separator;
  if (args.size() == 2) {
    if (!args[1].is_string()) return ArgumentError("join", "a string separator", args[1]);
    separator = args[1].string_value();
  }
  size_t total = 0;
  for (size_t i = 0; i < list.list().size(); ++i) {
    const Value& item = list.list()[i];
    if (item.is_error()) return item;
    if (!item.is_string()) {
      return Value::Error(absl::StrCat("join() needs a list of strings, but item ", i, " is ",
                                       KindWithArticle(item.kind()),
                                       "; convert with list.map(x, string(x)).join()"));
    }
    total += item.string_value().size() + (i == 0 ? 0 : separator.size());
    if (total > kMaxValueSize) {
      return Value::Error(absl::StrCat("join() would build a string over ", kMaxValueSize,
                                       " bytes"));
    }
  }
  if (!context.Charge(total + list.list().size())) return context.ExhaustedError();
  std::string out;
  out.reserve(total);
  for (size_t i = 0; i < list.list().size(); ++i) {
    if (i > 0) out.append(separator.data(), separator.size());
    out.append(list.list()[i].string_value());
  }
  return Value::String(std::move(out));
}

}  // namespace fanfare::expr
