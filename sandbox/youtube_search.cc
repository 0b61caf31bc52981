// YouTube Data API v3 search.list of videos: 100 units a call, whatever it finds. `q` as
// MatchesSearchQuery reads it, over the title and description of every channel's public
// videos; `order=date` (newest first; the default, relevance, is answered in the same order
// here), `publishedAfter` and `publishedBefore` (inclusive), maxResults 1..50 (5 by
// default), pageToken paging, and 500 results at most (YouTube documents that cap for
// searches within a channel; the sandbox applies it to every search). Titles and
// descriptions come HTML-escaped, as search.list answers them.
#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sandbox/youtube_api.h"

namespace fanfare::sandbox::youtube {
namespace {

constexpr int64_t kSearchUnits = 100;
constexpr size_t kMaxResultsPerQuery = 500;

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

Json SearchResult(const PostRecord& video) {
  const std::string published = Rfc3339(video.created_at);
  return {{"kind", "youtube#searchResult"},
          {"etag", absl::StrCat("sbx", video.id)},
          {"id", {{"kind", "youtube#video"}, {"videoId", video.id}}},
          {"snippet", {{"publishedAt", published},
                       {"channelId", absl::StrCat("UC", video.account)},
                       {"title", HtmlEscape(video.text)},
                       {"description", HtmlEscape(video.extra.value("description", ""))},
                       {"thumbnails", Json::object()},
                       {"channelTitle", video.account},
                       {"liveBroadcastContent", "none"},
                       {"publishTime", published}}}};
}

// Reads publishedAfter / publishedBefore (RFC 3339); answers 400 for anything else.
bool TimeBound(const SandboxRequest& req, SandboxResponse& res, const char* name,
               absl::Time fallback, absl::Time* bound) {
  const std::string text = req.Param(name);
  std::string err;
  if (text.empty()) {
    *bound = fallback;
    return true;
  }
  if (absl::ParseTime(absl::RFC3339_full, text, bound, &err)) return true;
  GoogleError(res, 400, "invalidSearchFilter",
              absl::StrCat("The request contains an invalid ", name, " value."));
  return false;
}

void Search(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!Admit(state, req, res, kSearchUnits, &account)) return;
  const std::vector<std::string> parts = absl::StrSplit(req.Param("part"), ',');
  if (!std::all_of(parts.begin(), parts.end(),
                   [](const std::string& p) { return p == "snippet" || p == "id"; })) {
    return GoogleError(res, 400, "invalidPart", "The part parameter must be snippet or id.");
  }
  if (!req.Param("type").empty() && req.Param("type") != "video") {
    return GoogleError(res, 400, "invalidSearchFilter", "The sandbox searches videos only.");
  }
  const std::string order = req.Param("order");
  if (!order.empty() && order != "date" && order != "relevance") {
    return GoogleError(res, 400, "invalidSearchFilter", "order must be date or relevance here.");
  }
  int max_results = 0;
  size_t offset = 0;
  absl::Time after, before;
  if (!Paging(req, res, 5, 50, &max_results, &offset) ||
      !TimeBound(req, res, "publishedAfter", absl::InfinitePast(), &after) ||
      !TimeBound(req, res, "publishedBefore", absl::InfiniteFuture(), &before)) {
    return;
  }
  std::vector<const PostRecord*> found;
  for (auto it = state.posts.rbegin(); it != state.posts.rend(); ++it) {
    const PostRecord& video = *it;
    if (video.network != "youtube" || video.extra.value("privacy", "private") != "public" ||
        video.created_at > state.Now() ||
        video.created_at < after || video.created_at > before) {
      continue;
    }
    const std::string text =
        absl::StrCat(video.text, "\n", video.extra.value("description", ""));
    if (MatchesSearchQuery(text, video.account, req.Param("q"))) found.push_back(&video);
  }
  std::stable_sort(found.begin(), found.end(), [](const PostRecord* a, const PostRecord* b) {
    return a->created_at > b->created_at;
  });
  const size_t total = std::min(found.size(), kMaxResultsPerQuery);
  const size_t end = std::min(total, offset + static_cast<size_t>(max_results));
  Json items = Json::array();
  for (size_t i = std::min(offset, total); i < end; ++i) items.push_back(SearchResult(*found[i]));
  Json answer = {{"kind", "youtube#searchListResponse"},
                 {"etag", "sbx-search"},
                 {"regionCode", "US"},
                 {"pageInfo", {{"totalResults", found.size()}, {"resultsPerPage", max_results}}},
                 {"items", std::move(items)}};
  if (end < total) answer["nextPageToken"] = absl::StrCat("t", end);
  res.SetJson(200, answer);
}

}  // namespace

void RegisterSearch(Router& router, SandboxState& state) {
  router.Add("GET", "/youtube/youtube/v3/search", Locked(state, &Search));
}

}  // namespace fanfare::sandbox::youtube
