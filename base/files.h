// Reading a whole (small) file: a certificate, a key set, a token.
#ifndef FANFARE_BASE_FILES_H_
#define FANFARE_BASE_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace fanfare {

// The contents of `path`. NotFound ("cannot read PATH") if it is not a regular file (a
// directory, missing) or cannot be read.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace fanfare

#endif  // FANFARE_BASE_FILES_H_
