// The limits of a campaign, and the range checks of every value that comes from outside.
//
// Both paths a campaign takes in — YAML (or text, JSON, binary) files through the loader, and
// a CampaignSpec received over gRPC — are validated by ValidateCampaign, which applies these
// checks; request checks apply them to the values of RPCs. docs/campaign-language.md
// ("Limits") documents every number here. Each check returns "" when the value is fine, and
// otherwise what is wrong with it, for a message that names the field.
//
// The limits are sized so that the largest campaign allowed validates, compiles and starts
// within milliseconds, and no stored value can be one that later fails to serialise.
#ifndef FANFARE_ENGINE_DEFINITION_LIMITS_H_
#define FANFARE_ENGINE_DEFINITION_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace fanfare::definition {

// A campaign's source text, or its serialized CampaignSpec.
inline constexpr size_t kMaxCampaignBytes = 1 << 20;
// Steps in a campaign, counting those inside repeat blocks.
inline constexpr int kMaxSteps = 1000;
// Items one for_each fans out over, whether listed or computed.
inline constexpr int kMaxForEachItems = 1000;
// Most distinct approvers an approval step may require.
inline constexpr int kMaxApprovers = 10;
// How deeply YAML collections may nest (a `with` map inside a list inside …).
inline constexpr int kMaxNesting = 64;
// The longest duration a campaign may give (a wait, a timeout, a backoff, a cadence).
inline constexpr absl::Duration kMaxDuration = absl::Hours(24 * 3660);
// The largest amount of money, in micro-units of the currency (a trillion units).
inline constexpr int64_t kMaxMoneyMicros = int64_t{1'000'000'000'000} * 1'000'000;
// Integers travel as JSON numbers (doubles): beyond 2^53 they are not exact.
inline constexpr double kMaxExactInteger = 9007199254740992.0;

// What is wrong with `d` as a campaign's duration: not a valid protobuf Duration (nanos out
// of range or of the other sign), negative, or longer than kMaxDuration.
std::string DurationProblem(const google::protobuf::Duration& d);
// As DurationProblem, and zero is refused too.
std::string PositiveDurationProblem(const google::protobuf::Duration& d);
// What is wrong with `t` as a protobuf Timestamp: outside 0001-01-01 … 9999-12-31, or nanos
// out of range.
std::string TimestampProblem(const google::protobuf::Timestamp& t);
// As TimestampProblem, for a parsed time.
std::string TimeProblem(absl::Time t);
// What is wrong with an amount of money in micro-units: negative, or above kMaxMoneyMicros.
std::string MoneyProblem(int64_t micros);
// What is wrong with `x` as a number: NaN or infinite.
std::string NumberProblem(double x);
// What is wrong with `x` as an integer: not finite, not whole, or beyond ±2^53.
std::string IntegerProblem(double x);
// The first non-finite number inside `value` (a `with`, a list of items, a param), as
// "<path>: <problem>", or "". `path` names `value` itself.
std::string ValueProblem(const google::protobuf::Value& value, absl::string_view path);

// The byte offset of the first byte of `text` that is not part of well-formed UTF-8 (no
// overlong forms, surrogates or code points above U+10FFFF), or npos if there is none.
size_t InvalidUtf8Offset(absl::string_view text);

// `text` for an error message: at most `max_bytes` of it (cut at a UTF-8 character
// boundary) followed by "…" if it was longer. Messages echo what they were given through
// this, so that a huge input never makes a huge answer.
std::string Echo(absl::string_view text, size_t max_bytes = 120);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_LIMITS_H_
