#include "workers/tiktok/tiktok_adapter.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/api_session.h"
#include "workers/common/outputs.h"

namespace fanfare::workers {

absl::Status ClassifyTikTokError(const HttpResponse& r, absl::string_view what) {
  const std::optional<Json> body = ParseJson(r.body);
  const Json& error = body.has_value() ? JsonMember(*body, "error") : JsonMember(Json(), "");
  const std::string code = JsonString(error, "code", absl::StrCat(r.status));
  const std::string message = absl::StrCat(what, ": HTTP ", r.status, ": ", code, ": ",
                                           JsonString(error, "message", "no message"));
  if (code == "rate_limit_exceeded" || r.status == 429) {
    return Throttled(message, RetryAfterHeader(r, absl::Minutes(1)), code);
  }
  if (code == "spam_risk_too_many_posts") return Throttled(message, absl::Hours(24), code);
  if (r.status == 401 || code == "access_token_invalid" || code == "access_token_expired") {
    return AuthExpired(absl::StrCat(message, "; re-authorise the account"), code);
  }
  if (r.status >= 500 || code == "internal_error") return Retryable(message, code);
  return RejectedInput(message, code);
}

absl::Status ClassifyTikTokBusinessCode(int64_t code, absl::string_view message,
                                        absl::string_view what) {
  const std::string text = absl::StrCat(what, ": code ", code, ": ", message);
  const std::string c = absl::StrCat(code);
  if (code == 40100 || code == 40133) return Throttled(text, absl::Minutes(1), c);
  if (code == 40001 || code == 40102 || code == 40104 || code == 40105) {
    return AuthExpired(absl::StrCat(text, "; issue a new Marketing API token for the advertiser"),
                       c);
  }
  if (code >= 50000) return Retryable(text, c);
  return RejectedInput(text, c);
}

namespace {

constexpr int64_t kMiB = 1024 * 1024;

class TikTokAdapter final : public AdapterBase {
 public:
  explicit TikTokAdapter(const AdapterOptions& options) : AdapterBase("tiktok", options) {
    Register("publish", false, [this](ActionCall& c) { return Publish(c); },
             [this](ActionCall& c) { return Reconcile(c); });
    Register("insights", true, [this](ActionCall& c) { return Insights(c); });
    Register("boost", false, [this](ActionCall& c) { return Boost(c); });
    Register("set_budget", true, [this](ActionCall& c) { return SetBudget(c); });
    Register("pause", true, [this](ActionCall& c) { return SetStatus(c, "DISABLE"); });
    Register("resume", true, [this](ActionCall& c) { return SetStatus(c, "ENABLE"); });
  }

 private:
  static NetworkProtocol Protocol(const ActionCall& call) {
    return NetworkProtocol{
        .network = "tiktok", .classify = &ClassifyTikTokError,
        .is_auth_failure = [](const HttpResponse& r) { return r.status == 401; },
        .refresh = OAuthRefreshSpec{.network = "tiktok",
                                    .token_url = call.endpoints.auth + "/v2/oauth/token/",
                                    .client_id_field = "client_key"}};
  }

  static absl::StatusOr<std::string> Caption(const TaskInput& input) {
    ASSIGN_OR_RETURN(std::string text, input.RequiredOneOf({"caption", "text"}));
    ASSIGN_OR_RETURN(std::vector<std::string> tags, input.StringList("hashtags"));
    for (const std::string& tag : tags) absl::StrAppend(&text, " #", tag);
    return text;
  }

  static absl::StatusOr<Json> Content(ActionCall& call, ApiSession& session,
                                      absl::string_view path, const Json& body,
                                      bool idempotent) {
    ASSIGN_OR_RETURN(Json answer,
                     session.SendJson(JsonRequest(call, "POST", call.endpoints.api + std::string(path),
                                                  body, idempotent),
                                      absl::StrCat(call.input.action(), ": POST ", path)));
    return JsonMember(answer, "data");
  }

