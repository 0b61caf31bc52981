#include "engine/expr/expression.h"

#include <algorithm>
#include <utility>

#include "base/status_macros.h"
#include "engine/expr/internal/ast.h"
#include "engine/expr/internal/evaluator.h"
#include "engine/expr/internal/parser.h"
#include "engine/expr/internal/references.h"

namespace fanfare::expr {

void Activation::Set(std::string name, Value value) {
  vars_.insert_or_assign(std::move(name), std::move(value));
}

const Value* Activation::Find(absl::string_view name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

std::vector<std::string> Activation::names() const {
  std::vector<std::string> names;
  names.reserve(vars_.size());
  for (const auto& [name, unused] : vars_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

struct Expression::Program {
  std::string source;
  ParsedTree tree;
  std::vector<Reference> references;
};

absl::StatusOr<Expression> Expression::Parse(absl::string_view source) {
  auto program = std::make_shared<Program>();
  program->source = std::string(source);
  ASSIGN_OR_RETURN(program->tree, ParseTree(program->source));
  program->references = CollectReferences(*program->tree.root);
  return Expression(std::move(program));
}

Value Expression::Evaluate(const Activation& vars) const {
  return EvaluateTree(*program_->tree.root, program_->source, program_->tree.locals, vars);
}

const std::vector<Reference>& Expression::references() const { return program_->references; }

const std::string& Expression::source() const { return program_->source; }

}  // namespace fanfare::expr
