#include "workers/meta/meta_ads.h"

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/boost_chain.h"
#include "workers/common/outputs.h"

namespace fanfare::workers::graph {
namespace {

constexpr absl::string_view kHourly = "hourly_stats_aggregated_by_advertiser_time_zone";

absl::StatusOr<std::string> AdAccount(const ActionCall& call) {
  ASSIGN_OR_RETURN(std::string id, call.account.Require("ad_account_id"));
  return absl::StartsWith(id, "act_") ? id : absl::StrCat("act_", id);
}

struct AccountInfo {
  std::string currency;
  absl::TimeZone zone;  // the advertiser time zone Insights counts days and hours in
};

absl::StatusOr<AccountInfo> ReadAccount(ActionCall& call, ApiSession& session) {
  ASSIGN_OR_RETURN(std::string act, AdAccount(call));
  ASSIGN_OR_RETURN(Json account,
                   session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.ads, act) +
                                                         "?fields=currency,timezone_name,"
                                                         "account_status"),
                                    absl::StrCat(call.input.action(), ": GET ", act)));
  AccountInfo info{JsonString(account, "currency", "USD"), absl::UTCTimeZone()};
  const std::string zone = JsonString(account, "timezone_name");
  // An unknown zone name leaves UTC, the only zone absl can always load.
  if (!zone.empty() && !absl::LoadTimeZone(zone, &info.zone)) info.zone = absl::UTCTimeZone();
  return info;
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

// POSTs `body` to act_<id>/<edge> and returns the answer ({"id"}).
absl::StatusOr<Json> Create(ActionCall& call, ApiSession& session, absl::string_view edge,
                            const Json& body) {
  ASSIGN_OR_RETURN(std::string act, AdAccount(call));
  return session.SendJson(JsonRequest(call, "POST",
                                      GraphUrl(call, call.endpoints.ads,
                                               absl::StrCat(act, "/", edge)),
                                      body, /*idempotent=*/false),
                          absl::StrCat(call.input.action(), ": POST ", act, "/", edge));
}

// One page of the edge `path` ("act_1/campaigns", "<campaign>/adsets"), filtered by name on
// the API's side when `name_filter` is set; `after` is the cursor of the page before.
absl::StatusOr<ListingPage> EdgePage(ActionCall& call, ApiSession& session,
                                     const std::string& path, const std::string& fields,
                                     const std::string& name_filter, const std::string& after) {
  std::string url = absl::StrCat(GraphUrl(call, call.endpoints.ads, path), "?fields=", fields,
                                 "&limit=100");
  if (!name_filter.empty()) {
    const Json filter =
        Json::array({{{"field", "name"}, {"operator", "EQUAL"}, {"value", name_filter}}});
    absl::StrAppend(&url, "&filtering=", UrlEncode(filter.dump()));
  }
  if (!after.empty()) absl::StrAppend(&url, "&after=", UrlEncode(after));
  const std::string what = absl::StrCat(call.input.action(), ": GET ", path);
  ASSIGN_OR_RETURN(Json answer, session.SendJson(GetRequest(call, url), what));
  ListingPage page;
  ASSIGN_OR_RETURN(page.items, ListedItems(answer, "data", what));
  // Graph gives `paging.next` only when another page follows.
  const Json& paging = JsonMember(answer, "paging");
  if (JsonMember(paging, "next").is_string()) {
    page.next = JsonString(JsonMember(paging, "cursors"), "after");
    if (page.next.empty()) {
      return Retryable(absl::StrCat(what, ": a next page without an 'after' cursor"),
                       "unreadable_listing");
    }
  }
  return page;
}

