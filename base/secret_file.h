// Files that hold a secret (the bootstrap admin token): readable and writable by the owner
// alone, and never seen half-written.
#ifndef FANFARE_BASE_SECRET_FILE_H_
#define FANFARE_BASE_SECRET_FILE_H_

#include <string>

#include "absl/status/status.h"

namespace fanfare {

// Writes `contents` to `path` with mode 0600: to a new file beside it, synced, then renamed
// over `path`, so that a reader sees the old file or the new one. FailedPrecondition naming
// the path on any error.
absl::Status WriteSecretFile(const std::string& path, const std::string& contents);

}  // namespace fanfare

#endif  // FANFARE_BASE_SECRET_FILE_H_
