#include "auth/jwt_verifier.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/files.h"
#include "base/openssl_ptr.h"
#include "nlohmann/json.hpp"

namespace fanfare::auth {
namespace {

using Json = nlohmann::json;


absl::Status Unauthenticated(absl::string_view what) {
  ERR_clear_error();
  return absl::UnauthenticatedError(std::string(what));
}

absl::Status Malformed(absl::string_view why) {
  return Unauthenticated(absl::StrCat("the JWT is malformed: ", why));
}

bool Base64UrlDecode(absl::string_view in, std::string* out) {
  // base64url without padding only, as RFC 7515 writes it.
  for (const char c : in) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return false;
  }
  return absl::WebSafeBase64Unescape(in, out);
}

BignumPtr BigNumber(const std::string& bytes) {
  return BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()), nullptr));
}

// A public key from OpenSSL parameters.
EvpPkeyPtr FromParams(const char* type, OSSL_PARAM* params) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return EvpPkeyPtr(key);
}

EvpPkeyPtr RsaKey(const std::string& n, const std::string& e) {
  BignumPtr modulus = BigNumber(n);
  BignumPtr exponent = BigNumber(e);
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (modulus == nullptr || exponent == nullptr || bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return nullptr;
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  return params == nullptr ? nullptr : FromParams("RSA", params.get());
}

EvpPkeyPtr P256Key(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return nullptr;
  const std::string point = std::string(1, '\x04') + x + y;  // uncompressed
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  return params == nullptr ? nullptr : FromParams("EC", params.get());
}

// ES256's signature is r || s, 32 bytes each; OpenSSL verifies the DER form.
bool RawToDer(const std::string& raw, std::string* der) {
  if (raw.size() != 64) return false;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* out = nullptr;
  const int size = i2d_ECDSA_SIG(sig.get(), &out);
  if (size <= 0) return false;
  der->assign(reinterpret_cast<const char*>(out), static_cast<size_t>(size));
  OPENSSL_free(out);
  return true;
}

// A NumericDate claim as whole seconds, clamped so that a hostile value cannot overflow.
int64_t Seconds(const Json& value) {
  const double seconds = value.get<double>();
  if (!(seconds > -4e15)) return -4'000'000'000'000'000;  // NaN too
  if (seconds > 4e15) return 4'000'000'000'000'000;
  return static_cast<int64_t>(seconds);
}

std::string FormatUnix(int64_t seconds) {
  return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(seconds),
                          absl::UTCTimeZone());
}

// The roles `permissions` grants: "ns:role" entries, "*:admin" for a cluster admin.
void GrantPermissions(const Json& permissions, Principal& principal) {
  if (!permissions.is_array()) return;
  for (const Json& entry : permissions) {
    if (!entry.is_string()) continue;
    const std::string text = entry.get<std::string>();
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) continue;
    const std::string ns = text.substr(0, colon);
    const std::optional<Role> role = ParseRole(text.substr(colon + 1));
    if (!role.has_value()) continue;
    if (ns == "*") {
      principal.cluster_admin = principal.cluster_admin || *role == Role::kAdmin;
      continue;
    }
    principal.grants.push_back({ns, *role});
  }
}

}  // namespace

struct JwtVerifier::Key {
  enum class Type { kRsa, kP256 } type;
  EvpPkeyPtr pkey;
};

JwtVerifier::JwtVerifier(JwtOptions options) : options_(std::move(options)) {}
JwtVerifier::~JwtVerifier() = default;

bool JwtVerifier::LooksLikeJwt(absl::string_view token) {
  return std::count(token.begin(), token.end(), '.') == 2;
}

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Load(const JwtOptions& options) {
  if (options.issuer.empty() || options.audience.empty() || options.jwks_path.empty()) {
    return absl::InvalidArgumentError(
        "JWTs need all of --jwt-issuer, --jwt-audience and --jwks-file");
  }
  absl::StatusOr<std::string> contents = ReadWholeFile(options.jwks_path);
  if (!contents.ok()) return absl::InvalidArgumentError(contents.status().message());
  const Json jwks = Json::parse(*contents, nullptr, /*allow_exceptions=*/false);
  const auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(options.jwks_path, ": ", what));
  };
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
    return bad("not a JSON Web Key Set ({\"keys\": [...]})");
  }
  std::unique_ptr<JwtVerifier> verifier(new JwtVerifier(options));
  for (const Json& jwk : jwks["keys"]) {
    const auto text = [&](const char* name) {
      return jwk.is_object() && jwk.contains(name) && jwk[name].is_string()
                 ? jwk[name].get<std::string>()
                 : std::string();
    };
    const std::string kid = text("kid");
    if (kid.empty()) return bad("a key has no kid");
    const auto field = [&](const char* name, std::string* out) {
      return Base64UrlDecode(text(name), out) && !out->empty();
    };
    auto key = std::make_unique<Key>();
    std::string a, b;
    if (text("kty") == "RSA" && field("n", &a) && field("e", &b)) {
      key->type = Key::Type::kRsa;
      key->pkey = RsaKey(a, b);
    } else if (text("kty") == "EC" && text("crv") == "P-256" && field("x", &a) &&
               field("y", &b)) {
      key->type = Key::Type::kP256;
      key->pkey = P256Key(a, b);
    } else {
      return bad(absl::StrCat("key ", kid, " is neither RSA (n, e) nor EC P-256 (x, y)"));
    }
    if (key->pkey == nullptr) return bad(absl::StrCat("key ", kid, " is not a valid key"));
    verifier->keys_[kid] = std::move(key);
  }
  if (verifier->keys_.empty()) return bad("holds no keys");
  return verifier;
}

