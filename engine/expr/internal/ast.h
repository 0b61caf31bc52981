// The parse tree of an Expression: what the parser builds and the evaluator walks.
//
// A tree of Nodes, each owning its children. Built once by the parser, then read-only, so
// many threads may evaluate one tree at once.
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_AST_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/expr/expression.h"
#include "engine/expr/value.h"

namespace fanfare::expr {

enum class NodeKind : uint8_t {
  kLiteral,      // `literal`; also lists and maps whose parts are all literals
  kVariable,     // `name`, read from the Activation
  kLocal,        // `name`, bound by an enclosing macro to locals[slot]
  kSelect,       // children[0].name
  kHas,          // has(children[0].name)
  kIndex,        // children[0][children[1]]
  kUnary,        // `unary_op` children[0]
  kBinary,       // children[0] `binary_op` children[1]
  kAnd,          // children[0] && children[1]
  kOr,           // children[0] || children[1]
  kConditional,  // children[0] ? children[1] : children[2]
  kList,         // [children...]
  kMap,          // {children[0]: children[1], children[2]: children[3], ...}
  kCall,         // `function`(children...); for a method call children[0] is the receiver
  kMacro,        // children[0].`macro`(name, children[1]), binding name to locals[slot]
};

enum class UnaryOp : uint8_t { kNegate, kNot };

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod, kEq, kNe, kLt, kLe, kGt, kGe, kIn };

enum class Function : uint8_t {
  kSize, kNow, kDuration, kTimestamp, kInt, kDouble, kString, kMin, kMax, kAbs, kRound,
  kContains, kStartsWith, kEndsWith, kLower, kUpper, kJoin,
  kYear, kMonth, kDay, kHour, kMinute, kSecond, kDayOfWeek,
  kSentiment, kHasLink, kIsLinkOnly, kIsAllCaps, kContainsAny,
};

enum class MacroKind : uint8_t { kExists, kAll, kMap, kFilter };

struct Expression::Node {
  NodeKind kind = NodeKind::kLiteral;
  UnaryOp unary_op = UnaryOp::kNot;
  BinaryOp binary_op = BinaryOp::kAdd;
  Function function = Function::kSize;
  MacroKind macro = MacroKind::kExists;
  int slot = 0;
  // The node's text is source[begin, end); `offset` is where errors about it point (the
  // operator of a binary node, the name of a call).
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t offset = 0;
  // Height of the subtree rooted here: 1 for a leaf.
  int depth = 1;
  Value literal;
  // kVariable, kLocal, kMacro: the variable; kSelect, kHas: the field.
  std::string name;
  std::vector<std::unique_ptr<Node>> children;
};

using Node = Expression::Node;

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_AST_H_
