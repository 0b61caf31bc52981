// The story examples/launch.yaml tells, played against the sandbox through the Facebook and
// Instagram adapters with the default seed: a link post and an image post, each boosted at
// 40 USD a day for 14 days, measured every six hours over a 6h window, with the example's two
// rules applied after each measurement:
//   pause_expensive  cpc > 1.5                      → pause
//   scale_winner     clicks >= 50 && cpc < 1.5 / 2  → set_budget(daily_budget × 1.25)
// The link post must become the expensive ad (paused once, between day 2 and day 4, and
// silent afterwards), the image post the winner (scaled at least twice, never paused).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

constexpr double kMaxCpc = 1.5;
constexpr int kIterations = 56;

struct Ad {
  std::string network;
  Json boost;
  std::vector<int> paused_at;  // iterations whose rule fired
  std::vector<int> scaled_at;
  int64_t spend_micros = 0;
};

TEST(LaunchStoryTest, ALinkPostFatiguesAndAnImagePostWinsOverFourteenDays) {
  Harness h;  // seed 1, as fanfared --dev and the rehearsal use
  // Launch at an arbitrary minute, as a real launch does.
  h.clock().Advance(absl::Hours(9) + absl::Minutes(23));
  absl::StatusOr<Json> fb_post =
      h.Run("facebook", "publish", {{"text", "Acme Rocket is here. Pre-order now"},
                                    {"link", "https://acme.example/rocket?utm_source=facebook"}});
  absl::StatusOr<Json> ig_post = h.Run(
      "instagram", "publish",
      {{"text", "Acme Rocket is here. Pre-order now #launch #rocket"},
       {"media", Json::array({{{"url", "https://cdn.acme.example/rocket/hero.jpg"},
                               {"type", "image"}}})}});
  ASSERT_TRUE(fb_post.ok()) << fb_post.status();
  ASSERT_TRUE(ig_post.ok()) << ig_post.status();
  std::vector<Ad> ads = {{"facebook", (*fb_post)["post_id"]},
                         {"instagram", (*ig_post)["post_id"]}};
  for (Ad& ad : ads) {
    // The rehearsal's idempotency keys, so that the ads carry the names they get there.
    absl::StatusOr<Json> boost =
        h.Run(ad.network, "boost",
              {{"post_id", ad.boost}, {"daily_budget", 40}, {"currency", "USD"},
               {"objective", "traffic"}, {"duration", "14d"}},
              "", false, "default/launch-rehearsal/boost[" + ad.network + "]");
    ASSERT_TRUE(boost.ok()) << boost.status();
    ad.boost = *boost;
  }
  double max_daily_total = 0;
  for (int iteration = 1; iteration <= kIterations; ++iteration) {
    std::string line = absl::StrFormat("#%2d day %5.2f", iteration,
                                       absl::ToDoubleHours(absl::Hours(6) * (iteration - 1)) / 24);
    double daily_total = 0;
    for (Ad& ad : ads) {
      absl::StatusOr<Json> m =
          h.Run(ad.network, "insights", {{"ad_id", ad.boost["ad_id"]}, {"window", "6h"}});
      ASSERT_TRUE(m.ok()) << m.status();
      const int64_t clicks = (*m)["clicks"].get<int64_t>();
      const double cpc = (*m)["cpc"].get<double>();
      const double budget = (*m)["daily_budget"].get<double>();
      ad.spend_micros += (*m)["spend_micros"].get<int64_t>();
      std::string fired;
      if (cpc > kMaxCpc) {
        ASSERT_TRUE(h.Run(ad.network, "pause", {{"ad_id", ad.boost["ad_id"]}}).ok());
        ad.paused_at.push_back(iteration);
        fired = " PAUSE";
      }
      if (clicks >= 50 && cpc < kMaxCpc / 2) {
        absl::StatusOr<Json> scaled =
            h.Run(ad.network, "set_budget", {{"ad_set_id", ad.boost["ad_set_id"]},
                                             {"daily_budget", budget * 1.25},
                                             {"currency", "USD"}});
        ASSERT_TRUE(scaled.ok()) << scaled.status();
        ad.scaled_at.push_back(iteration);
        fired = " SCALE";
      }
      if ((*m)["status"] == "active") daily_total += budget;
      // A paused ad says so and stops accruing: the next window still holds the minutes it
      // delivered before the pause, the ones after nothing at all.
      if (!ad.paused_at.empty() && iteration > ad.paused_at[0]) {
        EXPECT_EQ((*m)["status"], "paused") << ad.network << " #" << iteration;
        EXPECT_LE(cpc, kMaxCpc) << ad.network << " #" << iteration;
      }
      if (!ad.paused_at.empty() && iteration > ad.paused_at[0] + 1) {
        EXPECT_EQ(clicks, 0) << ad.network << " #" << iteration;
        EXPECT_EQ((*m)["spend_micros"], 0) << ad.network << " #" << iteration;
      }
      absl::StrAppendFormat(&line, "  %-9s %3d clicks cpc %5.2f budget %6.2f %-6s", ad.network,
                            clicks, cpc, budget, fired);
    }
    max_daily_total = std::max(max_daily_total, daily_total);
    std::printf("%s\n", line.c_str());
    h.clock().Advance(absl::Hours(6));
  }
  const Ad& fb = ads[0];
  const Ad& ig = ads[1];
  std::printf("spent: facebook %.2f, instagram %.2f; largest daily budget total %.2f\n",
              fb.spend_micros / 1e6, ig.spend_micros / 1e6, max_daily_total);
  // The link post: expensive after two to four days, paused once, silent from then on.
  ASSERT_EQ(fb.paused_at.size(), 1u);
  EXPECT_GE(fb.paused_at[0], 9);   // not before day 2
  EXPECT_LE(fb.paused_at[0], 17);  // by day 4
  EXPECT_TRUE(fb.scaled_at.empty());
  // The image post: cheap clicks on some days, scaled at least twice, never paused, and
  // scaling stops by itself as the audience saturates.
  EXPECT_TRUE(ig.paused_at.empty());
  EXPECT_GE(ig.scaled_at.size(), 2u);
  EXPECT_LE(ig.scaled_at.size(), 5u);
  // Within the campaign's budget: total 2000, daily_max 250.
  EXPECT_LE(fb.spend_micros + ig.spend_micros, 2000'000'000);
  EXPECT_LE(max_daily_total, 250);
}

}  // namespace
}  // namespace fanfare::workers::testing
