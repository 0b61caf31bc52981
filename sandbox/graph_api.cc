#include "sandbox/graph_api.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fanfare::sandbox::graph {
namespace {

int Exponent(const std::string& currency) { return currency == "JPY" ? 0 : 2; }

int64_t Pow10(int n) { return n == 0 ? 1 : n == 2 ? 100 : 1000; }

}  // namespace

void Error(SandboxResponse& res, int status, int code, const std::string& message, int subcode,
           const std::string& type) {
  Json error = {{"message", message}, {"type", type}, {"code", code},
                {"fbtrace_id", "SbxTrace"}};
  if (subcode != 0) error["error_subcode"] = subcode;
  res.SetJson(status, {{"error", error}});
}

std::string AccountCurrency(const std::string& account_id) {
  if (absl::StrContains(account_id, "jpy")) return "JPY";
  if (absl::StrContains(account_id, "eur")) return "EUR";
  return "USD";
}

int64_t MinorUnits(int64_t micros, const std::string& currency) {
  return micros / (1'000'000 / Pow10(Exponent(currency)));
}

std::string DecimalSpend(int64_t micros, const std::string& currency) {
  const int exp = Exponent(currency);
  const int64_t minor = MinorUnits(micros, currency);
  if (exp == 0) return absl::StrCat(minor);
  return absl::StrFormat("%d.%02d", minor / 100, minor % 100);
}

std::string Field(const SandboxRequest& req, const std::string& name) {
  const Json body = req.BodyJson();
  if (body.is_object() && body.contains(name)) {
    const Json& v = body[name];
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
  }
  return req.Param(name);
}

Json JsonField(const SandboxRequest& req, const std::string& name) {
  const Json body = req.BodyJson();
  if (body.is_object() && body.contains(name)) {
    const Json& v = body[name];
    if (!v.is_string()) return v;
    Json parsed = Json::parse(v.get<std::string>(), nullptr, false);
    return parsed.is_discarded() ? v : parsed;
  }
  Json parsed = Json::parse(req.Param(name), nullptr, false);
  return parsed.is_discarded() ? Json(nullptr) : parsed;
}

bool Admit(SandboxState& state, const std::string& network, const SandboxRequest& req,
           SandboxResponse& res, bool ads_call, std::string* account) {
  const std::string token = req.Token();
  switch (state.CheckToken(network, token, account)) {
    case TokenCheck::kOk: break;
    case TokenCheck::kMissing:
      Error(res, 400, 2500, "An active access token must be used to query information about "
                            "the current user.");
      return false;
    case TokenCheck::kInvalid:
      // The real Graph API echoes a malformed token in its message; so do we, so that
      // workers' redaction is tested.
      Error(res, 400, 190, absl::StrCat("Malformed access token ", token));
      return false;
    case TokenCheck::kExpired:
      state.Stats(network, *account).auth_failures++;
      Error(res, 400, 190,
            absl::StrCat("Error validating access token: Session has expired on ",
                         GraphTime(state.Now()), "."),
            463);
      return false;
  }
  AccountStats& stats = state.Stats(network, *account);
  stats.requests++;
  const int limit = state.options().facebook_calls_per_hour;
  absl::Time reset;
  int remaining = 0;
  const bool admitted = state.TakeQuota(absl::StrCat(network, "/calls/", *account), limit,
                                        absl::Hours(1), &reset, &remaining);
  const int pct = std::min(100, (limit - remaining) * 100 / std::max(limit, 1));
  res.AddHeader("x-app-usage", Json{{"call_count", pct}, {"total_cputime", pct / 2},
                                    {"total_time", pct / 2}}.dump());
  const int64_t regain_minutes =
      admitted ? 0 : std::max<int64_t>(1, absl::ToInt64Minutes(reset - state.Now()) + 1);
  if (ads_call) {
    Json usage = Json::object();
    usage[absl::StrCat("act_", *account)] = Json::array(
        {{{"type", "ads_management"}, {"call_count", pct}, {"total_cputime", pct / 2},
          {"total_time", pct / 2}, {"estimated_time_to_regain_access", regain_minutes}}});
    res.AddHeader("x-business-use-case-usage", usage.dump());
  }
  if (admitted) return true;
  stats.throttled++;
  if (ads_call) {
    Error(res, 400, 80004, "There have been too many calls to this ad-account. Wait a bit and "
                           "try again.", 2446079);
  } else {
    Error(res, 403, 32, "Page request limit reached");
  }
  return false;
}

}  // namespace fanfare::sandbox::graph
