// TikTok: Content Posting API (creator_info/query, video/init with FILE_UPLOAD chunk rules,
// chunked PUTs to upload_url, status/fetch: PROCESSING_UPLOAD → PUBLISH_COMPLETE), Display
// API video/list and video/query, OAuth v2 token refresh; envelope {"data", "error":
// {"code", "message", "log_id"}}; 6 inits per minute per token (429 rate_limit_exceeded).
// Marketing API v1.3 (campaign/adgroup/ad create, budget and status updates, integrated
// report), answering HTTP 200 with {"code", "message", "request_id", "data"}. Video
// comments (Business API) come from tiktok_comments.cc.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "sandbox/tiktok_api.h"

namespace fanfare::sandbox {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

void Envelope(SandboxResponse& res, int status, const Json& data, const std::string& code = "ok",
              const std::string& message = "") {
  res.SetJson(status, {{"data", data},
                       {"error", {{"code", code}, {"message", message}, {"log_id", "sbxlog"}}}});
}

bool Admit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
           std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const TokenCheck check = state.CheckToken("tiktok", req.Token(), account);
  if (check == TokenCheck::kOk) {
    state.Stats("tiktok", *account).requests++;
    return true;
  }
  if (check == TokenCheck::kExpired) state.Stats("tiktok", *account).auth_failures++;
  Envelope(res, 401, Json::object(), "access_token_invalid",
           "The access token is invalid or not found in the request.");
  return false;
}

void Init(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  if (!state.TakeQuota(absl::StrCat("tiktok/init/", account),
                       state.options().tiktok_inits_per_minute, absl::Minutes(1), nullptr,
                       nullptr)) {
    state.Stats("tiktok", account).throttled++;
    return Envelope(res, 429, Json::object(), "rate_limit_exceeded",
                    "The API rate limit was exceeded. Please try again later.");
  }
  const Json body = req.BodyJson();
  const Json source = body.is_object() ? body.value("source_info", Json::object()) : Json();
  const Json post = body.is_object() ? body.value("post_info", Json::object()) : Json();
  const int64_t size = source.value("video_size", int64_t{0});
  const int64_t chunk = source.value("chunk_size", int64_t{0});
  const int64_t count = source.value("total_chunk_count", int64_t{0});
  const bool whole = size < 5 * kMiB && chunk == size && count == 1;
  const bool chunked = chunk >= 5 * kMiB && chunk <= 64 * kMiB && count == size / chunk;
  if (source.value("source", "") != "FILE_UPLOAD" || size <= 0 || !(whole || chunked)) {
    return Envelope(res, 400, Json::object(), "invalid_params",
                    "source_info: video_size, chunk_size and total_chunk_count break the chunk "
                    "rules");
  }
  const std::string privacy = post.value("privacy_level", "");
  if (privacy != "PUBLIC_TO_EVERYONE" && privacy != "MUTUAL_FOLLOW_FRIENDS" &&
      privacy != "SELF_ONLY") {
    return Envelope(res, 400, Json::object(), "privacy_level_option_mismatch",
                    "privacy_level must be one of creator_info's privacy_level_options");
  }
  AsyncJob job{.id = state.NextId(), .network = "tiktok", .account = account, .kind = "publish",
               .state = "PROCESSING_UPLOAD", .created_at = state.Now(), .expected_bytes = size};
  job.pending = PostRecord{.network = "tiktok", .account = account,
                           .text = post.value("title", std::string())};
  job.pending.visual = true;  // a video
  const std::string publish_id = absl::StrCat("v_pub_file~v2-1.", job.id);
  Envelope(res, 200, {{"publish_id", publish_id},
                      {"upload_url", absl::StrCat("http://", req.Header("host"),
                                                  "/tiktok/upload/?upload_id=", job.id)}});
  state.jobs[job.id] = std::move(job);
}

