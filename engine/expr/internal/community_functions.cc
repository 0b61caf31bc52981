// Functions on a comment's text for community rules (engine/community/text_signals.h):
// sentiment, hasLink, isLinkOnly, isAllCaps, containsAny.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/community/text_signals.h"
#include "engine/expr/expression.h"
#include "engine/expr/internal/builtins.h"
#include "engine/expr/internal/functions.h"
#include "engine/expr/internal/value_internal.h"

namespace fanfare::expr {
namespace {

// containsAny's keywords: a list of strings (a single string is one keyword).
Value Keywords(const Value& arg, std::vector<std::string>& out) {
  if (arg.is_string()) {
    out.push_back(arg.string_value());
    return Value::Null();
  }
  if (!arg.is_list()) return ArgumentError("containsAny", "a list of keywords", arg);
  for (size_t i = 0; i < arg.list().size(); ++i) {
    const Value& item = arg.list()[i];
    if (item.is_error()) return item;
    if (!item.is_string()) {
      return Value::Error(absl::StrCat("containsAny() needs a list of strings, but item ", i,
                                       " is ", KindWithArticle(item.kind())));
    }
    out.push_back(item.string_value());
  }
  return Value::Null();
}

}  // namespace

Value TextSignal(Function function, absl::Span<const Value> args, EvalContext& context) {
  const absl::string_view name = FunctionName(function);
  if (!args[0].is_string()) return ArgumentError(name, "a string", args[0]);
  const std::string& text = args[0].string_value();
  // Each reads the text once (containsAny: to lower it).
  if (!context.Charge(text.size())) return context.ExhaustedError();
  switch (function) {
    case Function::kSentiment: return Value::Double(community::Sentiment(text));
    case Function::kHasLink: return Value::Bool(community::HasLink(text));
    case Function::kIsLinkOnly: return Value::Bool(community::IsLinkOnly(text));
    case Function::kIsAllCaps: return Value::Bool(community::IsAllCaps(text));
    default: {
      std::vector<std::string> keywords;
      if (Value problem = Keywords(args[1], keywords); problem.is_error()) return problem;
      // Then per keyword a search costing at most the text's length times the keyword's
      // (std::string::find).
      size_t keyword_bytes = 0;
      for (const std::string& k : keywords) keyword_bytes += k.size() + 1;
      if (!context.Charge((text.size() + 1) * keyword_bytes)) return context.ExhaustedError();
      return Value::Bool(community::ContainsAny(text, keywords));
    }
  }
}

}  // namespace fanfare::expr
