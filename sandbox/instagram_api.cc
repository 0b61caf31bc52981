// Instagram Graph API content publishing: media containers that process asynchronously
// (IN_PROGRESS → FINISHED, or ERROR for a media URL containing "sandbox-error"),
// media_publish under the rolling 24-hour publishing limit, content_publishing_limit, and
// the account's media list, hashtag search (ig_hashtag_search, 30 distinct hashtags per
// account in 7 days; recent_media of the last 24 hours). The Marketing API (for boosts) comes from graph_marketing.cc,
// comments from graph_comments.cc.
#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sandbox/ad_metrics.h"
#include "sandbox/graph_api.h"

namespace fanfare::sandbox {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);
constexpr absl::Duration kWeek = absl::Hours(24 * 7);

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

// GET /ig_hashtag_search?user_id=&q=: the hashtag's id. Each account may look up at most 30
// distinct hashtags in a rolling 7 days (code 24 past that); looking one up again is free.
void HashtagSearch(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!graph::Admit(state, "instagram", req, res, false, &account)) return;
  std::string tag = absl::AsciiStrToLower(req.Param("q"));
  if (!tag.empty() && tag[0] == '#') tag.erase(0, 1);
  if (req.Param("user_id").empty() || tag.empty() || tag.size() > 100 ||
      !std::all_of(tag.begin(), tag.end(), [](char c) { return absl::ascii_isalnum(c) || c == '_'; })) {
    return graph::Error(res, 400, 100, "(#100) user_id and q (a hashtag: letters, digits, _) are required");
  }
  const std::string seen_key = absl::StrCat("instagram/hashtag/", account, "/", tag);
  if (state.UsedQuota(seen_key, kWeek) == 0) {
    if (!state.TakeQuota(absl::StrCat("instagram/hashtags/", account),
                         state.options().instagram_hashtags_per_week, kWeek, nullptr, nullptr)) {
      state.Stats("instagram", account).throttled++;
      return graph::Error(res, 400, 24,
                          "(#24) The account has searched the maximum of 30 unique hashtags in "
                          "the past 7 days", 2207034, "IGApiException");
    }
    (void)state.TakeQuota(seen_key, 1'000'000, kWeek, nullptr, nullptr);
  }
  res.SetJson(200, {{"data", Json::array({{{"id", absl::StrCat("17843", StableHash(0, tag) % 100'000'000'000ULL)},
                                           {"name", tag}}})}});
}

// GET /{hashtag-id}/recent_media?user_id=&fields=&limit=&after=: public media captioned with
// the hashtag in the last 24 hours, newest first (no author: Instagram does not say).
void RecentMedia(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!graph::Admit(state, "instagram", req, res, false, &account)) return;
  const std::string hashtag_id = req.PathParam("hashtag");
  int limit = 25;
  size_t offset = 0;
  if ((!req.Param("limit").empty() &&
       (!absl::SimpleAtoi(req.Param("limit"), &limit) || limit < 1 || limit > 50)) ||
      (!req.Param("after").empty() && !absl::SimpleAtoi(req.Param("after"), &offset))) {
    return graph::Error(res, 400, 100, "(#100) limit is 1..50 and after a cursor");
  }
  std::vector<const PostRecord*> media;
  for (auto it = state.posts.rbegin(); it != state.posts.rend(); ++it) {
    if (it->network != "instagram" || it->created_at < state.Now() - absl::Hours(24)) continue;
    for (absl::string_view word : absl::StrSplit(it->text, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
      if (absl::StartsWith(word, "#") &&
          absl::StrCat("17843", StableHash(0, absl::AsciiStrToLower(word.substr(1))) % 100'000'000'000ULL) ==
              hashtag_id) {
        media.push_back(&*it);
        break;
      }
    }
  }
  Json data = Json::array();
  const size_t end = std::min(media.size(), offset + static_cast<size_t>(limit));
  for (size_t i = std::min(offset, media.size()); i < end; ++i) {
    const PostRecord& p = *media[i];
    data.push_back({{"id", p.id}, {"caption", p.text}, {"permalink", p.url},
                    {"timestamp", GraphTime(p.created_at)},
                    {"media_type", p.extra.value("media_type", "IMAGE")}});
  }
  Json paging = {{"cursors", {{"after", absl::StrCat(end)}}}};
  if (end < media.size()) paging["next"] = absl::StrCat(req.path, "?after=", end);
  res.SetJson(200, {{"data", std::move(data)}, {"paging", std::move(paging)}});
}

}  // namespace

void RegisterInstagram(Router& router, SandboxState& state) {
  router.Add("GET", "/instagram/{v}/ig_hashtag_search", Locked(state, &HashtagSearch));
  router.Add("GET", "/instagram/{v}/{hashtag}/recent_media", Locked(state, &RecentMedia));
  router.Add("POST", "/instagram/{v}/{ig}/media", Locked(state, &CreateContainer));
  router.Add("POST", "/instagram/{v}/{ig}/media_publish", Locked(state, &Publish));
  router.Add("GET", "/instagram/{v}/{ig}/content_publishing_limit", Locked(state, &PublishingLimit));
  router.Add("GET", "/instagram/{v}/{ig}/media", Locked(state, &ListMedia));
  graph::RegisterComments(router, state, "instagram");
  graph::RegisterMarketing(router, state, "instagram");
}

}  // namespace fanfare::sandbox
