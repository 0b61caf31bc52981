#include "auth/api_token.h"

#include <set>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace fanfare::auth {
namespace {

TEST(ApiTokenTest, AMintedTokenParsesBackToItself) {
  absl::StatusOr<ApiToken> token = MintApiToken();
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->id.size(), 16u);
  EXPECT_EQ(token->secret.size(), 43u);
  absl::StatusOr<ApiToken> parsed = ParseApiToken(token->Text());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->id, token->id);
  EXPECT_EQ(parsed->secret, token->secret);
}

TEST(ApiTokenTest, TokensDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(MintApiToken()->Text());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(ApiTokenTest, MalformedTokensAreUnauthenticatedAndSaySo) {
  const std::string good = MintApiToken()->Text();
  for (const std::string& bad :
       {std::string(""), std::string("Bearer x"), good.substr(1), good + "x",
        good.substr(0, good.size() - 1), "fft_" + std::string(16, 'G') + good.substr(20),
        good.substr(0, 21) + "+" + good.substr(22), "fft_0123456789abcdef-" + good.substr(21)}) {
    absl::StatusOr<ApiToken> parsed = ParseApiToken(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnauthenticated) << bad;
    EXPECT_TRUE(absl::StartsWith(parsed.status().message(), "the token is malformed")) << bad;
  }
}

TEST(ApiTokenTest, OnlyTheSecretMatchesItsHash) {
  const ApiToken token = *MintApiToken();
  const std::string hash = HashSecret(token.secret);
  EXPECT_NE(hash, token.secret);
  EXPECT_TRUE(SecretMatches(token.secret, hash));
  std::string other = token.secret;
  other[0] = other[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(SecretMatches(other, hash));
  EXPECT_FALSE(SecretMatches(token.secret, hash.substr(1)));
  EXPECT_FALSE(SecretMatches(token.secret, ""));
}

}  // namespace
}  // namespace fanfare::auth
