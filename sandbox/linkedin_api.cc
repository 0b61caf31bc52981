// LinkedIn versioned REST API: /rest/posts (id in x-restli-id), share statistics, the ads
// hierarchy adCampaignGroups → adCampaigns (dailyBudget {amount, currencyCode}) → creatives,
// PARTIAL_UPDATE patches and adAnalytics; Linkedin-Version checks (missing → 400, retired →
// 426), 401 for expired tokens, daily post limits answered with 429 and no retry headers,
// 422 for duplicate content. Comments come from linkedin_comments.cc.
#include <algorithm>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "sandbox/linkedin_api.h"

namespace fanfare::sandbox {
namespace linkedin {

void Error(SandboxResponse& res, int status, const std::string& code, const std::string& message,
           int service_code) {
  Json body = {{"status", status}, {"message", message}};
  if (!code.empty()) body["code"] = code;
  if (service_code != 0) body["serviceErrorCode"] = service_code;
  res.SetJson(status, body);
}

bool Admit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
           std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const std::string version = req.Header("linkedin-version");
  if (version.empty()) {
    Error(res, 400, "VERSION_MISSING",
          "A version must be present. Please specify a version by adding the LinkedIn-Version "
          "header.");
    return false;
  }
  if (version.substr(0, 6) < state.options().linkedin_min_version || version.size() < 6) {
    Error(res, 426, "NONEXISTENT_VERSION", absl::StrCat("Requested version ", version,
                                                        " is not active"));
    return false;
  }
  if (req.Header("x-restli-protocol-version") != "2.0.0") {
    Error(res, 400, "", "X-Restli-Protocol-Version 2.0.0 is required", 100);
    return false;
  }
  const TokenCheck check = state.CheckToken("linkedin", req.Token(), account);
  if (check == TokenCheck::kOk) {
    state.Stats("linkedin", *account).requests++;
    return true;
  }
  if (check == TokenCheck::kExpired) {
    state.Stats("linkedin", *account).auth_failures++;
    Error(res, 401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601);
  } else {
    Error(res, 401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600);
  }
  return false;
}

}  // namespace linkedin

namespace {

using linkedin::Admit;
using linkedin::Error;

int64_t Millis(absl::Time t) { return absl::ToUnixMillis(t); }

void CreatePost(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const Json body = req.BodyJson();
  const std::string author = body.is_object() ? body.value("author", std::string()) : "";
  const std::string text = body.is_object() ? body.value("commentary", std::string()) : "";
  if (author.empty() || !body.contains("distribution") || !body.contains("lifecycleState")) {
    Error(res, 422, "", "/author, /distribution and /lifecycleState are required", 100);
    return;
  }
  if (!state.TakeQuota(absl::StrCat("linkedin/posts/", account),
                       state.options().linkedin_posts_per_day, absl::Hours(24), nullptr,
                       nullptr)) {
    state.Stats("linkedin", account).throttled++;
    Error(res, 429, "", "Resource level throttle APPLICATION DAY limit for calls to this "
                        "resource is reached.");
    return;
  }
  for (const PostRecord& p : state.posts) {
    if (p.network == "linkedin" && p.extra.value("author", "") == author && p.text == text &&
        state.Now() - p.created_at < absl::Hours(24)) {
      state.Stats("linkedin", account).duplicates++;
      Error(res, 422, "", absl::StrCat("Content is a duplicate of ", p.id), 100);
      return;
    }
  }
  const std::string id = absl::StrCat("urn:li:share:", state.NextId());
  PostRecord post{.network = "linkedin", .account = account, .id = id, .text = text,
                  .url = absl::StrCat("https://www.linkedin.com/feed/update/", id, "/"),
                  .created_at = state.Now()};
  post.extra["author"] = author;
  const Json article = body.value("content", Json::object()).value("article", Json::object());
  if (article.is_object()) post.link = article.value("source", std::string());
  post.visual = body.value("content", Json::object()).contains("media");
  state.AddPost(std::move(post));
  res.status = 201;
  res.body.clear();
  res.AddHeader("x-restli-id", id);
}

void FindPosts(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  int count = 10;
  (void)absl::SimpleAtoi(req.Param("count", "10"), &count);
  Json elements = Json::array();
  for (auto it = state.posts.rbegin(); it != state.posts.rend() && count > 0; ++it) {
    if (it->network != "linkedin" || it->extra.value("author", "") != req.Param("author")) {
      continue;
    }
    elements.push_back({{"id", it->id}, {"author", it->extra.value("author", "")},
                        {"commentary", it->text}, {"visibility", "PUBLIC"},
                        {"lifecycleState", "PUBLISHED"}, {"createdAt", Millis(it->created_at)},
                        {"publishedAt", Millis(it->created_at)},
                        {"lastModifiedAt", Millis(it->created_at)}});
    --count;
  }
  res.SetJson(200, {{"elements", elements},
                    {"paging", {{"start", 0}, {"count", elements.size()}, {"links", Json::array()}}}});
}

// "List(urn%3Ali%3Ashare%3A1,urn:li:share:2)" → the URNs.
std::vector<std::string> RestliList(const std::string& text) {
  std::string inner = text;
  if (absl::StartsWith(inner, "List(") && absl::EndsWith(inner, ")")) {
    inner = inner.substr(5, inner.size() - 6);
  }
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(inner, ',', absl::SkipEmpty())) {
    out.push_back(UrlDecode(item));
  }
  return out;
}

