// Money: one internal form for every network's amounts — int64 micros (millionths of the
// currency's main unit) and an ISO 4217 code — and the conversions from and to each
// network's own unit:
//
//   Meta (Facebook, Instagram)  budgets in minor units ("4000" = 40.00 USD, 4000 JPY = ¥4000),
//                               insights spend as a decimal string ("12.34")
//   Snapchat, X Ads             micros (40000000 = 40.00)
//   LinkedIn                    {"amount": "12.50", "currencyCode": "USD"}
//   TikTok                      decimal numbers (40.0) and strings ("12.34")
//
// Conversions from decimals are exact (no binary floating point in between); the only
// rounding is to a currency's minor unit, half away from zero, where a network needs it.
#ifndef FANFARE_WORKERS_COMMON_MONEY_H_
#define FANFARE_WORKERS_COMMON_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fanfare::workers {

struct Money {
  int64_t micros = 0;
  std::string currency;  // ISO 4217, upper case

  double units() const { return static_cast<double>(micros) / 1e6; }
  bool operator==(const Money& other) const = default;
};

inline constexpr int64_t kMicrosPerUnit = 1'000'000;

// InvalidArgument unless `currency` is three upper-case letters.
absl::Status ValidateCurrency(absl::string_view currency);
// Digits of the minor unit: 2 for most, 0 for JPY/KRW/VND/…, 3 for BHD/KWD/OMR/….
int CurrencyExponent(absl::string_view currency);

Money MoneyFromMicros(int64_t micros, absl::string_view currency);
// `minor` in the currency's minor unit (cents for USD, yen for JPY).
absl::StatusOr<Money> MoneyFromMinorUnits(int64_t minor, absl::string_view currency);
// A decimal such as "12.5", "12.50", "-3", "0.000001"; at most 6 fractional digits.
absl::StatusOr<Money> MoneyFromDecimal(absl::string_view decimal, absl::string_view currency);
// A double as written in a campaign ("daily_budget: 40.5"), rounded to micros.
absl::StatusOr<Money> MoneyFromDouble(double units, absl::string_view currency);

// Rounded to the currency's minor unit, half away from zero.
Money RoundToMinorUnit(const Money& money);
// The amount in minor units, rounded as RoundToMinorUnit does.
int64_t ToMinorUnits(const Money& money);
// "12.50" (USD), "4000" (JPY): the amount rounded to the minor unit, with exactly as many
// fractional digits as the currency has.
std::string ToDecimalString(const Money& money);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_MONEY_H_
