#include "base/proto_time.h"

#include <algorithm>

namespace fanfare {
namespace {

// The range protobuf Timestamps may hold: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

}  // namespace

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp out;
  if (t == absl::InfinitePast()) {
    out.set_seconds(kMinSeconds);
    return out;
  }
  if (t == absl::InfiniteFuture()) {
    out.set_seconds(kMaxSeconds);
    return out;
  }
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    rest += 1'000'000;
    --seconds;
  }
  out.set_seconds(std::clamp(seconds, kMinSeconds, kMaxSeconds));
  out.set_nanos(static_cast<int32_t>(rest * 1000));
  return out;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return absl::InfinitePast();
  if (t.seconds() <= kMinSeconds) return absl::InfinitePast();
  if (t.seconds() >= kMaxSeconds) return absl::InfiniteFuture();
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  out.set_seconds(nanos / 1'000'000'000);
  out.set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  return out;
}

absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

int64_t ToMicrosOrZero(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return 0;
  return absl::ToUnixMicros(t);
}

absl::Time FromMicrosOrZero(int64_t micros, absl::Time unset) {
  return micros == 0 ? unset : absl::FromUnixMicros(micros);
}

}  // namespace fanfare