  absl::StatusOr<Json> Publish(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string caption, Caption(call.input));
    std::string url = call.input.OptionalString("video_url");
    const Json& media = JsonMember(call.input.json(), "media");
    if (url.empty() && media.is_array() && !media.empty()) url = JsonString(media[0], "url");
    if (url.empty()) return call.input.Reject("video_url", "is required (or media: [{url}])");
    const std::string privacy = call.input.OptionalString("privacy", "PUBLIC_TO_EVERYONE");
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    RETURN_IF_ERROR(Content(call, session, "/v2/post/publish/creator_info/query/", Json::object(),
                            true).status());
    ASSIGN_OR_RETURN(std::string bytes, FetchMedia(call, url));
    const int64_t size = static_cast<int64_t>(bytes.size());
    const int64_t chunk =
        size < 5 * kMiB ? size : std::clamp<int64_t>(call.options.tiktok_chunk_bytes, 5 * kMiB, 64 * kMiB);
    const int64_t count = std::max<int64_t>(1, size / chunk);
    // An init that is never uploaded publishes nothing: retrying it is safe.
    ASSIGN_OR_RETURN(Json init,
                     Content(call, session, "/v2/post/publish/video/init/",
                             {{"post_info", {{"title", caption}, {"privacy_level", privacy},
                                             {"disable_duet", false}, {"disable_comment", false},
                                             {"disable_stitch", false}}},
                              {"source_info", {{"source", "FILE_UPLOAD"}, {"video_size", size},
                                               {"chunk_size", chunk},
                                               {"total_chunk_count", count}}}},
                             true));
    const std::string publish_id = JsonString(init, "publish_id");
    RETURN_IF_ERROR(UploadChunks(call, JsonString(init, "upload_url"), bytes, chunk, count));
    return AwaitPublish(call, session, publish_id);
  }

