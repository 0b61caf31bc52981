// X API v2 (tweets, users, OAuth2 token refresh) and X Ads API v12 (campaigns with a daily
// budget in micros, line items, promoted tweets, stats), with the per-user 15-minute write
// window and its x-rate-limit-* headers, 429s, and 403 for duplicate content.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "sandbox/x_api.h"

namespace fanfare::sandbox {
namespace x {

void Problem(SandboxResponse& res, int status, const std::string& title,
             const std::string& detail) {
  res.SetJson(status, {{"title", title}, {"detail", detail}, {"type", "about:blank"},
                       {"status", status}});
}

bool Admit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
           std::string* account) {
  const TokenCheck check = state.CheckToken("x", req.Token(), account);
  if (check == TokenCheck::kOk) {
    state.Stats("x", *account).requests++;
    return true;
  }
  if (check == TokenCheck::kExpired) state.Stats("x", *account).auth_failures++;
  Problem(res, 401, "Unauthorized", "Unauthorized");
  return false;
}

std::string UserId(const std::string& account) {
  return absl::StrCat(1'500'000'000'000'000'000ULL + StableHash(0, account) % 1'000'000'000ULL);
}

void SetTweetText(Json& tweet, const std::string& text) {
  std::string shown;
  Json urls = Json::array();
  auto escape = [&shown](absl::string_view part) {
    for (char c : part) {
      if (c == '&') shown += "&amp;";
      else if (c == '<') shown += "&lt;";
      else if (c == '>') shown += "&gt;";
      else shown += c;
    }
  };
  size_t i = 0;
  while (i < text.size()) {
    const size_t at = std::min(text.find("http://", i), text.find("https://", i));
    if (at == std::string::npos) break;
    escape(absl::string_view(text).substr(i, at - i));
    size_t end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n') ++end;
    const std::string url = text.substr(at, end - at);
    const std::string tco = absl::StrCat("https://t.co/", absl::StrFormat("%010x", StableHash(7, url) & 0xffffffffffULL));
    urls.push_back({{"start", shown.size()}, {"end", shown.size() + tco.size()}, {"url", tco},
                    {"expanded_url", url}, {"display_url", url.substr(url.find("//") + 2, 25)}});
    shown += tco;
    i = end;
  }
  escape(absl::string_view(text).substr(std::min(i, text.size())));
  tweet["text"] = shown;
  if (!urls.empty()) tweet["entities"] = {{"urls", urls}};
}

bool TakeWindow(SandboxState& state, const std::string& account, const std::string& endpoint,
                int limit, SandboxResponse& res) {
  absl::Time reset;
  int remaining = 0;
  const bool admitted = state.TakeQuota(absl::StrCat("x/", endpoint, "/", account), limit,
                                        state.options().x_window, &reset, &remaining);
  if (!admitted) reset = std::max(reset, state.Now() + absl::Seconds(1));
  res.AddHeader("x-rate-limit-limit", absl::StrCat(limit));
  res.AddHeader("x-rate-limit-remaining", absl::StrCat(remaining));
  res.AddHeader("x-rate-limit-reset", absl::StrCat(absl::ToUnixSeconds(reset)));
  if (admitted) return true;
  state.Stats("x", account).throttled++;
  Problem(res, 429, "Too Many Requests", "Too Many Requests");
  return false;
}

}  // namespace x

namespace {

using x::Admit;
using x::Problem;
using x::UserId;

void AdsError(SandboxResponse& res, int status, const std::string& code,
              const std::string& message) {
  res.SetJson(status, {{"errors", Json::array({{{"code", code}, {"message", message}}})},
                       {"request", {{"params", Json::object()}}}});
}

// A field from the query/form parameters or a JSON body (the Ads API takes either).
std::string Field(const SandboxRequest& req, const std::string& name) {
  const Json body = req.BodyJson();
  if (body.is_object() && body.contains(name)) {
    return body[name].is_string() ? body[name].get<std::string>() : body[name].dump();
  }
  return req.Param(name);
}

void PostTweet(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  if (!x::TakeWindow(state, account, "tweets", state.options().x_posts_per_window, res)) return;
  const Json body = req.BodyJson();
  const std::string text = StringField(body, "text");
  if (text.empty()) {
    res.SetJson(400, {{"errors", Json::array({{{"message", "$.text: is missing but required"}}})},
                      {"title", "Invalid Request"},
                      {"detail", "One or more parameters to your request was invalid."},
                      {"type", "https://api.twitter.com/2/problems/invalid-request"}});
    return;
  }
  if (x::PostedBefore(state, account, text)) {
    state.Stats("x", account).duplicates++;
    Problem(res, 403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.");
    return;
  }
  if (body.contains("reply")) return x::PostReply(state, account, text, body["reply"], res);
  const std::string id = absl::StrCat("17", state.NextId(), "000000");
  const Json media = body.is_object() ? body.value("media", Json::object()) : Json::object();
  state.AddPost(PostRecord{.network = "x", .account = account, .id = id, .text = text,
                           .url = absl::StrCat("https://x.com/i/web/status/", id),
                           .created_at = state.Now(),
                           .visual = media.is_object() && media.contains("media_ids")});
  res.SetJson(201, {{"data", {{"id", id}, {"text", text},
                              {"edit_history_tweet_ids", Json::array({id})}}}});
}

Json TweetJson(SandboxState& state, const PostRecord& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const AdMetrics m = OrganicMetrics(state.options().seed, p.id, p.created_at, state.Now());
  Json tweet = {{"id", p.id}, {"created_at", Rfc3339(p.created_at)},
               {"edit_history_tweet_ids", Json::array({p.id})},
               {"public_metrics", {{"retweet_count", m.clicks / 4}, {"reply_count", m.clicks / 8},
                                   {"like_count", m.clicks / 2}, {"quote_count", 0},
                                   {"bookmark_count", 0}, {"impression_count", m.impressions}}},
               {"non_public_metrics", {{"impression_count", m.impressions},
                                       {"url_link_clicks", m.clicks},
                                       {"user_profile_clicks", m.clicks / 10}}}};
  x::SetTweetText(tweet, p.text);
  return tweet;
}

Json AdsEntityJson(const AdEntity& e) {
  Json j = {{"id", e.id}, {"name", e.name}, {"entity_status", e.status},
            {"currency", e.currency}, {"created_at", Rfc3339(e.created_at)}};
  if (e.kind == "campaign") j["daily_budget_amount_local_micro"] = e.daily_budget_micros;
  if (e.kind == "adset") j["campaign_id"] = e.parent_id;
  if (e.kind == "ad") {
    j["line_item_id"] = e.parent_id;
    j["tweet_id"] = e.promoted_post;
  }
  return j;
}

void CreateAdsEntity(SandboxState& state, const std::string& kind, const SandboxRequest& req,
                     SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  AdEntity e{.network = "x", .account = account, .id = state.NextId(), .kind = kind,
             .name = Field(req, "name"),
             .status = Field(req, "entity_status").empty() ? "PAUSED" : Field(req, "entity_status")};
  if (kind == "campaign") {
    if (!absl::SimpleAtoi(Field(req, "daily_budget_amount_local_micro"),
                          &e.daily_budget_micros) || e.daily_budget_micros <= 0 ||
        Field(req, "funding_instrument_id").empty()) {
      return AdsError(res, 400, "INVALID_PARAMETER",
                      "funding_instrument_id and daily_budget_amount_local_micro are required");
    }
    e.end_time = ParseTimeParam(Field(req, "end_time"), absl::InfiniteFuture());
  } else if (kind == "adset") {
    e.parent_id = Field(req, "campaign_id");
    e.objective = Field(req, "objective");
    if (state.FindAd(e.parent_id) == nullptr) {
      return AdsError(res, 400, "INVALID_PARAMETER", "campaign_id: no such campaign");
    }
  } else {
    e.parent_id = Field(req, "line_item_id");
    e.promoted_post = Field(req, "tweet_ids");
    if (state.FindAd(e.parent_id) == nullptr || state.FindPost("x", e.promoted_post) == nullptr) {
      return AdsError(res, 400, "INVALID_PARAMETER", "line_item_id and tweet_ids must exist");
    }
    e.status = "ACTIVE";
  }
  AdEntity& stored = state.AddAd(std::move(e));
  Json data = AdsEntityJson(stored);
  res.SetJson(200, {{"data", kind == "ad" ? Json::array({data}) : data},
                    {"request", {{"params", Json::object()}}}});
}

void UpdateAdsEntity(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  AdEntity* e = state.FindAd(req.PathParam("id"));
  if (e == nullptr) return AdsError(res, 404, "NOT_FOUND", "The requested resource was not found");
  const std::string status = Field(req, "entity_status");
  if (!status.empty()) e->status = status;
  const std::string budget = Field(req, "daily_budget_amount_local_micro");
  if (!budget.empty() && !absl::SimpleAtoi(budget, &e->daily_budget_micros)) {
    return AdsError(res, 400, "INVALID_PARAMETER", "daily_budget_amount_local_micro");
  }
  state.RecordDelivery(e->id);
  res.SetJson(200, {{"data", AdsEntityJson(*e)}, {"request", {{"params", Json::object()}}}});
}

// The synchronous stats endpoint. As the X Ads API requires, HOUR granularity takes whole
// hours and DAY or TOTAL midnights (the sandbox's ad accounts are in UTC), over at most 7
// days; each metric is an array with one value per hour or day, or one for TOTAL.
void Stats(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const absl::Time since = ParseTimeParam(req.Param("start_time"), absl::InfinitePast());
  const absl::Time until = ParseTimeParam(req.Param("end_time"), absl::InfinitePast());
  const std::string granularity = req.Param("granularity", "TOTAL");
  const absl::Duration unit = granularity == "HOUR" ? absl::Hours(1) : absl::Hours(24);
  if (since == absl::InfinitePast() || until <= since || until - since > absl::Hours(24 * 7)) {
    return AdsError(res, 400, "INVALID_PARAMETER",
                    "start_time and end_time are required, in order, at most 7 days apart");
  }
  if (absl::ToUnixSeconds(since) % absl::ToInt64Seconds(unit) != 0 ||
      absl::ToUnixSeconds(until) % absl::ToInt64Seconds(unit) != 0) {
    return AdsError(res, 400, "INVALID_TIME_WINDOW",
                    granularity == "HOUR"
                        ? "start_time and end_time must be expressed in whole hours"
                        : "start_time and end_time must be midnight in the account's time zone "
                          "for DAY and TOTAL granularity");
  }
  std::vector<absl::Time> boundaries = {since};
  if (granularity != "TOTAL") {
    for (absl::Time t = since + unit; t < until; t += unit) boundaries.push_back(t);
  }
  boundaries.push_back(until);
  Json data = Json::array();
  for (absl::string_view id : absl::StrSplit(req.Param("entity_ids"), ',', absl::SkipEmpty())) {
    const std::vector<AdMetrics> series = state.SeriesUnder(std::string(id), boundaries);
    Json impressions = Json::array(), clicks = Json::array(), spend = Json::array(),
         purchases = Json::array();
    for (const AdMetrics& m : series) {
      impressions.push_back(m.impressions);
      clicks.push_back(m.clicks);
      spend.push_back(m.spend_micros);
      purchases.push_back(m.conversions);
    }
    data.push_back({{"id", std::string(id)},
                    {"id_data", Json::array({{{"segment", nullptr},
                                              {"metrics",
                                               {{"impressions", impressions},
                                                {"clicks", clicks},
                                                {"url_clicks", clicks},
                                                {"billed_charge_local_micro", spend},
                                                {"conversion_purchases",
                                                 {{"metric", purchases}}}}}}})}});
  }
  res.SetJson(200, {{"data_type", "stats"}, {"time_series_length", boundaries.size() - 1},
                    {"data", data},
                    {"request", {{"params", {{"start_time", Rfc3339(since)},
                                             {"end_time", Rfc3339(until)},
                                             {"granularity", granularity}}}}}});
}

// GET accounts/{id}/campaigns|line_items|promoted_tweets: this account's objects of `kind`,
// narrowed by `q` (name contains), `campaign_ids` or `line_item_ids`.
void ListAdsEntities(SandboxState& state, const std::string& kind, const SandboxRequest& req,
                     SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const std::string q = req.Param("q");
  const std::string parents = kind == "adset" ? req.Param("campaign_ids")
                              : kind == "ad"  ? req.Param("line_item_ids")
                                              : "";
  Json data = Json::array();
  for (const auto& [id, e] : state.ads) {
    if (e.network != "x" || e.account != account || e.kind != kind) continue;
    if (!q.empty() && !absl::StrContains(e.name, q)) continue;
    if (!parents.empty()) {
      bool listed = false;
      for (absl::string_view p : absl::StrSplit(parents, ',')) listed |= p == e.parent_id;
      if (!listed) continue;
    }
    data.push_back(AdsEntityJson(e));
  }
  res.SetJson(200, {{"data", data}, {"next_cursor", nullptr},
                    {"request", {{"params", Json::object()}}}});
}

}  // namespace

void RegisterX(Router& router, SandboxState& state) {
  router.Add("POST", "/x/2/oauth2/token", [&state](const SandboxRequest& req, SandboxResponse& res) {
    HandleTokenEndpoint(state, "x", req, res);
  });
  router.Add("POST", "/x/2/tweets", Locked(state, &PostTweet));
  router.Add("GET", "/x/2/users/me", Locked(state, [](SandboxState& state, const SandboxRequest& req,
                                               SandboxResponse& res) {
    std::string account;
    if (!Admit(state, req, res, &account)) return;
    res.SetJson(200, {{"data", {{"id", UserId(account)}, {"name", account},
                                {"username", account}}}});
  }));
  router.Add("GET", "/x/2/tweets/{id}", Locked(state, [](SandboxState& state, const SandboxRequest& req,
                                                  SandboxResponse& res) {
    std::string account;
    if (!Admit(state, req, res, &account)) return;
    PostRecord* p = state.FindPost("x", req.PathParam("id"));
    if (p == nullptr) {
      res.SetJson(200, {{"errors", Json::array({{{"value", req.PathParam("id")},
                                                 {"detail", "Could not find tweet"},
                                                 {"title", "Not Found Error"},
                                                 {"resource_type", "tweet"}}})}});
      return;
    }
    res.SetJson(200, {{"data", TweetJson(state, *p)}});
  }));
  router.Add("GET", "/x/2/users/{id}/tweets", Locked(state, [](SandboxState& state,
                                                        const SandboxRequest& req,
                                                        SandboxResponse& res) {
    std::string account;
    if (!Admit(state, req, res, &account)) return;
    Json data = Json::array();
    for (auto it = state.posts.rbegin(); it != state.posts.rend() && data.size() < 100; ++it) {
      if (it->network == "x" && UserId(it->account) == req.PathParam("id")) {
        data.push_back(TweetJson(state, *it));
      }
    }
    for (const Json& reply : x::ReplyTweets(state, account)) {
      if (UserId(account) == req.PathParam("id")) data.push_back(reply);
    }
    std::stable_sort(data.begin(), data.end(), [](const Json& a, const Json& b) {
      return a.value("created_at", "") > b.value("created_at", "");
    });
    if (data.size() > 100) data.erase(data.begin() + 100, data.end());
    res.SetJson(200, {{"data", data}, {"meta", {{"result_count", data.size()}}}});
  }));
  for (const auto& [path, kind] : {std::pair{"campaigns", "campaign"},
                                   std::pair{"line_items", "adset"},
                                   std::pair{"promoted_tweets", "ad"}}) {
    const std::string k = kind;
    router.Add("POST", absl::StrCat("/x/12/accounts/{acct}/", path),
               Locked(state, [k](SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
                 CreateAdsEntity(state, k, req, res);
               }));
    router.Add("PUT", absl::StrCat("/x/12/accounts/{acct}/", path, "/{id}"),
               Locked(state, &UpdateAdsEntity));
    router.Add("GET", absl::StrCat("/x/12/accounts/{acct}/", path),
               Locked(state, [k](SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
                 ListAdsEntities(state, k, req, res);
               }));
    router.Add("GET", absl::StrCat("/x/12/accounts/{acct}/", path, "/{id}"),
               Locked(state, [](SandboxState& state, const SandboxRequest& req, SandboxResponse& res) {
                 std::string account;
                 if (!Admit(state, req, res, &account)) return;
                 AdEntity* e = state.FindAd(req.PathParam("id"));
                 if (e == nullptr) return AdsError(res, 404, "NOT_FOUND", "not found");
                 res.SetJson(200, {{"data", AdsEntityJson(*e)}});
               }));
  }
  router.Add("GET", "/x/12/stats/accounts/{acct}", Locked(state, &Stats));
  x::RegisterConversations(router, state);
}

}  // namespace fanfare::sandbox
