#include "tests/support/test_jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace fanfare::testing {
namespace {

using Json = nlohmann::json;

std::string BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string out(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

std::string Sign(EVP_PKEY* key, const std::string& input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t size = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string signature(size, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  signature.resize(size);
  return signature;
}

// ES256's wire form: r || s, 32 bytes each.
std::string DerToRaw(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}

}  // namespace

std::string Base64Url(const std::string& bytes) { return absl::WebSafeBase64Escape(bytes); }

TestIdentityProvider::TestIdentityProvider(const std::string& jwks_path)
    : rsa_(EVP_RSA_gen(2048)), ec_(EVP_EC_gen("P-256")) {
  std::string point(65, '\0');
  size_t size = 0;
  EVP_PKEY_get_octet_string_param(ec_.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                  reinterpret_cast<unsigned char*>(point.data()), point.size(),
                                  &size);
  const Json jwks = {{"keys",
                      {{{"kty", "RSA"},
                        {"kid", "rsa-1"},
                        {"n", Base64Url(BnParam(rsa_.get(), OSSL_PKEY_PARAM_RSA_N))},
                        {"e", Base64Url(BnParam(rsa_.get(), OSSL_PKEY_PARAM_RSA_E))}},
                       {{"kty", "EC"},
                        {"crv", "P-256"},
                        {"kid", "ec-1"},
                        {"x", Base64Url(point.substr(1, 32))},
                        {"y", Base64Url(point.substr(33, 32))}}}}};
  std::ofstream(jwks_path) << jwks.dump();
}

std::string TestIdentityProvider::Token(const Json& claims, const std::string& alg,
                                        const std::string& kid) const {
  const std::string input = absl::StrCat(Base64Url(Json{{"alg", alg}, {"kid", kid}}.dump()), ".",
                                         Base64Url(claims.dump()));
  std::string signature;
  if (alg == "RS256") signature = Sign(rsa_.get(), input);
  if (alg == "ES256") signature = DerToRaw(Sign(ec_.get(), input));
  return absl::StrCat(input, ".", Base64Url(signature));
}

std::string TestIdentityProvider::RsaModulus() const {
  return BnParam(rsa_.get(), OSSL_PKEY_PARAM_RSA_N);
}

}  // namespace fanfare::testing