void ShareStatistics(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  Json elements = Json::array();
  for (const std::string& urn : RestliList(req.Param("shares"))) {
    const PostRecord* p = state.FindPost("linkedin", urn);
    if (p == nullptr) continue;
    const AdMetrics m = OrganicMetrics(state.options().seed, p->id, p->created_at, state.Now());
    elements.push_back(
        {{"share", urn}, {"organizationalEntity", req.Param("organizationalEntity")},
         {"totalShareStatistics",
          {{"impressionCount", m.impressions}, {"uniqueImpressionsCount", m.reach},
           {"clickCount", m.clicks}, {"likeCount", m.clicks / 2}, {"commentCount", 0},
           {"shareCount", 0},
           {"engagement", m.impressions > 0 ? static_cast<double>(m.clicks) /
                                                  static_cast<double>(m.impressions) : 0.0}}}});
  }
  res.SetJson(200, {{"elements", elements}, {"paging", {{"start", 0}, {"count", 10}}}});
}

// The id after the last ':' of a URN ("urn:li:sponsoredCampaign:12" → "12").
std::string UrnId(const std::string& urn) {
  const size_t colon = urn.rfind(':');
  return colon == std::string::npos ? urn : urn.substr(colon + 1);
}

Json Budget(const AdEntity& e) {
  return {{"amount", absl::StrFormat("%d.%02d", e.daily_budget_micros / 1'000'000,
                                     (e.daily_budget_micros % 1'000'000) / 10'000)},
          {"currencyCode", e.currency}};
}

void CreateAdsObject(SandboxState& state, const std::string& kind, const SandboxRequest& req,
                     SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const Json body = req.BodyJson();
  if (!body.is_object()) return Error(res, 400, "", "JSON body required", 100);
  AdEntity e{.network = "linkedin", .account = account, .id = state.NextId(), .kind = kind,
             .name = body.value("name", std::string())};
  if (kind == "campaign") {
    e.status = body.value("status", std::string("ACTIVE"));
  } else if (kind == "adset") {
    e.parent_id = UrnId(body.value("campaignGroup", std::string()));
    e.status = body.value("status", std::string("ACTIVE"));
    const Json budget = body.value("dailyBudget", Json::object());
    double amount = 0;
    if (!budget.is_object() || !absl::SimpleAtod(budget.value("amount", std::string()), &amount) ||
        amount < 10.0) {
      return Error(res, 400, "", "/dailyBudget/amount must be a decimal string of at least "
                                 "10.00", 100);
    }
    e.currency = budget.value("currencyCode", std::string("USD"));
    e.objective = body.value("objectiveType", std::string());
    e.daily_budget_micros = static_cast<int64_t>(amount * 1e6 + 0.5);
    const Json schedule = body.value("runSchedule", Json::object());
    if (schedule.is_object() && schedule.contains("end") && schedule["end"].is_number()) {
      e.end_time = absl::FromUnixMillis(schedule["end"].get<int64_t>());
    }
  } else {
    e.parent_id = UrnId(body.value("campaign", std::string()));
    e.promoted_post = body.value("content", Json::object()).value("reference", std::string());
    e.status = body.value("intendedStatus", std::string("ACTIVE"));
    if (state.FindPost("linkedin", e.promoted_post) == nullptr) {
      return Error(res, 400, "", "/content/reference must name an existing post", 100);
    }
    e.id = absl::StrCat("urn:li:sponsoredCreative:", e.id);
  }
  if (!e.parent_id.empty() && state.FindAd(e.parent_id) == nullptr) {
    return Error(res, 400, "", "the parent campaign group or campaign does not exist", 100);
  }
  if (kind == "ad") {
    if (const AdEntity* parent = state.FindAd(e.parent_id)) {
      e.audience = parent->audience;
      e.currency = parent->currency;
    }
  }
  const std::string id = state.AddAd(std::move(e)).id;
  res.status = 201;
  res.body.clear();
  res.AddHeader("x-restli-id", id);
}

Json AdsObjectJson(const AdEntity& e) {
  Json j = {{"id", e.id}, {"name", e.name}, {"status", e.status}};
  if (e.kind == "adset") {
    j["dailyBudget"] = Budget(e);
    j["campaignGroup"] = absl::StrCat("urn:li:sponsoredCampaignGroup:", e.parent_id);
  }
  if (e.kind == "ad") {
    j = {{"id", e.id}, {"intendedStatus", e.status},
         {"campaign", absl::StrCat("urn:li:sponsoredCampaign:", e.parent_id)},
         {"content", {{"reference", e.promoted_post}}}};
  }
  return j;
}

void GetAdsObject(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  AdEntity* e = state.FindAd(req.PathParam("id"));
  if (e == nullptr) return Error(res, 404, "", "Not Found", 100);
  res.SetJson(200, AdsObjectJson(*e));
}

void PatchAdsObject(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  AdEntity* e = state.FindAd(req.PathParam("id"));
  if (e == nullptr) return Error(res, 404, "", "Not Found", 100);
  const Json body = req.BodyJson();
  if (req.Header("x-restli-method") != "PARTIAL_UPDATE" || !body.is_object() ||
      !body.contains("patch")) {
    return Error(res, 400, "", "expected X-RestLi-Method: PARTIAL_UPDATE and a patch", 100);
  }
  const Json set = body["patch"].value("$set", Json::object());
  if (set.contains("status")) e->status = set.value("status", e->status);
  if (set.contains("intendedStatus")) e->status = set.value("intendedStatus", e->status);
  if (set.contains("dailyBudget")) {
    double amount = 0;
    if (!absl::SimpleAtod(set["dailyBudget"].value("amount", std::string()), &amount) ||
        amount < 10.0) {
      return Error(res, 400, "", "/dailyBudget/amount must be at least 10.00", 100);
    }
    e->daily_budget_micros = static_cast<int64_t>(amount * 1e6 + 0.5);
  }
  state.RecordDelivery(e->id);
  res.status = 204;
  res.body.clear();
}

absl::Time DatePart(const std::string& range, const std::string& which, absl::Time fallback) {
  static const std::regex kPart("(start|end):\\(year:(\\d+),month:(\\d+),day:(\\d+)\\)");
  for (std::sregex_iterator it(range.begin(), range.end(), kPart), end; it != end; ++it) {
    if ((*it)[1] != which) continue;
    return absl::FromCivil(absl::CivilDay(std::stoi((*it)[2]), std::stoi((*it)[3]),
                                          std::stoi((*it)[4])),
                           absl::UTCTimeZone());
  }
  return fallback;
}

// adAnalytics over whole days of `dateRange`; or, with the sandbox-only extension
// parameters sandboxStartTime and sandboxEndTime (epoch milliseconds, whole hours), over
// exactly that span, which the answer then echoes as "sandboxTimeRange": {"start", "end"}.
void Analytics(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const std::string range = req.Param("dateRange");
  absl::Time since = DatePart(range, "start", state.Now() - absl::Hours(24));
  absl::Time until = DatePart(range, "end", state.Now()) + absl::Hours(24);
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  const bool exact = absl::SimpleAtoi(req.Param("sandboxStartTime"), &start_ms) &&
                     absl::SimpleAtoi(req.Param("sandboxEndTime"), &end_ms);
  if (exact) {
    if (end_ms <= start_ms || start_ms % 3'600'000 != 0 || end_ms % 3'600'000 != 0) {
      return Error(res, 400, "", "sandboxStartTime and sandboxEndTime must be whole hours, "
                                 "in order (epoch milliseconds)", 100);
    }
    since = absl::FromUnixMillis(start_ms);
    until = absl::FromUnixMillis(end_ms);
  }
  Json elements = Json::array();
  for (const std::string& urn : RestliList(req.Param("creatives"))) {
    const AdMetrics m = state.MetricsUnder(urn, since, until);
    elements.push_back(
        {{"pivotValues", Json::array({urn})}, {"impressions", m.impressions},
         {"clicks", m.clicks}, {"approximateMemberReach", m.reach},
         {"externalWebsiteConversions", m.conversions},
         {"costInLocalCurrency", absl::StrFormat("%d.%06d", m.spend_micros / 1'000'000,
                                                 m.spend_micros % 1'000'000)}});
  }
  Json answer = {{"elements", elements}, {"paging", {{"start", 0}, {"count", 10}}}};
  if (exact) answer["sandboxTimeRange"] = {{"start", start_ms}, {"end", end_ms}};
  res.SetJson(200, answer);
}

// The values of one facet of a Rest.li search: "(name:(values:List(a,b)))" → {a, b}.
std::vector<std::string> SearchValues(const std::string& search, const std::string& facet) {
  const std::string head = absl::StrCat(facet, ":(values:");
  const size_t at = search.find(head);
  if (at == std::string::npos) return {};
  const size_t close = search.find(')', at + head.size());
  if (close == std::string::npos) return {};
  return RestliList(search.substr(at + head.size(), close + 1 - at - head.size()));
}

// The FINDERs reconcile uses: adCampaignGroups and adCampaigns with q=search (by name, by
// campaignGroup), creatives with q=criteria&campaigns=List(…).
void FindAdsObjects(SandboxState& state, const std::string& kind, const SandboxRequest& req,
                    SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  std::vector<std::string> names, parents;
  if (kind == "ad") {
    if (req.Param("q") != "criteria") return Error(res, 400, "", "q=criteria is required", 100);
    for (const std::string& urn : RestliList(req.Param("campaigns"))) parents.push_back(UrnId(urn));
  } else {
    if (req.Param("q") != "search") return Error(res, 400, "", "q=search is required", 100);
    names = SearchValues(req.Param("search"), "name");
    for (const std::string& urn : SearchValues(req.Param("search"), "campaignGroup")) {
      parents.push_back(UrnId(urn));
    }
  }
  Json elements = Json::array();
  for (const auto& [id, e] : state.ads) {
    if (e.network != "linkedin" || e.account != account || e.kind != kind) continue;
    if (!names.empty() && std::find(names.begin(), names.end(), e.name) == names.end()) continue;
    if (!parents.empty() &&
        std::find(parents.begin(), parents.end(), e.parent_id) == parents.end()) {
      continue;
    }
    elements.push_back(AdsObjectJson(e));
  }
  res.SetJson(200, {{"elements", elements},
                    {"paging", {{"start", 0}, {"count", elements.size()}}}});
}

}  // namespace

void RegisterLinkedIn(Router& router, SandboxState& state) {
  router.Add("POST", "/linkedin/oauth/v2/accessToken",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               HandleTokenEndpoint(state, "linkedin", req, res);
             });
  router.Add("POST", "/linkedin/rest/posts", Locked(state, &CreatePost));
  router.Add("GET", "/linkedin/rest/posts", Locked(state, &FindPosts));
  router.Add("GET", "/linkedin/rest/organizationalEntityShareStatistics",
             Locked(state, &ShareStatistics));
  router.Add("GET", "/linkedin/rest/adAnalytics", Locked(state, &Analytics));
  linkedin::RegisterComments(router, state);
  for (const auto& [path, kind] : {std::pair{"adCampaignGroups", "campaign"},
                                   std::pair{"adCampaigns", "adset"},
                                   std::pair{"creatives", "ad"}}) {
    const std::string k = kind;
    router.Add("POST", absl::StrCat("/linkedin/rest/adAccounts/{acct}/", path),
               Locked(state, [k](SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
                 CreateAdsObject(state, k, req, res);
               }));
    router.Add("GET", absl::StrCat("/linkedin/rest/adAccounts/{acct}/", path, "/{id}"),
               Locked(state, &GetAdsObject));
    router.Add("GET", absl::StrCat("/linkedin/rest/adAccounts/{acct}/", path),
               Locked(state, [k](SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
                 FindAdsObjects(state, k, req, res);
               }));
    router.Add("POST", absl::StrCat("/linkedin/rest/adAccounts/{acct}/", path, "/{id}"),
               Locked(state, &PatchAdsObject));
  }
}

}  // namespace fanfare::sandbox
