// The Meta Marketing API and Graph node reads/updates, shared by /facebook and /instagram.
#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "sandbox/graph_api.h"

namespace fanfare::sandbox::graph {
namespace {

std::string Prefix(const std::string& network) { return absl::StrCat("/", network, "/{v}"); }

int64_t AudienceFrom(const Json& targeting) {
  int64_t countries = 1;
  int64_t interests = 0;
  if (targeting.is_object()) {
    const Json geo = targeting.value("geo_locations", Json::object());
    if (geo.is_object() && geo.contains("countries") && geo["countries"].is_array()) {
      countries = std::max<int64_t>(1, static_cast<int64_t>(geo["countries"].size()));
    }
    if (targeting.contains("interests") && targeting["interests"].is_array()) {
      interests = static_cast<int64_t>(targeting["interests"].size());
    }
  }
  return (40'000 * countries + 10'000) / (1 + interests);
}

Json EntityJson(SandboxState& state, const AdEntity& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  Json j = {{"id", e.id}, {"name", e.name}, {"status", e.status},
            {"effective_status", state.EffectiveActive(e) ? "ACTIVE" : "PAUSED"}};
  if (e.kind == "adset") {
    j["daily_budget"] = absl::StrCat(MinorUnits(e.daily_budget_micros, e.currency));
    j["campaign_id"] = e.parent_id;
  }
  if (e.kind == "ad") {
    j["adset_id"] = e.parent_id;
    if (const AdEntity* adset = state.FindAd(e.parent_id)) j["campaign_id"] = adset->parent_id;
    j["creative"] = {{"id", e.fields.value("creative_id", "")}};
  }
  return j;
}

void CreateCampaign(SandboxState& state, const std::string& network, const std::string& account,
                    const std::string& act, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  if (JsonField(req, "special_ad_categories").is_null()) {
    Error(res, 400, 100, "(#100) The parameter special_ad_categories is required");
    return;
  }
  AdEntity e{.network = network, .account = account, .id = state.NextId(), .kind = "campaign",
             .parent_id = "", .name = Field(req, "name"),
             .status = Field(req, "status").empty() ? "PAUSED" : Field(req, "status"),
             .currency = AccountCurrency(act)};
  e.fields = {{"objective", Field(req, "objective")}, {"account_id", act}};
  e.objective = Field(req, "objective");
  // Facebook and Instagram ads of one Meta ad account share its budget, as on Meta.
  e.ad_account = absl::StrCat("meta/", act);
  res.SetJson(200, {{"id", state.AddAd(std::move(e)).id}});
}

void CreateAdSet(SandboxState& state, const std::string& network, const std::string& account,
                 const std::string& act, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  AdEntity* campaign = state.FindAd(Field(req, "campaign_id"));
  int64_t minor = 0;
  const std::string currency = AccountCurrency(act);
  if (campaign == nullptr) {
    Error(res, 400, 100, "(#100) Param campaign_id must be a valid campaign id");
    return;
  }
  if (!absl::SimpleAtoi(Field(req, "daily_budget"), &minor) || minor < 100) {
    Error(res, 400, 100, "(#100) Invalid daily_budget: it must be at least 1.00 in the ad "
                         "account's currency, in its minor units", 1885272);
    return;
  }
  AdEntity e{.network = network, .account = account, .id = state.NextId(), .kind = "adset",
             .parent_id = campaign->id, .name = Field(req, "name"),
             .status = Field(req, "status").empty() ? "PAUSED" : Field(req, "status"),
             .currency = currency};
  e.daily_budget_micros = minor * (currency == "JPY" ? 1'000'000 : 10'000);
  e.audience = AudienceFrom(JsonField(req, "targeting"));
  e.end_time = ParseTimeParam(Field(req, "end_time"), absl::InfiniteFuture());
  res.SetJson(200, {{"id", state.AddAd(std::move(e)).id}});
}

void CreateCreative(SandboxState& state, const std::string& network, const std::string& account,
                    const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string promoted = Field(req, "object_story_id");
  if (promoted.empty()) promoted = Field(req, "source_instagram_media_id");
  if (promoted.empty() || state.FindPost(network, promoted) == nullptr) {
    Error(res, 400, 100, "(#100) Invalid object_story_id / source_instagram_media_id: no such "
                         "post");
    return;
  }
  AdEntity e{.network = network, .account = account, .id = state.NextId(), .kind = "creative",
             .parent_id = "", .name = Field(req, "name")};
  e.promoted_post = promoted;
  res.SetJson(200, {{"id", state.AddAd(std::move(e)).id}});
}

void CreateAd(SandboxState& state, const std::string& network, const std::string& account,
              const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  AdEntity* adset = state.FindAd(Field(req, "adset_id"));
  const Json creative = JsonField(req, "creative");
  const std::string creative_id =
      creative.is_object() ? creative.value("creative_id", std::string()) : "";
  AdEntity* c = state.FindAd(creative_id);
  if (adset == nullptr || adset->kind != "adset" || c == nullptr) {
    Error(res, 400, 100, "(#100) adset_id and creative.creative_id must name existing objects");
    return;
  }
  AdEntity e{.network = network, .account = account, .id = state.NextId(), .kind = "ad",
             .parent_id = adset->id, .name = Field(req, "name"),
             .status = Field(req, "status").empty() ? "PAUSED" : Field(req, "status"),
             .currency = adset->currency};
  e.audience = adset->audience;
  e.promoted_post = c->promoted_post;
  e.fields = {{"creative_id", c->id}};
  res.SetJson(200, {{"id", state.AddAd(std::move(e)).id}});
}

void UpdateNode(SandboxState& state, AdEntity& e, const SandboxRequest& req,
                SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const std::string status = Field(req, "status");
  if (!status.empty()) {
    if (status != "ACTIVE" && status != "PAUSED") {
      Error(res, 400, 100, "(#100) status must be one of ACTIVE, PAUSED");
      return;
    }
    e.status = status;
  }
  const std::string budget = Field(req, "daily_budget");
  if (!budget.empty()) {
    int64_t minor = 0;
    if (e.kind != "adset" || !absl::SimpleAtoi(budget, &minor) || minor <= 0) {
      Error(res, 400, 100, "(#100) Invalid daily_budget");
      return;
    }
    e.daily_budget_micros = minor * (e.currency == "JPY" ? 1'000'000 : 10'000);
  }
  state.RecordDelivery(e.id);
  res.SetJson(200, {{"success", true}});
}

constexpr const char* kHourly = "hourly_stats_aggregated_by_advertiser_time_zone";

// The days an Insights query covers: `time_range` ({"since","until"}, inclusive dates),
// else `date_preset`, else the last 7 days and today. False (response filled) if invalid.
bool QueryDays(SandboxState& state, const AdEntity& e, const SandboxRequest& req,
               SandboxResponse& res, absl::CivilDay* first, absl::CivilDay* last)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const absl::CivilDay today = absl::ToCivilDay(state.Now(), absl::UTCTimeZone());
  *first = today - 7;
  *last = today;
  const Json range = JsonField(req, "time_range");
  const std::string preset = Field(req, "date_preset");
  if (range.is_object()) {
    if (!absl::ParseCivilTime(range.value("since", ""), first) ||
        !absl::ParseCivilTime(range.value("until", ""), last) || *last < *first) {
      Error(res, 400, 100, "(#100) time_range must be {\"since\":\"YYYY-MM-DD\",\"until\":"
                           "\"YYYY-MM-DD\"} with since no later than until");
      return false;
    }
  } else if (preset == "today") {
    *first = today;
  } else if (preset == "yesterday") {
    *first = *last = today - 1;
  } else if (preset == "maximum") {
    *first = absl::ToCivilDay(e.created_at, absl::UTCTimeZone());
  } else if (absl::StartsWith(preset, "last_") && absl::EndsWith(preset, "d")) {
    int days = 0;
    if (!absl::SimpleAtoi(preset.substr(5, preset.size() - 6), &days) || days < 1) {
      Error(res, 400, 100, absl::StrCat("(#100) date_preset must be one of today, yesterday, "
                                        "last_3d, last_7d, last_14d, last_30d, maximum"));
      return false;
    }
    *last = today - 1;  // the last N whole days, today excluded
    *first = today - days;
  } else if (!preset.empty()) {
    Error(res, 400, 100, "(#100) date_preset must be one of today, yesterday, last_3d, "
                         "last_7d, last_14d, last_30d, maximum");
    return false;
  }
  return true;
}

// One Insights row. Hourly rows, like Meta's, carry neither reach (unique counts do not add
// up over hours) nor off-Meta conversions.
Json InsightsRow(const AdMetrics& m, const std::string& currency, absl::CivilDay start,
                 absl::CivilDay stop, int hour) {
  Json actions = Json::array({{{"action_type", "link_click"}, {"value", absl::StrCat(m.clicks)}}});
  Json row = {{"impressions", absl::StrCat(m.impressions)}, {"clicks", absl::StrCat(m.clicks)},
              {"spend", DecimalSpend(m.spend_micros, currency)},
              {"account_currency", currency},
              {"date_start", absl::FormatCivilTime(start)},
              {"date_stop", absl::FormatCivilTime(stop)}};
  if (hour >= 0) {
    row[kHourly] = absl::StrFormat("%02d:00:00 - %02d:59:59", hour, hour);
  } else {
    row["reach"] = absl::StrCat(m.reach);
    actions.push_back({{"action_type", "offsite_conversion.fb_pixel_purchase"},
                       {"value", absl::StrCat(m.conversions)}});
  }
  row["actions"] = actions;
  return row;
}

void AddTo(AdMetrics& sum, const AdMetrics& m) {
  sum.impressions += m.impressions;
  sum.reach += m.reach;
  sum.clicks += m.clicks;
  sum.conversions += m.conversions;
  sum.spend_micros += m.spend_micros;
}

// Insights of an ad entity (ad, ad set or campaign) over whole UTC days (the sandbox's ad
// accounts are in Etc/UTC): one row for the range, one per day with time_increment=1, and
// with breakdowns=hourly_stats_aggregated_by_advertiser_time_zone one per hour of the day,
// summed over the days of the range (per day and hour with time_increment=1). Rows without
// impressions are left out, as Meta does.
void AdInsights(SandboxState& state, const AdEntity& e, const SandboxRequest& req,
                SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  absl::CivilDay first, last;
  if (!QueryDays(state, e, req, res, &first, &last)) return;
  const bool hourly = absl::StrContains(Field(req, "breakdowns"), kHourly);
  const bool per_day = Field(req, "time_increment") == "1";
  const absl::TimeZone utc = absl::UTCTimeZone();
  std::vector<absl::Time> boundaries;
  const absl::Duration step = hourly ? absl::Hours(1) : per_day ? absl::Hours(24)
                                                                : (last + 1 - first) * absl::Hours(24);
  for (absl::Time t = absl::FromCivil(first, utc); t <= absl::FromCivil(last + 1, utc);
       t += step) {
    boundaries.push_back(t);
  }
  const std::vector<AdMetrics> series = state.SeriesUnder(e.id, boundaries);
  Json data = Json::array();
  auto add = [&](const AdMetrics& m, absl::CivilDay start, absl::CivilDay stop, int hour) {
    if (m.impressions > 0) data.push_back(InsightsRow(m, e.currency, start, stop, hour));
  };
  if (hourly && !per_day) {
    std::vector<AdMetrics> by_hour(24);
    for (size_t i = 0; i < series.size(); ++i) AddTo(by_hour[i % 24], series[i]);
    for (int h = 0; h < 24; ++h) add(by_hour[h], first, last, h);
  } else {
    for (size_t i = 0; i < series.size(); ++i) {
      const absl::CivilDay day = absl::ToCivilDay(boundaries[i], utc);
      add(series[i], per_day || hourly ? day : first, per_day || hourly ? day : last,
          hourly ? static_cast<int>(i % 24) : -1);
    }
  }
  res.SetJson(200, {{"data", data}, {"paging", {{"cursors", {{"before", "MAZDZD"},
                                                              {"after", "MAZDZD"}}}}}});
}

// GET act_<id>/campaigns|adcreatives and <campaign>/adsets, <campaign|adset>/ads: the objects
// of the edge, filtered by `filtering` on name (EQUAL or CONTAIN), as reconcile reads them.
void ListEdge(SandboxState& state, const std::string& network, const std::string& account,
              const std::string& parent, const std::string& edge, const SandboxRequest& req,
              SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  static const std::map<std::string, std::string> kKinds = {
      {"campaigns", "campaign"}, {"adcreatives", "creative"}, {"adsets", "adset"}, {"ads", "ad"}};
  const std::string kind = kKinds.at(edge);
  const bool under_account = absl::StartsWith(parent, "act_");
  std::string name_equal, name_contains;
  const Json filtering = JsonField(req, "filtering");
  for (const Json& f : filtering.is_array() ? filtering : Json::array()) {
    if (!f.is_object() || f.value("field", "") != "name") continue;
    if (f.value("operator", "") == "EQUAL") name_equal = f.value("value", "");
    if (f.value("operator", "") == "CONTAIN") name_contains = f.value("value", "");
  }
  Json data = Json::array();
  for (auto& [id, e] : state.ads) {
    if (e.network != network || e.account != account || e.kind != kind) continue;
    if (!under_account && (e.id == parent || !state.IsUnder(e, parent))) continue;
    if (!name_equal.empty() && e.name != name_equal) continue;
    if (!name_contains.empty() && !absl::StrContains(e.name, name_contains)) continue;
    data.push_back(EntityJson(state, e));
  }
  res.SetJson(200, {{"data", data}, {"paging", {{"cursors", {{"before", "MAZDZD"},
                                                              {"after", "MAZDZD"}}}}}});
}

// Organic insights of a post or IG media: {"data": [{"name", "period", "values": [{value}]}]}.
void PostInsights(SandboxState& state, const PostRecord& post, const SandboxRequest& req,
                  SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const AdMetrics m = OrganicMetrics(state.options().seed, post.id, post.created_at, state.Now());
  Json data = Json::array();
  for (absl::string_view metric : absl::StrSplit(req.Param("metric"), ',', absl::SkipEmpty())) {
    int64_t value = 0;
    if (absl::EndsWith(metric, "_unique") || metric == "reach") {
      value = m.reach;
    } else if (absl::StrContains(metric, "click") || metric == "total_interactions") {
      value = m.clicks;
    } else if (absl::StrContains(metric, "impressions") || metric == "views") {
      value = m.impressions;
    }
    data.push_back({{"name", std::string(metric)}, {"period", "lifetime"},
                    {"values", Json::array({{{"value", value}}})},
                    {"id", absl::StrCat(post.id, "/insights/", metric, "/lifetime")}});
  }
  res.SetJson(200, {{"data", data}});
}

Json PostJson(const PostRecord& p) {
  Json j = {{"id", p.id}, {"created_time", GraphTime(p.created_at)}};
  if (p.network == "instagram") {
    j = {{"id", p.id}, {"caption", p.text}, {"permalink", p.url},
         {"timestamp", GraphTime(p.created_at)}, {"media_type", p.extra.value("media_type", "IMAGE")}};
  } else {
    j["message"] = p.text;
    j["permalink_url"] = p.url;
  }
  return j;
}

}  // namespace

void RegisterMarketing(Router& router, SandboxState& state, const std::string& network) {
  const std::string prefix = Prefix(network);
  auto create = [&state, network](const std::string& edge) {
    return [&state, network, edge](const SandboxRequest& req, SandboxResponse& res) {
      absl::MutexLock lock(&state.mu);
      std::string account;
      const std::string act = req.PathParam("act");
      if (!Admit(state, network, req, res, true, &account)) return;
      if (!absl::StartsWith(act, "act_")) {
        Error(res, 400, 100, "(#100) Unknown path components: ad account ids start with act_");
        return;
      }
      if (edge == "campaigns") CreateCampaign(state, network, account, act, req, res);
      if (edge == "adsets") CreateAdSet(state, network, account, act, req, res);
      if (edge == "adcreatives") CreateCreative(state, network, account, req, res);
      if (edge == "ads") CreateAd(state, network, account, req, res);
    };
  };
  for (const char* edge : {"campaigns", "adsets", "adcreatives", "ads"}) {
    router.Add("POST", absl::StrCat(prefix, "/{act}/", edge), create(edge));
  }
  router.Add("GET", prefix + "/{id}", [&state, network](const SandboxRequest& req,
                                                        SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    const std::string id = req.PathParam("id");
    std::string account;
    const bool ads = state.FindAd(id) != nullptr || absl::StartsWith(id, "act_");
    if (!Admit(state, network, req, res, ads, &account)) return;
    if (network == "instagram" && ReadMentioned(state, account, req, res)) return;
    if (absl::StartsWith(id, "act_")) {
      res.SetJson(200, {{"id", id}, {"account_id", id.substr(4)},
                        {"currency", AccountCurrency(id)}, {"timezone_name", "Etc/UTC"},
                        {"account_status", 1}});
    } else if (AdEntity* e = state.FindAd(id)) {
      res.SetJson(200, EntityJson(state, *e));
    } else if (PostRecord* p = state.FindPost(network, id)) {
      res.SetJson(200, PostJson(*p));
    } else if (const CommentRecord* c = state.FindComment(network, id);
               c != nullptr && !c->deleted && c->created_at <= state.Now()) {
      res.SetJson(200, CommentNode(*c));
    } else if (auto job = state.jobs.find(id); job != state.jobs.end()) {
      AsyncJob& j = job->second;
      if (j.state == "IN_PROGRESS" && state.PollJob(j)) j.state = "FINISHED";
      res.SetJson(200, {{"id", j.id}, {"status_code", j.state},
                        {"status", j.state == "ERROR" ? "Error: 2207026" : j.state}});
    } else {
      Error(res, 400, 100, absl::StrCat("Unsupported get request. Object with ID '", id,
                                        "' does not exist"), 33, "GraphMethodException");
    }
  });
  router.Add("POST", prefix + "/{id}", [&state, network](const SandboxRequest& req,
                                                         SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    if (UpdateComment(state, network, req, res)) return;
    std::string account;
    if (!Admit(state, network, req, res, true, &account)) return;
    AdEntity* e = state.FindAd(req.PathParam("id"));
    if (e == nullptr) {
      Error(res, 400, 100, "Unsupported post request.", 33, "GraphMethodException");
      return;
    }
    UpdateNode(state, *e, req, res);
  });
  for (const char* edge : {"campaigns", "adcreatives", "adsets", "ads"}) {
    router.Add("GET", absl::StrCat(prefix, "/{id}/", edge),
               [&state, network, edge = std::string(edge)](const SandboxRequest& req,
                                                           SandboxResponse& res) {
                 absl::MutexLock lock(&state.mu);
                 std::string account;
                 if (!Admit(state, network, req, res, true, &account)) return;
                 ListEdge(state, network, account, req.PathParam("id"), edge, req, res);
               });
  }
  router.Add("GET", prefix + "/{id}/insights", [&state, network](const SandboxRequest& req,
                                                                 SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    const std::string id = req.PathParam("id");
    std::string account;
    AdEntity* e = state.FindAd(id);
    if (!Admit(state, network, req, res, e != nullptr, &account)) return;
    if (e != nullptr) {
      AdInsights(state, *e, req, res);
    } else if (PostRecord* p = state.FindPost(network, id)) {
      PostInsights(state, *p, req, res);
    } else {
      Error(res, 400, 100, absl::StrCat("Object with ID '", id, "' does not exist"), 33,
            "GraphMethodException");
    }
  });
}

}  // namespace fanfare::sandbox::graph