// The object named `name` on the edge `path`, with `fields`, asking the API to filter by
// name where `filter_by_name`; nullopt if a complete listing holds none.
absl::StatusOr<std::optional<Json>> FindNamed(ActionCall& call, ApiSession& session,
                                              const std::string& path, const std::string& fields,
                                              const std::string& name, bool filter_by_name) {
  return FindInListing(
      [&](const std::string& after) {
        return EdgePage(call, session, path, fields, filter_by_name ? name : "", after);
      },
      [&name](const Json& item) { return JsonString(item, "name") == name; },
      absl::StrCat(call.input.action(), ": GET ", path));
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

// Everything a boost needs from its input, checked before anything is created.
struct BoostPlan {
  std::string name;
  std::string objective;
  std::optional<absl::Time> end;
  Money budget;
};

// The input's daily_budget in the ad account's currency (a budget in another one is refused:
// the account bills in its own), rounded to the currency's minor unit as Graph takes it.
absl::StatusOr<Money> DailyBudgetOf(ActionCall& call, const AccountInfo& account) {
  ASSIGN_OR_RETURN(std::string currency, call.input.Currency(account.currency));
  if (currency != account.currency) {
    return call.input.Reject("currency", absl::StrCat("is ", currency, " but the ad account "
                                                      "bills in ", account.currency));
  }
  ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
  return RoundToMinorUnit(budget);
}

absl::StatusOr<BoostPlan> PlanBoost(ActionCall& call, ApiSession& session) {
  BoostPlan plan;
  ASSIGN_OR_RETURN(plan.objective, Objective(call.input));
  ASSIGN_OR_RETURN(plan.end, call.input.EndTime(call.now()));
  ASSIGN_OR_RETURN(AccountInfo account, ReadAccount(call, session));
  ASSIGN_OR_RETURN(plan.budget, DailyBudgetOf(call, account));
  plan.name = BoostName(call);
  return plan;
}

Json AdSetBody(const ActionCall& call, const BoostPlan& plan, const std::string& campaign) {
  Json body = {{"name", plan.name}, {"campaign_id", campaign},
               {"daily_budget", ToMinorUnits(plan.budget)}, {"billing_event", "IMPRESSIONS"},
               {"optimization_goal", "LINK_CLICKS"}, {"bid_strategy", "LOWEST_COST_WITHOUT_CAP"},
               {"targeting", Targeting(call.input)}, {"status", "ACTIVE"}};
  if (plan.end.has_value()) body["end_time"] = Rfc3339(*plan.end);
  return body;
}

// The budget an ad set found by the chain holds (Graph: minor units as a string), or the
// plan's when it holds none.
absl::StatusOr<Money> HeldBudget(const Json& adset, const Money& planned) {
  int64_t minor = 0;
  if (!absl::SimpleAtoi(JsonString(adset, "daily_budget"), &minor)) return planned;
  return MoneyFromMinorUnits(minor, planned.currency);
}

// Where one level of a Meta boost lives: listed on `list` (reading `fields`; filtered by
// name on the API's side where `by_name`), created by POST act_<id>/<edge>.
struct MetaEdges {
  std::string list;
  std::string fields;
  bool by_name;
  std::string edge;
};

// The level `what` of the chain: the object named plan.name on edges.list, else `body` POSTed.
BoostLevel Level(ActionCall& call, ApiSession& session, const BoostPlan& plan,
                 std::string what, MetaEdges edges, Json body) {
  BoostLevel level;
  level.what = std::move(what);
  level.find = [&call, &session, &plan, edges] {
    return FindNamed(call, session, edges.list, edges.fields, plan.name, edges.by_name);
  };
  level.create = [&call, &session, edges, body = std::move(body)] {
    return Create(call, session, edges.edge, body);
  };
  return level;
}

// The boost's ad under `adset_id` ({"id", "creative": {"id"}}): found, or made with a
// creative found or made before it — a creative whose ad was lost is used, not made again.
absl::StatusOr<Json> FindOrCreateAd(ActionCall& call, ApiSession& session, BoostChain& chain,
                                    const BoostPlan& plan, const PromotedPost& post,
                                    const std::string& act, const std::string& adset_id) {
  Json creative_body = {{"name", plan.name}, {post.field, post.id}};
  if (!post.instagram_user_id.empty()) creative_body["instagram_user_id"] = post.instagram_user_id;
  BoostLevel ad = Level(call, session, plan, "ad", {adset_id + "/ads", "id,name,creative", false,
                                                    "ads"}, Json());
  ad.create = [&]() -> absl::StatusOr<Json> {
    ASSIGN_OR_RETURN(Json creative,
                     chain.FindOrCreate(Level(call, session, plan, "creative",
                                              {act + "/adcreatives", "id,name", true,
                                               "adcreatives"},
                                              creative_body)));
    const std::string creative_id = JsonString(creative, "id");
    ASSIGN_OR_RETURN(Json made, Create(call, session, "ads",
                                       {{"name", plan.name}, {"adset_id", adset_id},
                                        {"creative", {{"creative_id", creative_id}}},
                                        {"status", "ACTIVE"}}));
    made["creative"] = {{"id", creative_id}};
    return made;
  };
  return chain.FindOrCreate(ad);
}

// One Insights row's numbers added into `m`.
void AddRow(const Json& row, Metrics& m) {
  m.impressions += static_cast<int64_t>(JsonNumber(row, "impressions"));
  m.reach += static_cast<int64_t>(JsonNumber(row, "reach"));
  m.clicks += static_cast<int64_t>(JsonNumber(row, "clicks"));
  const Json& actions = JsonMember(row, "actions");
  for (const Json& a : actions.is_array() ? actions : Json::array()) {
    const std::string type = JsonString(a, "action_type");
    if (absl::StartsWith(type, "offsite_conversion") || type == "purchase" || type == "lead") {
      m.conversions += static_cast<int64_t>(JsonNumber(a, "value"));
    }
  }
}

absl::StatusOr<Json> Insights(ActionCall& call, ApiSession& session, const std::string& ad_id,
                              const Json& time_range, bool hourly) {
  std::string url = absl::StrCat(
      GraphUrl(call, call.endpoints.ads, ad_id + "/insights"), "?fields=impressions,",
      hourly ? "" : "reach,", "clicks,spend,actions,account_currency&time_range=",
      UrlEncode(time_range.dump()));
  if (hourly) absl::StrAppend(&url, "&breakdowns=", kHourly);
  return session.SendJson(GetRequest(call, url),
                          absl::StrCat(call.input.action(), ": GET ", ad_id, "/insights"));
}

// The start of the hour an hourly row covers: "13:00:00 - 13:59:59" on `day`.
std::optional<absl::Time> RowHour(const Json& row, absl::CivilDay day, absl::TimeZone zone) {
  const std::string label = JsonString(row, std::string(kHourly));
  int hour = 0;
  if (label.size() < 2 || !absl::SimpleAtoi(label.substr(0, 2), &hour)) return std::nullopt;
  return absl::FromCivil(absl::CivilHour(day.year(), day.month(), day.day(), hour), zone);
}

// Sums the ad's Insights over `window` into `m` (spend as a decimal in `currency`) and sets
// the span measured.
absl::Status Measure(ActionCall& call, ApiSession& session, const std::string& ad_id,
                     const TimeWindow& window, const AccountInfo& account, Metrics& m) {
  const absl::TimeZone zone = account.zone;
  Money spend = MoneyFromMicros(0, account.currency);
  auto add_spend = [&](const Json& row) -> absl::Status {
    ASSIGN_OR_RETURN(Money s, MoneyFromDecimal(JsonString(row, "spend", "0"), spend.currency));
    spend.micros += s.micros;
    return absl::OkStatus();
  };
  if (IsWholeDays(window, zone)) {
    const absl::CivilDay first = absl::ToCivilDay(window.since, zone);
    const absl::CivilDay last = absl::ToCivilDay(window.until, zone) - 1;
    ASSIGN_OR_RETURN(Json answer,
                     Insights(call, session, ad_id,
                              {{"since", absl::FormatCivilTime(first)},
                               {"until", absl::FormatCivilTime(last)}},
                              false));
    const Json& data = JsonMember(answer, "data");
    for (const Json& row : data.is_array() ? data : Json::array()) {
      AddRow(row, m);
      RETURN_IF_ERROR(add_spend(row));
    }
    m.window = {window.since, std::min(window.until, call.now())};
  } else {
    // The hourly breakdown sums each hour of the day over every day asked for, so ask for
    // one day at a time.
    const TimeWindow hours = WholeHours(window, call.now(), zone);
    for (absl::CivilDay day = absl::ToCivilDay(hours.since, zone);
         absl::FromCivil(day, zone) < hours.until; ++day) {
      const std::string date = absl::FormatCivilTime(day);
      ASSIGN_OR_RETURN(Json answer, Insights(call, session, ad_id,
                                             {{"since", date}, {"until", date}}, true));
      const Json& data = JsonMember(answer, "data");
      for (const Json& row : data.is_array() ? data : Json::array()) {
        const std::optional<absl::Time> hour = RowHour(row, day, zone);
        if (!hour.has_value() || *hour < hours.since || *hour >= hours.until) continue;
        AddRow(row, m);
        RETURN_IF_ERROR(add_spend(row));
      }
    }
    m.window = hours;
  }
  m.spend = spend;
  return absl::OkStatus();
}

}  // namespace