  absl::Status UploadChunks(ActionCall& call, const std::string& url, const std::string& bytes,
                            int64_t chunk, int64_t count) {
    const int64_t size = static_cast<int64_t>(bytes.size());
    for (int64_t i = 0; i < count; ++i) {
      const int64_t first = i * chunk;
      const int64_t last = i + 1 == count ? size - 1 : first + chunk - 1;  // last takes the rest
      HttpRequest put{.method = "PUT", .url = url,
                      .body = bytes.substr(static_cast<size_t>(first),
                                           static_cast<size_t>(last - first + 1)),
                      .timeout = std::max(call.options.request_timeout, absl::Minutes(5)),
                      .idempotent = true};
      put.headers.emplace_back("Content-Type", "video/mp4");
      put.headers.emplace_back("Content-Range",
                               absl::StrCat("bytes ", first, "-", last, "/", size));
      absl::StatusOr<HttpResponse> r = call.options.http->Send(put);
      if (!r.ok()) {
        if (i + 1 == count) return OutcomeUnknown(r.status().message(), "no_response");
        return Retryable(r.status().message());
      }
      if (r->status != 201 && r->status != 206 && !r->ok()) {
        return ClassifyTikTokError(*r, "tiktok.publish: PUT upload_url");
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Json> AwaitPublish(ActionCall& call, ApiSession& session,
                                    const std::string& publish_id) {
    for (int poll = 0; poll < call.options.max_polls; ++poll) {
      ASSIGN_OR_RETURN(Json status, Content(call, session, "/v2/post/publish/status/fetch/",
                                            {{"publish_id", publish_id}}, true));
      const std::string state = JsonString(status, "status");
      if (state == "PUBLISH_COMPLETE") {
        const Json& ids = JsonMember(status, "publicaly_available_post_id");
        const std::string id = ids.is_array() && !ids.empty() ? JsonString(Json{{"i", ids[0]}}, "i")
                                                              : publish_id;
        const std::string user = call.account.Get("username");
        return PublishOutput("tiktok", id,
                             absl::StrCat("https://www.tiktok.com/@", user.empty() ? call.account.alias : user,
                                          "/video/", id),
                             call.now());
      }
      if (state == "FAILED") {
        return RejectedInput(absl::StrCat("tiktok.publish: publishing failed: ",
                                          JsonString(status, "fail_reason", "no reason")),
                             JsonString(status, "fail_reason"));
      }
      if (!call.PollWait()) return absl::CancelledError("tiktok.publish: cancelled");
    }
    return OutcomeUnknown(absl::StrCat("tiktok.publish: ", publish_id,
                                       " is still processing; reconcile will settle it"),
                          "still_processing");
  }

  absl::StatusOr<Json> Reconcile(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string caption, Caption(call.input));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(Json list, Content(call, session,
                                        "/v2/video/list/?fields=id,title,create_time,share_url",
                                        {{"max_count", 20}}, true));
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    const Json& videos = JsonMember(list, "videos");
    for (const Json& v : videos.is_array() ? videos : Json::array()) {
      const absl::Time created =
          absl::FromUnixSeconds(static_cast<int64_t>(JsonNumber(v, "create_time")));
      if (JsonString(v, "title") != caption || created < oldest) continue;
      return PublishOutput("tiktok", JsonString(v, "id"), JsonString(v, "share_url"), created);
    }
    return OutcomeUnknown("tiktok.publish: not found: no video with this caption in the "
                          "look-back window", "not_found");
  }

  absl::StatusOr<Json> Insights(ActionCall& call) {
    ASSIGN_OR_RETURN(TimeWindow window, call.input.Window(call.now()));
    if (call.input.Has("ad_id")) return AdInsights(call, window);
    ASSIGN_OR_RETURN(std::string id, call.input.RequiredOneOf({"post_id", "ad_id"}));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(Json data, Content(call, session,
                                        "/v2/video/query/?fields=id,view_count,like_count,"
                                        "comment_count,share_count",
                                        {{"filters", {{"video_ids", Json::array({id})}}}}, true));
    const Json& videos = JsonMember(data, "videos");
    const Json v = videos.is_array() && !videos.empty() ? videos[0] : Json::object();
    Metrics m;
    m.impressions = static_cast<int64_t>(JsonNumber(v, "view_count"));
    m.spend = MoneyFromMicros(0, call.input.OptionalString("currency", "USD"));
    m.window = window;
    Json out = InsightsOutput(m);
    out["post_id"] = id;
    out["views"] = m.impressions;
    out["period"] = "lifetime";
    return out;
  }

  // --- Marketing API -------------------------------------------------------------------

  static AuthScheme BusinessAuth() {
    return AuthScheme{.header = "Access-Token", .prefix = "", .token_field = "ads_access_token",
                      .fallback_field = "access_token"};
  }

  static absl::StatusOr<Json> Business(ActionCall& call, absl::string_view method,
                                       absl::string_view path, const Json& body) {
    ASSIGN_OR_RETURN(std::string advertiser, call.account.Require("advertiser_id"));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    std::string url = absl::StrCat(call.endpoints.ads, "/open_api/v1.3/", path);
    Json payload = body;
    payload["advertiser_id"] = advertiser;
    HttpRequest request;
    if (method == "GET") {
      std::vector<std::pair<std::string, std::string>> q;
      for (const auto& [k, v] : payload.items()) q.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
      request = GetRequest(call, absl::StrCat(url, "?", FormEncode(q)));
    } else {
      // Creating objects is not idempotent; updates (budget, status) are.
      request = JsonRequest(call, "POST", url, payload, !absl::EndsWith(path, "create/"));
    }
    const std::string what = absl::StrCat(call.input.action(), ": ", method, " ", path);
    ASSIGN_OR_RETURN(Json answer, session.SendJson(std::move(request), what, BusinessAuth()));
    const int64_t code = static_cast<int64_t>(JsonNumber(answer, "code", -1));
    if (code != 0) return ClassifyTikTokBusinessCode(code, JsonString(answer, "message"), what);
    return JsonMember(answer, "data");
  }

  absl::StatusOr<Json> Boost(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string video, call.input.RequiredString("post_id"));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency("USD"));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    budget = RoundToMinorUnit(budget);
    ASSIGN_OR_RETURN(std::optional<absl::Time> end, call.input.EndTime(call.now()));
    const std::string name = absl::StrCat("Fanfare ", ClientReference(call.ctx.idempotency_key()));
    auto tiktok_time = [](absl::Time t) {
      return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
    };
    ASSIGN_OR_RETURN(Json campaign, Business(call, "POST", "campaign/create/",
                                             {{"campaign_name", name},
                                              {"objective_type", "TRAFFIC"},
                                              {"budget_mode", "BUDGET_MODE_INFINITE"}}));
    const std::string campaign_id = JsonString(campaign, "campaign_id");
    Json adgroup_body = {{"campaign_id", campaign_id}, {"adgroup_name", name},
                         {"placement_type", "PLACEMENT_TYPE_NORMAL"},
                         {"placements", Json::array({"PLACEMENT_TIKTOK"})},
                         {"location_ids", Json::array({"6252001"})},
                         {"budget_mode", "BUDGET_MODE_DAY"}, {"budget", budget.units()},
                         {"schedule_type", end.has_value() ? "SCHEDULE_START_END"
                                                           : "SCHEDULE_FROM_NOW"},
                         {"schedule_start_time", tiktok_time(call.now())},
                         {"optimization_goal", "CLICK"}, {"billing_event", "CPC"},
                         {"bid_type", "BID_TYPE_NO_BID"}, {"operation_status", "ENABLE"}};
    if (end.has_value()) adgroup_body["schedule_end_time"] = tiktok_time(*end);
    ASSIGN_OR_RETURN(Json adgroup, Business(call, "POST", "adgroup/create/", adgroup_body));
    const std::string adgroup_id = JsonString(adgroup, "adgroup_id");
    ASSIGN_OR_RETURN(Json ad, Business(call, "POST", "ad/create/",
                                       {{"adgroup_id", adgroup_id},
                                        {"creatives", Json::array({{{"ad_name", name},
                                                                    {"ad_format", "SINGLE_VIDEO"},
                                                                    {"tiktok_item_id", video},
                                                                    {"identity_type", "AUTH_CODE"},
                                                                    {"call_to_action",
                                                                     "LEARN_MORE"}}})}}));
    const Json& ad_ids = JsonMember(ad, "ad_ids");
    Json out = BudgetOutput(budget);
    out.update({{"campaign_id", campaign_id}, {"ad_set_id", adgroup_id},
                {"ad_id", ad_ids.is_array() && !ad_ids.empty()
                              ? JsonString(Json{{"i", ad_ids[0]}}, "i") : ""},
                {"status", std::string(kActive)}});
    return out;
  }

