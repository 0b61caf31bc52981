// Parses an expression's source into a tree (see ast.h): a recursive-descent parser with
// one token of lookahead (two for negative literals).
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_PARSER_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_PARSER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/expr/internal/ast.h"
#include "engine/expr/internal/functions.h"
#include "engine/expr/internal/lexer.h"

namespace fanfare::expr {

struct ParsedTree {
  std::unique_ptr<Node> root;
  // How many macro variables can be bound at once: the locals an evaluation needs.
  int locals = 0;
};

// Errors are parse errors (see parse_error.h) pointing at the offending token. Rejects
// sources over kMaxSourceLength and trees deeper than kMaxNestingDepth, using stack in
// proportion to the nesting depth only.
absl::StatusOr<ParsedTree> ParseTree(absl::string_view source);

// A list macro: xs.exists(x, <condition>) and its kin.
struct MacroSpec {
  absl::string_view name;
  MacroKind kind;
  absl::string_view usage;
};

// nullptr if `name` is not a list macro.
const MacroSpec* FindMacro(absl::string_view name);

// The parser behind ParseTree(). One per parse; not thread-safe. Each rule returns the
// subtree it read, leaving token_ at the first token after it.
class Parser {
 public:
  explicit Parser(absl::string_view source) : source_(source), lexer_(source) {}

  absl::StatusOr<ParsedTree> Run();

 private:
  using NodePtr = std::unique_ptr<Node>;
  using Result = absl::StatusOr<NodePtr>;

  // Decrements the nesting depth when a recursive rule returns.
  class DepthGuard {
   public:
    explicit DepthGuard(int* depth) : depth_(depth) {}
    ~DepthGuard() { --*depth_; }

   private:
    int* depth_;
  };

  // Token stream (parser.cc). A lexer error becomes the parse error when it is reached.
  absl::Status Advance();
  const Token& Peek();
  bool At(TokenKind kind) const { return token_.kind == kind; }
  absl::Status Expect(TokenKind kind, absl::string_view expected);
  absl::Status Unexpected(absl::string_view expected) const;
  // Counts one level of recursion; an error past kMaxNestingDepth.
  absl::Status Enter();

  // Operators and operands (parser.cc).
  Result Conditional();
  Result Binary(int level);
  Result Unary();
  Result NegativeLiteral(const Token& minus);
  Result IntLiteral(uint64_t magnitude, bool negative, size_t begin);
  Result Suffixes(NodePtr operand);
  Result Primary();
  Result TokenLiteral();
  Result Parenthesized();
  Result Identifier();

  // Calls, macros and literals (parser_calls.cc). Each starts at its '(', '[' or '{'.
  Result Call(NodePtr receiver, const Token& name);
  Result CheckedCall(NodePtr receiver, const Token& name, const FunctionSpec& spec);
  Result Macro(NodePtr receiver, const MacroSpec& macro, const Token& name);
  Result Has(const Token& name);
  Result ListLiteral();
  Result MapLiteral();
  // Comma-separated expressions up to and including `close`.
  absl::StatusOr<std::vector<NodePtr>> Items(TokenKind close, absl::string_view expected,
                                             bool trailing_comma);
  // Replaces duration("6h") and timestamp("...") of constants by their value.
  Result FoldCall(NodePtr call);
  absl::Status CheckMapKeys(const std::vector<NodePtr>& entries);

  // Node construction (parser.cc): errors past kMaxNestingDepth.
  Result Make(NodeKind kind, size_t begin, size_t end, size_t offset,
              std::vector<NodePtr> children = {});
  Result Literal(Value value, size_t begin, size_t end);

  absl::string_view source_;
  Lexer lexer_;
  Token token_;
  std::optional<Token> peeked_;
  size_t previous_end_ = 0;  // end of the last token consumed
  int depth_ = 0;
  std::vector<std::string> scopes_;  // macro variables in scope, innermost last
  int max_locals_ = 0;
};

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_PARSER_H_