std::string GraphUrl(const ActionCall& call, absl::string_view base, absl::string_view path) {
  return absl::StrCat(base, "/", call.options.graph_version, "/", path);
}

// Campaign → ad set → creative → ad, each found or created (workers/common/boost_chain.h).
absl::StatusOr<Json> Boost(ActionCall& call, ApiSession& session, const PromotedPost& post) {
  ASSIGN_OR_RETURN(BoostPlan plan, PlanBoost(call, session));
  ASSIGN_OR_RETURN(std::string act, AdAccount(call));
  BoostChain chain(call);
  ASSIGN_OR_RETURN(Json campaign,
                   chain.Campaign(Level(call, session, plan, "campaign",
                                        {act + "/campaigns", "id,name", true, "campaigns"},
                                        {{"name", plan.name}, {"objective", plan.objective},
                                         {"status", "ACTIVE"},
                                         {"special_ad_categories", Json::array()}})));
  const std::string campaign_id = JsonString(campaign, "id");
  ASSIGN_OR_RETURN(Json adset,
                   chain.FindOrCreate(Level(call, session, plan, "ad set",
                                            {campaign_id + "/adsets", "id,name,daily_budget",
                                             false, "adsets"},
                                            AdSetBody(call, plan, campaign_id))));
  const std::string adset_id = JsonString(adset, "id");
  ASSIGN_OR_RETURN(plan.budget, HeldBudget(adset, plan.budget));
  ASSIGN_OR_RETURN(Json ad, FindOrCreateAd(call, session, chain, plan, post, act, adset_id));
  Json out = BudgetOutput(plan.budget);
  out.update({{"campaign_id", campaign_id}, {"ad_set_id", adset_id},
              {"creative_id", JsonString(JsonMember(ad, "creative"), "id")},
              {"ad_id", JsonString(ad, "id")}, {"status", std::string(kActive)}});
  return out;
}