  static absl::StatusOr<Money> AdGroupBudget(ActionCall& call, const std::string& adgroup,
                                             const std::string& currency) {
    ASSIGN_OR_RETURN(Json got, Business(call, "GET", "adgroup/get/",
                                        {{"filtering", Json{{"adgroup_ids",
                                                             Json::array({adgroup})}}.dump()}}));
    const Json& list = JsonMember(got, "list");
    if (!list.is_array() || list.empty()) {
      return RejectedInput(absl::StrCat(call.input.action(), ": ad group ", adgroup, " not found"));
    }
    return MoneyFromDouble(JsonNumber(list[0], "budget"), currency);
  }

  absl::StatusOr<Json> SetBudget(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string adgroup, call.input.RequiredOneOf({"ad_set_id", "adgroup_id"}));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency("USD"));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    budget = RoundToMinorUnit(budget);
    ASSIGN_OR_RETURN(Money previous, AdGroupBudget(call, adgroup, currency));
    RETURN_IF_ERROR(Business(call, "POST", "adgroup/budget/update/",
                             {{"budget", Json::array({{{"adgroup_id", adgroup},
                                                       {"budget", budget.units()}}})}})
                        .status());
    Json out = BudgetOutput(budget);
    out["previous_budget_micros"] = RoundToMinorUnit(previous).micros;
    out["ad_set_id"] = adgroup;
    return out;
  }

  absl::StatusOr<Json> SetStatus(ActionCall& call, absl::string_view op) {
    ASSIGN_OR_RETURN(std::string ad, call.input.RequiredString("ad_id"));
    RETURN_IF_ERROR(Business(call, "POST", "ad/status/update/",
                             {{"ad_ids", Json::array({ad})},
                              {"operation_status", std::string(op)}})
                        .status());
    return Json{{"status", op == "DISABLE" ? kPaused : kActive}, {"ad_id", ad}};
  }

  absl::StatusOr<Json> AdInsights(ActionCall& call, const TimeWindow& window) {
    ASSIGN_OR_RETURN(std::string ad, call.input.RequiredString("ad_id"));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency("USD"));
    const DaySpan span = DaysCovering(window, call.now());
    const Json filter = Json::array({{{"field_name", "ad_ids"}, {"filter_type", "IN"},
                                      {"filter_value", Json::array({ad}).dump()}}});
    ASSIGN_OR_RETURN(Json report,
                     Business(call, "GET", "report/integrated/get/",
                              {{"report_type", "BASIC"}, {"data_level", "AUCTION_AD"},
                               {"dimensions", Json::array({"ad_id"}).dump()},
                               {"metrics", Json::array({"spend", "impressions", "clicks", "reach",
                                                        "conversion"}).dump()},
                               {"start_date", absl::FormatCivilTime(span.first)},
                               {"end_date", absl::FormatCivilTime(span.last)},
                               {"filtering", filter.dump()}}));
    const Json& list = JsonMember(report, "list");
    const Json metrics = list.is_array() && !list.empty() ? JsonMember(list[0], "metrics")
                                                          : Json::object();
    Metrics m;
    m.impressions = static_cast<int64_t>(JsonNumber(metrics, "impressions"));
    m.clicks = static_cast<int64_t>(JsonNumber(metrics, "clicks"));
    m.reach = static_cast<int64_t>(JsonNumber(metrics, "reach"));
    m.conversions = static_cast<int64_t>(JsonNumber(metrics, "conversion"));
    ASSIGN_OR_RETURN(m.spend, MoneyFromDecimal(JsonString(metrics, "spend", "0"), currency));
    m.window = span.measured;
    Json out = InsightsOutput(m);
    out["ad_id"] = ad;
    if (call.input.Has("ad_set_id")) {
      const std::string adgroup = call.input.OptionalString("ad_set_id");
      ASSIGN_OR_RETURN(Money budget, AdGroupBudget(call, adgroup, currency));
      out.update(BudgetOutput(RoundToMinorUnit(budget)));
      out["ad_set_id"] = adgroup;
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<NetworkAdapter> MakeTikTokAdapter(const AdapterOptions& options) {
  return std::make_unique<TikTokAdapter>(options);
}

}  // namespace fanfare::workers