absl::StatusOr<Principal> JwtVerifier::Verify(absl::string_view token, absl::Time now) const {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Malformed("not three dot-separated parts");
  std::string header_bytes, payload_bytes, signature;
  if (!Base64UrlDecode(parts[0], &header_bytes) || !Base64UrlDecode(parts[1], &payload_bytes) ||
      !Base64UrlDecode(parts[2], &signature)) {
    return Malformed("a part is not base64url");
  }
  const Json header = Json::parse(header_bytes, nullptr, false);
  const Json claims = Json::parse(payload_bytes, nullptr, false);
  if (!header.is_object() || !claims.is_object()) return Malformed("a part is not a JSON object");
  const std::string alg = header.contains("alg") && header["alg"].is_string()
                              ? header["alg"].get<std::string>()
                              : "";
  if (alg != "RS256" && alg != "ES256") {
    return Unauthenticated(absl::StrCat("the JWT's algorithm '", alg,
                                        "' is not allowed: RS256 or ES256 only"));
  }
  if (!header.contains("kid") || !header["kid"].is_string()) {
    return Unauthenticated("the JWT names no key id (kid)");
  }
  const std::string kid = header["kid"].get<std::string>();
  const auto found = keys_.find(kid);
  if (found == keys_.end()) {
    return Unauthenticated(absl::StrCat("the JWT names an unknown key id '", kid, "'"));
  }
  const Key& key = *found->second;
  if ((alg == "RS256") != (key.type == Key::Type::kRsa)) {
    return Unauthenticated(absl::StrCat("the JWT's algorithm ", alg, " does not match key '", kid,
                                        "'"));
  }
  std::string der = signature;
  if (key.type == Key::Type::kP256 && !RawToDer(signature, &der)) {
    return Unauthenticated("the JWT's signature does not verify");
  }
  const std::string signed_part = absl::StrCat(parts[0], ".", parts[1]);
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.pkey.get()) != 1 ||
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                       reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) != 1) {
    return Unauthenticated("the JWT's signature does not verify");
  }
  // Claims, once the signature says they are the issuer's.
  const int64_t at = absl::ToUnixSeconds(now);
  const int64_t leeway = absl::ToInt64Seconds(options_.leeway);
  if (!claims.contains("exp") || !claims["exp"].is_number()) {
    return Unauthenticated("the JWT has no expiry (exp)");
  }
  const int64_t exp = Seconds(claims["exp"]);
  if (at > exp + leeway) {
    return Unauthenticated(absl::StrCat("the JWT expired at ", FormatUnix(exp)));
  }
  if (claims.contains("nbf") && claims["nbf"].is_number() &&
      at + leeway < Seconds(claims["nbf"])) {
    return Unauthenticated(
        absl::StrCat("the JWT is not valid before ", FormatUnix(Seconds(claims["nbf"]))));
  }
  const std::string iss =
      claims.contains("iss") && claims["iss"].is_string() ? claims["iss"].get<std::string>() : "";
  if (iss != options_.issuer) {
    return Unauthenticated(
        absl::StrCat("the JWT's issuer '", iss, "' is not '", options_.issuer, "'"));
  }
  bool audience = false;
  if (claims.contains("aud")) {
    const Json& aud = claims["aud"];
    if (aud.is_string()) audience = aud.get<std::string>() == options_.audience;
    if (aud.is_array()) {
      for (const Json& entry : aud) {
        audience = audience || (entry.is_string() && entry.get<std::string>() == options_.audience);
      }
    }
  }
  if (!audience) {
    return Unauthenticated(
        absl::StrCat("the JWT's audience does not include '", options_.audience, "'"));
  }
  if (!claims.contains("sub") || !claims["sub"].is_string() ||
      claims["sub"].get<std::string>().empty()) {
    return Unauthenticated("the JWT has no subject (sub)");
  }
  Principal principal;
  principal.issuer = iss;
  principal.subject = claims["sub"].get<std::string>();
  if (claims.contains("permissions")) GrantPermissions(claims["permissions"], principal);
  return principal;
}

}  // namespace fanfare::auth
