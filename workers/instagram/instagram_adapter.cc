#include "workers/instagram/instagram_adapter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/boost_chain.h"
#include "workers/common/community.h"
#include "workers/common/outputs.h"
#include "workers/meta/graph_comments.h"
#include "workers/meta/graph_errors.h"
#include "workers/meta/meta_ads.h"

namespace fanfare::workers {
namespace {

using graph::GraphUrl;

absl::StatusOr<std::string> Caption(const TaskInput& input) {
  ASSIGN_OR_RETURN(std::string text, input.RequiredString("text"));
  text = AppendLink(std::move(text), "\n", input.OptionalString("link"));
  ASSIGN_OR_RETURN(std::vector<std::string> tags, input.StringList("hashtags"));
  for (const std::string& tag : tags) absl::StrAppend(&text, " #", tag);
  return text;
}

absl::Time ParseGraphTime(const std::string& text, absl::Time fallback) {
  absl::Time t;
  std::string err;
  return absl::ParseTime("%Y-%m-%dT%H:%M:%S%z", text, &t, &err) ? t : fallback;
}

class InstagramAdapter final : public AdapterBase {
 public:
  explicit InstagramAdapter(const AdapterOptions& options)
      : AdapterBase("instagram", options), protocol_(graph::GraphProtocol("instagram")) {
    Register("publish", false, [this](ActionCall& c) { return Publish(c); },
             [this](ActionCall& c) { return Reconcile(c); });
    Register("insights", true, [this](ActionCall& c) { return Insights(c); });
    // A boost's reconcile is the same find-or-create walk (graph::Boost).
    auto boost = [this](ActionCall& c) -> absl::StatusOr<Json> {
      ApiSession session(c, protocol_);
      ASSIGN_OR_RETURN(std::string post, c.input.RequiredString("post_id"));
      ASSIGN_OR_RETURN(std::string ig_user, c.account.Require("ig_user_id"));
      return graph::Boost(c, session, {"source_instagram_media_id", post, ig_user});
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
    const graph::CommunityActions community(protocol_, graph::InstagramComments());
    Register("comments", true, community.comments);
    Register("search", true, [this](ActionCall& c) { return Search(c); });
    Register("moderate", false, community.moderate, community.reconcile_moderate);
  }

 private:
  absl::Status CheckPublishingLimit(ActionCall& call, ApiSession& session,
                                    const std::string& ig_user) {
    ASSIGN_OR_RETURN(Json limit,
                     session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.api,
                                                                ig_user +
                                                                    "/content_publishing_limit") +
                                                           "?fields=config,quota_usage"),
                                      "instagram.publish: GET content_publishing_limit"));
    const Json& data = JsonMember(limit, "data");
    if (!data.is_array() || data.empty()) return absl::OkStatus();
    const double used = JsonNumber(data[0], "quota_usage");
    const double total = JsonNumber(JsonMember(data[0], "config"), "quota_total", 1e9);
    if (used >= total) {
      return Throttled(absl::StrCat("instagram.publish: the account used ", used, " of its ",
                                    total, " posts in the last 24 hours"),
                       absl::Hours(1), "content_publishing_limit");
    }
    return absl::OkStatus();
  }

