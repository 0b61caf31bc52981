#include "auth/api_token.h"

#include <openssl/rand.h>

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/sha256.h"

namespace fanfare::auth {
namespace {

constexpr absl::string_view kPrefix = "fft_";
constexpr size_t kIdBytes = 8;       // 16 hex digits
constexpr size_t kSecretBytes = 32;  // 43 base64url characters, unpadded
constexpr size_t kIdChars = 2 * kIdBytes;
constexpr size_t kSecretChars = 43;

absl::Status Malformed(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("the token is malformed: ", why));
}

bool IsLowerHex(absl::string_view s) {
  for (const char c : s) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

bool IsBase64Url(absl::string_view s) {
  for (const char c : s) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string ApiToken::Text() const { return absl::StrCat(kPrefix, id, "_", secret); }

absl::StatusOr<ApiToken> MintApiToken() {
  unsigned char bytes[kIdBytes + kSecretBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("the random source failed; no token was made");
  }
  const absl::string_view raw(reinterpret_cast<const char*>(bytes), sizeof(bytes));
  ApiToken token;
  token.id = absl::BytesToHexString(raw.substr(0, kIdBytes));
  token.secret = absl::WebSafeBase64Escape(raw.substr(kIdBytes));
  OPENSSL_cleanse(bytes, sizeof(bytes));
  return token;
}

absl::StatusOr<ApiToken> ParseApiToken(absl::string_view text) {
  if (!absl::ConsumePrefix(&text, kPrefix)) return Malformed("it does not start with fft_");
  if (text.size() != kIdChars + 1 + kSecretChars || text[kIdChars] != '_') {
    return Malformed("it is not fft_ followed by 16 hex digits, '_' and 43 characters");
  }
  ApiToken token{std::string(text.substr(0, kIdChars)), std::string(text.substr(kIdChars + 1))};
  if (!IsLowerHex(token.id)) return Malformed("its id is not lowercase hex");
  if (!IsBase64Url(token.secret)) return Malformed("its secret is not base64url");
  return token;
}

std::string HashSecret(absl::string_view secret) { return Sha256Hex(secret); }

bool SecretMatches(absl::string_view secret, absl::string_view stored_hash) {
  return ConstantTimeEquals(HashSecret(secret), stored_hash);
}

}  // namespace fanfare::auth
