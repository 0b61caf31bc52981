// JwtVerifier: JSON Web Tokens from the company's identity provider (OIDC), checked strictly.
//
// - RS256 and ES256 only. The header's `alg` must be one of them and must match the type of
//   the key its `kid` selects, so neither `none` nor an HMAC "signed" with a public key can
//   pass (the algorithm-confusion attacks).
// - `kid` is required and selects a key of the JWKS file (RSA `n`/`e`, or EC P-256 `x`/`y`).
// - `exp` is required; `nbf`, when present, is honoured; both with `leeway` for clock skew.
// - `iss` must equal the configured issuer; `aud` (a string or a list) must hold the
//   configured audience; `sub` is required.
// - The `permissions` claim grants roles, as Temporal's default claim mapper does:
//   `["acme:approver", "globex:viewer"]`; an entry `*:admin` makes a cluster admin. Entries
//   that name no known role are ignored.
//
// Verification is done with OpenSSL 3 directly (EVP_DigestVerify). Thread-safe once loaded.
#ifndef FANFARE_AUTH_JWT_VERIFIER_H_
#define FANFARE_AUTH_JWT_VERIFIER_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "auth/access.h"

namespace fanfare::auth {

struct JwtOptions {
  std::string issuer;
  std::string audience;
  std::string jwks_path;  // a JSON Web Key Set: {"keys": [{"kty", "kid", …}, …]}
  absl::Duration leeway = absl::Seconds(60);
};

class JwtVerifier {
 public:
  // Reads the key set. InvalidArgument naming the file and the key that is wrong.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Load(const JwtOptions& options);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // The principal `token` stands for at `now`. UNAUTHENTICATED saying what is wrong: the JWT
  // is malformed, its algorithm is not allowed, its key id is unknown, its signature does
  // not verify, it expired or is not yet valid, or its issuer or audience is not ours.
  absl::StatusOr<Principal> Verify(absl::string_view token, absl::Time now) const;

  // Whether `token` has a JWT's shape (three dot-separated parts), to tell it from an API
  // token.
  static bool LooksLikeJwt(absl::string_view token);

 private:
  struct Key;
  explicit JwtVerifier(JwtOptions options);

  JwtOptions options_;
  absl::flat_hash_map<std::string, std::unique_ptr<Key>> keys_;
};

}  // namespace fanfare::auth

#endif  // FANFARE_AUTH_JWT_VERIFIER_H_
