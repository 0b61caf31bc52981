#include "auth/token_registry.h"

#include "auth/api_token.h"
#include "gtest/gtest.h"

namespace fanfare::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

struct Issued {
  ApiToken token;
  internal::TokenRecord record;
};

Issued Issue(absl::string_view name, absl::string_view ns, absl::string_view role) {
  Issued issued{*MintApiToken(), {}};
  issued.record.set_id(issued.token.id);
  issued.record.set_name(std::string(name));
  issued.record.set_namespace_(std::string(ns));
  issued.record.set_role(std::string(role));
  issued.record.set_secret_sha256(HashSecret(issued.token.secret));
  issued.record.set_created_at_us(absl::ToUnixMicros(kNow));
  return issued;
}

TEST(TokenRegistryTest, ATokenStandsForItsRoleInItsNamespace) {
  TokenRegistry registry;
  const Issued ci = Issue("ci-bot", "acme", "operator");
  registry.Put(ci.record);
  absl::StatusOr<Principal> principal = registry.Authenticate(ci.token.Text(), kNow);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "ci-bot");
  EXPECT_TRUE(principal->May(Permission::kOperate, "acme"));
  EXPECT_FALSE(principal->May(Permission::kOperate, "globex"));
  EXPECT_FALSE(principal->cluster_admin);
}

TEST(TokenRegistryTest, EachFailureIsUnauthenticatedAndSaysWhich) {
  TokenRegistry registry;
  Issued expired = Issue("old", "acme", "viewer");
  expired.record.set_expires_at_us(absl::ToUnixMicros(kNow));
  Issued revoked = Issue("gone", "acme", "viewer");
  revoked.record.set_revoked_at_us(absl::ToUnixMicros(kNow - absl::Hours(1)));
  const Issued valid = Issue("ok", "acme", "viewer");
  for (const Issued* issued : std::initializer_list<const Issued*>{&expired, &revoked, &valid})
    registry.Put(issued->record);
  ApiToken wrong_secret = valid.token;
  wrong_secret.secret[0] = wrong_secret.secret[0] == 'A' ? 'B' : 'A';

  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {"garbage", "the token is malformed: it does not start with fft_"},
      {Issue("never-stored", "acme", "viewer").token.Text(), "unknown token"},
      {wrong_secret.Text(), "unknown token"},
      {expired.token.Text(), "token old expired at 2027-01-15T08:00:00+00:00"},
      {revoked.token.Text(), "token gone was revoked at 2027-01-15T07:00:00+00:00"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<Principal> principal = registry.Authenticate(c.text, kNow);
    EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated) << c.text;
    EXPECT_EQ(principal.status().message(), c.message);
  }
  EXPECT_TRUE(registry.Authenticate(valid.token.Text(), kNow).ok());
}

TEST(TokenRegistryTest, ARevocationPutLaterTakesEffectAtOnce) {
  TokenRegistry registry;
  Issued ci = Issue("ci-bot", "acme", "operator");
  registry.Put(ci.record);
  ASSERT_TRUE(registry.Authenticate(ci.token.Text(), kNow).ok());
  ci.record.set_revoked_at_us(absl::ToUnixMicros(kNow));
  registry.Put(ci.record);
  EXPECT_EQ(registry.Authenticate(ci.token.Text(), kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenRegistryTest, LastUsesAreTakenAtMostOncePerGranularity) {
  TokenRegistry registry;
  const Issued ci = Issue("ci-bot", "acme", "operator");
  registry.Put(ci.record);
  EXPECT_TRUE(registry.TakeLastUses(absl::Minutes(1)).empty()) << "never used";
  ASSERT_TRUE(registry.Authenticate(ci.token.Text(), kNow).ok());
  auto taken = registry.TakeLastUses(absl::Minutes(1));
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].first, ci.token.id);
  EXPECT_EQ(taken[0].second, kNow);
  ASSERT_TRUE(registry.Authenticate(ci.token.Text(), kNow + absl::Seconds(30)).ok());
  EXPECT_TRUE(registry.TakeLastUses(absl::Minutes(1)).empty());
  ASSERT_TRUE(registry.Authenticate(ci.token.Text(), kNow + absl::Seconds(61)).ok());
  EXPECT_EQ(registry.TakeLastUses(absl::Minutes(1)).size(), 1u);
  EXPECT_EQ(registry.Find(ci.token.id)->last_used, kNow + absl::Seconds(61));
}

TEST(TokenRegistryTest, ListingShowsOneNamespaceOrTheClusterAdmins) {
  TokenRegistry registry;
  registry.Put(Issue("b", "acme", "viewer").record);
  registry.Put(Issue("a", "acme", "admin").record);
  registry.Put(Issue("c", "globex", "viewer").record);
  Issued root = Issue("root", "", "");
  root.record.set_cluster_admin(true);
  registry.Put(root.record);
  const auto acme = registry.List("acme", false);
  ASSERT_EQ(acme.size(), 2u);
  EXPECT_EQ(acme[0].record.name(), "a");
  EXPECT_EQ(acme[1].record.name(), "b");
  const auto admins = registry.List("", true);
  ASSERT_EQ(admins.size(), 1u);
  EXPECT_EQ(admins[0].record.name(), "root");
  EXPECT_TRUE(registry.List("", false).empty()) << "a cluster admin's token has no namespace";
}

}  // namespace
}  // namespace fanfare::auth
