// Each kind of limit, holds, and durability of the counts (the quota file itself:
// quota_config_test.cc).
#include "engine/dispatch/rate_limiter.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::dispatch {
namespace {

using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);  // 2027-01-15T08:00:00Z

QuotaConfig Config(const std::string& yaml) {
  absl::StatusOr<QuotaConfig> config = QuotaConfig::Parse(yaml, "quotas.yaml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : QuotaConfig();
}

// Tasks of `klass` that go at `now`, consuming each one.
int Drain(RateLimiter& limiter, absl::string_view klass, absl::Time now, int max = 1000) {
  int n = 0;
  while (n < max && limiter.Check("ns", "x", "acme", klass, now).allowed) {
    limiter.Consume("ns", "x", "acme", klass, now);
    ++n;
  }
  return n;
}

TEST(RateLimiterTest, FixedWindowsResetOnTheirBoundary) {
  QuotaConfig config = Config(
      "networks:\n  x:\n    - {name: posts, kind: window, limit: 3, period: 15m, classes: {publish: 1}}\n");
  RateLimiter limiter(&config);
  EXPECT_EQ(Drain(limiter, "publish", kStart), 3);
  RateLimiter::Decision decision = limiter.Check("ns", "x", "acme", "publish", kStart);
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_at, kStart + absl::Minutes(15)) << "08:00 starts a 15-minute window";
  EXPECT_THAT(decision.detail, HasSubstr("x/acme: posts 3 per 15m used up"));
  EXPECT_TRUE(limiter.Check("ns", "x", "acme", "read", kStart).allowed) << "reads not counted";
  EXPECT_TRUE(limiter.Check("ns", "x", "other", "publish", kStart).allowed) << "per account";
  EXPECT_TRUE(limiter.Check("ns2", "x", "acme", "publish", kStart).allowed) << "per namespace";
  EXPECT_EQ(Drain(limiter, "publish", decision.retry_at), 3);
}

TEST(RateLimiterTest, RollingWindowsFreeEachSlotAPeriodAfterItWasUsed) {
  QuotaConfig config = Config(
      "networks:\n  x:\n    - {name: posts, kind: rolling, limit: 2, period: 24h, classes: {publish: 1}}\n");
  RateLimiter limiter(&config);
  EXPECT_EQ(Drain(limiter, "publish", kStart, 1), 1);
  limiter.Consume("ns", "x", "acme", "publish", kStart + absl::Hours(5));
  RateLimiter::Decision decision = limiter.Check("ns", "x", "acme", "publish", kStart + absl::Hours(6));
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_at, kStart + absl::Hours(24)) << "the oldest post ages out first";
  EXPECT_TRUE(limiter.Check("ns", "x", "acme", "publish", kStart + absl::Hours(24)).allowed);
}

TEST(RateLimiterTest, ARollingLimitKeepsBoundedStateAndNeverAdmitsMoreThanItsLimit) {
  QuotaConfig config = Config(
      "networks:\n  x:\n    - {name: posts, kind: rolling, limit: 1000000, period: 1h, "
      "classes: {publish: 1}}\n");
  RateLimiter limiter(&config);
  // 100,000 posts, one every 36 ms, over an hour.
  for (int i = 0; i < 100'000; ++i) {
    const absl::Time at = kStart + absl::Milliseconds(36) * i;
    ASSERT_TRUE(limiter.Check("ns", "x", "acme", "publish", at).allowed) << i;
    limiter.Consume("ns", "x", "acme", "publish", at);
  }
  auto dirty = limiter.TakeDirty();
  ASSERT_EQ(dirty.size(), 1u);
  EXPECT_LE(dirty[0].second.limits(0).event_us_size(), 65) << "slots, not one entry per post";

  QuotaConfig tight = Config(
      "networks:\n  x:\n    - {name: posts, kind: rolling, limit: 100, period: 1h, "
      "classes: {publish: 1}}\n");
  RateLimiter exact(&tight);
  // Every admitted post, over two hours of tries a second apart: no hour holds more than 100.
  std::vector<absl::Time> admitted;
  for (int i = 0; i < 7200; ++i) {
    const absl::Time at = kStart + absl::Seconds(i);
    if (!exact.Check("ns", "x", "acme", "publish", at).allowed) continue;
    exact.Consume("ns", "x", "acme", "publish", at);
    admitted.push_back(at);
  }
  ASSERT_GE(admitted.size(), 100u);
  for (size_t i = 100; i < admitted.size(); ++i) {
    EXPECT_GE(admitted[i] - admitted[i - 100], absl::Hours(1)) << i;
  }
}