absl::StatusOr<Json> SetBudget(ActionCall& call, ApiSession& session) {
  ASSIGN_OR_RETURN(std::string adset, call.input.RequiredOneOf({"ad_set_id", "adset_id"}));
  ASSIGN_OR_RETURN(AccountInfo account, ReadAccount(call, session));
  ASSIGN_OR_RETURN(Money budget, DailyBudgetOf(call, account));
  ASSIGN_OR_RETURN(Money previous, CurrentBudget(call, session, adset, account.currency));
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
  return Json{{"status", status == "PAUSED" ? kPaused : kActive}, {"ad_id", ids[0]},
              {"ad_ids", ids}};
}

absl::StatusOr<Json> AdInsights(ActionCall& call, ApiSession& session, const std::string& ad_id) {
  ASSIGN_OR_RETURN(TimeWindow window, call.input.Window(call.now()));
  ASSIGN_OR_RETURN(AccountInfo account, ReadAccount(call, session));
  Metrics m;
  RETURN_IF_ERROR(Measure(call, session, ad_id, window, account, m));
  // The ad's current budget and status, so that a rule can scale it (budget × 1.25).
  ASSIGN_OR_RETURN(Json ad, session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.ads,
                                                                       ad_id) +
                                                                  "?fields=adset_id,"
                                                                  "effective_status"),
                                             absl::StrCat(call.input.action(), ": GET ", ad_id)));
  AdState state{.ad_id = ad_id, .ad_set_id = JsonString(ad, "adset_id"),
                .active = JsonString(ad, "effective_status") == "ACTIVE",
                .daily_budget = MoneyFromMicros(0, account.currency)};
  if (!state.ad_set_id.empty()) {
    ASSIGN_OR_RETURN(state.daily_budget,
                     CurrentBudget(call, session, state.ad_set_id, account.currency));
  }
  return AdInsightsOutput(m, state);
}

absl::StatusOr<Json> PostInsights(ActionCall& call, ApiSession& session, const std::string& post,
                                  const PostMetricNames& names, absl::string_view what) {
  // A malformed window is refused although the totals reported are lifetime ones.
  RETURN_IF_ERROR(call.input.Window(call.now()).status());
  ASSIGN_OR_RETURN(Json insights,
                   session.SendJson(GetRequest(call, absl::StrCat(GraphUrl(call, call.endpoints.api,
                                                                           post + "/insights"),
                                                                  "?metric=", names.impressions,
                                                                  ",", names.reach, ",",
                                                                  names.clicks)),
                                    what));
  Metrics m;
  const Json& data = JsonMember(insights, "data");
  for (const Json& metric : data.is_array() ? data : Json::array()) {
    const Json& values = JsonMember(metric, "values");
    const int64_t value = values.is_array() && !values.empty()
                              ? static_cast<int64_t>(JsonNumber(values[0], "value"))
                              : 0;
    const std::string name = JsonString(metric, "name");
    if (name == names.impressions) m.impressions = value;
    if (name == names.reach) m.reach = value;
    if (name == names.clicks) m.clicks = value;
  }
  return PostInsightsOutput(m, post, call.now(), call.input.OptionalString("currency", "USD"));
}

}  // namespace fanfare::workers::graph