  // Polls the container until FINISHED. Nothing is public yet, so giving up is Retryable.
  absl::Status AwaitContainer(ActionCall& call, ApiSession& session, const std::string& id) {
    for (int poll = 0; poll < call.options.max_polls; ++poll) {
      ASSIGN_OR_RETURN(Json status,
                       session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.api, id) +
                                                             "?fields=status_code,status"),
                                        "instagram.publish: GET /{container-id}"));
      const std::string code = JsonString(status, "status_code");
      if (code == "FINISHED") return absl::OkStatus();
      if (code == "ERROR" || code == "EXPIRED") {
        return RejectedInput(absl::StrCat("instagram.publish: the media container ended ", code,
                                          " (", JsonString(status, "status"),
                                          "); check the media URL and format"),
                             code);
      }
      if (!call.PollWait()) return absl::CancelledError("instagram.publish: cancelled");
    }
    return Retryable("instagram.publish: the media container is still IN_PROGRESS");
  }

  absl::StatusOr<Json> Publish(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string ig_user, call.account.Require("ig_user_id"));
    ASSIGN_OR_RETURN(std::string caption, Caption(call.input));
    const Json& media = JsonMember(call.input.json(), "media");
    if (!media.is_array() || media.empty() || JsonString(media[0], "url").empty()) {
      return call.input.Reject("media", "is required: an Instagram post needs an image or "
                                        "video ([{\"url\": …, \"type\": \"image\"}])");
    }
    ApiSession session(call, protocol_);
    RETURN_IF_ERROR(CheckPublishingLimit(call, session, ig_user));
    Json body = {{"caption", caption}};
    if (JsonString(media[0], "type", "image") == "video") {
      body["video_url"] = JsonString(media[0], "url");
      body["media_type"] = "REELS";
    } else {
      body["image_url"] = JsonString(media[0], "url");
      if (!JsonString(media[0], "alt_text").empty()) body["alt_text"] = media[0]["alt_text"];
    }
    // A container is not a post: creating a second one after a lost answer is harmless (an
    // unpublished container expires), so this request may be retried.
    ASSIGN_OR_RETURN(Json container,
                     session.SendJson(JsonRequest(call, "POST",
                                                  GraphUrl(call, call.endpoints.api,
                                                           ig_user + "/media"),
                                                  body, /*idempotent=*/true),
                                      "instagram.publish: POST /{ig-user-id}/media"));
    const std::string container_id = JsonString(container, "id");
    RETURN_IF_ERROR(AwaitContainer(call, session, container_id));
    ASSIGN_OR_RETURN(Json published,
                     session.SendJson(JsonRequest(call, "POST",
                                                  GraphUrl(call, call.endpoints.api,
                                                           ig_user + "/media_publish"),
                                                  {{"creation_id", container_id}},
                                                  /*idempotent=*/false),
                                      "instagram.publish: POST /{ig-user-id}/media_publish"));
    const std::string id = JsonString(published, "id");
    if (id.empty()) return OutcomeUnknown("instagram.publish: the answer has no media id");
    // Best effort: the post exists whatever this read says.
    absl::StatusOr<Json> node = session.SendJson(
        GetRequest(call, GraphUrl(call, call.endpoints.api, id) + "?fields=permalink,timestamp"),
        "instagram.publish: GET /{ig-media-id}");
    const Json details = node.ok() ? *node : Json::object();
    return PublishOutput("instagram", id, JsonString(details, "permalink"),
                         ParseGraphTime(JsonString(details, "timestamp"), call.now()));
  }

  absl::StatusOr<Json> Reconcile(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string ig_user, call.account.Require("ig_user_id"));
    ASSIGN_OR_RETURN(std::string caption, Caption(call.input));
    ApiSession session(call, protocol_);
    ASSIGN_OR_RETURN(Json list,
                     session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.api,
                                                                ig_user + "/media") +
                                                           "?fields=id,caption,permalink,"
                                                           "timestamp&limit=50"),
                                      "instagram.publish (reconcile): GET /{ig-user-id}/media"));
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    const Json& data = JsonMember(list, "data");
    for (const Json& m : data.is_array() ? data : Json::array()) {
      const absl::Time created = ParseGraphTime(JsonString(m, "timestamp"), absl::InfinitePast());
      if (JsonString(m, "caption") != caption || created < oldest) continue;
      return PublishOutput("instagram", JsonString(m, "id"), JsonString(m, "permalink"), created);
    }
    return ReconcileNotFound("instagram.publish: not found: no media with this caption in the "
                          "look-back window");
  }

  absl::StatusOr<Json> Insights(ActionCall& call) {
    ApiSession session(call, protocol_);
    if (call.input.Has("ad_id")) {
      ASSIGN_OR_RETURN(std::string ad, call.input.RequiredString("ad_id"));
      return graph::AdInsights(call, session, ad);
    }
    ASSIGN_OR_RETURN(std::string media, call.input.RequiredOneOf({"post_id", "ad_id"}));
    return graph::PostInsights(call, session, media, {"impressions", "reach", "total_interactions"},
                               "instagram.insights: GET /{ig-media-id}/insights");
  }

  // Topic listening: the hashtag's id (ig_hashtag_search: at most 30 distinct hashtags per
  // account in 7 days), then its recent_media — public posts of the last 24 hours, newest
  // first, read through the shared cursor like comments (five pages of 50 at most).
  absl::StatusOr<Json> Search(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string ig_user, call.account.Require("ig_user_id"));
    ASSIGN_OR_RETURN(std::string hashtag, call.input.RequiredString("query"));
    if (!hashtag.empty() && hashtag[0] == '#') hashtag.erase(0, 1);
    if (hashtag.empty() || hashtag.size() > 100 ||
        !std::all_of(hashtag.begin(), hashtag.end(), [](char c) {
          return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
        })) {
      return call.input.Reject("query", "is one hashtag on Instagram: letters, digits and _");
    }
    ASSIGN_OR_RETURN(int max, ReadMaxComments(call.input));
    ASSIGN_OR_RETURN(CommentCursor cursor, DecodeCursor(call.input));
    ApiSession session(call, protocol_);
    ASSIGN_OR_RETURN(Json found,
                     session.SendJson(GetRequest(call, GraphUrl(call, call.endpoints.api,
                                                                "ig_hashtag_search") +
                                                           "?user_id=" + UrlEncode(ig_user) +
                                                           "&q=" + UrlEncode(hashtag)),
                                      "instagram.search: GET /ig_hashtag_search"));
    const Json& data = JsonMember(found, "data");
    const std::string id = data.is_array() && !data.empty() ? JsonString(data[0], "id") : "";
    if (id.empty()) return Retryable("instagram.search: ig_hashtag_search answered no id");
    auto page = [&](const std::string& after) -> absl::StatusOr<CommentPage> {
      std::string url = absl::StrCat(GraphUrl(call, call.endpoints.api, id + "/recent_media"),
                                     "?user_id=", UrlEncode(ig_user),
                                     "&fields=id,caption,permalink,timestamp,media_type&limit=50");
      if (!after.empty()) absl::StrAppend(&url, "&after=", UrlEncode(after));
      ASSIGN_OR_RETURN(Json answer, session.SendJson(GetRequest(call, url),
                                                     "instagram.search: GET /{hashtag-id}/recent_media"));
      ASSIGN_OR_RETURN(Json items, ListedItems(answer, "data", "instagram.search"));
      CommentPage listed;
      for (const Json& media : items) {
        ListedComment item;
        item.comment.id = JsonString(media, "id");
        item.comment.text = JsonString(media, "caption");
        item.comment.created_at = ParseGraphTime(JsonString(media, "timestamp"), absl::InfinitePast());
        item.comment.url = JsonString(media, "permalink");
        if (item.comment.id.empty() || item.comment.created_at == absl::InfinitePast()) continue;
        item.key = absl::ToUnixSeconds(item.comment.created_at);
        listed.items.push_back(std::move(item));
      }
      const Json& paging = JsonMember(answer, "paging");
      if (JsonMember(paging, "next").is_string()) {
        listed.next = JsonString(JsonMember(paging, "cursors"), "after");
      }
      return listed;
    };
    return DrainComments(page, cursor, max, /*max_pages=*/5);
  }

  NetworkProtocol protocol_;
};

}  // namespace

std::unique_ptr<NetworkAdapter> MakeInstagramAdapter(const AdapterOptions& options) {
  return std::make_unique<InstagramAdapter>(options);
}

}  // namespace fanfare::workers
