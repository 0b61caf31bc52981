// Expression and Template: Fanfare's small expression language (a CEL-syntax subset).
//
// The language is documented in docs/expressions.md. In short: literals (null, true, 1,
// 2.5, "s", 's', [1, 2], {"k": v}), field and index access (a.b, a["b"], a[0]), arithmetic
// (+ - * / %), comparison (== != < <= > >=), logic (&& || !), membership (`in`), the
// conditional (c ? a : b), and functions: size, has, now, duration, timestamp, int,
// double, string, min, max, abs, round, contains/startsWith/endsWith, lower/upper, join,
// the timestamp parts (t.hour("Europe/Paris"), year, month, day, minute, second,
// dayOfWeek), and the list macros exists, all, map and filter. The function set is fixed:
// an unknown function or a wrong number of arguments is a parse error, as is a constant
// that cannot be read (duration("6x")).
//
// Evaluation is total: it always terminates (no loops beyond bounded list macros, depth and
// size limits) and never crashes; any failure is an error Value with a message.
//
//   absl::StatusOr<Expression> e = Expression::Parse("steps.measure.output.cpc > 2.0");
//   Activation vars;
//   vars.Set("steps", steps_value);
//   Value v = e->Evaluate(vars);   // Bool, or an error Value
//
// Templates embed expressions in strings: "New: {{ params.product }}!". A template that
// is exactly one `{{ expr }}` (whitespace around it allowed) renders to the expression's
// typed value rather than to text.
#ifndef FANFARE_ENGINE_EXPR_EXPRESSION_H_
#define FANFARE_ENGINE_EXPR_EXPRESSION_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/expr/value.h"

namespace fanfare::expr {

// Limits that make every parse and evaluation terminate in bounded time and memory.
inline constexpr size_t kMaxSourceLength = 8 * 1024;        // characters per expression
inline constexpr int kMaxNestingDepth = 64;                  // parse-tree depth
inline constexpr size_t kMaxValueSize = 1024 * 1024;         // bytes of any string built
inline constexpr size_t kMaxListSize = 100'000;              // elements of any list built
inline constexpr size_t kMaxMacroIterations = 1'000'000;     // per evaluation, all macros
// Per evaluation: one unit per node evaluated, per list element or map entry built or
// compared, and per string byte built. Bounds time and memory where the limits above do not
// (a macro that concatenates big lists on every iteration).
inline constexpr size_t kMaxEvaluationWork = 4'000'000;

// The variables an expression can see, plus the time `now()` returns.
class Activation {
 public:
  Activation() = default;

  void Set(std::string name, Value value);
  // nullptr if `name` is not bound.
  const Value* Find(absl::string_view name) const;
  // The bound names, sorted (for "did you mean" suggestions).
  std::vector<std::string> names() const;

  void set_now(absl::Time now) { now_ = now; }
  absl::Time now() const { return now_; }

 private:
  absl::flat_hash_map<std::string, Value> vars_;
  absl::Time now_ = absl::UnixEpoch();
};

// A variable path an expression reads, as far as it is static: `steps.copy.output.text`
// gives {"steps", "copy", "output", "text"}; a constant string index counts as a field, so
// `steps["copy"].output` gives {"steps", "copy", "output"}; a dynamic or int index ends the
// path, so `params[x]` gives {"params"} (and x is a reference of its own). has(a.b) reads
// {"a", "b"}. Paths start at variables only: `size(x).y` gives {"x"}.
struct Reference {
  std::vector<std::string> path;
  // Byte offset of the reference's first character in the expression's source.
  size_t offset = 0;
};

// Where in its source a parse error is. Parse errors are InvalidArgument statuses; this
// reads the byte offset they carry (as a status payload). nullopt for other statuses.
std::optional<size_t> ParseErrorOffset(const absl::Status& status);

// A parsed expression. Immutable; safe to evaluate from many threads at once.
class Expression {
 public:
  // Parses `source`. On failure: InvalidArgument with a message like
  // "unexpected ')' (expected an operand)", and ParseErrorOffset() gives the position.
  static absl::StatusOr<Expression> Parse(absl::string_view source);

  // Evaluates against `vars`. Unbound variables, type mismatches, missing keys, division
  // by zero and exceeded limits all yield an error Value.
  Value Evaluate(const Activation& vars) const;

  // Every variable path the expression reads, in source order. Variables bound by list
  // macros (the `m` of `xs.exists(m, m > 1)`) are not included.
  const std::vector<Reference>& references() const;

  const std::string& source() const;

  // Opaque parse tree.
  struct Node;

 private:
  struct Program;
  explicit Expression(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const Program> program_;
};

// A string with embedded `{{ expr }}` parts. Immutable; safe to render from many threads.
class Template {
 public:
  // Parses `text`. A string without `{{` is a template of literal text. An expression ends
  // at the first `}}` that is not inside one of its strings or map literals, so
  // `{{ {"a": {"b": 1}} }}` and `{{ "}}" }}` work, and `{{ "{{" }}` writes a literal `{{`.
  // Errors (an unterminated `{{`, an expression that does not parse) are InvalidArgument
  // with ParseErrorOffset() relative to the start of `text`.
  static absl::StatusOr<Template> Parse(absl::string_view text);

  // True if `text` contains at least one `{{`.
  static bool HasExpressions(absl::string_view text);

  // Renders: the typed value for a single-expression template, else a String of the
  // literal parts and each expression's ToText(). If any expression yields an error, the
  // result is that error, its message prefixed with the failing expression's source:
  // `{{ params.name }}: no key "name" in params (keys: budget, product)`. Text over
  // kMaxValueSize is an error too.
  Value Render(const Activation& vars) const;

  // True if the template is exactly one `{{ expr }}`.
  bool is_single_expression() const;

  // References of every embedded expression, with offsets relative to the template text.
  std::vector<Reference> references() const;

 private:
  struct Part {
    std::string literal;                // used when `expression` is empty
    std::optional<Expression> expression;
    size_t offset = 0;                  // offset of the expression source within the text
  };
  explicit Template(std::vector<Part> parts, bool single)
      : parts_(std::move(parts)), single_(single) {}
  std::vector<Part> parts_;
  bool single_ = false;
};

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_EXPRESSION_H_
