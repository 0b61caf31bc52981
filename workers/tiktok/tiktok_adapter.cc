#include "workers/tiktok/tiktok_adapter.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/api_session.h"
#include "workers/common/boost_chain.h"
#include "workers/common/community.h"
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
    // A boost's reconcile is the same find-or-create walk.
    Register("boost", false, [this](ActionCall& c) { return Boost(c); },
             [this](ActionCall& c) { return Boost(c); });
    Register("set_budget", true, [this](ActionCall& c) { return SetBudget(c); });
    Register("pause", true, [this](ActionCall& c) { return SetStatus(c, "DISABLE"); });
    Register("resume", true, [this](ActionCall& c) { return SetStatus(c, "ENABLE"); });
    Register("comments", true, [this](ActionCall& c) { return Comments(c); });
    // Only a reply is not idempotent; its reconcile looks for it (ReconcileModeration).
    Register("moderate", false, [this](ActionCall& c) { return Moderate(c); },
             [this](ActionCall& c) { return ReconcileModeration(c); });
  }

 private:
  static NetworkProtocol Protocol(const ActionCall& call) {
    return NetworkProtocol{
        .network = "tiktok", .classify = &ClassifyTikTokError,
        .is_auth_failure = [](const HttpResponse& r) { return r.status == 401; },
        .refresh = RefreshSpecOf("tiktok", call.endpoints.auth, /*confidential=*/true)};
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
      RETURN_IF_ERROR(Fence(call, put));
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
    return ReconcileNotFound("tiktok.publish: not found: no video with this caption in the "
                          "look-back window");
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
    Json out =
        PostInsightsOutput(m, id, call.now(), call.input.OptionalString("currency", "USD"));
    out["views"] = m.impressions;
    return out;
  }

  // --- Community: the account's video comments (TikTok API for Business) -------------

  static AuthScheme AccountAuth() {
    return AuthScheme{.header = "Access-Token", .prefix = "", .token_field = "access_token"};
  }

  // A call on behalf of the TikTok account (`business_id`), with the account's own token.
  static absl::StatusOr<Json> ForAccount(ActionCall& call, absl::string_view method,
                                         absl::string_view path, Json body, bool idempotent) {
    ASSIGN_OR_RETURN(std::string business, call.account.Require("business_id"));
    body["business_id"] = business;
    return SendBusiness(call, method, path, body, AccountAuth(), idempotent);
  }

  static Comment CommentOf(const Json& item, const std::string& video_url) {
    Comment c;
    c.id = JsonString(item, "comment_id");
    c.parent_id = JsonString(item, "parent_comment_id");
    c.post_id = JsonString(item, "video_id");
    c.author_id = JsonString(item, "user_id");
    c.author_handle = JsonString(item, "username");
    c.text = JsonString(item, "text");
    const double seconds = JsonNumber(item, "create_time");
    c.created_at = std::isfinite(seconds) && seconds > 0 && seconds < 1e12
                       ? absl::FromUnixSeconds(static_cast<int64_t>(seconds))
                       : absl::InfinitePast();  // unreadable: the read is retried
    c.hidden = JsonString(item, "status") == "HIDDEN";
    c.url = video_url;  // TikTok has no address for a comment
    return c;
  }

  // The account's 10 newest videos of the last 30 days, then each video's comments and
  // replies (newest first) down to the cursor, 10 pages of 30 at most.
  absl::StatusOr<Json> Comments(ActionCall& call) {
    ASSIGN_OR_RETURN(int max, ReadMaxComments(call.input));
    ASSIGN_OR_RETURN(CommentCursor cursor, DecodeCursor(call.input));
    ASSIGN_OR_RETURN(Json listed,
                     ForAccount(call, "GET", "business/video/list/",
                                {{"max_count", 10},
                                 {"fields", R"(["item_id","create_time","share_url"])"}},
                                true));
    ASSIGN_OR_RETURN(Json videos, ListedItems(listed, "videos", "tiktok.comments"));
    std::vector<PostComments> read;
    for (const Json& video : videos) {
      const absl::Time created =
          absl::FromUnixSeconds(static_cast<int64_t>(JsonNumber(video, "create_time")));
      if (created < call.now() - absl::Hours(24 * 30) || JsonString(video, "item_id").empty()) {
        continue;
      }
      ASSIGN_OR_RETURN(PostComments comments,
                       ReadVideoComments(call, JsonString(video, "item_id"),
                                         JsonString(video, "share_url"), cursor.after.key));
      read.push_back(std::move(comments));
    }
    return DrainMerged(std::move(read), cursor, max);
  }

  static absl::StatusOr<PostComments> ReadVideoComments(ActionCall& call, const std::string& video,
                                                        const std::string& url, int64_t since) {
    constexpr int kPages = 10;
    PostComments read;
    int64_t next = 0;
    for (int page = 0; page < kPages; ++page) {
      ASSIGN_OR_RETURN(Json answer,
                       ForAccount(call, "GET", "business/comment/list/",
                                  {{"video_id", video}, {"include_replies", "true"},
                                   {"sort_field", "create_time"}, {"sort_order", "desc"},
                                   {"cursor", next}, {"max_count", 30}},
                                  true));
      ASSIGN_OR_RETURN(Json items, ListedItems(answer, "comments", "tiktok.comments"));
      for (const Json& item : items) {
        ListedComment listed{.comment = CommentOf(item, url)};
        if (listed.comment.created_at == absl::InfinitePast()) {
          return Retryable("tiktok.comments: a comment without a readable create_time",
                           "unreadable_listing");
        }
        listed.key = absl::ToUnixSeconds(listed.comment.created_at);
        read.oldest_read = std::min(read.oldest_read, listed.key);
        if (listed.key < since) return read;  // newest first: the rest is older
        if (!listed.comment.id.empty()) read.items.push_back(std::move(listed));
      }
      if (JsonMember(answer, "has_more") != Json(true)) return read;
      next = static_cast<int64_t>(JsonNumber(answer, "cursor"));
    }
    read.truncated = true;
    return read;
  }

  // TikTok's comment ids are digits.
  static absl::Status CheckCommentId(const TaskInput& input, const std::string& id) {
    if (!id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return absl::OkStatus();
    }
    return input.Reject("comment_id", "is not a TikTok comment id (digits)");
  }

  // The video a comment is on: TikTok's moderation calls name it.
  static absl::StatusOr<std::string> VideoOf(const TaskInput& input) {
    const std::string video = input.OptionalString("post_id");
    if (video.empty()) {
      return input.Reject("post_id", "is required on TikTok: the video the comment is on "
                                     "(the comment's post_id)");
    }
    return video;
  }

  absl::StatusOr<Json> Moderate(ActionCall& call) {
    ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
    RETURN_IF_ERROR(CheckCommentId(call.input, m.comment_id));
    const std::string what = absl::StrCat("tiktok.moderate: ", m.action_name);
    auto set = [&](absl::string_view path, Json body) -> absl::StatusOr<Json> {
      body["comment_id"] = m.comment_id;
      RETURN_IF_ERROR(ForAccount(call, "POST", path, std::move(body), true).status());
      return ModerationOutput(m);
    };
    switch (m.action) {
      case Moderation::kHide:
      case Moderation::kUnhide: {
        ASSIGN_OR_RETURN(std::string video, VideoOf(call.input));
        return set("business/comment/hide/",
                   {{"video_id", video},
                    {"action", m.action == Moderation::kHide ? "HIDE" : "UNHIDE"}});
      }
      case Moderation::kPin: {
        ASSIGN_OR_RETURN(std::string video, VideoOf(call.input));
        return set("business/comment/pin/", {{"video_id", video}, {"action", "PIN"}});
      }
      case Moderation::kLike:
        return set("business/comment/like/", {{"action", "LIKE"}});
      case Moderation::kDelete: {
        // Deleting what is already gone is done.
        absl::StatusOr<Json> deleted = set("business/comment/delete/", Json::object());
        if (!deleted.ok() && !(ToTaskFailure(deleted.status()).code() == "40002" &&
                               absl::StrContains(deleted.status().message(), "does not exist"))) {
          return deleted.status();
        }
        return ModerationOutput(m);
      }
      case Moderation::kReply: {
        ASSIGN_OR_RETURN(std::string video, VideoOf(call.input));
        ASSIGN_OR_RETURN(Json created,
                         ForAccount(call, "POST", "business/comment/reply/create/",
                                    {{"video_id", video}, {"comment_id", m.comment_id},
                                     {"text", m.text}},
                                    /*idempotent=*/false));
        const std::string id = JsonString(created, "comment_id");
        if (id.empty()) return OutcomeUnknown(what + ": the answer has no comment_id");
        return ModerationOutput(m, id, "");
      }
      case Moderation::kReject:
        return UnsupportedModeration(call.input, m,
                                     "reject is YouTube's moderation; on TikTok, hide the comment");
      case Moderation::kReshare:
        return UnsupportedModeration(call.input, m, "TikTok has no way to reshare a comment");
    }
    return UnsupportedModeration(call.input, m, "unknown action");
  }

  // A reply whose answer was lost: the account's own reply under the comment with the same
  // text (business/comment/reply/list/), within the look-back.
  absl::StatusOr<Json> ReconcileModeration(ActionCall& call) {
    ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
    if (m.action != Moderation::kReply) return Moderate(call);
    RETURN_IF_ERROR(CheckCommentId(call.input, m.comment_id));
    ASSIGN_OR_RETURN(std::string video, VideoOf(call.input));
    const std::string what = "tiktok.moderate (reconcile): GET business/comment/reply/list/";
    auto page = [&](const std::string& next) -> absl::StatusOr<ListingPage> {
      int64_t from = 0;
      if (!next.empty() && !absl::SimpleAtoi(next, &from)) from = 0;
      ASSIGN_OR_RETURN(Json answer,
                       ForAccount(call, "GET", "business/comment/reply/list/",
                                  {{"video_id", video}, {"comment_id", m.comment_id},
                                   {"cursor", from}, {"max_count", 30}},
                                  true));
      ListingPage listed;
      ASSIGN_OR_RETURN(listed.items, ListedItems(answer, "comments", what));
      if (JsonMember(answer, "has_more") == Json(true)) {
        listed.next = absl::StrCat(static_cast<int64_t>(JsonNumber(answer, "cursor")));
      }
      return listed;
    };
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    auto is_the_reply = [&](const Json& item) {
      const Comment c = CommentOf(item, "");
      return JsonMember(item, "owner") == Json(true) && SameReplyText(c.text, m.text) &&
             c.created_at >= oldest;
    };
    ASSIGN_OR_RETURN(std::optional<Json> found, FindInListing(page, is_the_reply, what));
    if (!found) {
      return ReconcileNotFound(absl::StrCat("tiktok.moderate: not found: the account has no "
                                            "reply with this text under comment ", m.comment_id));
    }
    return ModerationOutput(m, JsonString(*found, "comment_id"), "");
  }

  // --- Marketing API -------------------------------------------------------------------

  static AuthScheme BusinessAuth() {
    return AuthScheme{.header = "Access-Token", .prefix = "", .token_field = "ads_access_token",
                      .fallback_field = "access_token"};
  }

  static absl::StatusOr<Json> Business(ActionCall& call, absl::string_view method,
                                       absl::string_view path, const Json& body) {
    ASSIGN_OR_RETURN(std::string advertiser, call.account.Require("advertiser_id"));
    Json payload = body;
    payload["advertiser_id"] = advertiser;
    // Creating objects is not idempotent; updates (budget, status) are.
    return SendBusiness(call, method, path, payload, BusinessAuth(),
                        !absl::EndsWith(path, "create/"));
  }

  // A call to the API for Business: GET parameters in the query, anything else as JSON;
  // answers `data` when `code` is 0.
  static absl::StatusOr<Json> SendBusiness(ActionCall& call, absl::string_view method,
                                           absl::string_view path, const Json& payload,
                                           const AuthScheme& auth, bool idempotent) {
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    std::string url = absl::StrCat(call.endpoints.ads, "/open_api/v1.3/", path);
    HttpRequest request;
    if (method == "GET") {
      std::vector<std::pair<std::string, std::string>> q;
      for (const auto& [k, v] : payload.items()) q.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
      request = GetRequest(call, absl::StrCat(url, "?", FormEncode(q)));
    } else {
      request = JsonRequest(call, "POST", url, payload, idempotent);
    }
    const std::string what = absl::StrCat(call.input.action(), ": ", method, " ", path);
    ASSIGN_OR_RETURN(Json answer, session.SendJson(std::move(request), what, auth));
    const int64_t code = static_cast<int64_t>(JsonNumber(answer, "code", -1));
    if (code != 0) return ClassifyTikTokBusinessCode(code, JsonString(answer, "message"), what);
    return JsonMember(answer, "data");
  }

  // The first object `path` ("campaign/get/", "adgroup/get/", "ad/get/") lists under
  // `filtering` for which `match` holds, read page by page (`page` up to
  // page_info.total_page); nullopt if no page holds one.
  static absl::StatusOr<std::optional<Json>> FindObject(
      ActionCall& call, absl::string_view path, const Json& filtering,
      const std::function<bool(const Json&)>& match) {
    const std::string what = absl::StrCat(call.input.action(), ": GET ", path);
    auto page = [&](const std::string& next) -> absl::StatusOr<ListingPage> {
      int64_t number = 1;
      if (!next.empty() && !absl::SimpleAtoi(next, &number)) number = 1;
      ASSIGN_OR_RETURN(Json got, Business(call, "GET", path, {{"filtering", filtering.dump()},
                                                              {"page", number},
                                                              {"page_size", 1000}}));
      ListingPage listed;
      ASSIGN_OR_RETURN(listed.items, ListedItems(got, "list", what));
      if (number < JsonNumber(JsonMember(got, "page_info"), "total_page", 1)) {
        listed.next = absl::StrCat(number + 1);
      }
      return listed;
    };
    return FindInListing(page, match, what);
  }

  static std::string Id(const Json& object, absl::string_view field) {
    return JsonString(object, field);
  }

  // The level of the chain for `kind` ("campaign", "adgroup", "ad"): the first object
  // <kind>/get/ lists under `filtering` whose <kind>_name is the boost's name, else the one
  // <kind>/create/ makes from `body` (its id as <kind>_id).
  static BoostLevel Level(ActionCall& call, const std::string& kind, Json filtering, Json body) {
    BoostLevel level;
    level.what = kind;
    level.id_field = kind + "_id";
    level.find = [&call, kind, filtering = std::move(filtering)] {
      const std::string name = BoostName(call);
      return FindObject(call, kind + "/get/", filtering, [&](const Json& item) {
        return JsonString(item, kind + "_name") == name;
      });
    };
    level.create = [&call, kind, body = std::move(body)]() -> absl::StatusOr<Json> {
      ASSIGN_OR_RETURN(Json made, Business(call, "POST", kind + "/create/", body));
      // ad/create/ answers the ids of the ads it made.
      const Json& ad_ids = JsonMember(made, "ad_ids");
      if (ad_ids.is_array() && !ad_ids.empty()) {
        made["ad_id"] = JsonString(Json{{"i", ad_ids[0]}}, "i");
      }
      return made;
    };
    return level;
  }

  // Campaign → ad group → ad, each found by name under its parent or created
  // (workers/common/boost_chain.h).
  absl::StatusOr<Json> Boost(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string video, call.input.RequiredString("post_id"));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency("USD"));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    budget = RoundToMinorUnit(budget);
    ASSIGN_OR_RETURN(std::optional<absl::Time> end, call.input.EndTime(call.now()));
    const std::string name = BoostName(call);
    BoostChain chain(call);
    ASSIGN_OR_RETURN(Json campaign,
                     chain.Campaign(Level(call, "campaign", {{"campaign_name", name}},
                                          {{"campaign_name", name},
                                           {"objective_type", "TRAFFIC"},
                                           {"budget_mode", "BUDGET_MODE_INFINITE"}})));
    const std::string campaign_id = Id(campaign, "campaign_id");
    ASSIGN_OR_RETURN(Json adgroup,
                     chain.FindOrCreate(Level(call, "adgroup",
                                              {{"campaign_ids", Json::array({campaign_id})}},
                                              AdGroupBody(call, campaign_id, budget, end))));
    const std::string adgroup_id = Id(adgroup, "adgroup_id");
    ASSIGN_OR_RETURN(
        Json ad, chain.FindOrCreate(Level(
                     call, "ad", {{"adgroup_ids", Json::array({adgroup_id})}},
                     {{"adgroup_id", adgroup_id},
                      {"creatives", Json::array({{{"ad_name", name}, {"ad_format", "SINGLE_VIDEO"},
                                                  {"tiktok_item_id", video},
                                                  {"identity_type", "AUTH_CODE"},
                                                  {"call_to_action", "LEARN_MORE"}}})}})));
    // The budget as the ad group holds it (this attempt's, or an earlier one's).
    if (adgroup.contains("budget")) {
      ASSIGN_OR_RETURN(budget, MoneyFromDouble(JsonNumber(adgroup, "budget"), currency));
      budget = RoundToMinorUnit(budget);
    }
    Json out = BudgetOutput(budget);
    out.update({{"campaign_id", campaign_id}, {"ad_set_id", adgroup_id},
                {"ad_id", Id(ad, "ad_id")}, {"status", std::string(kActive)}});
    return out;
  }

  static Json AdGroupBody(const ActionCall& call, const std::string& campaign_id,
                          const Money& budget, const std::optional<absl::Time>& end) {
    auto tiktok_time = [](absl::Time t) {
      return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
    };
    Json body = {{"campaign_id", campaign_id}, {"adgroup_name", BoostName(call)},
                 {"placement_type", "PLACEMENT_TYPE_NORMAL"},
                 {"placements", Json::array({"PLACEMENT_TIKTOK"})},
                 {"location_ids", Json::array({"6252001"})},
                 {"budget_mode", "BUDGET_MODE_DAY"}, {"budget", budget.units()},
                 {"schedule_type", end.has_value() ? "SCHEDULE_START_END" : "SCHEDULE_FROM_NOW"},
                 {"schedule_start_time", tiktok_time(call.now())},
                 {"optimization_goal", "CLICK"}, {"billing_event", "CPC"},
                 {"bid_type", "BID_TYPE_NO_BID"}, {"operation_status", "ENABLE"}};
    if (end.has_value()) body["schedule_end_time"] = tiktok_time(*end);
    return body;
  }

  static absl::StatusOr<Json> AdGroup(ActionCall& call, const std::string& adgroup) {
    ASSIGN_OR_RETURN(std::optional<Json> found,
                     FindObject(call, "adgroup/get/", {{"adgroup_ids", Json::array({adgroup})}},
                                [&adgroup](const Json& item) {
                                  return Id(item, "adgroup_id") == adgroup;
                                }));
    if (!found.has_value()) {
      return RejectedInput(absl::StrCat(call.input.action(), ": ad group ", adgroup, " not found"));
    }
    return *found;
  }

  static absl::StatusOr<Money> AdGroupBudget(ActionCall& call, const std::string& adgroup,
                                             const std::string& currency) {
    ASSIGN_OR_RETURN(Json got, AdGroup(call, adgroup));
    return MoneyFromDouble(JsonNumber(got, "budget"), currency);
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

  // The advertiser's currency and the time zone its reports count days and hours in.
  static absl::StatusOr<std::pair<std::string, absl::TimeZone>> Advertiser(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string advertiser, call.account.Require("advertiser_id"));
    ASSIGN_OR_RETURN(Json info, Business(call, "GET", "advertiser/info/",
                                         {{"advertiser_ids", Json::array({advertiser}).dump()},
                                          {"fields", Json::array({"currency", "timezone"}).dump()}}));
    const Json& list = JsonMember(info, "list");
    const Json first = list.is_array() && !list.empty() ? list[0] : Json::object();
    absl::TimeZone zone = absl::UTCTimeZone();
    const std::string name = JsonString(first, "timezone");
    if (!name.empty() && !absl::LoadTimeZone(name, &zone)) zone = absl::UTCTimeZone();
    return std::make_pair(JsonString(first, "currency", call.input.OptionalString("currency", "USD")),
                          zone);
  }

  // A report over whole days is one row; any other window is asked for with the
  // stat_time_hour dimension over the days it touches and summed over its whole hours.
  absl::StatusOr<Json> AdInsights(ActionCall& call, const TimeWindow& window) {
    ASSIGN_OR_RETURN(std::string ad, call.input.RequiredString("ad_id"));
    ASSIGN_OR_RETURN(auto advertiser, Advertiser(call));
    const auto& [currency, zone] = advertiser;
    const bool whole_days = IsWholeDays(window, zone);
    const TimeWindow measured = whole_days ? TimeWindow{window.since, std::min(window.until,
                                                                               call.now())}
                                           : WholeHours(window, call.now(), zone);
    const absl::CivilDay first = absl::ToCivilDay(measured.since, zone);
    const absl::CivilDay last = absl::ToCivilDay(measured.until - absl::Seconds(1), zone);
    const Json filter = Json::array({{{"field_name", "ad_ids"}, {"filter_type", "IN"},
                                      {"filter_value", Json::array({ad}).dump()}}});
    const Json dimensions = whole_days ? Json::array({"ad_id"})
                                       : Json::array({"ad_id", "stat_time_hour"});
    ASSIGN_OR_RETURN(Json report,
                     Business(call, "GET", "report/integrated/get/",
                              {{"report_type", "BASIC"}, {"data_level", "AUCTION_AD"},
                               {"dimensions", dimensions.dump()},
                               {"metrics", Json::array({"spend", "impressions", "clicks", "reach",
                                                        "conversion"}).dump()},
                               {"start_date", absl::FormatCivilTime(first)},
                               {"end_date", absl::FormatCivilTime(last)},
                               {"filtering", filter.dump()}}));
    Metrics m;
    m.spend = MoneyFromMicros(0, currency);
    const Json& list = JsonMember(report, "list");
    for (const Json& row : list.is_array() ? list : Json::array()) {
      if (!whole_days) {
        absl::Time hour;
        std::string err;
        if (!absl::ParseTime("%Y-%m-%d %H:%M:%S",
                             JsonString(JsonMember(row, "dimensions"), "stat_time_hour"), zone,
                             &hour, &err) ||
            hour < measured.since || hour >= measured.until) {
          continue;
        }
      }
      const Json& metrics = JsonMember(row, "metrics");
      m.impressions += static_cast<int64_t>(JsonNumber(metrics, "impressions"));
      m.clicks += static_cast<int64_t>(JsonNumber(metrics, "clicks"));
      // Unique reach does not add up over hours.
      if (whole_days) m.reach += static_cast<int64_t>(JsonNumber(metrics, "reach"));
      m.conversions += static_cast<int64_t>(JsonNumber(metrics, "conversion"));
      ASSIGN_OR_RETURN(Money spend, MoneyFromDecimal(JsonString(metrics, "spend", "0"), currency));
      m.spend.micros += spend.micros;
    }
    m.window = measured;
    // The ad's state: its ad group (budget holder) and both statuses.
    ASSIGN_OR_RETURN(std::optional<Json> found,
                     FindObject(call, "ad/get/", {{"ad_ids", Json::array({ad})}},
                                [&ad](const Json& item) { return Id(item, "ad_id") == ad; }));
    if (!found.has_value()) {
      return RejectedInput(absl::StrCat("tiktok.insights: ad ", ad, " not found"), "not_found");
    }
    const std::string adgroup_id = Id(*found, "adgroup_id");
    ASSIGN_OR_RETURN(Json adgroup, AdGroup(call, adgroup_id));
    ASSIGN_OR_RETURN(Money budget, MoneyFromDouble(JsonNumber(adgroup, "budget"), currency));
    return AdInsightsOutput(
        m, AdState{.ad_id = ad, .ad_set_id = adgroup_id,
                   .active = JsonString(*found, "operation_status") == "ENABLE" &&
                             JsonString(adgroup, "operation_status") == "ENABLE",
                   .daily_budget = RoundToMinorUnit(budget)});
  }
};

}  // namespace

std::unique_ptr<NetworkAdapter> MakeTikTokAdapter(const AdapterOptions& options) {
  return std::make_unique<TikTokAdapter>(options);
}

}  // namespace fanfare::workers
