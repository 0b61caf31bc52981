// The parser's rules for calls, macros and list and map literals.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/suggest.h"
#include "engine/expr/internal/functions.h"
#include "engine/expr/internal/parse_error.h"
#include "engine/expr/internal/parser.h"

namespace fanfare::expr {
namespace {

constexpr MacroSpec kMacros[] = {
    {"exists", MacroKind::kExists, "xs.exists(x, <condition>)"},
    {"all", MacroKind::kAll, "xs.all(x, <condition>)"},
    {"map", MacroKind::kMap, "xs.map(x, <expression>)"},
    {"filter", MacroKind::kFilter, "xs.filter(x, <condition>)"},
};

bool AllLiterals(const std::vector<std::unique_ptr<Node>>& nodes) {
  return std::all_of(nodes.begin(), nodes.end(),
                     [](const auto& node) { return node->kind == NodeKind::kLiteral; });
}

}  // namespace

const MacroSpec* FindMacro(absl::string_view name) {
  for (const MacroSpec& macro : kMacros) {
    if (macro.name == name) return &macro;
  }
  return nullptr;
}

Parser::Result Parser::Call(NodePtr receiver, const Token& name) {
  if (const MacroSpec* macro = FindMacro(name.text); macro != nullptr) {
    if (receiver == nullptr) {
      return ParseError(name.begin, absl::StrCat(name.text, "() is a method: write ",
                                                 macro->usage));
    }
    return Macro(std::move(receiver), *macro, name);
  }
  if (name.text == "has") {
    return ParseError(name.begin, "has() is not a method: write has(a.b)");
  }
  const FunctionSpec* spec = FindFunction(name.text);
  if (spec == nullptr) {
    return ParseError(name.begin,
                      absl::StrCat("unknown function '", name.text, "'",
                                   DidYouMean(name.text, CallableNames())));
  }
  if (receiver != nullptr && !spec->method) {
    return ParseError(name.begin, absl::StrCat(name.text, "() is not a method: write ",
                                               spec->usage));
  }
  if (receiver == nullptr && !spec->global) {
    return ParseError(name.begin, absl::StrCat(name.text, "() is a method: write ",
                                               spec->usage));
  }
  return CheckedCall(std::move(receiver), name, *spec);
}

Parser::Result Parser::CheckedCall(NodePtr receiver, const Token& name,
                                   const FunctionSpec& spec) {
  const size_t begin = receiver != nullptr ? receiver->begin : name.begin;
  RETURN_IF_ERROR(Advance());  // '('
  ASSIGN_OR_RETURN(std::vector<NodePtr> args,
                   Items(TokenKind::kRightParen, "',' or ')'", /*trailing_comma=*/false));
  if (receiver != nullptr) args.insert(args.begin(), std::move(receiver));
  const int count = static_cast<int>(args.size());
  if (count < spec.min_args || (spec.max_args >= 0 && count > spec.max_args)) {
    return ParseError(name.begin, absl::StrCat("wrong number of arguments to ", spec.name,
                                               "(): write ", spec.usage));
  }
  ASSIGN_OR_RETURN(NodePtr call,
                   Make(NodeKind::kCall, begin, previous_end_, name.begin, std::move(args)));
  call->function = spec.function;
  return FoldCall(std::move(call));
}

// Folding makes `duration("6h")` free at evaluation time, and turns a misspelt constant
// into an error the campaign's loader reports.
Parser::Result Parser::FoldCall(NodePtr call) {
  if (call->function != Function::kDuration && call->function != Function::kTimestamp) {
    return call;
  }
  const Node& arg = *call->children[0];
  if (arg.kind != NodeKind::kLiteral || !arg.literal.is_string()) return call;
  Value value = call->function == Function::kDuration ? ToDuration(arg.literal)
                                                      : ToTimestamp(arg.literal);
  if (value.is_error()) return ParseError(arg.offset, value.error_message());
  return Literal(std::move(value), call->begin, call->end);
}

Parser::Result Parser::Macro(NodePtr receiver, const MacroSpec& macro, const Token& name) {
  RETURN_IF_ERROR(Advance());  // '('
  if (!At(TokenKind::kIdentifier)) {
    return ParseError(token_.begin, absl::StrCat(macro.name, "() needs a variable name first: ",
                                                 macro.usage));
  }
  const Token variable = token_;
  RETURN_IF_ERROR(Advance());
  if (!At(TokenKind::kComma)) {
    return Unexpected(absl::StrCat("',' after the variable of ", macro.usage));
  }
  RETURN_IF_ERROR(Advance());
  const int slot = static_cast<int>(scopes_.size());
  scopes_.push_back(variable.text);
  max_locals_ = std::max(max_locals_, slot + 1);
  ASSIGN_OR_RETURN(NodePtr body, Conditional());
  scopes_.pop_back();
  if (At(TokenKind::kComma)) {
    return ParseError(token_.begin, absl::StrCat(macro.name, "() takes a variable and one "
                                                 "expression: write ", macro.usage));
  }
  RETURN_IF_ERROR(Expect(TokenKind::kRightParen, "')'"));
  const size_t begin = receiver->begin;
  std::vector<NodePtr> children;
  children.push_back(std::move(receiver));
  children.push_back(std::move(body));
  ASSIGN_OR_RETURN(NodePtr node, Make(NodeKind::kMacro, begin, previous_end_, name.begin,
                                      std::move(children)));
  node->macro = macro.kind;
  node->slot = slot;
  node->name = variable.text;
  return node;
}

Parser::Result Parser::Has(const Token& name) {
  RETURN_IF_ERROR(Advance());  // '('
  ASSIGN_OR_RETURN(NodePtr field, Conditional());
  if (field->kind != NodeKind::kSelect) {
    return ParseError(field->begin, "has() needs a field selection such as "
                                    "has(params.budget); for other keys write \"key\" in map");
  }
  if (At(TokenKind::kComma)) {
    return ParseError(token_.begin, "has() takes one field selection such as has(params.budget)");
  }
  RETURN_IF_ERROR(Expect(TokenKind::kRightParen, "')'"));
  field->kind = NodeKind::kHas;
  field->begin = static_cast<uint32_t>(name.begin);
  field->end = static_cast<uint32_t>(previous_end_);
  return field;
}

absl::StatusOr<std::vector<Parser::NodePtr>> Parser::Items(TokenKind close,
                                                           absl::string_view expected,
                                                           bool trailing_comma) {
  std::vector<NodePtr> items;
  while (!At(close) || (!trailing_comma && !items.empty())) {
    ASSIGN_OR_RETURN(NodePtr item, Conditional());
    items.push_back(std::move(item));
    if (At(close)) break;
    RETURN_IF_ERROR(Expect(TokenKind::kComma, expected));
  }
  RETURN_IF_ERROR(Advance());  // close
  return items;
}

Parser::Result Parser::ListLiteral() {
  const size_t begin = token_.begin;
  RETURN_IF_ERROR(Advance());  // '['
  ASSIGN_OR_RETURN(std::vector<NodePtr> items,
                   Items(TokenKind::kRightBracket, "',' or ']'", /*trailing_comma=*/true));
  if (AllLiterals(items)) {
    Value::List values;
    values.reserve(items.size());
    for (NodePtr& item : items) values.push_back(std::move(item->literal));
    return Literal(Value::MakeList(std::move(values)), begin, previous_end_);
  }
  return Make(NodeKind::kList, begin, previous_end_, begin, std::move(items));
}

Parser::Result Parser::MapLiteral() {
  const size_t begin = token_.begin;
  RETURN_IF_ERROR(Advance());  // '{'
  std::vector<NodePtr> entries;
  while (!At(TokenKind::kRightBrace)) {
    ASSIGN_OR_RETURN(NodePtr key, Conditional());
    RETURN_IF_ERROR(Expect(TokenKind::kColon, "':' after a map key"));
    ASSIGN_OR_RETURN(NodePtr value, Conditional());
    entries.push_back(std::move(key));
    entries.push_back(std::move(value));
    if (At(TokenKind::kRightBrace)) break;
    RETURN_IF_ERROR(Expect(TokenKind::kComma, "',' or '}'"));
  }
  RETURN_IF_ERROR(Advance());  // '}'
  RETURN_IF_ERROR(CheckMapKeys(entries));
  if (AllLiterals(entries)) {
    Value::Map values;
    for (size_t i = 0; i < entries.size(); i += 2) {
      values.emplace(entries[i]->literal.string_value(), std::move(entries[i + 1]->literal));
    }
    return Literal(Value::MakeMap(std::move(values)), begin, previous_end_);
  }
  return Make(NodeKind::kMap, begin, previous_end_, begin, std::move(entries));
}

absl::Status Parser::CheckMapKeys(const std::vector<NodePtr>& entries) {
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < entries.size(); i += 2) {
    const Node& key = *entries[i];
    if (key.kind != NodeKind::kLiteral) continue;
    if (!key.literal.is_string()) {
      return ParseError(key.begin, absl::StrCat("map keys must be strings, not ",
                                                key.literal.kind_name()));
    }
    if (!seen.insert(key.literal.string_value()).second) {
      return ParseError(key.begin, absl::StrCat("duplicate key ", key.literal.DebugString(),
                                                " in map"));
    }
  }
  return absl::OkStatus();
}

}  // namespace fanfare::expr
