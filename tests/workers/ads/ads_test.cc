// The paid actions on every network that boosts (Facebook, Instagram, X, LinkedIn, TikTok,
// Snapchat), against the sandbox: insights measure the window asked for and carry the ad's
// state in one vocabulary; a paused ad accrues nothing; set_budget, pause and resume repeat
// as no-ops; a boost whose answer was lost is settled by reconcile without a second campaign.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

struct AdNetwork {
  std::string network;
  // Drop paths (sandbox faults) of the boost's first create call and of its last.
  std::string first_create;
  std::string last_create;
};

std::string PrintName(const ::testing::TestParamInfo<AdNetwork>& info) {
  return info.param.network;
}

const std::vector<AdNetwork>& AdNetworks() {
  static const std::vector<AdNetwork> kNetworks = {
      {"facebook", "/campaigns$", "/ads$"},
      {"instagram", "/campaigns$", "/ads$"},
      {"x", "/campaigns$", "/promoted_tweets$"},
      {"linkedin", "/adCampaignGroups$", "/creatives$"},
      {"tiktok", "campaign/create$", "ad/create$"},
      {"snapchat", "/campaigns$", "/ads$"},
  };
  return kNetworks;
}

absl::Time ParseTime(const Json& text) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text.get<std::string>(), &t, &err)) << text;
  return t;
}

class AdsTest : public ::testing::TestWithParam<AdNetwork> {
 protected:
  const std::string& network() const { return GetParam().network; }

  // A post the network can promote, published now.
  Json Publish(const std::string& text) {
    absl::StatusOr<Json> post = h_.PublishPromotable(network(), text);
    EXPECT_TRUE(post.ok()) << post.status();
    return post.ok() ? *post : Json();
  }

  Json BoostInput(const Json& post) {
    return {{"post_id", post["post_id"]}, {"daily_budget", 40}, {"currency", "USD"},
            {"objective", "traffic"}, {"duration", "14d"}};
  }

  absl::StatusOr<Json> Boost(const Json& post, bool reconcile = false) {
    return h_.Run(network(), "boost", BoostInput(post), "", reconcile, "default/run-1/boost");
  }

  Json Insights(const Json& boost, const Json& window) {
    Json input = {{"ad_id", boost["ad_id"]}};
    input.update(window);
    absl::StatusOr<Json> m = h_.Run(network(), "insights", input);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : Json::object();
  }

  // This network's sandbox objects of `kind` ("campaign", "adset", "ad").
  int Count(const std::string& kind) {
    int n = 0;
    const Json ads = h_.Control("GET", "/_sandbox/ads?network=" + network())["ads"];
    for (const Json& e : ads) {
      if (e["kind"] == kind) ++n;
    }
    return n;
  }

  void DropNext(const std::string& path) {
    h_.Control("POST", "/_sandbox/faults",
               {{"network", network()}, {"drop_next", 1}, {"drop_path", path}});
  }

  Harness h_;
};

INSTANTIATE_TEST_SUITE_P(AllAdNetworks, AdsTest, ::testing::ValuesIn(AdNetworks()), PrintName);

TEST_P(AdsTest, InsightsMeasureTheWholeHoursOfTheWindowAndCarryTheAdState) {
  const Json post = Publish("Window me");
  absl::StatusOr<Json> boost = Boost(post);
  ASSERT_TRUE(boost.ok()) << boost.status();
  h_.clock().Advance(absl::Hours(30) + absl::Minutes(17));
  const absl::Time now = h_.clock().Now();
  const Json m = Insights(*boost, {{"window", "6h"}});
  // The last six whole hours: [now rounded down − 6h, now rounded down).
  const absl::Time hour = absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 3600 * 3600);
  EXPECT_EQ(ParseTime(m["window"]["since"]), hour - absl::Hours(6)) << m.dump();
  EXPECT_EQ(ParseTime(m["window"]["until"]), hour) << m.dump();
  EXPECT_EQ(m["status"], "active");
  EXPECT_DOUBLE_EQ(m["daily_budget"].get<double>(), 40.0);
  EXPECT_EQ(m["budget_micros"], 40'000'000);
  EXPECT_EQ(m["currency"], "USD");
  EXPECT_EQ(m["ad_id"], (*boost)["ad_id"]);
  EXPECT_EQ(m["ad_set_id"], (*boost)["ad_set_id"]);
  // Six hours of a 40/day budget: about 9.60, never more than a quarter of the budget.
  const int64_t spend = m["spend_micros"].get<int64_t>();
  EXPECT_GT(spend, 9'000'000) << m.dump();
  EXPECT_LE(spend, 10'000'000) << m.dump();
  ASSERT_GT(m["clicks"].get<int64_t>(), 0) << m.dump();
  EXPECT_NEAR(m["cpc"].get<double>(), m["spend"].get<double>() / m["clicks"].get<double>(), 1e-9);
}

