// Snapchat Marketing API v1: media (create + upload), creatives (what `snapchat.publish`
// creates), campaigns → ad squads (daily_budget_micro, at least 5,000,000) → ads, full-object
// PUT updates, ad stats in micros; the {"request_status", "request_id", "<things>": [
// {"sub_request_status", "<thing>": {…}}]} envelope; per-token request rate (429 with
// Retry-After); OAuth refresh at /snapchat/login/oauth2/access_token.
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sandbox/network_api.h"

namespace fanfare::sandbox {
namespace {

void Error(SandboxResponse& res, int status, const std::string& code, const std::string& debug) {
  res.SetJson(status, {{"request_status", "ERROR"}, {"request_id", "sbxreq"},
                       {"debug_message", debug}, {"display_message", debug},
                       {"error_code", code}});
}

void Success(SandboxResponse& res, const std::string& plural, const std::string& singular,
             const Json& items) {
  Json list = Json::array();
  for (const Json& item : items) {
    list.push_back({{"sub_request_status", "SUCCESS"}, {singular, item}});
  }
  res.SetJson(200, {{"request_status", "SUCCESS"}, {"request_id", "sbxreq"}, {plural, list}});
}

bool Admit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
           std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const TokenCheck check = state.CheckToken("snapchat", req.Token(), account);
  if (check != TokenCheck::kOk) {
    if (check == TokenCheck::kExpired) state.Stats("snapchat", *account).auth_failures++;
    Error(res, 401, "E0001", "Unauthorized: the access token is invalid or expired");
    return false;
  }
  AccountStats& stats = state.Stats("snapchat", *account);
  stats.requests++;
  absl::Time reset;
  if (!state.TakeQuota(absl::StrCat("snapchat/requests/", *account),
                       state.options().snapchat_requests_per_minute, absl::Minutes(1), &reset,
                       nullptr)) {
    stats.throttled++;
    res.AddHeader("Retry-After",
                  absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(reset - state.Now()))));
    Error(res, 429, "E1008", "Too many requests");
    return false;
  }
  return true;
}

Json First(const Json& body, const std::string& plural) {
  if (!body.is_object() || !body.contains(plural) || !body[plural].is_array() ||
      body[plural].empty()) {
    return Json();
  }
  return body[plural][0];
}

Json EntityJson(const AdEntity& e) {
  Json j = e.fields;
  j["id"] = e.id;
  j["name"] = e.name;
  j["status"] = e.status;
  if (e.kind == "adset") j["daily_budget_micro"] = e.daily_budget_micros;
  return j;
}

// The envelope keys of an object kind: {"campaigns", "campaign"}, {"adsquads", "adsquad"}, …
const std::pair<std::string, std::string>& EnvelopeNames(const std::string& kind) {
  static const std::map<std::string, std::pair<std::string, std::string>> kNames = {
      {"campaign", {"campaigns", "campaign"}}, {"adset", {"adsquads", "adsquad"}},
      {"ad", {"ads", "ad"}}};
  return kNames.at(kind);
}

void Create(SandboxState& state, const std::string& kind, const SandboxRequest& req,
            SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const auto& [plural, singular] = EnvelopeNames(kind);
  const Json item = First(req.BodyJson(), plural);
  if (!item.is_object()) return Error(res, 400, "E1001", absl::StrCat(plural, "[0] is required"));
  AdEntity e{.network = "snapchat", .account = account, .id = state.NextId(), .kind = kind,
             .name = item.value("name", std::string()),
             .status = item.value("status", std::string("PAUSED"))};
  e.fields = item;
  if (kind == "adset") {
    e.parent_id = req.PathParam("parent");
    e.daily_budget_micros = item.value("daily_budget_micro", int64_t{0});
    if (e.daily_budget_micros < 5'000'000) {
      return Error(res, 400, "E1001", "daily_budget_micro must be at least 5000000");
    }
    e.end_time = ParseTimeParam(item.value("end_time", std::string()), absl::InfiniteFuture());
    e.objective = item.value("optimization_goal", std::string());
  } else if (kind == "ad") {
    e.parent_id = req.PathParam("parent");
    e.promoted_post = item.value("creative_id", std::string());
    if (state.FindPost("snapchat", e.promoted_post) == nullptr) {
      return Error(res, 400, "E3003", "creative_id: no such creative");
    }
  }
  if (!e.parent_id.empty() && state.FindAd(e.parent_id) == nullptr) {
    return Error(res, 404, "E3003", "parent not found");
  }
  Success(res, plural, singular, Json::array({EntityJson(state.AddAd(std::move(e)))}));
}

