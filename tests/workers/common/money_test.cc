// Money normalisation: every network's unit into int64 micros and back, exactly.
#include "workers/common/money.h"

#include "gtest/gtest.h"

namespace fanfare::workers {
namespace {

TEST(MoneyTest, MetaMinorUnitsDependOnTheCurrency) {
  EXPECT_EQ(MoneyFromMinorUnits(4000, "USD")->micros, 40'000'000);  // $40.00
  EXPECT_EQ(MoneyFromMinorUnits(4000, "JPY")->micros, 4'000'000'000);  // ¥4000
  EXPECT_EQ(MoneyFromMinorUnits(4000, "KWD")->micros, 4'000'000);  // 4.000 KWD
  EXPECT_EQ(ToMinorUnits(Money{40'125'000, "USD"}), 4013);  // half a cent rounds away from 0
  EXPECT_EQ(ToMinorUnits(Money{4'000'400'000, "JPY"}), 4000);
}

TEST(MoneyTest, SnapchatAndXMicrosPassThrough) {
  EXPECT_EQ(MoneyFromMicros(50'000'000, "USD"), (Money{50'000'000, "USD"}));
}

TEST(MoneyTest, LinkedInAndTikTokDecimalsAreExact) {
  EXPECT_EQ(MoneyFromDecimal("12.50", "USD")->micros, 12'500'000);
  EXPECT_EQ(MoneyFromDecimal("0.000001", "USD")->micros, 1);
  EXPECT_EQ(MoneyFromDecimal("-3", "EUR")->micros, -3'000'000);
  EXPECT_EQ(MoneyFromDecimal("1234567.891234", "USD")->micros, 1'234'567'891'234);
  // 0.1 + 0.2 trouble never happens: no binary floating point in between.
  EXPECT_EQ(MoneyFromDecimal("0.3", "USD")->micros, 300'000);
  EXPECT_FALSE(MoneyFromDecimal("12.5000001", "USD").ok());
  EXPECT_FALSE(MoneyFromDecimal("12,50", "USD").ok());
  EXPECT_FALSE(MoneyFromDecimal("", "USD").ok());
  EXPECT_FALSE(MoneyFromDecimal("1e3", "USD").ok());
}

TEST(MoneyTest, DecimalStringsUseTheCurrencysDigits) {
  EXPECT_EQ(ToDecimalString(Money{12'500'000, "USD"}), "12.50");
  EXPECT_EQ(ToDecimalString(Money{4'000'000'000, "JPY"}), "4000");
  EXPECT_EQ(ToDecimalString(Money{1'234'500, "BHD"}), "1.235");  // rounded to the fils
  EXPECT_EQ(ToDecimalString(Money{-1'005'000, "USD"}), "-1.01");
}

TEST(MoneyTest, CampaignDoublesRoundToMicros) {
  EXPECT_EQ(MoneyFromDouble(40.5, "USD")->micros, 40'500'000);
  EXPECT_EQ(MoneyFromDouble(0.1 + 0.2, "USD")->micros, 300'000);
  EXPECT_EQ(MoneyFromDouble(50.0 * 1.25, "USD")->micros, 62'500'000);
  EXPECT_FALSE(MoneyFromDouble(1.0 / 0.0, "USD").ok());
}

TEST(MoneyTest, CurrenciesAreValidated) {
  EXPECT_TRUE(ValidateCurrency("USD").ok());
  EXPECT_FALSE(ValidateCurrency("usd").ok());
  EXPECT_FALSE(ValidateCurrency("US").ok());
  EXPECT_FALSE(MoneyFromMinorUnits(1, "dollars").ok());
}

}  // namespace
}  // namespace fanfare::workers