TEST_P(AdsTest, AdjacentWindowsAddUpToTheWindowTheyTile) {
  const Json post = Publish("Tile me");
  absl::StatusOr<Json> boost = Boost(post);
  ASSERT_TRUE(boost.ok()) << boost.status();
  h_.clock().Advance(absl::Hours(40));
  const absl::Time end = h_.clock().Now() - absl::Hours(3);  // not a midnight
  const Json whole = Insights(*boost, {{"since", Rfc3339(end - absl::Hours(24))},
                                       {"until", Rfc3339(end)}});
  int64_t clicks = 0, impressions = 0, spend = 0;
  for (int i = 0; i < 4; ++i) {
    const absl::Time since = end - absl::Hours(24) + absl::Hours(6 * i);
    const Json part = Insights(*boost, {{"since", Rfc3339(since)},
                                        {"until", Rfc3339(since + absl::Hours(6))}});
    clicks += part["clicks"].get<int64_t>();
    impressions += part["impressions"].get<int64_t>();
    spend += part["spend_micros"].get<int64_t>();
  }
  EXPECT_EQ(clicks, whole["clicks"].get<int64_t>()) << whole.dump();
  EXPECT_EQ(impressions, whole["impressions"].get<int64_t>());
  EXPECT_EQ(spend, whole["spend_micros"].get<int64_t>());
}

// Whole days are asked for as days where the API takes dates, with unique reach.
TEST_P(AdsTest, AWindowOfWholeDaysIsMeasuredAsDays) {
  const Json post = Publish("Two days");
  absl::StatusOr<Json> boost = Boost(post);  // the harness starts at midnight
  ASSERT_TRUE(boost.ok()) << boost.status();
  const absl::Time midnight = h_.clock().Now();
  h_.clock().Advance(absl::Hours(51));
  const Json m = Insights(*boost, {{"since", Rfc3339(midnight)},
                                   {"until", Rfc3339(midnight + absl::Hours(48))}});
  EXPECT_EQ(ParseTime(m["window"]["since"]), midnight) << m.dump();
  EXPECT_EQ(ParseTime(m["window"]["until"]), midnight + absl::Hours(48)) << m.dump();
  EXPECT_NEAR(m["spend"].get<double>(), 2 * 38.4, 0.05) << m.dump();
  if (network() != "x") EXPECT_GT(m["reach"].get<int64_t>(), 0) << m.dump();  // X has none
}

// Ten days: more than X's 7-day stats limit, and ten days of Meta's one-day hourly queries.
TEST_P(AdsTest, LongWindowsAreMeasuredWhole) {
  const Json post = Publish("Ten days");
  absl::StatusOr<Json> boost = Boost(post);
  ASSERT_TRUE(boost.ok()) << boost.status();
  h_.clock().Advance(absl::Hours(24 * 11) + absl::Minutes(5));
  const Json m = Insights(*boost, {{"window", "10d"}});
  EXPECT_EQ(ParseTime(m["window"]["until"]) - ParseTime(m["window"]["since"]),
            absl::Hours(24 * 10))
      << m.dump();
  // 240 hours at 40 × 0.96 / 24 = 1.60 an hour.
  EXPECT_NEAR(m["spend"].get<double>(), 384.0, 0.5) << m.dump();
}

TEST_P(AdsTest, APausedAdAccruesNothingAndPauseResumeAndBudgetRepeatAsNoOps) {
  const Json post = Publish("Pause me");
  absl::StatusOr<Json> boost = Boost(post);
  ASSERT_TRUE(boost.ok()) << boost.status();
  h_.clock().Advance(absl::Hours(12));
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Json> paused = h_.Run(network(), "pause", {{"ad_id", (*boost)["ad_id"]}});
    ASSERT_TRUE(paused.ok()) << paused.status();
    EXPECT_EQ((*paused)["status"], "paused");
  }
  h_.clock().Advance(absl::Hours(12));
  const Json m = Insights(*boost, {{"window", "6h"}});
  EXPECT_EQ(m["status"], "paused") << m.dump();
  EXPECT_EQ(m["clicks"], 0);
  EXPECT_EQ(m["spend_micros"], 0);
  EXPECT_EQ(m["impressions"], 0);
  EXPECT_EQ(m["cpc"], 0.0);  // no clicks: 0, never a division by zero or a null
  EXPECT_EQ(m["ctr"], 0.0);
  EXPECT_EQ(m["cpm"], 0.0);
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Json> resumed = h_.Run(network(), "resume", {{"ad_id", (*boost)["ad_id"]}});
    ASSERT_TRUE(resumed.ok()) << resumed.status();
    EXPECT_EQ((*resumed)["status"], "active");
  }
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Json> budget = h_.Run(network(), "set_budget",
                                         {{"ad_set_id", (*boost)["ad_set_id"]},
                                          {"daily_budget", 50}, {"currency", "USD"}});
    ASSERT_TRUE(budget.ok()) << budget.status();
    EXPECT_EQ((*budget)["budget_micros"], 50'000'000);
    EXPECT_EQ((*budget)["previous_budget_micros"], i == 0 ? 40'000'000 : 50'000'000);
  }
  h_.clock().Advance(absl::Hours(7));
  const Json after = Insights(*boost, {{"window", "6h"}});
  EXPECT_EQ(after["status"], "active");
  EXPECT_EQ(after["budget_micros"], 50'000'000);
  EXPECT_DOUBLE_EQ(after["daily_budget"].get<double>(), 50.0);
  EXPECT_GT(after["spend_micros"].get<int64_t>(), 0);
}

