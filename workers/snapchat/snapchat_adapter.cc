#include "workers/snapchat/snapchat_adapter.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/api_session.h"
#include "workers/common/boost_chain.h"
#include "workers/common/outputs.h"

namespace fanfare::workers {

absl::Status ClassifySnapchatError(const HttpResponse& r, absl::string_view what) {
  const std::optional<Json> body = ParseJson(r.body);
  const Json& b = body.has_value() ? *body : JsonMember(Json(), "");
  const std::string code = JsonString(b, "error_code", absl::StrCat(r.status));
  const std::string message = absl::StrCat(what, ": HTTP ", r.status, ": ", code, ": ",
                                           JsonString(b, "debug_message", "no message"));
  if (r.status == 429) return Throttled(message, RetryAfterHeader(r, absl::Minutes(1)), code);
  if (r.status == 401) return AuthExpired(absl::StrCat(message, "; re-authorise the account"), code);
  if (r.status >= 500) return Retryable(message, code);
  return RejectedInput(message, code);
}

namespace {

constexpr size_t kMaxHeadline = 34;

class SnapchatAdapter final : public AdapterBase {
 public:
  explicit SnapchatAdapter(const AdapterOptions& options) : AdapterBase("snapchat", options) {
    Register("publish", false, [this](ActionCall& c) { return Publish(c); },
             [this](ActionCall& c) { return Reconcile(c); });
    Register("insights", true, [this](ActionCall& c) { return Insights(c); });
    // A boost's reconcile is the same find-or-create walk.
    Register("boost", false, [this](ActionCall& c) { return Boost(c); },
             [this](ActionCall& c) { return Boost(c); });
    Register("set_budget", true, [this](ActionCall& c) { return SetBudget(c); });
    Register("pause", true, [this](ActionCall& c) { return SetStatus(c, "PAUSED"); });
    Register("resume", true, [this](ActionCall& c) { return SetStatus(c, "ACTIVE"); });
  }

 private:
  static NetworkProtocol Protocol(const ActionCall& call) {
    return NetworkProtocol{
        .network = "snapchat", .classify = &ClassifySnapchatError,
        .is_auth_failure = [](const HttpResponse& r) { return r.status == 401; },
        .refresh = RefreshSpecOf("snapchat", call.endpoints.auth, /*confidential=*/true)};
  }

  // One request to `url`; returns the whole answer.
  static absl::StatusOr<Json> Send(ActionCall& call, absl::string_view method,
                                   const std::string& url, const Json& body, bool idempotent,
                                   absl::string_view what) {
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    HttpRequest request = method == "GET" ? GetRequest(call, url)
                                          : JsonRequest(call, method, url, body, idempotent);
    return session.SendJson(std::move(request), what);
  }

  // One call to the API; returns the first entity of `plural` ("campaigns" → "campaign").
  static absl::StatusOr<Json> Call(ActionCall& call, absl::string_view method,
                                   absl::string_view path, const Json& body, bool idempotent,
                                   absl::string_view plural, absl::string_view singular) {
    const std::string what = absl::StrCat(call.input.action(), ": ", method, " /v1/", path);
    ASSIGN_OR_RETURN(Json answer, Send(call, method, absl::StrCat(call.endpoints.ads, "/v1/", path),
                                       body, idempotent, what));
    if (plural.empty()) return answer;
    const Json& list = JsonMember(answer, plural);
    if (!list.is_array() || list.empty()) return answer;
    if (JsonString(list[0], "sub_request_status") != "SUCCESS") {
      return RejectedInput(absl::StrCat(what, ": ", JsonString(list[0], "sub_request_error_reason",
                                                               "sub-request failed")));
    }
    return JsonMember(list[0], singular);
  }

  static absl::StatusOr<std::string> Account(const ActionCall& call) {
    return call.account.Require("ad_account_id");
  }

