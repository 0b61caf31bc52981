// The one default namespace: a request, a worker's hello or a campaign that names no
// namespace is in "default".
#ifndef FANFARE_ENGINE_COORDINATOR_NAMESPACES_H_
#define FANFARE_ENGINE_COORDINATOR_NAMESPACES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace fanfare::coordinator {

inline constexpr absl::string_view kDefaultNamespace = "default";

// `ns`, or the default namespace if it is empty.
inline const std::string& NamespaceOr(const std::string& ns) {
  static const std::string* const kDefault = new std::string(kDefaultNamespace);
  return ns.empty() ? *kDefault : ns;
}

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_NAMESPACES_H_
