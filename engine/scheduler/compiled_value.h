// CompiledValue: a step's `with` tree with its templates parsed once, rendered per instance.
#ifndef FANFARE_ENGINE_SCHEDULER_COMPILED_VALUE_H_
#define FANFARE_ENGINE_SCHEDULER_COMPILED_VALUE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/expr/expression.h"
#include "engine/expr/value.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::scheduler {

// Immutable; safe to render from many threads.
class CompiledValue {
 public:
  // Parses every template in `value`. InvalidArgument if one does not parse (the validator
  // reports these with positions first; this is the backstop for specs from elsewhere).
  static absl::StatusOr<CompiledValue> Compile(const google::protobuf::Value& value);

  // The tree with each template rendered. If any template yields an error, the result is
  // an error Value naming the field ("with.text: …").
  expr::Value Render(const expr::Activation& vars) const;

  // True if the tree holds no template: Render() always returns the same literal.
  bool is_literal() const { return kind_ == Kind::kLiteral; }

  // Appends the references of every template in the tree.
  void AppendReferences(std::vector<expr::Reference>* out) const;

 private:
  enum class Kind { kLiteral, kTemplate, kList, kMap };

  expr::Value RenderAt(const expr::Activation& vars, const std::string& path) const;

  Kind kind_ = Kind::kLiteral;
  expr::Value literal_;
  std::shared_ptr<const expr::Template> template_;
  std::vector<CompiledValue> items_;
  std::vector<std::pair<std::string, CompiledValue>> fields_;
};

}  // namespace fanfare::scheduler

#endif  // FANFARE_ENGINE_SCHEDULER_COMPILED_VALUE_H_
