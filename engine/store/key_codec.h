// KeyWriter and KeyReader: the one encoding of RocksDB keys.
//
// Keys are concatenations of fields. Integers are big-endian so that keys sort by them
// numerically; signed integers and times have their sign bit flipped for the same reason,
// and `Descending` variants invert the bits so that newer sorts first. Strings are
// length-prefixed (u32 big-endian), so that a prefix of whole fields selects exactly the
// keys that start with those fields.
//
//   std::string key = KeyWriter().String(ns).String(run_id).U64(seq).Take();
//   KeyReader r(key);
//   std::string ns, run_id; uint64_t seq;
//   if (!r.String(&ns) || !r.String(&run_id) || !r.U64(&seq) || !r.done()) { ...corrupt... }
#ifndef FANFARE_ENGINE_STORE_KEY_CODEC_H_
#define FANFARE_ENGINE_STORE_KEY_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::store {

class KeyWriter {
 public:
  KeyWriter& U64(uint64_t v);
  KeyWriter& I64(int64_t v);
  // Sorts larger values first.
  KeyWriter& I64Descending(int64_t v);
  // Microseconds since the epoch, as I64.
  KeyWriter& Time(absl::Time t);
  KeyWriter& TimeDescending(absl::Time t);
  KeyWriter& String(absl::string_view s);

  const std::string& key() const { return key_; }
  std::string Take() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads fields back in the order they were written. Each read returns false (and leaves
// the output untouched) if the key is too short; a false means a corrupt or foreign key.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}

  bool U64(uint64_t* v);
  bool I64(int64_t* v);
  bool I64Descending(int64_t* v);
  bool Time(absl::Time* t);
  bool TimeDescending(absl::Time* t);
  bool String(std::string* s);

  // True when every byte has been read.
  bool done() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

}  // namespace fanfare::store

#endif  // FANFARE_ENGINE_STORE_KEY_CODEC_H_
