#include "workers/youtube/youtube_adapter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
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

absl::Status ClassifyYouTubeError(const HttpResponse& r, absl::string_view what, absl::Time now) {
  const std::optional<Json> body = ParseJson(r.body);
  const Json& error = body.has_value() ? JsonMember(*body, "error") : JsonMember(Json(), "");
  const Json& errors = JsonMember(error, "errors");
  const std::string reason =
      errors.is_array() && !errors.empty() ? JsonString(errors[0], "reason") : "";
  const std::string message = absl::StrCat(what, ": HTTP ", r.status, ": ",
                                           JsonString(error, "message", "no message"),
                                           reason.empty() ? "" : absl::StrCat(" (", reason, ")"));
  if (reason == "quotaExceeded" || reason == "dailyLimitExceeded") {
    // Quota resets at midnight Pacific time (UTC−8 here; DST is ignored).
    const absl::Time pacific = now - absl::Hours(8);
    const int64_t day = absl::ToUnixSeconds(pacific) / 86400;
    const absl::Time reset = absl::FromUnixSeconds((day + 1) * 86400) + absl::Hours(8);
    return Throttled(message, reset - now, reason);
  }
  if (reason == "rateLimitExceeded" || reason == "userRateLimitExceeded" || r.status == 429) {
    return Throttled(message, absl::Minutes(1), reason);
  }
  if (r.status == 401) return AuthExpired(absl::StrCat(message, "; re-authorise the account"), reason);
  if (r.status >= 500) return Retryable(message, reason);
  return RejectedInput(message, reason);
}

namespace {

// search.list costs 100 units a call: one run reads this many pages of 50 at most (the
// coordinator's default `units` limit charges a `search` task for all of them).
constexpr int kSearchPagesPerRun = 2;
// How far back youtube.search listens, and how long it leaves YouTube to index a video.
constexpr absl::Duration kSearchReach = absl::Hours(24 * 7);
constexpr absl::Duration kSearchSettle = absl::Minutes(15);
// How far ahead of this worker's clock another's may run before its cursor is refused.
constexpr absl::Duration kClockMargin = absl::Hours(1);

// "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" and other decimal references as the
// characters they stand for (ASCII only; anything else is left as written).
std::string HtmlUnescape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t amp = text.find('&');
    absl::StrAppend(&out, text.substr(0, amp));
    if (amp == absl::string_view::npos) break;
    text.remove_prefix(amp);
    const size_t semi = text.find(';');
    const absl::string_view entity = text.substr(0, semi == absl::string_view::npos ? 0 : semi + 1);
    char c = 0;
    int code = 0;
    if (entity == "&amp;") c = '&';
    else if (entity == "&lt;") c = '<';
    else if (entity == "&gt;") c = '>';
    else if (entity == "&quot;") c = '"';
    else if (absl::StartsWith(entity, "&#") && entity.size() <= 6 &&
             absl::SimpleAtoi(entity.substr(2, entity.size() - 3), &code) && code > 0 && code < 128) {
      c = static_cast<char>(code);
    }
    if (c == 0) {
      out.push_back('&');
      text.remove_prefix(1);
      continue;
    }
    out.push_back(c);
    text.remove_prefix(entity.size());
  }
  return out;
}

class YouTubeAdapter final : public AdapterBase {
 public:
  explicit YouTubeAdapter(const AdapterOptions& options) : AdapterBase("youtube", options) {
    Register("publish", false, [this](ActionCall& c) { return Publish(c); },
             [this](ActionCall& c) { return Reconcile(c); });
    Register("insights", true, [this](ActionCall& c) { return Insights(c); });
    Register("comments", true, [this](ActionCall& c) { return Comments(c); });
    // Only a reply is not idempotent; its reconcile looks for it (ReconcileModeration).
    Register("moderate", false, [this](ActionCall& c) { return Moderate(c); },
             [this](ActionCall& c) { return ReconcileModeration(c); });
    Register("search", true, [this](ActionCall& c) { return Search(c); });
  }

 private:
  static NetworkProtocol Protocol(const ActionCall& call) {
    const absl::Time now = call.now();
    return NetworkProtocol{
        .network = "youtube",
        .classify = [now](const HttpResponse& r, absl::string_view what) {
          return ClassifyYouTubeError(r, what, now);
        },
        .is_auth_failure = [](const HttpResponse& r) { return r.status == 401; },
        .refresh = RefreshSpecOf("youtube", call.endpoints.auth, /*confidential=*/true)};
  }