void Upload(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  auto it = state.jobs.find(req.Param("upload_id"));
  if (it == state.jobs.end()) return Envelope(res, 404, Json::object(), "invalid_params", "no upload");
  AsyncJob& job = it->second;
  std::vector<std::string> parts =
      absl::StrSplit(absl::StripPrefix(req.Header("content-range"), "bytes "),
                     absl::ByAnyChar("-/"));
  int64_t first = 0, last = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &first) ||
      !absl::SimpleAtoi(parts[1], &last) ||
      last - first + 1 != static_cast<int64_t>(req.body.size())) {
    return Envelope(res, 400, Json::object(), "invalid_params", "bad Content-Range");
  }
  if (first == job.received_bytes) job.received_bytes = last + 1;
  if (job.received_bytes >= job.expected_bytes) {
    if (job.fields.value("uploaded_at", "").empty()) {
      job.fields["uploaded_at"] = Rfc3339(state.Now());
      job.polls = 0;
    }
    res.status = 201;
  } else {
    res.status = 206;
  }
  res.body.clear();
}

// Processing is over: the video is public.
void Commit(SandboxState& state, AsyncJob& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  PostRecord post = job.pending;
  post.id = absl::StrCat("73", state.NextId(), "00");
  post.url = absl::StrCat("https://www.tiktok.com/@", job.account, "/video/", post.id);
  post.created_at = state.Now();
  job.post_id = state.AddPost(std::move(post)).id;
  job.state = "PUBLISH_COMPLETE";
}

// TikTok publishes an uploaded video whether or not anyone polls: jobs whose processing
// time has passed are committed before the account's videos are listed.
void Settle(SandboxState& state, const std::string& account)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  for (auto& [id, job] : state.jobs) {
    if (job.network == "tiktok" && job.account == account && job.state == "PROCESSING_UPLOAD" &&
        !job.fields.value("uploaded_at", "").empty() &&
        state.Now() - job.created_at >= state.options().processing_time) {
      Commit(state, job);
    }
  }
}

void FetchStatus(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  const Json body = req.BodyJson();
  const std::string publish_id = body.is_object() ? body.value("publish_id", "") : "";
  const size_t dot = publish_id.rfind('.');
  auto it = state.jobs.find(dot == std::string::npos ? "" : publish_id.substr(dot + 1));
  if (it == state.jobs.end()) {
    return Envelope(res, 400, Json::object(), "invalid_publish_id", "publish_id not found");
  }
  AsyncJob& job = it->second;
  const bool uploaded = !job.fields.value("uploaded_at", "").empty();
  if (job.state == "PROCESSING_UPLOAD" && uploaded && state.PollJob(job)) Commit(state, job);
  Json data = {{"status", job.state}, {"uploaded_bytes", job.received_bytes}};
  if (!job.post_id.empty()) data["publicaly_available_post_id"] = Json::array({job.post_id});
  Envelope(res, 200, data);
}

Json VideoJson(SandboxState& state, const PostRecord& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const AdMetrics m = OrganicMetrics(state.options().seed, p.id, p.created_at, state.Now());
  return {{"id", p.id}, {"title", p.text}, {"create_time", absl::ToUnixSeconds(p.created_at)},
          {"share_url", p.url}, {"view_count", m.impressions}, {"like_count", m.clicks / 2},
          {"comment_count", m.clicks / 10}, {"share_count", m.clicks / 20}};
}

void ListVideos(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, &account)) return;
  Settle(state, account);
  const Json body = req.BodyJson();
  Json ids = body.is_object() ? body.value("filters", Json::object()).value("video_ids", Json())
                              : Json();
  Json videos = Json::array();
  for (auto it = state.posts.rbegin(); it != state.posts.rend() && videos.size() < 20; ++it) {
    if (it->network != "tiktok" || it->account != account) continue;
    if (ids.is_array() && std::find(ids.begin(), ids.end(), Json(it->id)) == ids.end()) continue;
    videos.push_back(VideoJson(state, *it));
  }
  Envelope(res, 200, {{"videos", videos}, {"cursor", 0}, {"has_more", false}});
}

}  // namespace

// --- Marketing API ---------------------------------------------------------------------

namespace tiktok {

void Biz(SandboxResponse& res, int code, const std::string& message, const Json& data) {
  res.SetJson(200, {{"code", code}, {"message", message}, {"request_id", "sbxreq"},
                    {"data", data}});
}

bool BizAdmit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res,
              std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const std::string token = req.Header("access-token");
  const TokenCheck check = state.CheckToken("tiktok", token, account);
  if (check == TokenCheck::kOk) {
    state.Stats("tiktok", *account).requests++;
    return true;
  }
  Biz(res, 40105, "Access token is incorrect or has been revoked.", Json::object());
  return false;
}

