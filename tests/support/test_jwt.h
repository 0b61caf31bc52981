// TestIdentityProvider: an identity provider made at test time — an RSA key ("rsa-1") and an
// EC P-256 key ("ec-1"), published as a JWKS file — that signs JWTs with either.
#ifndef FANFARE_TESTS_SUPPORT_TEST_JWT_H_
#define FANFARE_TESTS_SUPPORT_TEST_JWT_H_

#include <memory>
#include <string>

#include "base/openssl_ptr.h"
#include "nlohmann/json.hpp"

namespace fanfare::testing {

class TestIdentityProvider {
 public:
  // Makes the keys and writes their public halves to `jwks_path`.
  explicit TestIdentityProvider(const std::string& jwks_path);

  // A JWT of `claims` with header {alg, kid}, signed: RS256 with the RSA key, ES256 with the
  // EC key, and anything else left unsigned.
  std::string Token(const nlohmann::json& claims, const std::string& alg = "RS256",
                    const std::string& kid = "rsa-1") const;
  // The RSA key's modulus, big-endian: what an HS256 forgery would be keyed with.
  std::string RsaModulus() const;

 private:
  EvpPkeyPtr rsa_;
  EvpPkeyPtr ec_;
};

std::string Base64Url(const std::string& bytes);

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_TEST_JWT_H_
