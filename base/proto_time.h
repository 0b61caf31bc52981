// Conversions between absl time types and google.protobuf Timestamp / Duration.
#ifndef FANFARE_BASE_PROTO_TIME_H_
#define FANFARE_BASE_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace fanfare {

// Microsecond precision. Infinite times map to the protobuf range's ends and back.
google::protobuf::Timestamp ToProtoTime(absl::Time t);
// An unset (all-zero) Timestamp reads as absl::InfinitePast().
absl::Time FromProtoTime(const google::protobuf::Timestamp& t);

google::protobuf::Duration ToProtoDuration(absl::Duration d);
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);

// Microseconds since the epoch for records, with 0 standing for "unset" (either infinity).
int64_t ToMicrosOrZero(absl::Time t);
// The inverse, with 0 read as `unset`.
absl::Time FromMicrosOrZero(int64_t micros, absl::Time unset);

}  // namespace fanfare

#endif  // FANFARE_BASE_PROTO_TIME_H_
