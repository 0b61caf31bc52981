// QuotaConfig: the documented defaults, what a quota file sets, and that every kind of
// mistake in one is refused with the file, line and column and what to write instead.
#include "engine/dispatch/quota_config.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::dispatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;
using Kind = LimitSpec::Kind;

QuotaConfig Config(const std::string& yaml) {
  absl::StatusOr<QuotaConfig> config = QuotaConfig::Parse(yaml, "quotas.yaml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : QuotaConfig();
}

TEST(QuotaConfigTest, DefaultsHoldTheDocumentedLimitsOfEveryNetwork) {
  const QuotaConfig defaults = QuotaConfig::Defaults();
  for (const char* network : {"facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "snapchat"}) {
    EXPECT_TRUE(defaults.networks.contains(network)) << network;
  }
  EXPECT_FALSE(defaults.networks.contains("content")) << "content has no limits";
  const LimitSpec& x_posts = defaults.networks.at("x").at(0);
  EXPECT_EQ(x_posts.name, "posts");
  EXPECT_EQ(x_posts.kind, Kind::kWindow);
  EXPECT_EQ(x_posts.limit, 200);
  EXPECT_EQ(x_posts.period, absl::Minutes(15));
  const LimitSpec& units = defaults.networks.at("youtube").at(0);
  EXPECT_EQ(units.kind, Kind::kDaily);
  EXPECT_EQ(units.timezone, "America/Los_Angeles");
  EXPECT_EQ(units.CostOf("publish"), 1600);
  EXPECT_EQ(units.CostOf("ads"), 0) << "a class not listed is not counted";
  EXPECT_TRUE(defaults.account_caps.empty());
  EXPECT_TRUE(defaults.campaign_weights.empty());
}

TEST(QuotaConfigTest, AnEmptyFileMeansTheDefaults) {
  for (const char* yaml : {"", "# no overrides\n"}) {
    const QuotaConfig config = Config(yaml);
    EXPECT_EQ(config.networks.size(), QuotaConfig::Defaults().networks.size()) << yaml;
    EXPECT_TRUE(config.account_caps.empty()) << yaml;
  }
}

// Community actions have their own classes, charged at the most a task can call.
TEST(QuotaConfigTest, CommunityActionsAreCountedByDefault) {
  EXPECT_EQ(EndpointClass("comments"), "comments");
  EXPECT_EQ(EndpointClass("moderate"), "moderate");
  EXPECT_EQ(EndpointClass("search"), "search");
  const QuotaConfig config = QuotaConfig::Defaults();
  int64_t mentions = 0, moderation = 0, posts = 0;
  for (const LimitSpec& limit : config.networks.at("x")) {
    mentions += limit.CostOf("comments");
    moderation += limit.name == "moderation" ? limit.CostOf("moderate") : 0;
    posts += limit.name == "posts" ? limit.CostOf("moderate") : 0;
  }
  EXPECT_EQ(mentions, 5) << "up to five pages of mentions";
  EXPECT_EQ(moderation, 1);
  EXPECT_EQ(posts, 1) << "a reply is a post";
  const LimitSpec& units = config.networks.at("youtube").at(0);
  EXPECT_EQ(units.CostOf("moderate"), 50);
  EXPECT_EQ(units.CostOf("comments"), 10) << "up to ten pages of threads";
  EXPECT_EQ(units.CostOf("search"), 200) << "two pages of search.list at 100 units";
}

TEST(QuotaConfigTest, AFileSetsEveryKindOfLimitCapAndWeight) {
  const QuotaConfig config = Config(R"yaml(
networks:
  instagram:
    - {name: posts, kind: rolling, limit: 50, period: 24h, classes: {publish: 1}}
    - {name: calls, kind: bucket, limit: 6, period: 1m, classes: {read: 2, ads: 3}}
  youtube:
    - name: units
      kind: daily
      limit: 10000
      reset: "07:30"
      timezone: Europe/Paris
      classes: {publish: 1600}
  snapchat: []
accounts:
  facebook/acme_fb: {daily_max: 12.50, currency: EUR}
weights:
  default/product-launch: 3
)yaml");
  const std::vector<LimitSpec>& instagram = config.networks.at("instagram");
  ASSERT_EQ(instagram.size(), 2u) << "the file's list replaces both defaults";
  EXPECT_EQ(instagram[0].kind, Kind::kRolling);
  EXPECT_EQ(instagram[0].limit, 50);
  EXPECT_EQ(instagram[0].period, absl::Hours(24));
  EXPECT_EQ(instagram[1].kind, Kind::kBucket);
  EXPECT_THAT(instagram[1].cost, ElementsAre(Pair("ads", 3), Pair("read", 2)));
  const LimitSpec& units = config.networks.at("youtube").at(0);
  EXPECT_EQ(units.reset_minutes, 7 * 60 + 30);
  EXPECT_EQ(units.timezone, "Europe/Paris");
  EXPECT_TRUE(config.networks.at("snapchat").empty()) << "[] removes every limit";
  EXPECT_EQ(config.networks.at("x").size(), 5u) << "networks not named keep their defaults";
  EXPECT_EQ(config.account_caps.at("facebook/acme_fb").daily_max_micros, 12'500'000);
  EXPECT_EQ(config.account_caps.at("facebook/acme_fb").currency, "EUR");
  EXPECT_THAT(config.campaign_weights, ElementsAre(Pair("default/product-launch", 3)));
}

TEST(QuotaConfigTest, ADailyLimitStartsAtMidnightUtcUnlessToldOtherwise) {
  const LimitSpec posts =
      Config("networks:\n  linkedin:\n    - {name: posts, kind: daily, limit: 5, classes: {publish: 1}}\n")
          .networks.at("linkedin")
          .at(0);
  EXPECT_EQ(posts.reset_minutes, 0);
  EXPECT_EQ(posts.timezone, "UTC");
}

// A file with one mistake, where the error must point, and what it must say.
struct Mistake {
  const char* yaml;
  const char* where;
  const char* what;
};

TEST(QuotaConfigTest, EachMistakeNamesTheLineAndWhatToWrite) {
  const Mistake mistakes[] = {
      {"networks: [\n", "quotas.yaml:2:1:", "end of sequence flow not found"},
      {"- networks\n", "quotas.yaml:1:1:", "a quota file is a map"},
      {"netwroks: {}\n", "quotas.yaml:1:1:", "unknown field 'netwroks'"},
      {"networks: [x]\n", "quotas.yaml:1:11:", "`networks` maps network names to limits"},
      {"networks:\n  x: {name: posts}\n", "quotas.yaml:2:6:", "a network's limits are a list"},
      {"networks:\n  x:\n    - posts\n", "quotas.yaml:3:7:", "a limit must be a map"},
      {"networks:\n  x:\n    - {kind: window}\n", "quotas.yaml:3:7:", "needs a `name`"},
      {"networks:\n  x:\n    - {name: p}\n", "quotas.yaml:3:7:", "needs a `kind`"},
      {"networks:\n  x:\n    - {name: p, kind: windw}\n", "quotas.yaml:3:23:",
       "kind must be window, rolling, bucket or daily"},
      {"networks:\n  x:\n    - {name: p, kind: window, limit: 0}\n", "quotas.yaml:3:7:",
       "positive integer `limit`"},
      {"networks:\n  x:\n    - {name: p, kind: window, limit: 2.5}\n", "quotas.yaml:3:7:",
       "positive integer `limit`"},
      {"networks:\n  x:\n    - {name: p, kind: window, limit: 3, classes: {read: 1}}\n",
       "quotas.yaml:3:7:", "needs a `period` such as 15m"},
      {"networks:\n  x:\n    - {name: p, kind: window, limit: 3, period: -15m}\n",
       "quotas.yaml:3:7:", "needs a `period` such as 15m"},
      {"networks:\n  x:\n    - {name: p, kind: daily, limit: 3, reset: \"24:00\"}\n",
       "quotas.yaml:3:47:", "reset must be a time of day"},
      {"networks:\n  x:\n    - {name: p, kind: daily, limit: 3, timezone: Mars/Olympus}\n",
       "quotas.yaml:3:50:", "unknown time zone 'Mars/Olympus'"},
      {"networks:\n  x:\n    - {name: p, kind: window, limit: 3, period: 1h}\n", "quotas.yaml:3:7:",
       "needs `classes`"},
      {"networks:\n  x:\n    - {name: p, kind: window, limit: 3, period: 1h,\n"
       "       classes: {publish: 0}}\n",
       "quotas.yaml:4:27:", "a class's cost must be a positive integer"},
      {"accounts: [facebook/acme]\n", "quotas.yaml:1:11:", "`accounts` maps network/account"},
      {"accounts:\n  acme_fb: {daily_max: 5, currency: USD}\n", "quotas.yaml:2:3:",
       "keyed network/account"},
      {"accounts:\n  facebook/acme: 500\n", "quotas.yaml:2:18:", "an account cap is a map"},
      {"accounts:\n  facebook/acme: {daily_max: 5, currency: dollars}\n", "quotas.yaml:2:18:",
       "needs `daily_max` (an amount) and `currency`"},
      {"accounts:\n  facebook/acme: {daily_max: -5, currency: USD}\n", "quotas.yaml:2:18:",
       "needs `daily_max` (an amount) and `currency`"},
      {"weights: [default/launch]\n", "quotas.yaml:1:10:", "`weights` maps namespace/campaign"},
      {"weights:\n  default/launch: 101\n", "quotas.yaml:2:19:", "a whole number from 1 to 100"},
      {"weights:\n  default/launch: two\n", "quotas.yaml:2:19:", "a whole number from 1 to 100"},
  };
  for (const Mistake& mistake : mistakes) {
    absl::StatusOr<QuotaConfig> config = QuotaConfig::Parse(mistake.yaml, "quotas.yaml");
    ASSERT_FALSE(config.ok()) << mistake.yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << mistake.yaml;
    const std::string message(config.status().message());
    EXPECT_THAT(message, StartsWith(mistake.where)) << mistake.yaml;
    EXPECT_THAT(message, HasSubstr(mistake.what)) << mistake.yaml;
  }
}

TEST(QuotaConfigTest, ADailyMaxThatIsNotANumberOrTooLargeIsRefused) {
  // None of these has a value in micros that fits an int64.
  for (const char* amount : {"nan", "inf", "1e20"}) {
    absl::StatusOr<QuotaConfig> config = QuotaConfig::Parse(
        absl::StrCat("accounts:\n  facebook/acme: {daily_max: ", amount, ", currency: USD}\n"),
        "quotas.yaml");
    ASSERT_FALSE(config.ok()) << amount << " gave "
                              << config->account_caps.at("facebook/acme").daily_max_micros;
    EXPECT_THAT(std::string(config.status().message()), HasSubstr("needs `daily_max` (an amount)"))
        << amount;
  }
}

TEST(QuotaConfigTest, LoadNamesTheFileItReadsOrCannotRead) {
  const std::string path = absl::StrCat(::testing::TempDir(), "quotas-", getpid(), ".yaml");
  std::ofstream(path) << "networks:\n  x: {}\n";
  absl::StatusOr<QuotaConfig> config = QuotaConfig::Load(path);
  std::remove(path.c_str());
  EXPECT_THAT(std::string(config.status().message()), StartsWith(path + ":2:6: "));
  config = QuotaConfig::Load(path + ".missing");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr(path + ".missing"));
}

}  // namespace
}  // namespace fanfare::dispatch
