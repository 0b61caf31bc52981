#include "engine/expr/internal/parser.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/expr/internal/parse_error.h"

namespace fanfare::expr {
namespace {

// Binary operators by precedence level, loosest first; kUnaryLevel binds tightest.
struct BinaryOperator {
  NodeKind kind;
  BinaryOp op;
};
constexpr int kUnaryLevel = 5;

std::optional<BinaryOperator> BinaryAt(int level, TokenKind token) {
  switch (level) {
    case 0:
      if (token == TokenKind::kOr) return BinaryOperator{NodeKind::kOr, BinaryOp::kAdd};
      break;
    case 1:
      if (token == TokenKind::kAnd) return BinaryOperator{NodeKind::kAnd, BinaryOp::kAdd};
      break;
    case 2:
      switch (token) {
        case TokenKind::kEqual: return BinaryOperator{NodeKind::kBinary, BinaryOp::kEq};
        case TokenKind::kNotEqual: return BinaryOperator{NodeKind::kBinary, BinaryOp::kNe};
        case TokenKind::kLess: return BinaryOperator{NodeKind::kBinary, BinaryOp::kLt};
        case TokenKind::kLessEqual: return BinaryOperator{NodeKind::kBinary, BinaryOp::kLe};
        case TokenKind::kGreater: return BinaryOperator{NodeKind::kBinary, BinaryOp::kGt};
        case TokenKind::kGreaterEqual: return BinaryOperator{NodeKind::kBinary, BinaryOp::kGe};
        case TokenKind::kIn: return BinaryOperator{NodeKind::kBinary, BinaryOp::kIn};
        default: break;
      }
      break;
    case 3:
      if (token == TokenKind::kPlus) return BinaryOperator{NodeKind::kBinary, BinaryOp::kAdd};
      if (token == TokenKind::kMinus) return BinaryOperator{NodeKind::kBinary, BinaryOp::kSub};
      break;
    case 4:
      if (token == TokenKind::kStar) return BinaryOperator{NodeKind::kBinary, BinaryOp::kMul};
      if (token == TokenKind::kSlash) return BinaryOperator{NodeKind::kBinary, BinaryOp::kDiv};
      if (token == TokenKind::kPercent) return BinaryOperator{NodeKind::kBinary, BinaryOp::kMod};
      break;
    default:
      break;
  }
  return std::nullopt;
}

std::string TooDeep() {
  return absl::StrCat("expression is nested too deeply (more than ", kMaxNestingDepth,
                      " levels); split it up");
}

}  // namespace

absl::Status Parser::Advance() {
  previous_end_ = token_.end;
  if (peeked_.has_value()) {
    token_ = std::move(*peeked_);
    peeked_.reset();
  } else {
    token_ = lexer_.Next();
  }
  if (token_.kind == TokenKind::kError) return ParseError(token_.begin, token_.text);
  return absl::OkStatus();
}

const Token& Parser::Peek() {
  if (!peeked_.has_value()) peeked_ = lexer_.Next();
  return *peeked_;
}

absl::Status Parser::Expect(TokenKind kind, absl::string_view expected) {
  if (!At(kind)) return Unexpected(expected);
  return Advance();
}

absl::Status Parser::Unexpected(absl::string_view expected) const {
  return ParseError(token_.begin, absl::StrCat("unexpected ", DescribeToken(token_, source_),
                                               " (expected ", expected, ")"));
}

absl::Status Parser::Enter() {
  if (++depth_ > kMaxNestingDepth) return ParseError(token_.begin, TooDeep());
  return absl::OkStatus();
}

absl::StatusOr<ParsedTree> Parser::Run() {
  if (source_.size() > kMaxSourceLength) {
    return ParseError(kMaxSourceLength,
                      absl::StrCat("expression is too long (", source_.size(),
                                   " characters; the limit is ", kMaxSourceLength, ")"));
  }
  RETURN_IF_ERROR(Advance());
  if (At(TokenKind::kEnd)) return ParseError(token_.begin, "empty expression");
  ASSIGN_OR_RETURN(NodePtr root, Conditional());
  if (!At(TokenKind::kEnd)) return Unexpected("an operator or the end of the expression");
  return ParsedTree{std::move(root), max_locals_};
}

Parser::Result Parser::Make(NodeKind kind, size_t begin, size_t end, size_t offset,
                    std::vector<NodePtr> children) {
  auto node = std::make_unique<Node>();
  node->kind = kind;
  node->begin = static_cast<uint32_t>(begin);
  node->end = static_cast<uint32_t>(end);
  node->offset = static_cast<uint32_t>(offset);
  for (const NodePtr& child : children) node->depth = std::max(node->depth, child->depth + 1);
  if (node->depth > kMaxNestingDepth) return ParseError(offset, TooDeep());
  node->children = std::move(children);
  return node;
}

Parser::Result Parser::Literal(Value value, size_t begin, size_t end) {
  ASSIGN_OR_RETURN(NodePtr node, Make(NodeKind::kLiteral, begin, end, begin));
  node->literal = std::move(value);
  return node;
}

Parser::Result Parser::Conditional() {
  RETURN_IF_ERROR(Enter());
  DepthGuard guard(&depth_);
  ASSIGN_OR_RETURN(NodePtr condition, Binary(0));
  if (!At(TokenKind::kQuestion)) return condition;
  const size_t question = token_.begin;
  RETURN_IF_ERROR(Advance());
  ASSIGN_OR_RETURN(NodePtr then, Conditional());
  RETURN_IF_ERROR(Expect(TokenKind::kColon, "':' of the conditional c ? a : b"));
  ASSIGN_OR_RETURN(NodePtr otherwise, Conditional());
  const size_t begin = condition->begin;
  const size_t end = otherwise->end;
  std::vector<NodePtr> children;
  children.push_back(std::move(condition));
  children.push_back(std::move(then));
  children.push_back(std::move(otherwise));
  return Make(NodeKind::kConditional, begin, end, question, std::move(children));
}

Parser::Result Parser::Binary(int level) {
  if (level == kUnaryLevel) return Unary();
  ASSIGN_OR_RETURN(NodePtr left, Binary(level + 1));
  while (std::optional<BinaryOperator> op = BinaryAt(level, token_.kind)) {
    const size_t offset = token_.begin;
    RETURN_IF_ERROR(Advance());
    ASSIGN_OR_RETURN(NodePtr right, Binary(level + 1));
    const size_t begin = left->begin;
    const size_t end = right->end;
    std::vector<NodePtr> children;
    children.push_back(std::move(left));
    children.push_back(std::move(right));
    ASSIGN_OR_RETURN(left, Make(op->kind, begin, end, offset, std::move(children)));
    left->binary_op = op->op;
  }
  return left;
}

Parser::Result Parser::Unary() {
  if (!At(TokenKind::kMinus) && !At(TokenKind::kNot)) {
    ASSIGN_OR_RETURN(NodePtr operand, Primary());
    return Suffixes(std::move(operand));
  }
  RETURN_IF_ERROR(Enter());
  DepthGuard guard(&depth_);
  const Token op = token_;
  if (op.kind == TokenKind::kMinus &&
      (Peek().kind == TokenKind::kInt || Peek().kind == TokenKind::kDouble)) {
    return NegativeLiteral(op);
  }
  RETURN_IF_ERROR(Advance());
  ASSIGN_OR_RETURN(NodePtr operand, Unary());
  const size_t end = operand->end;
  std::vector<NodePtr> children;
  children.push_back(std::move(operand));
  ASSIGN_OR_RETURN(NodePtr node,
                   Make(NodeKind::kUnary, op.begin, end, op.begin, std::move(children)));
  node->unary_op = op.kind == TokenKind::kMinus ? UnaryOp::kNegate : UnaryOp::kNot;
  return node;
}

// `-5` is one literal, which is how -9223372036854775808 can be written at all.
Parser::Result Parser::NegativeLiteral(const Token& minus) {
  RETURN_IF_ERROR(Advance());
  NodePtr literal;
  if (At(TokenKind::kInt)) {
    ASSIGN_OR_RETURN(literal, IntLiteral(token_.int_value, /*negative=*/true, minus.begin));
  } else {
    ASSIGN_OR_RETURN(literal, Literal(Value::Double(-token_.double_value), minus.begin,
                                      token_.end));
  }
  RETURN_IF_ERROR(Advance());
  return Suffixes(std::move(literal));
}

Parser::Result Parser::IntLiteral(uint64_t magnitude, bool negative, size_t begin) {
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (magnitude > kMax + (negative ? 1 : 0)) {
    return ParseError(token_.begin,
                      absl::StrCat("integer ", negative ? "-" : "",
                                   source_.substr(token_.begin, token_.end - token_.begin),
                                   " is out of range (ints are 64-bit)"));
  }
  // Negating in unsigned arithmetic keeps -2^63 defined.
  const int64_t value =
      negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return Literal(Value::Int(value), begin, token_.end);
}

Parser::Result Parser::Suffixes(NodePtr operand) {
  while (true) {
    if (At(TokenKind::kDot)) {
      RETURN_IF_ERROR(Advance());
      // Keywords are fine as field names: `a.in`, `a.null`.
      if (!At(TokenKind::kIdentifier) && !At(TokenKind::kTrue) && !At(TokenKind::kFalse) &&
          !At(TokenKind::kNull) && !At(TokenKind::kIn)) {
        return Unexpected("a field name after '.'");
      }
      const Token name = token_;
      RETURN_IF_ERROR(Advance());
      if (At(TokenKind::kLeftParen)) {
        ASSIGN_OR_RETURN(operand, Call(std::move(operand), name));
        continue;
      }
      const size_t begin = operand->begin;
      std::vector<NodePtr> children;
      children.push_back(std::move(operand));
      ASSIGN_OR_RETURN(operand, Make(NodeKind::kSelect, begin, name.end, name.begin,
                                     std::move(children)));
      operand->name = name.text;
    } else if (At(TokenKind::kLeftBracket)) {
      const size_t offset = token_.begin;
      RETURN_IF_ERROR(Advance());
      ASSIGN_OR_RETURN(NodePtr index, Conditional());
      RETURN_IF_ERROR(Expect(TokenKind::kRightBracket, "']'"));
      const size_t begin = operand->begin;
      std::vector<NodePtr> children;
      children.push_back(std::move(operand));
      children.push_back(std::move(index));
      ASSIGN_OR_RETURN(operand, Make(NodeKind::kIndex, begin, previous_end_, offset,
                                     std::move(children)));
    } else {
      return operand;
    }
  }
}

Parser::Result Parser::Primary() {
  switch (token_.kind) {
    case TokenKind::kIdentifier: return Identifier();
    case TokenKind::kLeftParen: return Parenthesized();
    case TokenKind::kLeftBracket: return ListLiteral();
    case TokenKind::kLeftBrace: return MapLiteral();
    default: break;
  }
  ASSIGN_OR_RETURN(NodePtr literal, TokenLiteral());
  RETURN_IF_ERROR(Advance());
  return literal;
}

Parser::Result Parser::TokenLiteral() {
  switch (token_.kind) {
    case TokenKind::kInt:
      return IntLiteral(token_.int_value, /*negative=*/false, token_.begin);
    case TokenKind::kDouble:
      return Literal(Value::Double(token_.double_value), token_.begin, token_.end);
    case TokenKind::kString:
      return Literal(Value::String(token_.text), token_.begin, token_.end);
    case TokenKind::kTrue:
    case TokenKind::kFalse:
      return Literal(Value::Bool(token_.kind == TokenKind::kTrue), token_.begin, token_.end);
    case TokenKind::kNull:
      return Literal(Value::Null(), token_.begin, token_.end);
    default:
      return Unexpected("an operand");
  }
}

Parser::Result Parser::Parenthesized() {
  const size_t begin = token_.begin;
  RETURN_IF_ERROR(Advance());  // '('
  ASSIGN_OR_RETURN(NodePtr node, Conditional());
  RETURN_IF_ERROR(Expect(TokenKind::kRightParen, "')'"));
  // Widen the span so that messages quote "(a + b)"; offsets stay on the operator.
  node->begin = static_cast<uint32_t>(begin);
  node->end = static_cast<uint32_t>(previous_end_);
  return node;
}

Parser::Result Parser::Identifier() {
  const Token name = token_;
  RETURN_IF_ERROR(Advance());
  if (At(TokenKind::kLeftParen)) {
    if (name.text == "has") return Has(name);
    return Call(nullptr, name);
  }
  // The innermost macro variable of that name, if any, shadows the Activation's.
  for (size_t slot = scopes_.size(); slot-- > 0;) {
    if (scopes_[slot] == name.text) {
      ASSIGN_OR_RETURN(NodePtr local, Make(NodeKind::kLocal, name.begin, name.end, name.begin));
      local->slot = static_cast<int>(slot);
      local->name = name.text;
      return local;
    }
  }
  ASSIGN_OR_RETURN(NodePtr variable, Make(NodeKind::kVariable, name.begin, name.end, name.begin));
  variable->name = name.text;
  return variable;
}

absl::StatusOr<ParsedTree> ParseTree(absl::string_view source) { return Parser(source).Run(); }

}  // namespace fanfare::expr