void Update(SandboxState& state, const std::string& plural, const std::string& singular,
            const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const Json item = First(req.BodyJson(), plural);
  AdEntity* e = item.is_object() ? state.FindAd(item.value("id", std::string())) : nullptr;
  if (e == nullptr) return Error(res, 404, "E3003", "entity not found");
  e->status = item.value("status", e->status);
  if (item.contains("daily_budget_micro")) {
    const int64_t budget = item.value("daily_budget_micro", int64_t{0});
    if (budget < 5'000'000) return Error(res, 400, "E1001", "daily_budget_micro too low");
    e->daily_budget_micros = budget;
  }
  e->fields = item;
  state.RecordDelivery(e->id);
  Success(res, plural, singular, Json::array({EntityJson(*e)}));
}

void CreateCreative(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const Json item = First(req.BodyJson(), "creatives");
  if (!item.is_object() || item.value("top_snap_media_id", "").empty() ||
      item.value("name", "").empty()) {
    return Error(res, 400, "E1001", "creatives[0] needs name and top_snap_media_id");
  }
  const std::string id = state.NextId();
  PostRecord post{.network = "snapchat", .account = account, .id = id,
                  .text = item.value("headline", std::string()),
                  .url = absl::StrCat("https://ads.snapchat.com/", req.PathParam("acct"),
                                      "/creatives/", id),
                  .client_ref = item.value("name", std::string()), .created_at = state.Now()};
  post.link = item.value("web_view_properties", Json::object()).value("url", std::string());
  post.extra = item;
  post.visual = true;  // a Snap Ad always shows its top-snap media
  state.AddPost(std::move(post));
  Json created = item;
  created["id"] = id;
  created["review_status"] = "PENDING_REVIEW";
  Success(res, "creatives", "creative", Json::array({created}));
}

void ListCreatives(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  Json items = Json::array();
  for (const PostRecord& p : state.posts) {
    if (p.network != "snapchat" || p.account != account) continue;
    Json c = p.extra;
    c["id"] = p.id;
    c["created_at"] = Rfc3339(p.created_at);
    items.push_back(c);
  }
  Success(res, "creatives", "creative", items);
}

void AdStats(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const std::string id = req.PathParam("id");
  if (state.FindAd(id) == nullptr) return Error(res, 404, "E3003", "ad not found");
  const absl::Time since = ParseTimeParam(req.Param("start_time"), state.Now() - absl::Hours(24));
  const absl::Time until = ParseTimeParam(req.Param("end_time"), state.Now());
  // Like the Measurement API, times must fall on the hour.
  if (absl::ToUnixSeconds(since) % 3600 != 0 || absl::ToUnixSeconds(until) % 3600 != 0 ||
      until <= since) {
    return Error(res, 400, "E1001", "start_time and end_time must be on the hour, in order");
  }
  const AdMetrics m = state.MetricsUnder(id, since, until);
  res.SetJson(200, {{"request_status", "SUCCESS"}, {"request_id", "sbxreq"},
                    {"total_stats", Json::array({{{"sub_request_status", "SUCCESS"},
                                                  {"total_stat",
                                                   {{"id", id}, {"type", "AD"},
                                                    {"granularity", "TOTAL"},
                                                    {"start_time", Rfc3339(since)},
                                                    {"end_time", Rfc3339(until)},
                                                    {"stats", {{"impressions", m.impressions},
                                                               {"swipes", m.clicks},
                                                               {"spend", m.spend_micros},
                                                               {"uniques", m.reach},
                                                               {"conversion_purchases",
                                                                m.conversions}}}}}}})}});
}

// GET the children of `parent` (an ad account's campaigns, a campaign's ad squads, an ad
// squad's ads), as reconcile reads them.
void List(SandboxState& state, const std::string& kind, const SandboxRequest& req,
          SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const auto& [plural, singular] = EnvelopeNames(kind);
  const std::string parent = req.PathParam("parent");
  Json items = Json::array();
  for (const auto& [id, e] : state.ads) {
    if (e.network != "snapchat" || e.account != account || e.kind != kind) continue;
    if (kind != "campaign" && e.parent_id != parent) continue;
    Json j = EntityJson(e);
    if (kind == "adset") j["campaign_id"] = e.parent_id;
    if (kind == "ad") j["ad_squad_id"] = e.parent_id;
    items.push_back(j);
  }
  Success(res, plural, singular, items);
}

}  // namespace