TEST_P(AdsTest, LostFirstCallIsCompletedByReconcileWithoutASecondCampaign) {
  const Json post = Publish("Drop my campaign");
  DropNext(GetParam().first_create);
  absl::StatusOr<Json> boost = Boost(post);
  ASSERT_FALSE(boost.ok());
  EXPECT_EQ(TypeOf(boost.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << boost.status();
  ASSERT_EQ(Count("campaign"), 1);  // the campaign took effect; nothing under it yet
  EXPECT_EQ(Count("ad"), 0);

  absl::StatusOr<Json> settled = Boost(post, /*reconcile=*/true);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(Count("campaign"), 1);
  EXPECT_EQ(Count("adset"), 1);
  EXPECT_EQ(Count("ad"), 1);
  EXPECT_EQ((*settled)["status"], "active");
  EXPECT_EQ((*settled)["budget_micros"], 40'000'000);
  // Settling again finds the same objects.
  absl::StatusOr<Json> again = Boost(post, /*reconcile=*/true);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *settled);
  EXPECT_EQ(Count("campaign"), 1);
  EXPECT_EQ(Count("ad"), 1);
  h_.clock().Advance(absl::Hours(7));
  EXPECT_GT(Insights(*settled, {{"window", "6h"}})["spend_micros"].get<int64_t>(), 0);
}

TEST_P(AdsTest, LostLastCallIsSettledWithTheOriginalObjects) {
  const Json post = Publish("Drop my ad");
  DropNext(GetParam().last_create);
  absl::StatusOr<Json> boost = Boost(post);
  ASSERT_FALSE(boost.ok());
  EXPECT_EQ(TypeOf(boost.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << boost.status();
  ASSERT_EQ(Count("ad"), 1);

  absl::StatusOr<Json> settled = Boost(post, /*reconcile=*/true);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(Count("campaign"), 1);
  EXPECT_EQ(Count("ad"), 1);
  // Every object the boost made is one the settled output names.
  const Json ads = h_.Control("GET", "/_sandbox/ads?network=" + network())["ads"];
  for (const Json& e : ads) {
    bool named = false;
    for (const auto& [key, value] : settled->items()) named |= value == e["id"];
    EXPECT_TRUE(named) << e.dump() << " is not in " << settled->dump();
  }
}

TEST_P(AdsTest, ReconcileOfABoostThatNeverHappenedIsNotFound) {
  const Json post = Publish("Never boosted");
  absl::StatusOr<Json> settled = Boost(post, /*reconcile=*/true);
  ASSERT_FALSE(settled.ok());
  EXPECT_EQ(TypeOf(settled.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  EXPECT_EQ(ToTaskFailure(settled.status()).code(), "not_found") << settled.status();
  EXPECT_NE(std::string(settled.status().message()).find("not found"), std::string::npos);
  EXPECT_EQ(Count("campaign"), 0);
}

// Organic metrics are lifetime totals and say so.
TEST(OrganicInsightsTest, PostInsightsAreLifetime) {
  Harness h;
  absl::StatusOr<Json> post = h.Run("facebook", "publish", {{"text", "organic"}});
  ASSERT_TRUE(post.ok()) << post.status();
  h.clock().Advance(absl::Hours(30));
  absl::StatusOr<Json> m = h.Run("facebook", "insights", {{"post_id", (*post)["post_id"]},
                                                          {"window", "6h"}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)["window"]["lifetime"], true) << m->dump();
  EXPECT_EQ((*m)["window"]["until"], Rfc3339(h.clock().Now()));
  EXPECT_FALSE((*m)["window"].contains("since"));
  EXPECT_EQ((*m)["cpc"], 0.0);
}

}  // namespace
}  // namespace fanfare::workers::testing
