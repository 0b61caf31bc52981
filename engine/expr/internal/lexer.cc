#include "engine/expr/internal/lexer.h"

#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fanfare::expr {
namespace {

bool IsWordStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// The character a one-letter escape such as \n stands for; 0 if `c` is not one.
char SimpleEscape(char c) {
  switch (c) {
    case '\\': case '"': case '\'': case '`': case '?': return c;
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    default: return 0;
  }
}

std::string Printable(char c) {
  if (absl::ascii_isgraph(c)) return std::string(1, c);
  return absl::StrFormat("\\x%02x", static_cast<unsigned char>(c));
}

}  // namespace

Token Lexer::Error(size_t at, std::string message) const {
  Token token;
  token.kind = TokenKind::kError;
  token.begin = at;
  token.end = at;
  token.text = std::move(message);
  return token;
}

void Lexer::SkipSpaceAndComments() {
  while (pos_ < source_.size()) {
    const char c = source_[pos_];
    if (absl::ascii_isspace(c)) {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < source_.size() && source_[pos_ + 1] == '/') {
      while (pos_ < source_.size() && source_[pos_] != '\n') ++pos_;
    } else {
      return;
    }
  }
}

Token Lexer::Next() {
  SkipSpaceAndComments();
  if (pos_ >= source_.size()) {
    Token end;
    end.begin = end.end = source_.size();
    return end;
  }
  const char c = source_[pos_];
  if (absl::ascii_isdigit(c)) return Number();
  if ((c == 'r' || c == 'R') && pos_ + 1 < source_.size() &&
      (source_[pos_ + 1] == '"' || source_[pos_ + 1] == '\'')) {
    const size_t begin = pos_;
    ++pos_;
    return String(begin, /*raw=*/true);
  }
  if (IsWordStart(c)) return Word();
  if (c == '"' || c == '\'') return String(pos_, /*raw=*/false);
  return Punctuation();
}

Token Lexer::Number() {
  Token token;
  token.begin = pos_;
  const bool hex = source_.substr(pos_, 2) == "0x" || source_.substr(pos_, 2) == "0X";
  bool is_double = false;
  if (hex) {
    pos_ += 2;
    while (pos_ < source_.size() && HexDigit(source_[pos_]) >= 0) ++pos_;
  } else {
    while (pos_ < source_.size() && absl::ascii_isdigit(source_[pos_])) ++pos_;
    if (pos_ + 1 < source_.size() && source_[pos_] == '.' &&
        absl::ascii_isdigit(source_[pos_ + 1])) {
      is_double = true;
      ++pos_;
      while (pos_ < source_.size() && absl::ascii_isdigit(source_[pos_])) ++pos_;
    }
    if (pos_ < source_.size() && (source_[pos_] == 'e' || source_[pos_] == 'E')) {
      size_t exponent = pos_ + 1;
      if (exponent < source_.size() && (source_[exponent] == '+' || source_[exponent] == '-')) {
        ++exponent;
      }
      if (exponent < source_.size() && absl::ascii_isdigit(source_[exponent])) {
        is_double = true;
        pos_ = exponent;
        while (pos_ < source_.size() && absl::ascii_isdigit(source_[pos_])) ++pos_;
      }
    }
  }
  if (pos_ < source_.size() && IsWordChar(source_[pos_])) {
    size_t end = pos_;
    while (end < source_.size() && IsWordChar(source_[end])) ++end;
    return Error(token.begin, absl::StrCat("invalid number '",
                                           source_.substr(token.begin, end - token.begin), "'"));
  }
  token.end = pos_;
  const absl::string_view text = source_.substr(token.begin, token.end - token.begin);
  if (is_double) {
    token.kind = TokenKind::kDouble;
    if (!absl::SimpleAtod(text, &token.double_value) || !std::isfinite(token.double_value)) {
      return Error(token.begin, absl::StrCat("number ", text, " is out of range"));
    }
    return token;
  }
  token.kind = TokenKind::kInt;
  if (hex && text.size() == 2) return Error(token.begin, "invalid number '0x'");
  const bool ok = hex ? absl::SimpleHexAtoi(text.substr(2), &token.int_value)
                      : absl::SimpleAtoi(text, &token.int_value);
  if (!ok) return Error(token.begin, absl::StrCat("integer ", text, " is out of range"));
  return token;
}

Token Lexer::Word() {
  Token token;
  token.begin = pos_;
  while (pos_ < source_.size() && IsWordChar(source_[pos_])) ++pos_;
  token.end = pos_;
  const absl::string_view word = source_.substr(token.begin, token.end - token.begin);
  if (word == "true") {
    token.kind = TokenKind::kTrue;
  } else if (word == "false") {
    token.kind = TokenKind::kFalse;
  } else if (word == "null") {
    token.kind = TokenKind::kNull;
  } else if (word == "in") {
    token.kind = TokenKind::kIn;
  } else {
    token.kind = TokenKind::kIdentifier;
  }
  token.text = std::string(word);
  return token;
}

