#include "engine/expr/internal/references.h"

#include <algorithm>

namespace fanfare::expr {
namespace {

bool IsLink(const Node& node) {
  return node.kind == NodeKind::kSelect || node.kind == NodeKind::kHas ||
         node.kind == NodeKind::kIndex;
}

void Collect(const Node& node, std::vector<Reference>* out);

// If `node` is a chain a.b["c"][x].d rooted at a variable, records its path ({a, b, c}) and
// the references in its dynamic indexes, and returns true.
bool CollectChain(const Node& node, std::vector<Reference>* out) {
  std::vector<const Node*> links;  // outermost first
  const Node* root = &node;
  while (IsLink(*root)) {
    links.push_back(root);
    root = root->children[0].get();
  }
  if (root->kind != NodeKind::kVariable) return false;
  Reference reference;
  reference.offset = root->offset;
  reference.path.push_back(root->name);
  bool static_so_far = true;
  for (auto link = links.rbegin(); link != links.rend() && static_so_far; ++link) {
    if ((*link)->kind != NodeKind::kIndex) {
      reference.path.push_back((*link)->name);
      continue;
    }
    const Node& index = *(*link)->children[1];
    static_so_far = index.kind == NodeKind::kLiteral && index.literal.is_string();
    if (static_so_far) reference.path.push_back(index.literal.string_value());
  }
  out->push_back(std::move(reference));
  for (auto link = links.rbegin(); link != links.rend(); ++link) {
    if ((*link)->kind == NodeKind::kIndex) Collect(*(*link)->children[1], out);
  }
  return true;
}

void Collect(const Node& node, std::vector<Reference>* out) {
  if ((node.kind == NodeKind::kVariable || IsLink(node)) && CollectChain(node, out)) return;
  for (const std::unique_ptr<Node>& child : node.children) Collect(*child, out);
}

}  // namespace

std::vector<Reference> CollectReferences(const Node& root) {
  std::vector<Reference> references;
  Collect(root, &references);
  std::stable_sort(references.begin(), references.end(),
                   [](const Reference& a, const Reference& b) { return a.offset < b.offset; });
  return references;
}

}  // namespace fanfare::expr
