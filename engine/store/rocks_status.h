// The one conversion from rocksdb::Status to absl::Status.
#ifndef FANFARE_ENGINE_STORE_ROCKS_STATUS_H_
#define FANFARE_ENGINE_STORE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace fanfare::store {

// NotFound → kNotFound, Busy/TryAgain/TimedOut → kUnavailable, IOError → kUnavailable when
// the disk may recover (no space) and kInternal otherwise, Corruption → kDataLoss,
// InvalidArgument → kInvalidArgument, everything else kInternal. `context` ("open
// /var/lib/fanfare") prefixes the message.
absl::Status FromRocks(const rocksdb::Status& status, absl::string_view context = "");

}  // namespace fanfare::store

#endif  // FANFARE_ENGINE_STORE_ROCKS_STATUS_H_
