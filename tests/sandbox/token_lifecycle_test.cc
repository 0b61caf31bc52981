// The sandbox's OAuth token endpoints model the real networks' token lifecycles
// (sandbox/oauth_policy.h): X's refresh tokens are single use and a reused one revokes the
// grant, TikTok's are single use and a reused one is refused, LinkedIn's are reusable for a
// year, Meta issues none; access tokens live as long as the network's (or as tests say).
#include <string>

#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

struct Exchange {
  int status = 0;
  Json body;
};

class TokenLifecycleTest : public ::testing::Test {
 protected:
  Exchange Refresh(const std::string& path, const std::string& refresh_token) {
    HttpRequest request{.method = "POST",
                        .url = h_.sandbox().BaseUrl() + path,
                        .body = "grant_type=refresh_token&refresh_token=" + refresh_token,
                        .idempotent = true};
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    absl::StatusOr<HttpResponse> response = h_.http().Send(request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return {response->status, *ParseJson(response->body)};
  }
  Json Stats(const std::string& key) {
    return h_.Control("GET", "/_sandbox/stats")["accounts"][key];
  }
  // Whether `access_token` is accepted by X now.
  bool XAccepts(const std::string& access_token) {
    HttpRequest request{.method = "GET",
                        .url = h_.sandbox().BaseUrl() + "/x/2/users/me",
                        .idempotent = true};
    request.headers.emplace_back("Authorization", "Bearer " + access_token);
    absl::StatusOr<HttpResponse> response = h_.http().Send(request);
    return response.ok() && response->status == 200;
  }

  Harness h_;
};

TEST_F(TokenLifecycleTest, XRefreshTokensAreSingleUseAndAReuseRevokesTheGrant) {
  const Exchange first = Refresh("/x/2/oauth2/token", "sbxr_x_acme_x");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["expires_in"], 2 * 3600);
  const std::string rotated = first.body["refresh_token"];
  const std::string access = first.body["access_token"];
  ASSERT_NE(rotated, "sbxr_x_acme_x");
  EXPECT_TRUE(XAccepts(access));

  const Exchange second = Refresh("/x/2/oauth2/token", rotated);
  ASSERT_EQ(second.status, 200) << second.body.dump();
  EXPECT_EQ(Stats("x/acme_x")["refreshes"], 2);

  // A second worker still holding the first refresh token, spent two rotations ago: the
  // whole grant is revoked.
  const Exchange reuse = Refresh("/x/2/oauth2/token", "sbxr_x_acme_x");
  EXPECT_EQ(reuse.status, 400);
  EXPECT_EQ(reuse.body["error"], "invalid_grant");
  EXPECT_EQ(Stats("x/acme_x")["refresh_reuses"], 1);
  EXPECT_EQ(Stats("x/acme_x")["grants_revoked"], 1);
  EXPECT_FALSE(XAccepts(second.body["access_token"])) << "every token of the grant is dead";
  EXPECT_EQ(Refresh("/x/2/oauth2/token", second.body["refresh_token"]).status, 400);
}

// A refresh whose answer was lost: the token just spent, presented again within 60 s, gets
// the same tokens (a replay, not a reuse); after 60 s it is a reuse like any other.
TEST_F(TokenLifecycleTest, XAnswersTheReplayOfALostRefreshOnceWithinAMinute) {
  const Exchange lost = Refresh("/x/2/oauth2/token", "sbxr_x_acme_x");
  ASSERT_EQ(lost.status, 200) << lost.body.dump();
  h_.clock().Advance(absl::Seconds(30));
  const Exchange replay = Refresh("/x/2/oauth2/token", "sbxr_x_acme_x");
  ASSERT_EQ(replay.status, 200) << replay.body.dump();
  EXPECT_EQ(replay.body["access_token"], lost.body["access_token"]);
  EXPECT_EQ(replay.body["refresh_token"], lost.body["refresh_token"]);
  EXPECT_EQ(replay.body["expires_in"], 2 * 3600 - 30) << "counted from now";
  EXPECT_EQ(Stats("x/acme_x")["refresh_replays"], 1);
  EXPECT_EQ(Stats("x/acme_x")["refresh_reuses"], 0);
  EXPECT_EQ(Stats("x/acme_x")["refreshes"], 1);
  h_.clock().Advance(absl::Seconds(31));
  EXPECT_EQ(Refresh("/x/2/oauth2/token", "sbxr_x_acme_x").status, 400);
  EXPECT_EQ(Stats("x/acme_x")["grants_revoked"], 1);
}

TEST_F(TokenLifecycleTest, TikTokRefusesASpentRefreshTokenAndKeepsTheGrant) {
  const Exchange first = Refresh("/tiktok/v2/oauth/token", "sbxr_tiktok_acme_tiktok");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["expires_in"], 24 * 3600);
  EXPECT_EQ(first.body["refresh_expires_in"], 365 * 24 * 3600);
  h_.clock().Advance(absl::Minutes(2));  // past the window in which a lost answer is replayed
  const Exchange reuse = Refresh("/tiktok/v2/oauth/token", "sbxr_tiktok_acme_tiktok");
  EXPECT_EQ(reuse.status, 400);
  EXPECT_EQ(reuse.body["error_description"], "The refresh token was already used.");
  const Exchange second = Refresh("/tiktok/v2/oauth/token", first.body["refresh_token"]);
  ASSERT_EQ(second.status, 200) << "the grant survives a reuse";
  EXPECT_EQ(Stats("tiktok/acme_tiktok")["grants_revoked"], 0);
  // A year later the current refresh token has expired.
  h_.clock().Advance(absl::Hours(24 * 366));
  const Exchange late = Refresh("/tiktok/v2/oauth/token", second.body["refresh_token"]);
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(late.body["error_description"], "The refresh token has expired.");
}

TEST_F(TokenLifecycleTest, LinkedInRefreshTokensAreReusableAndLastAYear) {
  const Exchange first = Refresh("/linkedin/oauth/v2/accessToken", "sbxr_linkedin_acme_linkedin");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["refresh_token"], "sbxr_linkedin_acme_linkedin");
  EXPECT_EQ(first.body["expires_in"], 60 * 24 * 3600);
  EXPECT_EQ(first.body["refresh_token_expires_in"], 365 * 24 * 3600);
  EXPECT_EQ(Refresh("/linkedin/oauth/v2/accessToken", "sbxr_linkedin_acme_linkedin").status, 200);
  EXPECT_EQ(Stats("linkedin/acme_linkedin")["refresh_reuses"], 0);
}

TEST_F(TokenLifecycleTest, AccessTokenLifetimesCanBeMadeShort) {
  EXPECT_EQ(h_.Control("POST", "/_sandbox/tokens/ttl", {{"network", "x"}, {"ttl", "2m"}})
                ["ttl_seconds"],
            120);
  const Exchange refreshed = Refresh("/x/2/oauth2/token", "sbxr_x_acme_x");
  ASSERT_EQ(refreshed.status, 200);
  EXPECT_EQ(refreshed.body["expires_in"], 120);
  EXPECT_TRUE(XAccepts(refreshed.body["access_token"]));
  h_.clock().Advance(absl::Minutes(2));
  EXPECT_FALSE(XAccepts(refreshed.body["access_token"]));
  EXPECT_EQ(h_.Control("POST", "/_sandbox/tokens/ttl", {{"network", "x"}})["error"],
            R"({"network", "ttl": "2m"} required)");
}

}  // namespace
}  // namespace fanfare::workers::testing
