#include "engine/store/key_codec.h"

namespace fanfare::store {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;

void PutBigEndian(std::string& out, uint64_t v, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

bool GetBigEndian(absl::string_view& in, int bytes, uint64_t* v) {
  if (in.size() < static_cast<size_t>(bytes)) return false;
  uint64_t result = 0;
  for (int i = 0; i < bytes; ++i) result = (result << 8) | static_cast<uint8_t>(in[i]);
  in.remove_prefix(bytes);
  *v = result;
  return true;
}

}  // namespace

KeyWriter& KeyWriter::U64(uint64_t v) {
  PutBigEndian(key_, v, 8);
  return *this;
}

KeyWriter& KeyWriter::I64(int64_t v) { return U64(static_cast<uint64_t>(v) ^ kSignBit); }

KeyWriter& KeyWriter::I64Descending(int64_t v) {
  return U64(~(static_cast<uint64_t>(v) ^ kSignBit));
}

KeyWriter& KeyWriter::Time(absl::Time t) { return I64(absl::ToUnixMicros(t)); }

KeyWriter& KeyWriter::TimeDescending(absl::Time t) { return I64Descending(absl::ToUnixMicros(t)); }

KeyWriter& KeyWriter::String(absl::string_view s) {
  PutBigEndian(key_, s.size(), 4);
  key_.append(s.data(), s.size());
  return *this;
}

bool KeyReader::U64(uint64_t* v) { return GetBigEndian(rest_, 8, v); }

bool KeyReader::I64(int64_t* v) {
  uint64_t raw = 0;
  if (!U64(&raw)) return false;
  *v = static_cast<int64_t>(raw ^ kSignBit);
  return true;
}

bool KeyReader::I64Descending(int64_t* v) {
  uint64_t raw = 0;
  if (!U64(&raw)) return false;
  *v = static_cast<int64_t>(~raw ^ kSignBit);
  return true;
}

bool KeyReader::Time(absl::Time* t) {
  int64_t micros = 0;
  if (!I64(&micros)) return false;
  *t = absl::FromUnixMicros(micros);
  return true;
}

bool KeyReader::TimeDescending(absl::Time* t) {
  int64_t micros = 0;
  if (!I64Descending(&micros)) return false;
  *t = absl::FromUnixMicros(micros);
  return true;
}

bool KeyReader::String(std::string* s) {
  absl::string_view probe = rest_;
  uint64_t size = 0;
  if (!GetBigEndian(probe, 4, &size) || probe.size() < size) return false;
  s->assign(probe.data(), size);
  rest_ = probe.substr(size);
  return true;
}

}  // namespace fanfare::store