void RegisterSnapchat(Router& router, SandboxState& state) {
  router.Add("POST", "/snapchat/login/oauth2/access_token",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               HandleTokenEndpoint(state, "snapchat", req, res);
             });
  router.Add("POST", "/snapchat/v1/adaccounts/{acct}/media",
             Locked(state, [](SandboxState& state, const SandboxRequest& req, SandboxResponse& res) {
               std::string account;
               if (!Admit(state, req, res, &account)) return;
               Json item = First(req.BodyJson(), "media");
               if (!item.is_object()) return Error(res, 400, "E1001", "media[0] is required");
               item["id"] = state.NextId();
               item["media_status"] = "PENDING_UPLOAD";
               Success(res, "media", "media", Json::array({item}));
             }));
  router.Add("POST", "/snapchat/v1/media/{id}/upload",
             Locked(state, [](SandboxState& state, const SandboxRequest& req, SandboxResponse& res) {
               std::string account;
               if (!Admit(state, req, res, &account)) return;
               if (req.body.empty()) return Error(res, 400, "E1001", "file is required");
               res.SetJson(200, {{"request_status", "SUCCESS"}, {"request_id", "sbxreq"},
                                 {"result", {{"id", req.PathParam("id")},
                                             {"media_status", "READY"},
                                             {"file_size_in_bytes", req.body.size()}}}});
             }));
  router.Add("POST", "/snapchat/v1/adaccounts/{acct}/creatives", Locked(state, &CreateCreative));
  router.Add("GET", "/snapchat/v1/adaccounts/{acct}/creatives", Locked(state, &ListCreatives));
  router.Add("POST", "/snapchat/v1/adaccounts/{parent}/campaigns",
             Locked(state, [](SandboxState& s, const SandboxRequest& q, SandboxResponse& r)
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) { Create(s, "campaign", q, r); }));
  router.Add("POST", "/snapchat/v1/campaigns/{parent}/adsquads",
             Locked(state, [](SandboxState& s, const SandboxRequest& q, SandboxResponse& r)
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) { Create(s, "adset", q, r); }));
  router.Add("POST", "/snapchat/v1/adsquads/{parent}/ads",
             Locked(state, [](SandboxState& s, const SandboxRequest& q, SandboxResponse& r)
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) { Create(s, "ad", q, r); }));
  router.Add("PUT", "/snapchat/v1/campaigns/{parent}/adsquads",
             Locked(state, [](SandboxState& s, const SandboxRequest& q, SandboxResponse& r)
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
                          Update(s, "adsquads", "adsquad", q, r);
                        }));
  router.Add("PUT", "/snapchat/v1/adsquads/{parent}/ads",
             Locked(state, [](SandboxState& s, const SandboxRequest& q, SandboxResponse& r)
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) { Update(s, "ads", "ad", q, r); }));
  for (const auto& [plural, singular] : {std::pair{"adsquads", "adsquad"},
                                         std::pair{"ads", "ad"}}) {
    const std::string p = plural, s1 = singular;
    router.Add("GET", absl::StrCat("/snapchat/v1/", plural, "/{id}"),
               Locked(state, [p, s1](SandboxState& s, const SandboxRequest& q, SandboxResponse& r)
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
                 std::string account;
                 if (!Admit(s, q, r, &account)) return;
                 AdEntity* e = s.FindAd(q.PathParam("id"));
                 if (e == nullptr) return Error(r, 404, "E3003", "not found");
                 Json j = EntityJson(*e);
                 if (e->kind == "adset") j["campaign_id"] = e->parent_id;
                 if (e->kind == "ad") j["ad_squad_id"] = e->parent_id;
                 Success(r, p, s1, Json::array({j}));
               }));
  }
  router.Add("GET", "/snapchat/v1/ads/{id}/stats", Locked(state, &AdStats));
  for (const auto& [path, kind] : {std::pair{"/snapchat/v1/adaccounts/{parent}/campaigns",
                                             "campaign"},
                                   std::pair{"/snapchat/v1/campaigns/{parent}/adsquads", "adset"},
                                   std::pair{"/snapchat/v1/adsquads/{parent}/ads", "ad"}}) {
    const std::string k = kind;
    router.Add("GET", path,
               Locked(state, [k](SandboxState& s, const SandboxRequest& q, SandboxResponse& r)
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) { List(s, k, q, r); }));
  }
}

}  // namespace fanfare::sandbox