  absl::StatusOr<Json> Publish(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string account, Account(call));
    ASSIGN_OR_RETURN(std::string headline, call.input.RequiredOneOf({"headline", "text"}));
    if (headline.size() > kMaxHeadline) {
      return call.input.Reject(call.input.Has("headline") ? "headline" : "text",
                               "is the Snap Ad headline: at most 34 characters (pass a shorter "
                               "'headline')");
    }
    const Json& media = JsonMember(call.input.json(), "media");
    std::string url = call.input.OptionalString("video_url");
    if (url.empty() && media.is_array() && !media.empty()) url = JsonString(media[0], "url");
    if (url.empty()) return call.input.Reject("media", "is required: a Snap Ad needs a video or image");
    const bool video = !media.is_array() || media.empty() ||
                       JsonString(media[0], "type", "video") == "video";
    const std::string ref = ClientReference(call.ctx.idempotency_key());
    ASSIGN_OR_RETURN(std::string bytes, FetchMedia(call, url));
    // Media objects are invisible until used: creating one twice is harmless.
    ASSIGN_OR_RETURN(Json created,
                     Call(call, "POST", absl::StrCat("adaccounts/", account, "/media"),
                          {{"media", Json::array({{{"name", ref},
                                                   {"type", video ? "VIDEO" : "IMAGE"},
                                                   {"ad_account_id", account}}})}},
                          true, "media", "media"));
    const std::string media_id = JsonString(created, "id");
    RETURN_IF_ERROR(UploadMedia(call, media_id, bytes, video));
    Json creative = {{"ad_account_id", account}, {"name", ref}, {"type", "SNAP_AD"},
                     {"headline", headline},
                     {"brand_name", call.account.Get("brand_name").empty()
                                        ? call.account.alias : call.account.Get("brand_name")},
                     {"shareable", true}, {"top_snap_media_id", media_id}};
    if (call.input.Has("link")) {
      creative["type"] = "WEB_VIEW";
      creative["call_to_action"] = "MORE";
      creative["web_view_properties"] = {{"url", call.input.OptionalString("link")}};
    }
    ASSIGN_OR_RETURN(Json made, Call(call, "POST", absl::StrCat("adaccounts/", account, "/creatives"),
                                     {{"creatives", Json::array({creative})}}, false, "creatives",
                                     "creative"));
    const std::string id = JsonString(made, "id");
    if (id.empty()) return OutcomeUnknown("snapchat.publish: the answer has no creative id");
    return PublishOutput("snapchat", id, CreativeUrl(account, id), call.now());
  }

  static std::string CreativeUrl(const std::string& account, const std::string& id) {
    return absl::StrCat("https://ads.snapchat.com/", account, "/creatives/", id);
  }

  static absl::Status UploadMedia(ActionCall& call, const std::string& media_id,
                                  const std::string& bytes, bool video) {
    const std::string boundary = "fanfare-media-boundary";
    HttpRequest request{.method = "POST",
                        .url = absl::StrCat(call.endpoints.ads, "/v1/media/", media_id, "/upload"),
                        .body = absl::StrCat("--", boundary, "\r\nContent-Disposition: form-data; "
                                             "name=\"file\"; filename=\"media.",
                                             video ? "mp4" : "jpg", "\"\r\nContent-Type: ",
                                             video ? "video/mp4" : "image/jpeg", "\r\n\r\n", bytes,
                                             "\r\n--", boundary, "--\r\n"),
                        .timeout = std::max(call.options.request_timeout, absl::Minutes(5)),
                        .idempotent = true};
    request.headers.emplace_back("Content-Type",
                                 absl::StrCat("multipart/form-data; boundary=", boundary));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    return session.Send(std::move(request), "snapchat.publish: POST /v1/media/{id}/upload")
        .status();
  }

  absl::StatusOr<Json> Reconcile(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string account, Account(call));
    const std::string ref = ClientReference(call.ctx.idempotency_key());
    ASSIGN_OR_RETURN(Json answer, Call(call, "GET", absl::StrCat("adaccounts/", account,
                                                                 "/creatives"),
                                       Json(), true, "", ""));
    const Json& list = JsonMember(answer, "creatives");
    for (const Json& item : list.is_array() ? list : Json::array()) {
      const Json& c = JsonMember(item, "creative");
      if (JsonString(c, "name") != ref) continue;
      absl::Time created = call.now();
      std::string err;
      (void)absl::ParseTime(absl::RFC3339_full, JsonString(c, "created_at"), &created, &err);
      return PublishOutput("snapchat", JsonString(c, "id"),
                           CreativeUrl(account, JsonString(c, "id")), created);
    }
    return ReconcileNotFound(absl::StrCat("snapchat.publish: not found: no creative named ", ref));
  }

