#include "workers/facebook/meta_ads.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/outputs.h"

namespace fanfare::workers::graph {
namespace {

absl::StatusOr<std::string> AdAccount(const ActionCall& call) {
  ASSIGN_OR_RETURN(std::string id, call.account.Require("ad_account_id"));
  return absl::StartsWith(id, "act_") ? id : absl::StrCat("act_", id);
}

absl::StatusOr<std::string> AccountCurrency(ActionCall& call, ApiSession& session) {
  ASSIGN_OR_RETURN(std::string act, AdAccount(call));
  ASSIGN_OR_RETURN(Json account,
                   session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.ads, act) +
                                                         "?fields=currency,account_status"),
                                    absl::StrCat(call.input.action(), ": GET ", act)));
  return JsonString(account, "currency", "USD");
}

absl::StatusOr<std::string> Objective(const TaskInput& input) {
  const std::string objective = input.OptionalString("objective", "traffic");
  if (objective == "traffic") return std::string("OUTCOME_TRAFFIC");
  if (objective == "awareness") return std::string("OUTCOME_AWARENESS");
  if (objective == "engagement") return std::string("OUTCOME_ENGAGEMENT");
  if (objective == "sales" || objective == "conversions") return std::string("OUTCOME_SALES");
  return input.Reject("objective", "must be one of traffic, awareness, engagement, sales");
}

Json Targeting(const TaskInput& input) {
  const Json& audience = JsonMember(input.json(), "audience");
  Json countries = JsonMember(audience, "countries");
  if (!countries.is_array() || countries.empty()) countries = Json::array({"US"});
  Json targeting = {{"geo_locations", {{"countries", countries}}}};
  const Json& interests = JsonMember(audience, "interests");
  if (interests.is_array() && !interests.empty()) {
    Json list = Json::array();
    for (const Json& i : interests) list.push_back({{"name", i.is_string() ? i : Json(i.dump())}});
    targeting["interests"] = list;
  }
  if (audience.contains("age_min")) targeting["age_min"] = audience["age_min"];
  if (audience.contains("age_max")) targeting["age_max"] = audience["age_max"];
  return targeting;
}

// POSTs `body` to act_<id>/<edge> and returns the new id.
absl::StatusOr<std::string> Create(ActionCall& call, ApiSession& session, absl::string_view edge,
                                   const Json& body) {
  ASSIGN_OR_RETURN(std::string act, AdAccount(call));
  const std::string what = absl::StrCat(call.input.action(), ": POST ", act, "/", edge);
  ASSIGN_OR_RETURN(Json created,
                   session.SendJson(JsonRequest(call, "POST",
                                                GraphUrl(call, call.endpoints.ads,
                                                         absl::StrCat(act, "/", edge)),
                                                body, /*idempotent=*/false),
                                    what));
  std::string id = JsonString(created, "id");
  if (id.empty()) return OutcomeUnknown(absl::StrCat(what, ": the answer has no id"));
  return id;
}

absl::StatusOr<Money> CurrentBudget(ActionCall& call, ApiSession& session,
                                    const std::string& adset, const std::string& currency) {
  ASSIGN_OR_RETURN(Json node,
                   session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.ads, adset) +
                                                         "?fields=daily_budget,status"),
                                    absl::StrCat(call.input.action(), ": GET ", adset)));
  int64_t minor = 0;
  if (!absl::SimpleAtoi(JsonString(node, "daily_budget"), &minor)) {
    return RejectedInput(absl::StrCat(call.input.action(), ": ", adset,
                                      " has no daily_budget (is it an ad set?)"));
  }
  return MoneyFromMinorUnits(minor, currency);
}

}  // namespace

std::string GraphUrl(const ActionCall& call, absl::string_view base, absl::string_view path) {
  return absl::StrCat(base, "/", call.options.graph_version, "/", path);
}

absl::StatusOr<Json> Boost(ActionCall& call, ApiSession& session, const PromotedPost& post) {
  ASSIGN_OR_RETURN(std::string objective, Objective(call.input));
  ASSIGN_OR_RETURN(std::optional<absl::Time> end, call.input.EndTime(call.now()));
  ASSIGN_OR_RETURN(std::string account_currency, AccountCurrency(call, session));
  ASSIGN_OR_RETURN(std::string currency, call.input.Currency(account_currency));
  if (currency != account_currency) {
    return call.input.Reject("currency", absl::StrCat("is ", currency, " but the ad account "
                                                      "bills in ", account_currency));
  }
  ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
  budget = RoundToMinorUnit(budget);
  const std::string name = absl::StrCat("Fanfare ", ClientReference(call.ctx.idempotency_key()));
  ASSIGN_OR_RETURN(std::string campaign,
                   Create(call, session, "campaigns",
                          {{"name", name}, {"objective", objective}, {"status", "ACTIVE"},
                           {"special_ad_categories", Json::array()}}));
  Json adset_body = {{"name", name}, {"campaign_id", campaign},
                     {"daily_budget", ToMinorUnits(budget)}, {"billing_event", "IMPRESSIONS"},
                     {"optimization_goal", "LINK_CLICKS"},
                     {"bid_strategy", "LOWEST_COST_WITHOUT_CAP"},
                     {"targeting", Targeting(call.input)}, {"status", "ACTIVE"}};
  if (end.has_value()) adset_body["end_time"] = Rfc3339(*end);
  ASSIGN_OR_RETURN(std::string adset, Create(call, session, "adsets", adset_body));
  Json creative_body = {{"name", name}, {post.field, post.id}};
  if (!post.instagram_user_id.empty()) creative_body["instagram_user_id"] = post.instagram_user_id;
  ASSIGN_OR_RETURN(std::string creative, Create(call, session, "adcreatives", creative_body));
  ASSIGN_OR_RETURN(std::string ad,
                   Create(call, session, "ads",
                          {{"name", name}, {"adset_id", adset},
                           {"creative", {{"creative_id", creative}}}, {"status", "ACTIVE"}}));
  Json out = BudgetOutput(budget);
  out.update({{"campaign_id", campaign}, {"ad_set_id", adset}, {"creative_id", creative},
              {"ad_id", ad}, {"status", std::string(kActive)}});
  return out;
}

