#include "engine/store/store.h"

#include <iterator>

namespace fanfare::store {
namespace {

constexpr absl::string_view kCfNames[] = {
    "default", "specs",       "runs",  "run_index", "active_runs", "steps",
    "history", "idempotency", "spend", "quotas",    "access", "audit",
    "accounts", "webhooks", "outbox", "community"};
static_assert(std::size(kCfNames) == kCfCount);

}  // namespace

absl::string_view CfName(Cf cf) { return kCfNames[static_cast<int>(cf)]; }

void Batch::Put(Cf cf, absl::string_view key, absl::string_view value) {
  rep_.push_back(static_cast<char>(Kind::kPut));
  rep_.push_back(static_cast<char>(cf));
  AppendString(key);
  AppendString(value);
  ++count_;
}

void Batch::Delete(Cf cf, absl::string_view key) {
  rep_.push_back(static_cast<char>(Kind::kDelete));
  rep_.push_back(static_cast<char>(cf));
  AppendString(key);
  ++count_;
}

void Batch::AppendString(absl::string_view s) {
  // Keys and values are bounded far below 4 GiB by the limits on every input
  // (engine/definition/limits.h) and by gRPC's message size.
  const uint32_t size = static_cast<uint32_t>(s.size());
  char encoded[4];
  for (int i = 0; i < 4; ++i) encoded[i] = static_cast<char>((size >> (8 * i)) & 0xff);
  rep_.append(encoded, 4);
  rep_.append(s.data(), s.size());
}

absl::string_view Batch::ReadString(absl::string_view rep, size_t& pos) {
  uint32_t size = 0;
  for (int i = 0; i < 4; ++i) {
    size |= static_cast<uint32_t>(static_cast<unsigned char>(rep[pos + i])) << (8 * i);
  }
  pos += 4;
  const absl::string_view s = rep.substr(pos, size);
  pos += size;
  return s;
}

}  // namespace fanfare::store
