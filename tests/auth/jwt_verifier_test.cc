#include "auth/jwt_verifier.h"

#include <openssl/hmac.h>

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/temp_dir.h"
#include "tests/support/test_jwt.h"

namespace fanfare::auth {
namespace {

using Json = nlohmann::json;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

std::string B64(const std::string& bytes) { return testing::Base64Url(bytes); }

class JwtVerifierTest : public ::testing::Test {
 protected:
  JwtVerifierTest() : idp_(dir_.Join("jwks.json")) {
    absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier =
        JwtVerifier::Load({.issuer = "https://id.acme.example",
                           .audience = "fanfare",
                           .jwks_path = dir_.Join("jwks.json")});
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    if (verifier.ok()) verifier_ = *std::move(verifier);
  }

  static Json Claims() {
    return {{"iss", "https://id.acme.example"},
            {"aud", "fanfare"},
            {"sub", "dana@acme.example"},
            {"exp", absl::ToUnixSeconds(kNow) + 3600},
            {"permissions", {"acme:approver", "globex:viewer", "acme:root"}}};
  }

  std::string Token(const Json& claims, const std::string& alg = "RS256",
                    const std::string& kid = "rsa-1") {
    return idp_.Token(claims, alg, kid);
  }

  std::string Message(const std::string& token) {
    return std::string(verifier_->Verify(token, kNow).status().message());
  }

  testing::TempDir dir_;
  testing::TestIdentityProvider idp_;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(JwtVerifierTest, AValidTokenOfEitherAlgorithmGrantsItsPermissions) {
  for (const auto& [alg, kid] : {std::pair{"RS256", "rsa-1"}, std::pair{"ES256", "ec-1"}}) {
    absl::StatusOr<Principal> principal = verifier_->Verify(Token(Claims(), alg, kid), kNow);
    ASSERT_TRUE(principal.ok()) << alg << ": " << principal.status();
    EXPECT_EQ(principal->issuer, "https://id.acme.example");
    EXPECT_EQ(principal->subject, "dana@acme.example");
    EXPECT_TRUE(principal->May(Permission::kApprove, "acme"));
    EXPECT_TRUE(principal->May(Permission::kRead, "globex"));
    EXPECT_FALSE(principal->May(Permission::kOperate, "acme")) << "acme:root is no role";
    EXPECT_FALSE(principal->cluster_admin);
  }
}

TEST_F(JwtVerifierTest, TheAudienceMayBeAList) {
  Json claims = Claims();
  claims["aud"] = {"other", "fanfare"};
  EXPECT_TRUE(verifier_->Verify(Token(claims), kNow).ok());
  claims["aud"] = {"other"};
  EXPECT_EQ(Message(Token(claims)), "the JWT's audience does not include 'fanfare'");
}

TEST_F(JwtVerifierTest, EachBadTokenIsUnauthenticatedAndSaysWhy) {
  Json expired = Claims();
  expired["exp"] = absl::ToUnixSeconds(kNow) - 3600;
  Json no_exp = Claims();
  no_exp.erase("exp");
  Json wrong_iss = Claims();
  wrong_iss["iss"] = "https://evil.example";
  Json no_aud = Claims();
  no_aud.erase("aud");
  Json early = Claims();
  early["nbf"] = absl::ToUnixSeconds(kNow) + 3600;
  Json huge = Claims();
  huge["exp"] = 1e300;
  const std::string good = Token(Claims());
  // The claims changed after signing: another subject under the same signature.
  Json other = Claims();
  other["sub"] = "eve@acme.example";
  const size_t first = good.find('.');
  const size_t second = good.find('.', first + 1);
  const std::string tampered =
      absl::StrCat(good.substr(0, first + 1), B64(other.dump()), good.substr(second));
  const struct {
    std::string token;
    std::string message;
  } cases[] = {
      {"a.b", "the JWT is malformed: not three dot-separated parts"},
      {"YWJj.YWJj.YWJj", "the JWT is malformed: a part is not a JSON object"},
      {"a+b.c.d", "the JWT is malformed: a part is not base64url"},
      {Token(expired), "the JWT expired at 2027-01-15T07:00:00+00:00"},
      {Token(no_exp), "the JWT has no expiry (exp)"},
      {Token(wrong_iss),
       "the JWT's issuer 'https://evil.example' is not 'https://id.acme.example'"},
      {Token(no_aud), "the JWT's audience does not include 'fanfare'"},
      {Token(early), "the JWT is not valid before 2027-01-15T09:00:00+00:00"},
      {Token(Claims(), "RS256", "rsa-9"), "the JWT names an unknown key id 'rsa-9'"},
      {Token(Claims(), "ES256", "rsa-1"), "the JWT's algorithm ES256 does not match key 'rsa-1'"},
      {tampered, "the JWT's signature does not verify"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<Principal> principal = verifier_->Verify(c.token, kNow);
    EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated) << c.message;
    EXPECT_EQ(principal.status().message(), c.message);
  }
  EXPECT_TRUE(verifier_->Verify(Token(huge), kNow).ok()) << "a far expiry is not an overflow";
}

// The algorithm-confusion attacks: `none`, and HS256 keyed with the public key.
TEST_F(JwtVerifierTest, NoneAndHmacWithThePublicKeyNeverPass) {
  const std::string body = B64(Claims().dump());
  const std::string none =
      absl::StrCat(B64(Json{{"alg", "none"}, {"kid", "rsa-1"}}.dump()), ".", body, ".");
  EXPECT_EQ(Message(none), "the JWT's algorithm 'none' is not allowed: RS256 or ES256 only");
  // HMAC-SHA256 keyed with the RSA modulus bytes, as a verifier that trusted `alg` would check.
  const std::string input =
      absl::StrCat(B64(Json{{"alg", "HS256"}, {"kid", "rsa-1"}}.dump()), ".", body);
  const std::string secret = idp_.RsaModulus();
  unsigned char mac[32];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size);
  const std::string hs256 =
      absl::StrCat(input, ".", B64(std::string(reinterpret_cast<char*>(mac), size)));
  EXPECT_EQ(Message(hs256), "the JWT's algorithm 'HS256' is not allowed: RS256 or ES256 only");
}

TEST_F(JwtVerifierTest, AClusterAdminIsGrantedByStarAdmin) {
  Json claims = Claims();
  claims["permissions"] = {"*:admin"};
  absl::StatusOr<Principal> principal = verifier_->Verify(Token(claims), kNow);
  ASSERT_TRUE(principal.ok());
  EXPECT_TRUE(principal->cluster_admin);
}

TEST(JwtVerifierLoadTest, ABadKeySetIsRefusedNamingTheKey) {
  testing::TempDir dir;
  std::ofstream(dir.Join("bad.json")) << R"({"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB"}]})";
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier = JwtVerifier::Load(
      {.issuer = "i", .audience = "a", .jwks_path = dir.Join("bad.json")});
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(verifier.status().message(), "key k1")) << verifier.status();
  EXPECT_FALSE(JwtVerifier::Load({.issuer = "i", .audience = "", .jwks_path = "x"}).ok());
}

}  // namespace
}  // namespace fanfare::auth
