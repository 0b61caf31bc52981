// The version of this build of Fanfare (CMake's PROJECT_VERSION), e.g. "0.1.0".
#ifndef FANFARE_BASE_VERSION_H_
#define FANFARE_BASE_VERSION_H_

#include "absl/strings/string_view.h"

namespace fanfare {

absl::string_view Version();

}  // namespace fanfare

#endif  // FANFARE_BASE_VERSION_H_
