#include "base/version.h"

namespace fanfare {

absl::string_view Version() { return FANFARE_VERSION; }

}  // namespace fanfare
