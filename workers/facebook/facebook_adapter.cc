#include "workers/facebook/facebook_adapter.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/outputs.h"
#include "workers/meta/graph_comments.h"
#include "workers/meta/graph_errors.h"
#include "workers/meta/meta_ads.h"

namespace fanfare::workers {
namespace {

using graph::GraphUrl;

// The message as posted: the text, then hashtags. Publishing and reconciling both build it
// here, so that reconcile can match it exactly.
absl::StatusOr<std::string> Message(const TaskInput& input) {
  ASSIGN_OR_RETURN(std::string text, input.RequiredString("text"));
  ASSIGN_OR_RETURN(std::vector<std::string> tags, input.StringList("hashtags"));
  for (const std::string& tag : tags) absl::StrAppend(&text, text.empty() ? "#" : " #", tag);
  return text;
}

std::string PostUrl(const std::string& post_id) {
  const size_t underscore = post_id.find('_');
  if (underscore == std::string::npos) return absl::StrCat("https://www.facebook.com/", post_id);
  return absl::StrCat("https://www.facebook.com/", post_id.substr(0, underscore), "/posts/",
                      post_id.substr(underscore + 1));
}

class FacebookAdapter final : public AdapterBase {
 public:
  explicit FacebookAdapter(const AdapterOptions& options)
      : AdapterBase("facebook", options), protocol_(graph::GraphProtocol("facebook")) {
    Register("publish", false, [this](ActionCall& c) { return Publish(c); },
             [this](ActionCall& c) { return Reconcile(c); });
    Register("insights", true, [this](ActionCall& c) { return Insights(c); });
    // A boost's reconcile is the same find-or-create walk (graph::Boost).
    auto boost = [this](ActionCall& c) -> absl::StatusOr<Json> {
      ApiSession session(c, protocol_);
      ASSIGN_OR_RETURN(std::string post, c.input.RequiredString("post_id"));
      return graph::Boost(c, session, {"object_story_id", post, ""});
    };
    Register("boost", false, boost, boost);
    Register("set_budget", true, [this](ActionCall& c) {
      ApiSession session(c, protocol_);
      return graph::SetBudget(c, session);
    });
    Register("pause", true, [this](ActionCall& c) {
      ApiSession session(c, protocol_);
      return graph::SetStatus(c, session, "PAUSED");
    });
    Register("resume", true, [this](ActionCall& c) {
      ApiSession session(c, protocol_);
      return graph::SetStatus(c, session, "ACTIVE");
    });
    const graph::CommunityActions community(protocol_, graph::FacebookComments());
    Register("comments", true, community.comments);
    Register("moderate", false, community.moderate, community.reconcile_moderate);
  }

 private:
  absl::StatusOr<Json> Publish(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string page, call.account.Require("page_id"));
    ASSIGN_OR_RETURN(std::string message, Message(call.input));
    Json body = {{"message", message}};
    if (call.input.Has("link")) body["link"] = call.input.OptionalString("link");
    ApiSession session(call, protocol_);
    ASSIGN_OR_RETURN(Json created,
                     session.SendJson(JsonRequest(call, "POST",
                                                  GraphUrl(call, call.endpoints.api, page + "/feed"),
                                                  body, /*idempotent=*/false),
                                      "facebook.publish: POST /{page-id}/feed"));
    const std::string id = JsonString(created, "id");
    if (id.empty()) return OutcomeUnknown("facebook.publish: the answer has no post id");
    return PublishOutput("facebook", id, PostUrl(id), call.now());
  }

  // Reads the Page's recent posts and finds the one this task published, by its message and
  // link, no older than the reconcile look-back.
  absl::StatusOr<Json> Reconcile(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string page, call.account.Require("page_id"));
    ASSIGN_OR_RETURN(std::string message, Message(call.input));
    ApiSession session(call, protocol_);
    ASSIGN_OR_RETURN(Json feed,
                     session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.api,
                                                                page + "/feed") +
                                                           "?fields=id,message,created_time,"
                                                           "permalink_url&limit=50"),
                                      "facebook.publish (reconcile): GET /{page-id}/feed"));
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    const Json& data = JsonMember(feed, "data");
    for (const Json& post : data.is_array() ? data : Json::array()) {
      absl::Time created;
      std::string err;
      if (JsonString(post, "message") != message) continue;
      if (!absl::ParseTime("%Y-%m-%dT%H:%M:%S%z", JsonString(post, "created_time"), &created,
                           &err) ||
          created < oldest) {
        continue;
      }
      const std::string id = JsonString(post, "id");
      return PublishOutput("facebook", id, PostUrl(id), created);
    }
    return ReconcileNotFound("facebook.publish: not found: no post with this message on the Page "
                          "in the look-back window");
  }

  absl::StatusOr<Json> Insights(ActionCall& call) {
    ApiSession session(call, protocol_);
    if (call.input.Has("ad_id")) {
      ASSIGN_OR_RETURN(std::string ad, call.input.RequiredString("ad_id"));
      return graph::AdInsights(call, session, ad);
    }
    ASSIGN_OR_RETURN(std::string post, call.input.RequiredOneOf({"post_id", "ad_id"}));
    return graph::PostInsights(call, session, post,
                               {"post_impressions", "post_impressions_unique", "post_clicks"},
                               "facebook.insights: GET /{post-id}/insights");
  }

  NetworkProtocol protocol_;
};

}  // namespace

std::unique_ptr<NetworkAdapter> MakeFacebookAdapter(const AdapterOptions& options) {
  return std::make_unique<FacebookAdapter>(options);
}

}  // namespace fanfare::workers
