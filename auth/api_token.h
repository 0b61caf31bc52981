// API tokens: the bearer secrets `fanfare admin tokens create` prints once.
//
// A token reads "fft_<id>_<secret>": `id` (16 lowercase hex digits) names the stored record
// and may be shown (in `tokens list`, in the audit trail); `secret` (43 base64url characters,
// 256 random bits) is never stored — the record keeps its SHA-256 only, and a presented
// secret is compared with it in constant time.
#ifndef FANFARE_AUTH_API_TOKEN_H_
#define FANFARE_AUTH_API_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fanfare::auth {

struct ApiToken {
  std::string id;
  std::string secret;

  std::string Text() const;  // "fft_<id>_<secret>"
};

// A new token from the operating system's random source (OpenSSL's RAND_bytes).
// Internal if the source fails.
absl::StatusOr<ApiToken> MintApiToken();

// UNAUTHENTICATED ("the token is malformed: …") if `text` is not a token's shape.
absl::StatusOr<ApiToken> ParseApiToken(absl::string_view text);

// What a record stores for `secret`: its SHA-256, in hex.
std::string HashSecret(absl::string_view secret);

// Whether `secret` hashes to `stored_hash`, in time independent of where they differ.
bool SecretMatches(absl::string_view secret, absl::string_view stored_hash);

}  // namespace fanfare::auth

#endif  // FANFARE_AUTH_API_TOKEN_H_
