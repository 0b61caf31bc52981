// PKCE (RFC 7636) for the OAuth 2.0 authorization-code grant: the client keeps a random
// verifier and sends only its S256 challenge with the authorization request; the token
// request proves it holds the verifier. `fanfare accounts connect` makes them; the sandbox's
// authorization server checks them.
#ifndef FANFARE_ACCOUNTS_PKCE_H_
#define FANFARE_ACCOUNTS_PKCE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fanfare::accounts {

// `bytes` random bytes (OpenSSL's CSPRNG) as unpadded base64url.
absl::StatusOr<std::string> RandomUrlSafe(int bytes);

// A new code verifier: 32 random bytes, 43 characters of base64url (RFC 7636 §4.1).
absl::StatusOr<std::string> NewCodeVerifier();

// BASE64URL(SHA256(verifier)), unpadded: the `code_challenge` for `code_challenge_method=S256`.
std::string CodeChallenge(absl::string_view verifier);

}  // namespace fanfare::accounts

#endif  // FANFARE_ACCOUNTS_PKCE_H_