  // --- Community ---------------------------------------------------------------------

  // The account's channel id: from its credentials, else channels.list mine=true (1 unit).
  static absl::StatusOr<std::string> ChannelId(ActionCall& call, ApiSession& session) {
    std::string channel = call.account.Get("channel_id");
    if (!channel.empty()) return channel;
    ASSIGN_OR_RETURN(Json channels,
                     session.SendJson(GetRequest(call, call.endpoints.api +
                                                           "/youtube/v3/channels?part=id&mine=true"),
                                      absl::StrCat(call.input.action(), ": GET channels")));
    const Json& items = JsonMember(channels, "items");
    if (items.is_array() && !items.empty()) channel = JsonString(items[0], "id");
    if (channel.empty()) {
      return RejectedInput(absl::StrCat(call.input.action(), ": the account has no channel"));
    }
    return channel;
  }

  static Comment CommentOf(const Json& resource, const std::string& video) {
    const Json& snippet = JsonMember(resource, "snippet");
    Comment c;
    c.id = JsonString(resource, "id");
    c.parent_id = JsonString(snippet, "parentId");
    c.post_id = JsonString(snippet, "videoId", video);
    c.author_id = JsonString(JsonMember(snippet, "authorChannelId"), "value");
    c.author_handle = JsonString(snippet, "authorDisplayName");
    if (!c.author_handle.empty() && c.author_handle[0] == '@') c.author_handle.erase(0, 1);
    c.text = JsonString(snippet, "textOriginal", JsonString(snippet, "textDisplay"));
    std::string err;
    (void)absl::ParseTime(absl::RFC3339_full, JsonString(snippet, "publishedAt"), &c.created_at,
                          &err);
    // Shown to the owner: anything but published is out of public view.
    c.hidden = JsonString(snippet, "moderationStatus", "published") != "published";
    c.url = absl::StrCat("https://www.youtube.com/watch?v=", c.post_id, "&lc=", c.id);
    return c;
  }

  // The channel's comment threads, newest first (top-level comments; 1 unit a page).
  absl::StatusOr<Json> Comments(ActionCall& call) {
    ASSIGN_OR_RETURN(int max, ReadMaxComments(call.input));
    ASSIGN_OR_RETURN(CommentCursor cursor, DecodeCursor(call.input));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(std::string channel, ChannelId(call, session));
    auto page = [&](const std::string& token) -> absl::StatusOr<CommentPage> {
      std::string url = absl::StrCat(call.endpoints.api,
                                     "/youtube/v3/commentThreads?part=snippet&maxResults=100"
                                     "&order=time&textFormat=plainText"
                                     "&allThreadsRelatedToChannelId=", UrlEncode(channel));
      if (!token.empty()) absl::StrAppend(&url, "&pageToken=", UrlEncode(token));
      ASSIGN_OR_RETURN(Json answer, session.SendJson(GetRequest(call, url),
                                                     "youtube.comments: GET commentThreads"));
      ASSIGN_OR_RETURN(Json items, ListedItems(answer, "items", "youtube.comments"));
      CommentPage listed;
      for (const Json& thread : items) {
        const Json& snippet = JsonMember(thread, "snippet");
        ListedComment item{.comment = CommentOf(JsonMember(snippet, "topLevelComment"),
                                                JsonString(snippet, "videoId"))};
        item.key = absl::ToUnixSeconds(item.comment.created_at);
        listed.items.push_back(std::move(item));
      }
      listed.next = JsonString(answer, "nextPageToken");
      return listed;
    };
    // The listing cannot be narrowed by time: a backlog is skipped through, 10 pages at most.
    return DrainComments(page, cursor, max, /*max_pages=*/10);
  }