TEST(RateLimiterTest, ASteadyStreamUnderTheLimitIsNeverHeld) {
  // 300 per 15 minutes; a task every 5 s is 180 per 15 minutes.
  QuotaConfig config = Config(
      "networks:\n  x:\n    - {name: posts, kind: rolling, limit: 300, period: 15m, "
      "classes: {publish: 1}}\n");
  RateLimiter limiter(&config);
  for (int i = 0; i < 720; ++i) {
    const absl::Time at = kStart + absl::Seconds(5) * i;
    ASSERT_TRUE(limiter.Check("ns", "x", "acme", "publish", at).allowed) << "task " << i;
    limiter.Consume("ns", "x", "acme", "publish", at);
  }
}

TEST(RateLimiterTest, AHoldOnANetworkWithoutLimitsIsKept) {
  // No quota file names `content`, and the defaults do not either.
  QuotaConfig config = QuotaConfig::Defaults();
  RateLimiter limiter(&config);
  limiter.Hold("ns", "content", "acme", kStart, absl::Minutes(1), "429");
  auto dirty = limiter.TakeDirty();
  ASSERT_EQ(dirty.size(), 1u);
  EXPECT_EQ(dirty[0].second.hold_until_us(), absl::ToUnixMicros(kStart + absl::Minutes(1)));
  EXPECT_EQ(dirty[0].second.limits_size(), 0);
}

TEST(RateLimiterTest, TokenBucketsRefillEvenly) {
  QuotaConfig config = Config(
      "networks:\n  x:\n    - {name: inits, kind: bucket, limit: 6, period: 1m, classes: {publish: 1}}\n");
  RateLimiter limiter(&config);
  EXPECT_EQ(Drain(limiter, "publish", kStart), 6);
  RateLimiter::Decision decision = limiter.Check("ns", "x", "acme", "publish", kStart);
  EXPECT_EQ(decision.retry_at, kStart + absl::Seconds(10)) << "one token every 10s";
  EXPECT_EQ(Drain(limiter, "publish", kStart + absl::Seconds(30)), 3);
}

TEST(RateLimiterTest, DailyQuotasResetAtTheNetworksMidnight) {
  QuotaConfig config = Config(R"yaml(
networks:
  x:
    - {name: units, kind: daily, limit: 10000, reset: "00:00", timezone: America/Los_Angeles,
       classes: {publish: 1600, read: 1}}
)yaml");
  RateLimiter limiter(&config);
  EXPECT_EQ(Drain(limiter, "publish", kStart), 6) << "6 × 1600 units fit in 10,000";
  EXPECT_TRUE(limiter.Check("ns", "x", "acme", "read", kStart).allowed) << "400 units remain";
  RateLimiter::Decision decision = limiter.Check("ns", "x", "acme", "publish", kStart);
  // 08:00 UTC is 00:00 Pacific (PST, UTC-8): the next reset is a day later.
  EXPECT_EQ(decision.retry_at, kStart + absl::Hours(24));
}

TEST(RateLimiterTest, AHoldFromRetryAfterBlocksEveryClass) {
  QuotaConfig config = QuotaConfig::Defaults();
  RateLimiter limiter(&config);
  limiter.Hold("ns", "x", "acme", kStart, absl::Minutes(5), "x said 429; retry after 5m");
  RateLimiter::Decision decision = limiter.Check("ns", "x", "acme", "read", kStart);
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_at, kStart + absl::Minutes(5));
  EXPECT_THAT(decision.detail, HasSubstr("429"));
  EXPECT_TRUE(limiter.Check("ns", "x", "acme", "read", kStart + absl::Minutes(5)).allowed);
}

