// Shorthands for the expression tests.
#ifndef FANFARE_TESTS_ENGINE_EXPR_TEST_UTIL_H_
#define FANFARE_TESTS_ENGINE_EXPR_TEST_UTIL_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/expr/expression.h"
#include "engine/expr/value.h"

namespace fanfare::expr::testing {

// Parses and evaluates; a parse failure comes back as an error Value starting "PARSE: ",
// so that a test's expectation on the value shows what went wrong.
inline Value Eval(absl::string_view source, const Activation& vars = Activation()) {
  absl::StatusOr<Expression> expression = Expression::Parse(source);
  if (!expression.ok()) return Value::Error(absl::StrCat("PARSE: ", expression.status().message()));
  return expression->Evaluate(vars);
}

// The message of the error `source` evaluates to, or a note saying it did not fail.
inline std::string EvalError(absl::string_view source, const Activation& vars = Activation()) {
  const Value v = Eval(source, vars);
  if (!v.is_error()) return absl::StrCat("<no error: ", v.DebugString(), ">");
  return v.error_message();
}

struct ParseFailure {
  std::string message;
  size_t offset = 0;
};

// The parse error of `source`; message "<parsed>" if it parsed.
inline ParseFailure ParseFailureOf(absl::string_view source) {
  absl::StatusOr<Expression> expression = Expression::Parse(source);
  if (expression.ok()) return {"<parsed>", 0};
  return {std::string(expression.status().message()),
          ParseErrorOffset(expression.status()).value_or(999999)};
}

inline Value List(Value::List items) { return Value::MakeList(std::move(items)); }
inline Value Map(Value::Map entries) { return Value::MakeMap(std::move(entries)); }
inline Value Str(std::string s) { return Value::String(std::move(s)); }

// 2026-12-01T09:00:00Z
inline absl::Time LaunchTime() { return absl::FromUnixSeconds(1796115600); }

}  // namespace fanfare::expr::testing

#endif  // FANFARE_TESTS_ENGINE_EXPR_TEST_UTIL_H_