Json Get(const SandboxRequest& req, const std::string& name) {
  const Json body = req.BodyJson();
  if (body.is_object() && body.contains(name)) return body[name];
  Json parsed = Json::parse(req.Param(name), nullptr, false);
  if (!parsed.is_discarded()) return parsed;
  return req.Param(name).empty() ? Json() : Json(req.Param(name));
}

std::string Str(const SandboxRequest& req, const std::string& name) {
  const Json v = Get(req, name);
  return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
}

}  // namespace tiktok

namespace {

using tiktok::Biz;
using tiktok::BizAdmit;
using tiktok::Get;
using tiktok::Str;

void BizCreate(SandboxState& state, const std::string& kind, const SandboxRequest& req,
               SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!BizAdmit(state, req, res, &account)) return;
  AdEntity e{.network = "tiktok", .account = account, .id = state.NextId(), .kind = kind};
  if (kind == "campaign") {
    e.name = Str(req, "campaign_name");
    e.objective = Str(req, "objective_type");
    Biz(res, 0, "OK", {{"campaign_id", e.id}});
  } else if (kind == "adset") {
    e.name = Str(req, "adgroup_name");
    e.parent_id = Str(req, "campaign_id");
    const Json budget = Get(req, "budget");
    const double amount = budget.is_number() ? budget.get<double>() : 0;
    if (Str(req, "budget_mode") != "BUDGET_MODE_DAY" || amount < 20.0 ||
        state.FindAd(e.parent_id) == nullptr) {
      return Biz(res, 40002, "budget: a daily budget of at least 20 is required", Json::object());
    }
    e.daily_budget_micros = static_cast<int64_t>(amount * 1e6 + 0.5);
    e.end_time = ParseTimeParam(Str(req, "schedule_end_time"), absl::InfiniteFuture());
    Biz(res, 0, "OK", {{"adgroup_id", e.id}});
  } else {
    e.parent_id = Str(req, "adgroup_id");
    const Json creatives = Get(req, "creatives");
    if (!creatives.is_array() || creatives.empty() || state.FindAd(e.parent_id) == nullptr) {
      return Biz(res, 40002, "adgroup_id and creatives are required", Json::object());
    }
    e.name = creatives[0].value("ad_name", std::string());
    e.promoted_post = creatives[0].value("tiktok_item_id", std::string());
    Biz(res, 0, "OK", {{"ad_ids", Json::array({e.id})}});
  }
  state.AddAd(std::move(e));
}

void BizUpdate(SandboxState& state, const std::string& what, const SandboxRequest& req,
               SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!BizAdmit(state, req, res, &account)) return;
  if (what == "budget") {
    for (const Json& item : Get(req, "budget")) {
      AdEntity* e = state.FindAd(item.value("adgroup_id", std::string()));
      const double amount = item.value("budget", 0.0);
      if (e == nullptr || amount < 20.0) return Biz(res, 40002, "invalid budget", Json::object());
      e->daily_budget_micros = static_cast<int64_t>(amount * 1e6 + 0.5);
      state.RecordDelivery(e->id);
    }
    return Biz(res, 0, "OK", Json::object());
  }
  const std::string op = Str(req, "operation_status");
  Json ids = Get(req, "ad_ids");
  for (const Json& id : ids) {
    AdEntity* e = state.FindAd(id.is_string() ? id.get<std::string>() : id.dump());
    if (e == nullptr) return Biz(res, 40002, "ad not found", Json::object());
    e->status = op == "DISABLE" ? "PAUSED" : "ACTIVE";
    state.RecordDelivery(e->id);
  }
  Biz(res, 0, "OK", {{"ad_ids", ids}});
}

std::string OperationStatus(const AdEntity& e) {
  return e.status == "ACTIVE" ? "ENABLE" : "DISABLE";
}

