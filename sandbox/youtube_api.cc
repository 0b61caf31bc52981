// YouTube Data API v3: resumable videos.insert (session URL in Location, chunked PUTs with
// Content-Range answered by 308 Resume Incomplete and a Range header, then the video
// resource), videos.list (statistics as strings, processing states), channels and
// playlistItems for reading uploads back; daily quota units per Pacific day (insert 1600,
// reads 1) with 403 quotaExceeded; Google's token endpoint at /youtube/token.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sandbox/youtube_api.h"

namespace fanfare::sandbox {
namespace youtube {

void GoogleError(SandboxResponse& res, int code, const std::string& reason,
                 const std::string& message, const std::string& domain) {
  const char* status = code == 401   ? "UNAUTHENTICATED"
                       : code == 403 ? "PERMISSION_DENIED"
                       : code == 404 ? "NOT_FOUND"
                                     : "INVALID_ARGUMENT";
  res.SetJson(code, {{"error", {{"code", code}, {"message", message},
                                {"errors", Json::array({{{"message", message},
                                                         {"domain", domain},
                                                         {"reason", reason}}})},
                                {"status", status}}}});
}

namespace {

// Quota days start at midnight Pacific time (modelled as UTC−8).
int64_t PacificDay(absl::Time t) {
  return absl::ToUnixSeconds(t - absl::Hours(8)) / 86400;
}

}  // namespace

bool Admit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res, int64_t units,
           std::string* account) {
  const TokenCheck check = state.CheckToken("youtube", req.Token(), account);
  if (check != TokenCheck::kOk) {
    if (check == TokenCheck::kExpired) state.Stats("youtube", *account).auth_failures++;
    GoogleError(res, 401, "authError", "Request had invalid authentication credentials. "
                                       "Expected OAuth 2 access token.");
    return false;
  }
  AccountStats& stats = state.Stats("youtube", *account);
  stats.requests++;
  int64_t& used = state.counters[absl::StrCat("youtube/units/", *account, "/",
                                              PacificDay(state.Now()))];
  if (used + units > state.options().youtube_units_per_day) {
    stats.throttled++;
    GoogleError(res, 403, "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
                "youtube.quota");
    return false;
  }
  used += units;
  return true;
}

bool Paging(const SandboxRequest& req, SandboxResponse& res, int fallback, int limit,
            int* max_results, size_t* offset) {
  *max_results = fallback;
  if (!req.Param("maxResults").empty() &&
      (!absl::SimpleAtoi(req.Param("maxResults"), max_results) || *max_results < 1 ||
       *max_results > limit)) {
    GoogleError(res, 400, "invalidValue", absl::StrCat("maxResults must be between 1 and ", limit));
    return false;
  }
  *offset = 0;
  const std::string token = req.Param("pageToken");
  if (!token.empty() && (!absl::StartsWith(token, "t") || !absl::SimpleAtoi(token.substr(1), offset) ||
                         *offset > 1'000'000)) {
    GoogleError(res, 400, "invalidPageToken", "The request specifies an invalid page token.");
    return false;
  }
  return true;
}

}  // namespace youtube

namespace {

using youtube::Admit;
using youtube::GoogleError;

Json VideoJson(SandboxState& state, AsyncJob& job, bool poll)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  if (poll && job.state == "processing" && state.PollJob(job)) job.state = "succeeded";
  const PostRecord* post = state.FindPost("youtube", job.post_id);
  Json snippet = job.fields.value("snippet", Json::object());
  if (post != nullptr) snippet["publishedAt"] = Rfc3339(post->created_at);
  snippet["channelId"] = absl::StrCat("UC", job.account);
  Json j = {{"kind", "youtube#video"}, {"etag", absl::StrCat("sbx", job.id)}, {"id", job.post_id},
            {"snippet", snippet},
            {"status", {{"uploadStatus", job.state == "succeeded" ? "processed" : "uploaded"},
                        {"privacyStatus",
                         job.fields.value("status", Json::object())
                             .value("privacyStatus", std::string("private"))}}},
            {"processingDetails", {{"processingStatus", job.state}}}};
  if (post != nullptr) {
    const AdMetrics m = OrganicMetrics(state.options().seed, post->id, post->created_at,
                                       state.Now());
    j["statistics"] = {{"viewCount", absl::StrCat(m.impressions)},
                       {"likeCount", absl::StrCat(m.clicks / 2)},
                       {"favoriteCount", "0"}, {"commentCount", absl::StrCat(m.clicks / 10)}};
  }
  return j;
}

void StartSession(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (req.Param("uploadType") != "resumable") {
    return GoogleError(res, 400, "badRequest", "uploadType=resumable is required");
  }
  if (!Admit(state, req, res, 1600, &account)) return;
  const Json body = req.BodyJson();
  int64_t size = 0;
  if (!absl::SimpleAtoi(req.Header("x-upload-content-length"), &size) || size <= 0 ||
      !body.is_object() || body.value("snippet", Json::object()).value("title", "").empty()) {
    return GoogleError(res, 400, "invalidTitle",
                       "X-Upload-Content-Length and snippet.title are required");
  }
  AsyncJob job{.id = state.NextId(), .network = "youtube", .account = account, .kind = "upload",
               .state = "uploading", .created_at = state.Now(), .expected_bytes = size};
  job.fields = body;
  res.status = 200;
  res.body.clear();
  res.AddHeader("Location", absl::StrCat("http://", req.Header("host"),
                                         "/youtube/upload/youtube/v3/videos?uploadType="
                                         "resumable&upload_id=", job.id));
  state.jobs[job.id] = std::move(job);
}