  // Topic listening: search.list of videos, newest first, read through the shared cursor
  // (publishedAt seconds, ties told apart by id) and narrowed to the cursor's gap by
  // publishedAfter / publishedBefore. Every call costs 100 units, so a run reads two pages
  // of 50 at most; a larger backlog drains over the next runs. The search reaches back
  // kSearchReach (a cursor older than that starts there, and a backlog older than that is
  // given up), and reads nothing newer than kSearchSettle: YouTube indexes a video for
  // search a while after its publishedAt, and the cursor must not pass what is not indexed
  // yet.
  absl::StatusOr<Json> Search(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string query, call.input.RequiredString("query"));
    if (query.size() > 500) return call.input.Reject("query", "is longer than 500 characters");
    if (absl::StripAsciiWhitespace(query).empty()) {
      return call.input.Reject("query", "must name something to search for");
    }
    ASSIGN_OR_RETURN(int max, ReadMaxComments(call.input));
    ASSIGN_OR_RETURN(CommentCursor cursor, DecodeCursor(call.input));
    ASSIGN_OR_RETURN(const SearchWindow window, WindowOf(call, cursor));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    auto page = [&](const std::string& token) -> absl::StatusOr<CommentPage> {
      std::vector<std::pair<std::string, std::string>> q = {
          {"part", "snippet"}, {"type", "video"}, {"order", "date"}, {"maxResults", "50"},
          {"q", query}, {"publishedAfter", Rfc3339(window.after)},
          {"publishedBefore", Rfc3339(window.before)}};
      if (!token.empty()) q.emplace_back("pageToken", token);
      ASSIGN_OR_RETURN(Json answer,
                       session.SendJson(GetRequest(call, absl::StrCat(call.endpoints.api,
                                                                      "/youtube/v3/search?",
                                                                      FormEncode(q))),
                                        "youtube.search: GET search"));
      ASSIGN_OR_RETURN(Json items, ListedItems(answer, "items", "youtube.search"));
      CommentPage listed;
      for (const Json& result : items) {
        ListedComment item{.comment = SearchResultOf(result)};
        if (item.comment.id.empty() || item.comment.created_at == absl::InfinitePast() ||
            item.comment.created_at == absl::InfiniteFuture()) {
          return Retryable("youtube.search: a result without a video id or publishedAt",
                           "unreadable_listing");
        }
        item.key = absl::ToUnixSeconds(item.comment.created_at);
        listed.items.push_back(std::move(item));
      }
      listed.next = JsonString(answer, "nextPageToken");
      return listed;
    };
    return DrainComments(page, cursor, max, /*max_pages=*/kSearchPagesPerRun);
  }

  // The publishedAfter / publishedBefore a search run reads between (both inclusive).
  struct SearchWindow {
    absl::Time after;
    absl::Time before;
  };

  // The cursor's gap, within kSearchReach and kSearchSettle of now. A backlog older than
  // the reach is given up (`cursor` moves to its top); a cursor from the future is refused:
  // a run never moves it past its own clock (the margin allows for another worker's clock
  // running ahead; a cursor within it reads nothing until this clock catches up).
  static absl::StatusOr<SearchWindow> WindowOf(const ActionCall& call, CommentCursor& cursor) {
    const int64_t now_key = absl::ToUnixSeconds(call.now() + kClockMargin);
    if (cursor.after.key > now_key || cursor.top.key > now_key ||
        (cursor.before && cursor.before->key > now_key)) {
      return call.input.Reject("cursor", "lies in the future: no run of youtube.search wrote it");
    }
    const absl::Time oldest = call.now() - kSearchReach;
    if (cursor.before && absl::FromUnixSeconds(cursor.before->key) < oldest) {
      cursor.after = cursor.top;
      cursor.before.reset();
    }
    // publishedAt has whole seconds: the before bound's own second is listed.
    return SearchWindow{
        .after = std::max(absl::FromUnixSeconds(cursor.after.key), oldest),
        .before = cursor.before ? absl::FromUnixSeconds(cursor.before->key) + absl::Seconds(1)
                                : call.now() - kSearchSettle};
  }

  // A search result as a listened-to item: the video, its channel as the author, and its
  // title and description as the text. `post_id` stays "": it is not the account's post.
  static Comment SearchResultOf(const Json& result) {
    const Json& snippet = JsonMember(result, "snippet");
    Comment c;
    c.id = JsonString(JsonMember(result, "id"), "videoId");
    c.author_id = JsonString(snippet, "channelId");
    c.author_handle = JsonString(snippet, "channelTitle");
    // search.list answers its snippets HTML-escaped (videos.list does not).
    const std::string title = HtmlUnescape(JsonString(snippet, "title"));
    const std::string description = HtmlUnescape(JsonString(snippet, "description"));
    c.text = description.empty() ? title : absl::StrCat(title, "\n", description);
    c.created_at = absl::InfinitePast();
    std::string err;
    (void)absl::ParseTime(absl::RFC3339_full, JsonString(snippet, "publishedAt"), &c.created_at,
                          &err);
    c.url = absl::StrCat("https://www.youtube.com/watch?v=", c.id);
    return c;
  }

  absl::StatusOr<Json> Moderate(ActionCall& call) {
    ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    const std::string comments = call.endpoints.api + "/youtube/v3/comments";
    auto moderation_status = [&](absl::string_view status) -> absl::StatusOr<Json> {
      std::string url = absl::StrCat(comments, "/setModerationStatus?id=", UrlEncode(m.comment_id),
                                     "&moderationStatus=", status);
      const Json& ban = JsonMember(call.input.json(), "ban_author");
      if (!ban.is_null() && !ban.is_boolean()) {
        return call.input.Reject("ban_author", "must be true or false");
      }
      if (status == "rejected" && ban.is_boolean() && ban.get<bool>()) {
        absl::StrAppend(&url, "&banAuthor=true");
      }
      RETURN_IF_ERROR(session.Send(FormRequest(call, "POST", url, {}, true),
                                   "youtube.moderate: POST comments/setModerationStatus")
                          .status());
      return ModerationOutput(m);
    };
    switch (m.action) {
      case Moderation::kHide: return moderation_status("heldForReview");
      case Moderation::kUnhide: return moderation_status("published");
      case Moderation::kReject: return moderation_status("rejected");
      case Moderation::kDelete: {
        // Only one's own comments; the owner rejects anyone else's (YouTube answers 403).
        absl::Status deleted = session.Send(FormRequest(call, "DELETE",
                                                        comments + "?id=" + UrlEncode(m.comment_id),
                                                        {}, true),
                                            "youtube.moderate: DELETE comments")
                                   .status();
        // Gone already (an earlier attempt's answer was lost): deleting is done.
        if (!deleted.ok() && ToTaskFailure(deleted).code() != "commentNotFound") return deleted;
        return ModerationOutput(m);
      }
      case Moderation::kReply: {
        ASSIGN_OR_RETURN(Json created,
                         session.SendJson(JsonRequest(call, "POST", comments + "?part=snippet",
                                                      {{"snippet", {{"parentId", m.comment_id},
                                                                    {"textOriginal", m.text}}}},
                                                      /*idempotent=*/false),
                                          "youtube.moderate: POST comments (reply)"));
        const Comment reply = CommentOf(created, "");
        if (reply.id.empty()) return OutcomeUnknown("youtube.moderate: the answer has no comment id");
        return ModerationOutput(m, reply.id, reply.url);
      }
      case Moderation::kLike:
        return UnsupportedModeration(call.input, m,
                                     "the YouTube Data API cannot rate comments");
      case Moderation::kPin:
        return UnsupportedModeration(call.input, m, "the YouTube Data API cannot pin comments");
      case Moderation::kReshare:
        return UnsupportedModeration(call.input, m, "YouTube has no way to reshare a comment");
    }
    return UnsupportedModeration(call.input, m, "unknown action");
  }

  // A reply whose answer was lost: the channel's own reply under the comment with the same
  // text (comments.list parentId=, 1 unit a page).
  absl::StatusOr<Json> ReconcileModeration(ActionCall& call) {
    ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
    if (m.action != Moderation::kReply) return Moderate(call);
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(std::string channel, ChannelId(call, session));
    auto page = [&](const std::string& token) -> absl::StatusOr<ListingPage> {
      std::string url = absl::StrCat(call.endpoints.api,
                                     "/youtube/v3/comments?part=snippet&maxResults=100"
                                     "&textFormat=plainText&parentId=", UrlEncode(m.comment_id));
      if (!token.empty()) absl::StrAppend(&url, "&pageToken=", UrlEncode(token));
      ASSIGN_OR_RETURN(Json answer, session.SendJson(GetRequest(call, url),
                                                     "youtube.moderate (reconcile): GET comments"));
      ListingPage listed;
      ASSIGN_OR_RETURN(listed.items, ListedItems(answer, "items", "youtube.moderate (reconcile)"));
      listed.next = JsonString(answer, "nextPageToken");
      return listed;
    };
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    auto is_the_reply = [&](const Json& resource) {
      const Comment c = CommentOf(resource, "");
      return c.author_id == channel && SameReplyText(c.text, m.text) && c.created_at >= oldest;
    };
    ASSIGN_OR_RETURN(std::optional<Json> found,
                     FindInListing(page, is_the_reply, "youtube.moderate (reconcile)"));
    if (!found) {
      return ReconcileNotFound(absl::StrCat("youtube.moderate: not found: the channel has no "
                                            "reply with this text under comment ", m.comment_id));
    }
    const Comment reply = CommentOf(*found, "");
    return ModerationOutput(m, reply.id, reply.url);
  }

  struct Video {
    std::string title;
    std::string description;
  };

  static absl::StatusOr<Video> VideoText(const TaskInput& input) {
    Video v;
    ASSIGN_OR_RETURN(v.title, input.RequiredOneOf({"title", "text"}));
    v.description = input.OptionalString("description", input.OptionalString("text"));
    v.description = AppendLink(std::move(v.description), "\n", input.OptionalString("link"));
    return v;
  }

  static absl::StatusOr<std::string> MediaUrl(const TaskInput& input) {
    if (input.Has("video_url")) return input.RequiredString("video_url");
    const Json& media = JsonMember(input.json(), "media");
    if (media.is_array() && !media.empty() && !JsonString(media[0], "url").empty()) {
      return JsonString(media[0], "url");
    }
    return input.Reject("video_url", "is required (or media: [{url, type: video}])");
  }

  // Uploads `bytes` to the session; returns the video resource.
  absl::StatusOr<Json> Upload(ActionCall& call, ApiSession& session, const std::string& url,
                              const std::string& bytes) {
    const int64_t total = static_cast<int64_t>(bytes.size());
    const int64_t chunk = std::max<int64_t>(256 * 1024, call.options.youtube_chunk_bytes / (256 * 1024) * 256 * 1024);
    int64_t offset = 0;
    while (true) {
      const int64_t end = std::min(total, offset + chunk);
      HttpRequest put{.method = "PUT", .url = url,
                      .body = bytes.substr(static_cast<size_t>(offset),
                                           static_cast<size_t>(end - offset)),
                      .timeout = std::max(call.options.request_timeout, absl::Minutes(5)),
                      .idempotent = true};
      put.headers.emplace_back("Content-Range",
                               absl::StrCat("bytes ", offset, "-", end - 1, "/", total));
      put.headers.emplace_back("Content-Type", "video/*");
      absl::StatusOr<HttpResponse> r = session.SendRaw(std::move(put), "youtube.publish: PUT chunk");
      if (!r.ok()) {
        // Once the last byte may have arrived, the video may exist.
        if (end == total) return OutcomeUnknown(r.status().message(), "no_response");
        return r.status();
      }
      if (r->status == 200 || r->status == 201) {
        std::optional<Json> video = ParseJson(r->body);
        if (!video.has_value()) return OutcomeUnknown("youtube.publish: unreadable video resource");
        return *video;
      }
      if (r->status != 308) return ClassifyYouTubeError(*r, "youtube.publish: PUT chunk", call.now());
      const std::string range = r->Header("range");  // "bytes=0-N"
      int64_t last = -1;
      const size_t dash = range.rfind('-');
      if (dash != std::string::npos) (void)absl::SimpleAtoi(range.substr(dash + 1), &last);
      offset = last + 1;
      if (call.ctx.cancelled()) return absl::CancelledError("youtube.publish: cancelled");
    }
  }

  absl::StatusOr<Json> Publish(ActionCall& call) {
    ASSIGN_OR_RETURN(Video v, VideoText(call.input));
    ASSIGN_OR_RETURN(std::string media_url, MediaUrl(call.input));
    const std::string privacy = call.input.OptionalString("privacy", "private");
    if (privacy != "public" && privacy != "private" && privacy != "unlisted") {
      return call.input.Reject("privacy", "must be public, unlisted or private");
    }
    ASSIGN_OR_RETURN(std::vector<std::string> tags, call.input.StringList("hashtags"));
    ASSIGN_OR_RETURN(std::string bytes, FetchMedia(call, media_url));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    // Opening a session publishes nothing, so it may be retried (it costs quota units).
    HttpRequest init = JsonRequest(
        call, "POST",
        call.endpoints.api + "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
        {{"snippet", {{"title", v.title}, {"description", v.description}, {"tags", tags},
                      {"categoryId", call.input.OptionalString("category_id", "22")}}},
         {"status", {{"privacyStatus", privacy}, {"selfDeclaredMadeForKids", false}}}},
        /*idempotent=*/true);
    init.headers.emplace_back("X-Upload-Content-Length", absl::StrCat(bytes.size()));
    init.headers.emplace_back("X-Upload-Content-Type", "video/*");
    ASSIGN_OR_RETURN(HttpResponse started,
                     session.Send(std::move(init), "youtube.publish: POST videos (resumable)"));
    const std::string session_url = started.Header("location");
    if (session_url.empty()) return Retryable("youtube.publish: no session URL in Location");
    ASSIGN_OR_RETURN(Json video, Upload(call, session, session_url, bytes));
    const std::string id = JsonString(video, "id");
    AwaitProcessing(call, session, id);
    absl::Time published = call.now();
    std::string err;
    (void)absl::ParseTime(absl::RFC3339_full,
                          JsonString(JsonMember(video, "snippet"), "publishedAt"), &published, &err);
    return PublishOutput("youtube", id, absl::StrCat("https://www.youtube.com/watch?v=", id),
                         published);
  }

  // Best effort: the video exists whatever processing says; stop at success or failure.
  void AwaitProcessing(ActionCall& call, ApiSession& session, const std::string& id) {
    for (int poll = 0; poll < call.options.max_polls; ++poll) {
      absl::StatusOr<Json> list = session.SendJson(
          GetRequest(call, absl::StrCat(call.endpoints.api, "/youtube/v3/videos?part="
                                                            "processingDetails,status&id=", id)),
          "youtube.publish: GET videos");
      if (!list.ok()) return;
      const Json& items = JsonMember(*list, "items");
      if (!items.is_array() || items.empty()) return;
      const std::string state =
          JsonString(JsonMember(items[0], "processingDetails"), "processingStatus");
      if (state != "processing") return;
      if (!call.PollWait()) return;
    }
  }

  absl::StatusOr<Json> Reconcile(ActionCall& call) {
    ASSIGN_OR_RETURN(Video v, VideoText(call.input));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(Json channels,
                     session.SendJson(GetRequest(call, call.endpoints.api +
                                                           "/youtube/v3/channels?part="
                                                           "contentDetails&mine=true"),
                                      "youtube.publish (reconcile): GET channels"));
    const Json& items = JsonMember(channels, "items");
    const std::string uploads =
        items.is_array() && !items.empty()
            ? JsonString(JsonMember(JsonMember(items[0], "contentDetails"), "relatedPlaylists"),
                         "uploads") : "";
    ASSIGN_OR_RETURN(Json list,
                     session.SendJson(GetRequest(call, absl::StrCat(call.endpoints.api,
                                                                    "/youtube/v3/playlistItems?"
                                                                    "part=snippet&maxResults=50&"
                                                                    "playlistId=",
                                                                    UrlEncode(uploads))),
                                      "youtube.publish (reconcile): GET playlistItems"));
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    const Json& entries = JsonMember(list, "items");
    for (const Json& e : entries.is_array() ? entries : Json::array()) {
      const Json& s = JsonMember(e, "snippet");
      absl::Time at;
      std::string err;
      if (JsonString(s, "title") != v.title || JsonString(s, "description") != v.description ||
          !absl::ParseTime(absl::RFC3339_full, JsonString(s, "publishedAt"), &at, &err) ||
          at < oldest) {
        continue;
      }
      const std::string id = JsonString(JsonMember(s, "resourceId"), "videoId");
      return PublishOutput("youtube", id, absl::StrCat("https://www.youtube.com/watch?v=", id), at);
    }
    return ReconcileNotFound("youtube.publish: not found: no upload with this title and "
                          "description in the look-back window");
  }

  absl::StatusOr<Json> Insights(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string id, call.input.RequiredString("post_id"));
    ASSIGN_OR_RETURN(TimeWindow window, call.input.Window(call.now()));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(Json list,
                     session.SendJson(GetRequest(call, absl::StrCat(call.endpoints.api,
                                                                    "/youtube/v3/videos?part="
                                                                    "statistics&id=", id)),
                                      "youtube.insights: GET videos?part=statistics"));
    const Json& items = JsonMember(list, "items");
    if (!items.is_array() || items.empty()) {
      return RejectedInput(absl::StrCat("youtube.insights: video ", id, " not found"), "notFound");
    }
    const Json& stats = JsonMember(items[0], "statistics");
    Metrics m;
    m.impressions = static_cast<int64_t>(JsonNumber(stats, "viewCount"));  // views
    m.spend = MoneyFromMicros(0, call.input.OptionalString("currency", "USD"));
    // Organic metrics are lifetime totals: say so rather than pretend to a window.
    m.window = {window.since, call.now()};
    m.lifetime = true;
    Json out = InsightsOutput(m);
    out["post_id"] = id;
    out["views"] = m.impressions;
    out["likes"] = static_cast<int64_t>(JsonNumber(stats, "likeCount"));
    out["period"] = "lifetime";
    return out;
  }
};

}  // namespace

std::unique_ptr<NetworkAdapter> MakeYouTubeAdapter(const AdapterOptions& options) {
  return std::make_unique<YouTubeAdapter>(options);
}

}  // namespace fanfare::workers
