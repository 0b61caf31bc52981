// The Meta Marketing API and Graph node reads/updates, shared by /facebook and /instagram.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "workers/sandbox/graph_api.h"

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

// Insights of an ad entity over a Graph time_range ({"since","until"} dates, inclusive).
void AdInsights(SandboxState& state, const AdEntity& e, const SandboxRequest& req,
                SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const Json range = JsonField(req, "time_range");
  const absl::Time now = state.Now();
  absl::Time since = now - absl::Hours(24 * 7);
  absl::Time until = now;
  if (range.is_object()) {
    since = ParseTimeParam(range.value("since", std::string()), since);
    until = ParseTimeParam(range.value("until", std::string()), until) + absl::Hours(24);
  }
  AdMetrics m;
  for (auto& [id, ad] : state.ads) {
    if (ad.kind != "ad") continue;
    bool under = ad.id == e.id || ad.parent_id == e.id;
    if (const AdEntity* adset = state.FindAd(ad.parent_id)) under |= adset->parent_id == e.id;
    if (!under) continue;
    const AdMetrics one = state.MetricsFor(ad, since, until);
    m.impressions += one.impressions;
    m.reach += one.reach;
    m.clicks += one.clicks;
    m.conversions += one.conversions;
    m.spend_micros += one.spend_micros;
  }
  Json data = Json::array();
  if (m.impressions > 0) {
    data.push_back(
        {{"impressions", absl::StrCat(m.impressions)}, {"reach", absl::StrCat(m.reach)},
         {"clicks", absl::StrCat(m.clicks)},
         {"spend", DecimalSpend(m.spend_micros, e.currency)},
         {"account_currency", e.currency},
         {"actions", Json::array({{{"action_type", "link_click"},
                                   {"value", absl::StrCat(m.clicks)}},
                                  {{"action_type", "offsite_conversion.fb_pixel_purchase"},
                                   {"value", absl::StrCat(m.conversions)}}})},
         {"date_start", absl::FormatTime("%Y-%m-%d", since, absl::UTCTimeZone())},
         {"date_stop",
          absl::FormatTime("%Y-%m-%d", until - absl::Hours(24), absl::UTCTimeZone())}});
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
    if (absl::StartsWith(id, "act_")) {
      res.SetJson(200, {{"id", id}, {"account_id", id.substr(4)},
                        {"currency", AccountCurrency(id)}, {"account_status", 1}});
    } else if (AdEntity* e = state.FindAd(id)) {
      res.SetJson(200, EntityJson(state, *e));
    } else if (PostRecord* p = state.FindPost(network, id)) {
      res.SetJson(200, PostJson(*p));
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
    std::string account;
    if (!Admit(state, network, req, res, true, &account)) return;
    AdEntity* e = state.FindAd(req.PathParam("id"));
    if (e == nullptr) {
      Error(res, 400, 100, "Unsupported post request.", 33, "GraphMethodException");
      return;
    }
    UpdateNode(state, *e, req, res);
  });
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
