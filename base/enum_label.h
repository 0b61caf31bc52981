// How logs and metrics spell a protobuf enum value: "step_attempt_failed" for
// EVENT_TYPE_STEP_ATTEMPT_FAILED.
#ifndef FANFARE_BASE_ENUM_LABEL_H_
#define FANFARE_BASE_ENUM_LABEL_H_

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace fanfare {

// `name` (a generated Enum_Name()) without `prefix`, in lower case.
inline std::string EnumLabel(absl::string_view name, absl::string_view prefix) {
  return absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
}

}  // namespace fanfare

#endif  // FANFARE_BASE_ENUM_LABEL_H_
