#include "accounts/pkce.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"

namespace fanfare::accounts {

absl::StatusOr<std::string> RandomUrlSafe(int bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) {
    return absl::InternalError("the system's random generator failed");
  }
  return absl::WebSafeBase64Escape(raw);  // unpadded
}

absl::StatusOr<std::string> NewCodeVerifier() { return RandomUrlSafe(32); }

std::string CodeChallenge(absl::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace fanfare::accounts
