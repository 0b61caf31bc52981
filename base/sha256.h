// SHA-256, for content digests (a campaign version's identity, StartRun fingerprints).
#ifndef FANFARE_BASE_SHA256_H_
#define FANFARE_BASE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace fanfare {

// Lowercase hex digest of `data`.
std::string Sha256Hex(absl::string_view data);

}  // namespace fanfare

#endif  // FANFARE_BASE_SHA256_H_