  // The first `singular` entity GET `path` lists for which `match` holds, read page by page
  // (`limit`, then paging.next_link); nullopt if no page holds one.
  static absl::StatusOr<std::optional<Json>> FindEntity(
      ActionCall& call, const std::string& path, absl::string_view plural,
      absl::string_view singular, const std::function<bool(const Json&)>& match) {
    const std::string what = absl::StrCat(call.input.action(), ": GET /v1/", path);
    const std::string first = absl::StrCat(call.endpoints.ads, "/v1/", path, "?limit=1000");
    auto page = [&](const std::string& next_link) -> absl::StatusOr<ListingPage> {
      // The token goes only to the ads host, wherever a next_link points.
      if (!next_link.empty() && !absl::StartsWith(next_link, call.endpoints.ads + "/")) {
        return Retryable(absl::StrCat(what, ": next_link leaves ", call.endpoints.ads),
                         "unreadable_listing");
      }
      ASSIGN_OR_RETURN(Json answer, Send(call, "GET", next_link.empty() ? first : next_link,
                                         Json(), true, what));
      ListingPage listed;
      ASSIGN_OR_RETURN(Json items, ListedItems(answer, plural, what));
      for (const Json& item : items) listed.items.push_back(JsonMember(item, singular));
      listed.next = JsonString(JsonMember(answer, "paging"), "next_link");
      return listed;
    };
    return FindInListing(page, match, what);
  }

  // The level `what` of the chain under `path` ("adaccounts/1/campaigns"): the entity
  // listed there named the boost's name, else the one POST `path` {<plural>: [body]} makes.
  static BoostLevel Level(ActionCall& call, std::string what, std::string path,
                          std::string plural, std::string singular, Json body) {
    BoostLevel level;
    level.what = std::move(what);
    level.find = [&call, path, plural, singular] {
      const std::string name = BoostName(call);
      return FindEntity(call, path, plural, singular,
                        [&name](const Json& e) { return JsonString(e, "name") == name; });
    };
    level.create = [&call, path, plural, singular, body = std::move(body)] {
      return Call(call, "POST", path, {{plural, Json::array({body})}}, false, plural, singular);
    };
    return level;
  }

