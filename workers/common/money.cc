#include "workers/common/money.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fanfare::workers {
namespace {

constexpr absl::string_view kZeroDecimal[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                              "KMF", "KRW", "PYG", "RWF", "UGX", "VND",
                                              "VUV", "XAF", "XOF", "XPF"};
constexpr absl::string_view kThreeDecimal[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR",
                                               "TND"};
// Amounts above this (9 trillion units) are refused rather than risk overflow.
constexpr int64_t kMaxMicros = std::numeric_limits<int64_t>::max() / 1000;

int64_t Pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

}  // namespace

absl::Status ValidateCurrency(absl::string_view currency) {
  if (currency.size() != 3 || !absl::ascii_isupper(currency[0]) ||
      !absl::ascii_isupper(currency[1]) || !absl::ascii_isupper(currency[2])) {
    return absl::InvalidArgumentError(absl::StrCat(
        "currency '", currency, "' is not an ISO 4217 code (three upper-case letters, e.g. USD)"));
  }
  return absl::OkStatus();
}

int CurrencyExponent(absl::string_view currency) {
  for (absl::string_view c : kZeroDecimal) {
    if (c == currency) return 0;
  }
  for (absl::string_view c : kThreeDecimal) {
    if (c == currency) return 3;
  }
  return 2;
}

Money MoneyFromMicros(int64_t micros, absl::string_view currency) {
  return Money{micros, std::string(currency)};
}

absl::StatusOr<Money> MoneyFromMinorUnits(int64_t minor, absl::string_view currency) {
  if (absl::Status s = ValidateCurrency(currency); !s.ok()) return s;
  const int64_t scale = kMicrosPerUnit / Pow10(CurrencyExponent(currency));
  if (minor > kMaxMicros / scale || minor < -kMaxMicros / scale) {
    return absl::OutOfRangeError(absl::StrCat("amount ", minor, " ", currency, " is too large"));
  }
  return Money{minor * scale, std::string(currency)};
}

absl::StatusOr<Money> MoneyFromDecimal(absl::string_view decimal, absl::string_view currency) {
  if (absl::Status s = ValidateCurrency(currency); !s.ok()) return s;
  absl::string_view text = absl::StripAsciiWhitespace(decimal);
  const bool negative = !text.empty() && text[0] == '-';
  if (negative || (!text.empty() && text[0] == '+')) text.remove_prefix(1);
  const size_t dot = text.find('.');
  absl::string_view whole = text.substr(0, dot);
  absl::string_view frac = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  auto digits = [](absl::string_view s) {
    for (char c : s) {
      if (!absl::ascii_isdigit(c)) return false;
    }
    return true;
  };
  if ((whole.empty() && frac.empty()) || !digits(whole) || !digits(frac) || frac.size() > 6 ||
      whole.size() > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", decimal, "' is not a decimal amount with at most 6 decimals"));
  }
  int64_t units = 0;
  if (!whole.empty() && !absl::SimpleAtoi(whole, &units)) {
    return absl::InvalidArgumentError(absl::StrCat("'", decimal, "' is not a decimal amount"));
  }
  int64_t micros_frac = 0;
  if (!frac.empty()) {
    (void)absl::SimpleAtoi(frac, &micros_frac);
    micros_frac *= Pow10(6 - static_cast<int>(frac.size()));
  }
  const int64_t micros = units * kMicrosPerUnit + micros_frac;
  return Money{negative ? -micros : micros, std::string(currency)};
}

absl::StatusOr<Money> MoneyFromDouble(double units, absl::string_view currency) {
  if (absl::Status s = ValidateCurrency(currency); !s.ok()) return s;
  if (!std::isfinite(units) || std::fabs(units) * 1e6 >= static_cast<double>(kMaxMicros)) {
    return absl::InvalidArgumentError(absl::StrCat("amount ", units, " is not a finite amount"));
  }
  return Money{std::llround(units * 1e6), std::string(currency)};
}

Money RoundToMinorUnit(const Money& money) {
  const int64_t step = kMicrosPerUnit / Pow10(CurrencyExponent(money.currency));
  const int64_t sign = money.micros < 0 ? -1 : 1;
  const int64_t magnitude = std::llabs(money.micros);
  const int64_t rounded = (magnitude + step / 2) / step * step;
  return Money{sign * rounded, money.currency};
}

int64_t ToMinorUnits(const Money& money) {
  const int64_t step = kMicrosPerUnit / Pow10(CurrencyExponent(money.currency));
  return RoundToMinorUnit(money).micros / step;
}

std::string ToDecimalString(const Money& money) {
  const int exponent = CurrencyExponent(money.currency);
  const int64_t minor = ToMinorUnits(money);
  const int64_t scale = Pow10(exponent);
  const int64_t magnitude = std::llabs(minor);
  std::string out = absl::StrCat(minor < 0 ? "-" : "", magnitude / scale);
  if (exponent > 0) {
    absl::StrAppend(&out, ".", absl::StrFormat("%0*d", exponent, magnitude % scale));
  }
  return out;
}

}  // namespace fanfare::workers