Json BizEntityJson(SandboxState& state, const AdEntity& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  if (e.kind == "campaign") {
    return {{"campaign_id", e.id}, {"campaign_name", e.name},
            {"objective_type", e.objective}, {"operation_status", OperationStatus(e)}};
  }
  if (e.kind == "adset") {
    return {{"adgroup_id", e.id}, {"adgroup_name", e.name}, {"campaign_id", e.parent_id},
            {"budget", e.daily_budget_micros / 1e6}, {"budget_mode", "BUDGET_MODE_DAY"},
            {"operation_status", OperationStatus(e)}};
  }
  const AdEntity* adgroup = state.FindAd(e.parent_id);
  return {{"ad_id", e.id}, {"ad_name", e.name}, {"adgroup_id", e.parent_id},
          {"campaign_id", adgroup != nullptr ? adgroup->parent_id : ""},
          {"tiktok_item_id", e.promoted_post}, {"operation_status", OperationStatus(e)}};
}

// campaign/get, adgroup/get and ad/get: this advertiser's objects of `kind`, filtered by
// `filtering` ({"campaign_name"} (contains), {"campaign_ids"}, {"adgroup_ids"}, {"ad_ids"}).
void BizGet(SandboxState& state, const std::string& kind, const SandboxRequest& req,
            SandboxResponse& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!BizAdmit(state, req, res, &account)) return;
  const Json filtering = Get(req, "filtering");
  auto listed = [&filtering](const char* key, const std::string& id) {
    const Json ids = filtering.is_object() ? filtering.value(key, Json()) : Json();
    if (!ids.is_array()) return true;
    for (const Json& i : ids) {
      if ((i.is_string() ? i.get<std::string>() : i.dump()) == id) return true;
    }
    return false;
  };
  const std::string name = filtering.is_object() ? filtering.value("campaign_name", "") : "";
  Json list = Json::array();
  for (const auto& [id, e] : state.ads) {
    if (e.network != "tiktok" || e.account != account || e.kind != kind) continue;
    if (kind == "campaign" && (!listed("campaign_ids", e.id) ||
                               !absl::StrContains(e.name, name))) {
      continue;
    }
    if (kind == "adset" && (!listed("adgroup_ids", e.id) || !listed("campaign_ids", e.parent_id))) {
      continue;
    }
    if (kind == "ad" && (!listed("ad_ids", e.id) || !listed("adgroup_ids", e.parent_id))) continue;
    list.push_back(BizEntityJson(state, e));
  }
  Biz(res, 0, "OK", {{"list", list}, {"page_info", {{"total_number", list.size()}}}});
}

