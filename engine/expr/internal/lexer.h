// Splits an expression's source into tokens, one at a time.
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_LEXER_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace fanfare::expr {

enum class TokenKind {
  kEnd, kError,
  kInt, kDouble, kString, kIdentifier, kTrue, kFalse, kNull, kIn,
  kPlus, kMinus, kStar, kSlash, kPercent,
  kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual,
  kAnd, kOr, kNot, kQuestion, kColon, kDot, kComma,
  kLeftParen, kRightParen, kLeftBracket, kRightBracket, kLeftBrace, kRightBrace,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  // The token is source[begin, end). For kError, begin is where the problem is.
  size_t begin = 0;
  size_t end = 0;
  // kInt: the literal's magnitude, which may exceed INT64_MAX (the parser decides, since
  // -9223372036854775808 is valid).
  uint64_t int_value = 0;
  double double_value = 0;
  // kString: the decoded contents; kIdentifier: the name; kError: the message.
  std::string text;
};

// Not thread-safe; one Lexer per parse.
class Lexer {
 public:
  explicit Lexer(absl::string_view source) : source_(source) {}

  // The next token; kEnd at the end of the source, forever after. After a kError token the
  // lexer's state is unspecified: stop there.
  Token Next();

 private:
  void SkipSpaceAndComments();
  Token Number();
  Token Word();
  Token String(size_t begin, bool raw);
  // Decodes the escape sequence at pos_ (just after a backslash) onto `out`. Returns false
  // with `error` set if it is invalid.
  bool Escape(std::string* out, Token* error);
  Token Punctuation();
  Token Error(size_t at, std::string message) const;

  absl::string_view source_;
  size_t pos_ = 0;
};

// How a token reads in a message: 'foo', ')', "end of expression".
std::string DescribeToken(const Token& token, absl::string_view source);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_LEXER_H_
