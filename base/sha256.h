// SHA-256, for content digests (a campaign version's identity, StartRun fingerprints, what
// an approval approved), and HMAC-SHA256, for signatures (webhook deliveries).
#ifndef FANFARE_BASE_SHA256_H_
#define FANFARE_BASE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace fanfare {

// Lowercase hex digest of `data`.
std::string Sha256Hex(absl::string_view data);

// Lowercase hex digest of `message`'s deterministic serialization: equal messages (maps
// included, whatever their insertion order) have equal digests within one build. Not stable
// across protobuf versions, so never compare it with a digest from another release.
std::string MessageSha256Hex(const google::protobuf::Message& message);

// Lowercase hex HMAC-SHA256 (RFC 2104) of `data` under `key`.
std::string HmacSha256Hex(absl::string_view key, absl::string_view data);
// The same, base64 (as X signs its webhooks).
std::string HmacSha256Base64(absl::string_view key, absl::string_view data);

// Whether `a` and `b` are equal, in time that depends on their lengths only: for comparing
// secrets and signatures.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace fanfare

#endif  // FANFARE_BASE_SHA256_H_