// report/integrated/get over whole days [start_date, end_date]: one row per ad, or per ad
// and hour with the stat_time_hour dimension ("2026-12-01 13:00:00"; hours without
// impressions left out).
void Report(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!BizAdmit(state, req, res, &account)) return;
  const absl::Time since = ParseTimeParam(Str(req, "start_date"), state.Now());
  const absl::Time until = ParseTimeParam(Str(req, "end_date"), state.Now()) + absl::Hours(24);
  const Json dimensions = Get(req, "dimensions");
  const bool hourly = dimensions.is_array() &&
                      std::find(dimensions.begin(), dimensions.end(), Json("stat_time_hour")) !=
                          dimensions.end();
  std::vector<absl::Time> boundaries = {since};
  if (hourly) {
    for (absl::Time t = since + absl::Hours(1); t < until; t += absl::Hours(1)) {
      boundaries.push_back(t);
    }
  }
  boundaries.push_back(until);
  Json list = Json::array();
  for (const Json& filter : Get(req, "filtering")) {
    Json values = Json::parse(filter.value("filter_value", std::string("[]")), nullptr, false);
    if (values.is_discarded()) continue;
    for (const Json& id : values) {
      const std::vector<AdMetrics> series = state.SeriesUnder(id.get<std::string>(), boundaries);
      for (size_t i = 0; i < series.size(); ++i) {
        const AdMetrics& m = series[i];
        if (hourly && m.impressions == 0) continue;
        Json dims = {{"ad_id", id}};
        if (hourly) {
          dims["stat_time_hour"] =
              absl::FormatTime("%Y-%m-%d %H:00:00", boundaries[i], absl::UTCTimeZone());
        }
        list.push_back({{"dimensions", dims},
                        {"metrics", {{"spend", absl::StrFormat("%d.%02d",
                                                               m.spend_micros / 1'000'000,
                                                               (m.spend_micros / 10'000) % 100)},
                                     {"impressions", absl::StrCat(m.impressions)},
                                     {"clicks", absl::StrCat(m.clicks)},
                                     {"reach", absl::StrCat(m.reach)},
                                     {"conversion", absl::StrCat(m.conversions)}}}});
      }
    }
  }
  Biz(res, 0, "OK", {{"list", list}, {"page_info", {{"total_number", list.size()}}}});
}

}  // namespace

void RegisterTikTok(Router& router, SandboxState& state) {
  router.Add("POST", "/tiktok/v2/oauth/token", [&state](const SandboxRequest& req,
                                                        SandboxResponse& res) {
    HandleTokenEndpoint(state, "tiktok", req, res);
  });
  router.Add("POST", "/tiktok/v2/post/publish/creator_info/query",
             Locked(state, [](SandboxState& state, const SandboxRequest& req, SandboxResponse& res) {
               std::string account;
               if (!Admit(state, req, res, &account)) return;
               Envelope(res, 200,
                        {{"creator_username", account}, {"creator_nickname", account},
                         {"creator_avatar_url", "https://p16.tiktokcdn.example/avatar.jpeg"},
                         {"privacy_level_options", Json::array({"PUBLIC_TO_EVERYONE",
                                                                "MUTUAL_FOLLOW_FRIENDS",
                                                                "SELF_ONLY"})},
                         {"comment_disabled", false}, {"duet_disabled", false},
                         {"stitch_disabled", false}, {"max_video_post_duration_sec", 600}});
             }));
  router.Add("POST", "/tiktok/v2/post/publish/video/init", Locked(state, &Init));
  router.Add("PUT", "/tiktok/upload", Locked(state, &Upload));
  router.Add("POST", "/tiktok/v2/post/publish/status/fetch", Locked(state, &FetchStatus));
  router.Add("POST", "/tiktok/v2/video/list", Locked(state, &ListVideos));
  router.Add("POST", "/tiktok/v2/video/query", Locked(state, &ListVideos));
  const std::string biz = "/tiktok/open_api/v1.3/";
  for (const auto& [path, kind] : {std::pair{"campaign/create", "campaign"},
                                   std::pair{"adgroup/create", "adset"},
                                   std::pair{"ad/create", "ad"}}) {
    const std::string k = kind;
    router.Add("POST", biz + path, Locked(state, [k](SandboxState& state, const SandboxRequest& req,
                                               SandboxResponse& res)
                                              ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
      BizCreate(state, k, req, res);
    }));
  }
  router.Add("POST", biz + "adgroup/budget/update",
             Locked(state, [](SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
               BizUpdate(state, "budget", req, res);
             }));
  router.Add("POST", biz + "ad/status/update",
             Locked(state, [](SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
               BizUpdate(state, "status", req, res);
             }));
  for (const auto& [path, kind] : {std::pair{"campaign/get", "campaign"},
                                   std::pair{"adgroup/get", "adset"},
                                   std::pair{"ad/get", "ad"}}) {
    const std::string k = kind;
    router.Add("GET", biz + path, Locked(state, [k](SandboxState& state, const SandboxRequest& req,
                                              SandboxResponse& res)
                                             ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
      BizGet(state, k, req, res);
    }));
  }
  router.Add("GET", biz + "report/integrated/get", Locked(state, &Report));
  tiktok::RegisterComments(router, state);
  // The sandbox's advertisers bill in USD and report in UTC.
  router.Add("GET", biz + "advertiser/info",
             Locked(state, [](SandboxState& state, const SandboxRequest& req, SandboxResponse& res) {
               std::string account;
               if (!BizAdmit(state, req, res, &account)) return;
               Json list = Json::array();
               for (const Json& id : Get(req, "advertiser_ids")) {
                 list.push_back({{"advertiser_id", id}, {"name", account}, {"currency", "USD"},
                                 {"timezone", "Etc/UTC"}});
               }
               Biz(res, 0, "OK", {{"list", list}});
             }));
}

}  // namespace fanfare::sandbox