absl::StatusOr<Json> SetBudget(ActionCall& call, ApiSession& session) {
  ASSIGN_OR_RETURN(std::string adset, call.input.RequiredOneOf({"ad_set_id", "adset_id"}));
  ASSIGN_OR_RETURN(std::string account_currency, AccountCurrency(call, session));
  ASSIGN_OR_RETURN(std::string currency, call.input.Currency(account_currency));
  if (currency != account_currency) {
    return call.input.Reject("currency", absl::StrCat("is ", currency, " but the ad account "
                                                      "bills in ", account_currency));
  }
  ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
  budget = RoundToMinorUnit(budget);
  ASSIGN_OR_RETURN(Money previous, CurrentBudget(call, session, adset, currency));
  RETURN_IF_ERROR(session
                      .SendJson(JsonRequest(call, "POST", GraphUrl(call, call.endpoints.ads, adset),
                                            {{"daily_budget", ToMinorUnits(budget)}},
                                            /*idempotent=*/true),
                                absl::StrCat(call.input.action(), ": POST ", adset))
                      .status());
  Json out = BudgetOutput(budget);
  out["previous_budget_micros"] = previous.micros;
  out["ad_set_id"] = adset;
  return out;
}

absl::StatusOr<Json> SetStatus(ActionCall& call, ApiSession& session, absl::string_view status) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids, call.input.StringList("ad_ids"));
  if (call.input.Has("ad_id")) {
    ASSIGN_OR_RETURN(std::string id, call.input.RequiredString("ad_id"));
    ids.insert(ids.begin(), id);
  }
  if (ids.empty()) return call.input.Reject("ad_id", "is required (or 'ad_ids')");
  for (const std::string& id : ids) {
    RETURN_IF_ERROR(session
                        .SendJson(JsonRequest(call, "POST", GraphUrl(call, call.endpoints.ads, id),
                                              {{"status", std::string(status)}},
                                              /*idempotent=*/true),
                                  absl::StrCat(call.input.action(), ": POST ", id))
                        .status());
  }
  return Json{{"status", status == "PAUSED" ? kPaused : kActive}, {"ad_ids", ids}};
}

absl::StatusOr<Json> AdInsights(ActionCall& call, ApiSession& session, const std::string& ad_id) {
  ASSIGN_OR_RETURN(TimeWindow window, call.input.Window(call.now()));
  const absl::CivilDay first = absl::ToCivilDay(window.since, absl::UTCTimeZone());
  const absl::CivilDay last = absl::ToCivilDay(window.until - absl::Nanoseconds(1),
                                               absl::UTCTimeZone());
  const Json range = {{"since", absl::FormatCivilTime(first)},
                      {"until", absl::FormatCivilTime(last)}};
  const std::string url =
      GraphUrl(call, call.endpoints.ads, ad_id + "/insights") +
      "?fields=impressions,reach,clicks,spend,actions,account_currency&time_range=" +
      UrlEncode(range.dump());
  ASSIGN_OR_RETURN(Json insights, session.SendJson(GetRequest(call, url),
                                                   absl::StrCat(call.input.action(), ": GET ",
                                                                ad_id, "/insights")));
  ASSIGN_OR_RETURN(std::string account_currency, AccountCurrency(call, session));
  const Json& data = JsonMember(insights, "data");
  const Json row = data.is_array() && !data.empty() ? data[0] : Json::object();
  Metrics m;
  m.impressions = static_cast<int64_t>(JsonNumber(row, "impressions"));
  m.reach = static_cast<int64_t>(JsonNumber(row, "reach"));
  m.clicks = static_cast<int64_t>(JsonNumber(row, "clicks"));
  const std::string currency = JsonString(row, "account_currency", account_currency);
  ASSIGN_OR_RETURN(m.spend, MoneyFromDecimal(JsonString(row, "spend", "0"), currency));
  const Json& actions = JsonMember(row, "actions");
  if (actions.is_array()) {
    for (const Json& a : actions) {
      const std::string type = JsonString(a, "action_type");
      if (absl::StartsWith(type, "offsite_conversion") || type == "purchase" || type == "lead") {
        m.conversions += static_cast<int64_t>(JsonNumber(a, "value"));
      }
    }
  }
  // The Insights API counts whole days: report the span it actually measured.
  m.window.since = absl::FromCivil(first, absl::UTCTimeZone());
  m.window.until = std::min(absl::FromCivil(last + 1, absl::UTCTimeZone()), call.now());
  Json out = InsightsOutput(m);
  out["ad_id"] = ad_id;
  // The ad's current budget and status, so that a rule can scale it (budget × 1.25).
  ASSIGN_OR_RETURN(Json ad, session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.ads,
                                                                       ad_id) +
                                                                  "?fields=adset_id,"
                                                                  "effective_status"),
                                             absl::StrCat(call.input.action(), ": GET ", ad_id)));
  out["status"] = JsonString(ad, "effective_status") == "ACTIVE" ? kActive : kPaused;
  const std::string adset = JsonString(ad, "adset_id");
  if (!adset.empty()) {
    ASSIGN_OR_RETURN(Money budget, CurrentBudget(call, session, adset, currency));
    out.update(BudgetOutput(budget));
    out["ad_set_id"] = adset;
  }
  return out;
}

}  // namespace fanfare::workers::graph
