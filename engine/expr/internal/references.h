// The variable paths an expression reads (Expression::references()).
#ifndef FANFARE_ENGINE_EXPR_INTERNAL_REFERENCES_H_
#define FANFARE_ENGINE_EXPR_INTERNAL_REFERENCES_H_

#include <vector>

#include "engine/expr/expression.h"
#include "engine/expr/internal/ast.h"

namespace fanfare::expr {

// Every chain of field selections and constant-string indexes that starts at a variable
// (not a macro variable), in source order. A dynamic index ends the chain's path; the index
// expression's own references follow.
std::vector<Reference> CollectReferences(const Node& root);

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_INTERNAL_REFERENCES_H_