  // Campaign → ad squad → ad, each found by name under its parent or created
  // (workers/common/boost_chain.h).
  absl::StatusOr<Json> Boost(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string account, Account(call));
    ASSIGN_OR_RETURN(std::string creative, call.input.RequiredString("post_id"));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency("USD"));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    ASSIGN_OR_RETURN(std::optional<absl::Time> end, call.input.EndTime(call.now()));
    const std::string name = BoostName(call);
    BoostChain chain(call);
    ASSIGN_OR_RETURN(Json campaign,
                     chain.Campaign(Level(call, "campaign",
                                          absl::StrCat("adaccounts/", account, "/campaigns"),
                                          "campaigns", "campaign",
                                          {{"name", name}, {"ad_account_id", account},
                                           {"status", "ACTIVE"},
                                           {"start_time", Rfc3339(call.now())}})));
    const std::string campaign_id = JsonString(campaign, "id");
    Json squad_body = {{"campaign_id", campaign_id}, {"name", name}, {"type", "SNAP_ADS"},
                       {"placement_v2", {{"config", "AUTOMATIC"}}},
                       {"optimization_goal", "SWIPES"}, {"auto_bid", true},
                       {"bid_micro", 1'000'000}, {"billing_event", "IMPRESSION"},
                       {"daily_budget_micro", budget.micros},
                       {"targeting", {{"geos", Json::array({{{"country_code", "us"}}})}}},
                       {"status", "ACTIVE"}, {"start_time", Rfc3339(call.now())}};
    if (end.has_value()) squad_body["end_time"] = Rfc3339(*end);
    ASSIGN_OR_RETURN(Json squad, chain.FindOrCreate(Level(
                                     call, "ad squad", absl::StrCat("campaigns/", campaign_id,
                                                                    "/adsquads"),
                                     "adsquads", "adsquad", squad_body)));
    const std::string squad_id = JsonString(squad, "id");
    ASSIGN_OR_RETURN(Json ad, chain.FindOrCreate(Level(
                                  call, "ad", absl::StrCat("adsquads/", squad_id, "/ads"), "ads",
                                  "ad",
                                  {{"ad_squad_id", squad_id}, {"creative_id", creative},
                                   {"name", name}, {"type", "SNAP_AD"}, {"status", "ACTIVE"}})));
    // The budget as the ad squad holds it (this attempt's, or an earlier one's).
    budget = MoneyFromMicros(static_cast<int64_t>(JsonNumber(squad, "daily_budget_micro",
                                                             static_cast<double>(budget.micros))),
                             currency);
    Json out = BudgetOutput(budget);
    out.update({{"campaign_id", campaign_id}, {"ad_set_id", squad_id},
                {"ad_id", JsonString(ad, "id")}, {"status", std::string(kActive)}});
    return out;
  }

  absl::StatusOr<Json> SetBudget(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string squad_id, call.input.RequiredOneOf({"ad_set_id", "ad_squad_id"}));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency("USD"));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    ASSIGN_OR_RETURN(Json squad, Call(call, "GET", "adsquads/" + squad_id, Json(), true,
                                      "adsquads", "adsquad"));
    const int64_t previous = static_cast<int64_t>(JsonNumber(squad, "daily_budget_micro"));
    squad["daily_budget_micro"] = budget.micros;
    RETURN_IF_ERROR(Call(call, "PUT",
                         absl::StrCat("campaigns/", JsonString(squad, "campaign_id"), "/adsquads"),
                         {{"adsquads", Json::array({squad})}}, true, "adsquads", "adsquad")
                        .status());
    Json out = BudgetOutput(budget);
    out["previous_budget_micros"] = previous;
    out["ad_set_id"] = squad_id;
    return out;
  }

  absl::StatusOr<Json> SetStatus(ActionCall& call, absl::string_view status) {
    ASSIGN_OR_RETURN(std::string ad_id, call.input.RequiredString("ad_id"));
    ASSIGN_OR_RETURN(Json ad, Call(call, "GET", "ads/" + ad_id, Json(), true, "ads", "ad"));
    ad["status"] = std::string(status);
    RETURN_IF_ERROR(Call(call, "PUT", absl::StrCat("adsquads/", JsonString(ad, "ad_squad_id"), "/ads"),
                         {{"ads", Json::array({ad})}}, true, "ads", "ad")
                        .status());
    return Json{{"status", status == "PAUSED" ? kPaused : kActive}, {"ad_id", ad_id}};
  }

  absl::StatusOr<Json> Insights(ActionCall& call) {
    if (!call.input.Has("ad_id")) {
      return call.input.Reject("ad_id", "is required: Snap Ad creatives have no organic metrics");
    }
    ASSIGN_OR_RETURN(std::string ad_id, call.input.RequiredString("ad_id"));
    ASSIGN_OR_RETURN(TimeWindow window, call.input.Window(call.now()));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency("USD"));
    window = WholeHours(window, call.now());
    ASSIGN_OR_RETURN(Json stats,
                     Call(call, "GET",
                          absl::StrCat("ads/", ad_id, "/stats?", FormEncode({
                              {"granularity", "TOTAL"},
                              {"fields", "impressions,swipes,spend,uniques,conversion_purchases"},
                              {"start_time", Rfc3339(window.since)},
                              {"end_time", Rfc3339(window.until)}})),
                          Json(), true, "total_stats", "total_stat"));
    const Json& s = JsonMember(stats, "stats");
    Metrics m;
    m.impressions = static_cast<int64_t>(JsonNumber(s, "impressions"));
    m.clicks = static_cast<int64_t>(JsonNumber(s, "swipes"));
    m.reach = static_cast<int64_t>(JsonNumber(s, "uniques"));
    m.conversions = static_cast<int64_t>(JsonNumber(s, "conversion_purchases"));
    m.spend = MoneyFromMicros(static_cast<int64_t>(JsonNumber(s, "spend")), currency);
    m.window = window;
    ASSIGN_OR_RETURN(Json ad, Call(call, "GET", "ads/" + ad_id, Json(), true, "ads", "ad"));
    ASSIGN_OR_RETURN(Json squad, Call(call, "GET", "adsquads/" + JsonString(ad, "ad_squad_id"),
                                      Json(), true, "adsquads", "adsquad"));
    return AdInsightsOutput(
        m, AdState{.ad_id = ad_id, .ad_set_id = JsonString(ad, "ad_squad_id"),
                   .active = JsonString(ad, "status") == "ACTIVE" &&
                             JsonString(squad, "status") == "ACTIVE",
                   .daily_budget = MoneyFromMicros(
                       static_cast<int64_t>(JsonNumber(squad, "daily_budget_micro")),
                       currency)});
  }
};

}  // namespace

std::unique_ptr<NetworkAdapter> MakeSnapchatAdapter(const AdapterOptions& options) {
  return std::make_unique<SnapchatAdapter>(options);
}

}  // namespace fanfare::workers