void Complete(SandboxState& state, AsyncJob& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  const Json snippet = job.fields.value("snippet", Json::object());
  job.post_id = absl::StrCat("sbx", job.id.substr(job.id.size() - 8));
  job.state = "processing";
  job.polls = 0;
  job.created_at = state.Now();
  PostRecord post{.network = "youtube", .account = job.account, .id = job.post_id,
                  .text = snippet.value("title", std::string()),
                  .url = absl::StrCat("https://www.youtube.com/watch?v=", job.post_id),
                  .created_at = state.Now()};
  post.extra = {{"description", snippet.value("description", std::string())},
                {"privacy", job.fields.value("status", Json::object())
                                .value("privacyStatus", std::string("private"))}};
  post.visual = true;
  state.AddPost(std::move(post));
}

void PutChunk(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  auto it = state.jobs.find(req.Param("upload_id"));
  if (it == state.jobs.end()) return GoogleError(res, 404, "notFound", "Upload session not found");
  AsyncJob& job = it->second;
  std::string account;
  if (!Admit(state, req, res, 0, &account)) return;
  const std::string range = req.Header("content-range");  // "bytes a-b/total" or "bytes */total"
  int64_t first = -1, last = -1;
  if (absl::StartsWith(range, "bytes ") && range.find('*') == std::string::npos) {
    std::vector<std::string> parts = absl::StrSplit(range.substr(6), absl::ByAnyChar("-/"));
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &first) ||
        !absl::SimpleAtoi(parts[1], &last) || last - first + 1 !=
        static_cast<int64_t>(req.body.size())) {
      return GoogleError(res, 400, "badContent", "Content-Range does not match the body");
    }
    if (first == job.received_bytes) job.received_bytes = last + 1;
    if (first > job.received_bytes) {
      return GoogleError(res, 400, "badContent", "chunk does not continue the upload");
    }
  }
  if (job.received_bytes >= job.expected_bytes) {
    if (job.post_id.empty()) Complete(state, job);
    res.SetJson(200, VideoJson(state, job, false));
    return;
  }
  res.status = 308;
  res.body.clear();
  if (job.received_bytes > 0) {
    res.AddHeader("Range", absl::StrCat("bytes=0-", job.received_bytes - 1));
  }
}

void ListVideos(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, 1, &account)) return;
  Json items = Json::array();
  for (absl::string_view id : absl::StrSplit(req.Param("id"), ',', absl::SkipEmpty())) {
    for (auto& [job_id, job] : state.jobs) {
      if (job.network == "youtube" && job.post_id == id) items.push_back(VideoJson(state, job, true));
    }
  }
  res.SetJson(200, {{"kind", "youtube#videoListResponse"}, {"items", items},
                    {"pageInfo", {{"totalResults", items.size()},
                                  {"resultsPerPage", items.size()}}}});
}

void PlaylistItems(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, 1, &account)) return;
  Json items = Json::array();
  for (auto it = state.posts.rbegin(); it != state.posts.rend() && items.size() < 50; ++it) {
    if (it->network != "youtube" || absl::StrCat("UU", it->account) != req.Param("playlistId")) {
      continue;
    }
    items.push_back({{"kind", "youtube#playlistItem"},
                     {"snippet", {{"title", it->text},
                                  {"description", it->extra.value("description", "")},
                                  {"publishedAt", Rfc3339(it->created_at)},
                                  {"resourceId", {{"kind", "youtube#video"},
                                                  {"videoId", it->id}}}}}});
  }
  res.SetJson(200, {{"kind", "youtube#playlistItemListResponse"}, {"items", items}});
}

}  // namespace

void RegisterYouTube(Router& router, SandboxState& state) {
  router.Add("POST", "/youtube/token", [&state](const SandboxRequest& req, SandboxResponse& res) {
    HandleTokenEndpoint(state, "youtube", req, res);
  });
  router.Add("POST", "/youtube/upload/youtube/v3/videos", Locked(state, &StartSession));
  router.Add("PUT", "/youtube/upload/youtube/v3/videos", Locked(state, &PutChunk));
  router.Add("GET", "/youtube/youtube/v3/videos", Locked(state, &ListVideos));
  router.Add("GET", "/youtube/youtube/v3/playlistItems", Locked(state, &PlaylistItems));
  router.Add("GET", "/youtube/youtube/v3/channels",
             Locked(state, [](SandboxState& state, const SandboxRequest& req, SandboxResponse& res) {
               std::string account;
               if (!Admit(state, req, res, 1, &account)) return;
               res.SetJson(200, {{"items", Json::array({{{"id", absl::StrCat("UC", account)},
                                                         {"contentDetails",
                                                          {{"relatedPlaylists",
                                                            {{"uploads",
                                                              absl::StrCat("UU", account)}}}}}}})}});
             }));
  youtube::RegisterComments(router, state);
  youtube::RegisterSearch(router, state);
}

}  // namespace fanfare::sandbox
