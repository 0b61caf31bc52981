// Instagram Graph API content publishing: media containers that process asynchronously
// (IN_PROGRESS → FINISHED, or ERROR for a media URL containing "sandbox-error"),
// media_publish under the rolling 24-hour publishing limit, content_publishing_limit, and
// the account's media list. The Marketing API (for boosts) comes from graph_marketing.cc,
// comments from graph_comments.cc.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sandbox/graph_api.h"

namespace fanfare::sandbox {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);

void CreateContainer(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!graph::Admit(state, "instagram", req, res, false, &account)) return;
  std::string media = graph::Field(req, "image_url");
  std::string type = "IMAGE";
  if (media.empty()) {
    media = graph::Field(req, "video_url");
    type = graph::Field(req, "media_type").empty() ? "REELS" : graph::Field(req, "media_type");
  }
  if (media.empty()) {
    graph::Error(res, 400, 100, "(#100) The parameter image_url or video_url is required",
                 2207052);
    return;
  }
  AsyncJob job{.id = state.NextId(), .network = "instagram", .account = account,
               .kind = "container", .state = "IN_PROGRESS", .created_at = state.Now()};
  if (absl::StrContains(media, "sandbox-error")) job.state = "ERROR";
  job.pending = PostRecord{.network = "instagram", .account = account,
                           .text = graph::Field(req, "caption"), .created_at = state.Now()};
  job.pending.extra = {{"ig_user", req.PathParam("ig")}, {"media_type", type},
                       {"media_url", media}};
  job.pending.visual = true;
  res.SetJson(200, {{"id", job.id}});
  state.jobs[job.id] = std::move(job);
}

void Publish(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!graph::Admit(state, "instagram", req, res, false, &account)) return;
  auto it = state.jobs.find(graph::Field(req, "creation_id"));
  if (it == state.jobs.end()) {
    graph::Error(res, 400, 100, "(#100) Invalid parameter: creation_id", 2207001);
    return;
  }
  AsyncJob& job = it->second;
  if (job.state == "PUBLISHED") {
    graph::Error(res, 400, 9007, "The media has already been published", 2207008);
    return;
  }
  if (job.state != "FINISHED") {
    graph::Error(res, 400, 9007, "Media ID is not available: the media is not ready for "
                                 "publishing, please wait for a moment", 2207027);
    return;
  }
  const std::string key = absl::StrCat("instagram/posts/", account);
  if (!state.TakeQuota(key, state.options().instagram_posts_per_day, kDay, nullptr, nullptr)) {
    state.Stats("instagram", account).throttled++;
    graph::Error(res, 400, 9, "Application request limit reached: the account has reached the "
                              "maximum number of posts allowed in 24 hours", 2207042);
    return;
  }
  PostRecord post = job.pending;
  post.id = state.NextId();
  post.url = absl::StrCat("https://www.instagram.com/p/Sbx", post.id, "/");
  post.created_at = state.Now();
  job.state = "PUBLISHED";
  job.post_id = post.id;
  res.SetJson(200, {{"id", state.AddPost(std::move(post)).id}});
}

void PublishingLimit(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!graph::Admit(state, "instagram", req, res, false, &account)) return;
  const int used = state.UsedQuota(absl::StrCat("instagram/posts/", account), kDay);
  res.SetJson(200, {{"data", Json::array({{{"quota_usage", used},
                                           {"config",
                                            {{"quota_total",
                                              state.options().instagram_posts_per_day},
                                             {"quota_duration", 86400}}}}})}});
}

void ListMedia(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!graph::Admit(state, "instagram", req, res, false, &account)) return;
  int limit = 25;
  (void)absl::SimpleAtoi(req.Param("limit", "25"), &limit);
  Json data = Json::array();
  for (auto it = state.posts.rbegin(); it != state.posts.rend() && limit > 0; ++it) {
    if (it->network != "instagram" || it->extra.value("ig_user", "") != req.PathParam("ig")) {
      continue;
    }
    data.push_back({{"id", it->id}, {"caption", it->text}, {"permalink", it->url},
                    {"timestamp", GraphTime(it->created_at)},
                    {"media_type", it->extra.value("media_type", "IMAGE")}});
    --limit;
  }
  res.SetJson(200, {{"data", data}, {"paging", Json::object()}});
}

}  // namespace

void RegisterInstagram(Router& router, SandboxState& state) {
  router.Add("POST", "/instagram/{v}/{ig}/media", Locked(state, &CreateContainer));
  router.Add("POST", "/instagram/{v}/{ig}/media_publish", Locked(state, &Publish));
  router.Add("GET", "/instagram/{v}/{ig}/content_publishing_limit", Locked(state, &PublishingLimit));
  router.Add("GET", "/instagram/{v}/{ig}/media", Locked(state, &ListMedia));
  graph::RegisterComments(router, state, "instagram");
  graph::RegisterMarketing(router, state, "instagram");
}

}  // namespace fanfare::sandbox