// `begin` is where the token starts (at the r of a raw string); pos_ is at the quote.
Token Lexer::String(size_t begin, bool raw) {
  Token token;
  token.kind = TokenKind::kString;
  token.begin = begin;
  const char quote = source_[pos_];
  const bool triple = source_.substr(pos_, 3) == std::string(3, quote);
  pos_ += triple ? 3 : 1;
  while (true) {
    if (pos_ >= source_.size() || (!triple && (source_[pos_] == '\n' || source_[pos_] == '\r'))) {
      return Error(begin, "unterminated string (close it with a matching quote)");
    }
    const char c = source_[pos_];
    if (c == quote && (!triple || source_.substr(pos_, 3) == std::string(3, quote))) {
      pos_ += triple ? 3 : 1;
      break;
    }
    if (c == '\\' && !raw) {
      ++pos_;
      Token error;
      if (!Escape(&token.text, &error)) return error;
      continue;
    }
    token.text.push_back(c);
    ++pos_;
  }
  token.end = pos_;
  return token;
}

bool Lexer::Escape(std::string* out, Token* error) {
  const size_t at = pos_ - 1;  // the backslash
  if (pos_ >= source_.size()) {
    *error = Error(at, "unterminated string (close it with a matching quote)");
    return false;
  }
  const char c = source_[pos_++];
  if (const char simple = SimpleEscape(c); simple != 0) {
    out->push_back(simple);
    return true;
  }
  int digits = 0;
  int base = 16;
  if (c == 'x' || c == 'X') {
    digits = 2;
  } else if (c == 'u') {
    digits = 4;
  } else if (c == 'U') {
    digits = 8;
  } else if (c >= '0' && c <= '3') {
    digits = 2;  // after the first octal digit
    base = 8;
  } else {
    *error = Error(at, absl::StrCat("invalid escape '\\", Printable(c),
                                    "' in string (write \\\\ for a backslash)"));
    return false;
  }
  uint32_t code_point = base == 8 ? static_cast<uint32_t>(c - '0') : 0;
  for (int i = 0; i < digits; ++i) {
    const int digit = pos_ < source_.size() ? HexDigit(source_[pos_]) : -1;
    if (digit < 0 || digit >= base) {
      *error = Error(at, absl::StrCat("invalid escape in string: expected ", digits,
                                      base == 8 ? " octal" : " hex", " digits after '\\",
                                      Printable(c), "'"));
      return false;
    }
    code_point = code_point * base + digit;
    ++pos_;
  }
  if (c == 'x' || c == 'X' || base == 8) {
    // CEL reads \xHH and octal escapes as code points, as it has no bytes in strings.
    AppendUtf8(code_point, out);
    return true;
  }
  if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    *error = Error(at, absl::StrFormat("invalid escape in string: U+%04X is not a Unicode "
                                       "character", code_point));
    return false;
  }
  AppendUtf8(code_point, out);
  return true;
}

Token Lexer::Punctuation() {
  struct Symbol {
    absl::string_view text;
    TokenKind kind;
  };
  // Two-character symbols first, so that "<=" is not read as "<".
  static constexpr Symbol kSymbols[] = {
      {"==", TokenKind::kEqual},     {"!=", TokenKind::kNotEqual},
      {"<=", TokenKind::kLessEqual}, {">=", TokenKind::kGreaterEqual},
      {"&&", TokenKind::kAnd},       {"||", TokenKind::kOr},
      {"+", TokenKind::kPlus},       {"-", TokenKind::kMinus},
      {"*", TokenKind::kStar},       {"/", TokenKind::kSlash},
      {"%", TokenKind::kPercent},    {"<", TokenKind::kLess},
      {">", TokenKind::kGreater},    {"!", TokenKind::kNot},
      {"?", TokenKind::kQuestion},   {":", TokenKind::kColon},
      {".", TokenKind::kDot},        {",", TokenKind::kComma},
      {"(", TokenKind::kLeftParen},  {")", TokenKind::kRightParen},
      {"[", TokenKind::kLeftBracket}, {"]", TokenKind::kRightBracket},
      {"{", TokenKind::kLeftBrace},  {"}", TokenKind::kRightBrace},
  };
  const absl::string_view rest = source_.substr(pos_);
  for (const Symbol& symbol : kSymbols) {
    if (rest.substr(0, symbol.text.size()) == symbol.text) {
      Token token;
      token.kind = symbol.kind;
      token.begin = pos_;
      pos_ += symbol.text.size();
      token.end = pos_;
      return token;
    }
  }
  switch (rest.front()) {
    case '=': return Error(pos_, "unexpected '=' (write == to compare)");
    case '&': return Error(pos_, "unexpected '&' (write && for 'and')");
    case '|': return Error(pos_, "unexpected '|' (write || for 'or')");
    case '`': return Error(pos_, "unexpected '`' (quote strings with \" or ')");
    default: break;
  }
  return Error(pos_, absl::StrCat("unexpected character '", Printable(rest.front()), "'"));
}

std::string DescribeToken(const Token& token, absl::string_view source) {
  if (token.kind == TokenKind::kEnd) return "end of expression";
  absl::string_view text = source.substr(token.begin, token.end - token.begin);
  // A string literal shows its own quotes.
  const absl::string_view quote = token.kind == TokenKind::kString ? "" : "'";
  if (text.size() > 24) return absl::StrCat(quote, text.substr(0, 20), "...", quote);
  return absl::StrCat(quote, text, quote);
}

}  // namespace fanfare::expr