TEST(RateLimiterTest, CountsSurviveARestartThroughTheirRecords) {
  QuotaConfig config = Config(
      "networks:\n  x:\n    - {name: posts, kind: rolling, limit: 3, period: 1h, classes: {publish: 1}}\n");
  RateLimiter before(&config);
  Drain(before, "publish", kStart, 2);
  before.Hold("ns", "x", "acme", kStart, absl::Minutes(1), "held");
  auto dirty = before.TakeDirty();
  ASSERT_EQ(dirty.size(), 1u);
  EXPECT_TRUE(before.TakeDirty().empty());
  RateLimiter after(&config);
  after.Restore(dirty[0].first, dirty[0].second, kStart);
  EXPECT_FALSE(after.Check("ns", "x", "acme", "publish", kStart).allowed) << "still held";
  EXPECT_EQ(Drain(after, "publish", kStart + absl::Minutes(2)), 1) << "two of three used";
}

TEST(RateLimiterTest, AHoldIsClampedToTheMaximumHold) {
  QuotaConfig config = QuotaConfig::Defaults();
  RateLimiter limiter(&config);
  // 2^62 seconds: no Timestamp can hold now + that.
  limiter.Hold("ns", "x", "acme", kStart, absl::Seconds(int64_t{1} << 62), "x said 429");
  EXPECT_EQ(limiter.Check("ns", "x", "acme", "read", kStart).retry_at, kStart + kMaxHold);
  EXPECT_TRUE(limiter.Check("ns", "x", "acme", "read", kStart + kMaxHold).allowed);
  auto dirty = limiter.TakeDirty();
  ASSERT_EQ(dirty.size(), 1u);
  EXPECT_EQ(dirty[0].second.hold_until_us(), absl::ToUnixMicros(kStart + kMaxHold));
  // A negative retry_after holds nothing.
  limiter.Hold("ns", "x", "other", kStart, absl::Seconds(-5), "x said 429");
  EXPECT_TRUE(limiter.Check("ns", "x", "other", "read", kStart).allowed);
  EXPECT_EQ(ClampHold(absl::InfiniteDuration()), kMaxHold);
  EXPECT_EQ(ClampHold(-absl::InfiniteDuration()), absl::ZeroDuration());
  EXPECT_EQ(ClampHold(absl::Minutes(3)), absl::Minutes(3));
}

TEST(RateLimiterTest, AStoredHoldBeyondTheMaximumIsCutOnRestoreAndWrittenBack) {
  QuotaConfig config = QuotaConfig::Defaults();
  internal::LimiterRecord record;
  record.set_namespace_("ns");
  record.set_network("x");
  record.set_account("acme");
  record.set_hold_until_us(std::numeric_limits<int64_t>::max());  // as older versions stored it
  record.set_hold_detail("held after a 429: slow down");
  RateLimiter limiter(&config);
  limiter.Restore(RateLimiter::Key("ns", "x", "acme"), record, kStart);
  RateLimiter::Decision decision = limiter.Check("ns", "x", "acme", "publish", kStart);
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_at, kStart + kMaxHold);
  auto dirty = limiter.TakeDirty();
  ASSERT_EQ(dirty.size(), 1u) << "the corrected record is written back";
  EXPECT_EQ(dirty[0].second.hold_until_us(), absl::ToUnixMicros(kStart + kMaxHold));
  EXPECT_EQ(dirty[0].second.hold_detail(), "held after a 429: slow down");
}

TEST(RateLimiterTest, SnapshotShowsEveryHoldAsAValidTimestamp) {
  QuotaConfig config = QuotaConfig::Defaults();
  RateLimiter limiter(&config);
  limiter.Hold("ns", "content", "acme", kStart, absl::Seconds(int64_t{1} << 62), "429");
  limiter.Hold("ns", "x", "acme", kStart, absl::Minutes(5), "429");
  std::vector<v1::DispatchState::RateLimit> rows = limiter.Snapshot("ns", kStart);
  bool content_shown = false;
  for (const v1::DispatchState::RateLimit& row : rows) {
    EXPECT_GT(row.held_until().seconds(), 0) << row.network();
    EXPECT_LE(row.held_until().seconds(), absl::ToUnixSeconds(kStart + kMaxHold)) << row.network();
    if (row.network() == "content") {
      content_shown = true;
      EXPECT_THAT(row.detail(), HasSubstr("held: 429"));
    }
  }
  EXPECT_TRUE(content_shown) << "a hold on a network without limits is shown too";
}

}  // namespace
}  // namespace fanfare::dispatch
