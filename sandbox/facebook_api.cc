// Facebook Pages: POST/GET /{page-id}/feed, with Graph API duplicate detection (code 506).
// Node reads, insights and the Marketing API come from graph_marketing.cc; comments from
// graph_comments.cc.
#include "absl/strings/str_cat.h"
#include "sandbox/graph_api.h"

namespace fanfare::sandbox {
namespace {

void PublishToFeed(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!graph::Admit(state, "facebook", req, res, false, &account)) return;
  const std::string page = req.PathParam("page");
  const std::string message = graph::Field(req, "message");
  const std::string link = graph::Field(req, "link");
  if (message.empty() && link.empty()) {
    graph::Error(res, 400, 100, "(#100) Missing message or attachment");
    return;
  }
  // Facebook refuses a status identical to the page's latest one.
  for (auto it = state.posts.rbegin(); it != state.posts.rend(); ++it) {
    if (it->network != "facebook" || it->extra.value("page", "") != page) continue;
    if (it->text == message && it->link == link) {
      state.Stats("facebook", account).duplicates++;
      graph::Error(res, 400, 506, "Duplicate status message");
      return;
    }
    break;
  }
  const std::string local = state.NextId();
  PostRecord post{.network = "facebook", .account = account,
                  .id = absl::StrCat(page, "_", local), .text = message, .link = link,
                  .url = absl::StrCat("https://www.facebook.com/", page, "/posts/", local),
                  .client_ref = "", .created_at = state.Now()};
  post.extra["page"] = page;
  // A photo or video post; a link post only shows the link's preview.
  post.visual = !graph::Field(req, "picture").empty() ||
                !graph::Field(req, "attached_media").empty();
  res.SetJson(200, {{"id", state.AddPost(std::move(post)).id}});
}

void ReadFeed(SandboxState& state, const SandboxRequest& req, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::string account;
  if (!graph::Admit(state, "facebook", req, res, false, &account)) return;
  const std::string page = req.PathParam("page");
  int limit = 25;
  (void)absl::SimpleAtoi(req.Param("limit", "25"), &limit);
  Json data = Json::array();
  for (auto it = state.posts.rbegin(); it != state.posts.rend() && limit > 0; ++it) {
    if (it->network != "facebook" || it->extra.value("page", "") != page) continue;
    data.push_back({{"id", it->id}, {"message", it->text},
                    {"created_time", GraphTime(it->created_at)},
                    {"permalink_url", it->url}});
    --limit;
  }
  res.SetJson(200, {{"data", data}, {"paging", Json::object()}});
}

}  // namespace

void RegisterFacebook(Router& router, SandboxState& state) {
  router.Add("POST", "/facebook/{v}/{page}/feed",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               absl::MutexLock lock(&state.mu);
               PublishToFeed(state, req, res);
             });
  // Only the Page writes here, so its feed and its own posts (/posts) are the same list.
  for (const char* edge : {"/feed", "/posts"}) {
    router.Add("GET", absl::StrCat("/facebook/{v}/{page}", edge),
               [&state](const SandboxRequest& req, SandboxResponse& res) {
                 absl::MutexLock lock(&state.mu);
                 ReadFeed(state, req, res);
               });
  }
  graph::RegisterComments(router, state, "facebook");
  graph::RegisterMarketing(router, state, "facebook");
}

}  // namespace fanfare::sandbox
