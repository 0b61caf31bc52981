#include "workers/x/x_adapter.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/api_session.h"
#include "workers/common/boost_chain.h"
#include "workers/common/community.h"
#include "workers/common/outputs.h"

namespace fanfare::workers {
namespace {

std::string Detail(const std::optional<Json>& body) {
  if (!body.has_value()) return "no error body";
  std::string detail = JsonString(*body, "detail");
  const Json& errors = JsonMember(*body, "errors");
  if (detail.empty() && errors.is_array() && !errors.empty()) {
    detail = absl::StrCat(JsonString(errors[0], "code"), " ", JsonString(errors[0], "message"));
  }
  return detail.empty() ? JsonString(*body, "title", "no detail") : detail;
}

}  // namespace

absl::Time SnowflakeTime(int64_t id) {
  constexpr int64_t kTwitterEpochMillis = 1'288'834'974'657;
  return absl::FromUnixMillis((id >> 22) + kTwitterEpochMillis);
}

std::string XSentText(const Json& tweet) {
  std::string text = JsonString(tweet, "text");
  // X shows links as t.co links and lists what they stand for in entities.urls.
  const Json& urls = JsonMember(JsonMember(tweet, "entities"), "urls");
  for (const Json& u : urls.is_array() ? urls : Json::array()) {
    const std::string shown = JsonString(u, "url");
    const std::string written = JsonString(u, "expanded_url");
    if (shown.empty() || written.empty()) continue;
    for (size_t at = text.find(shown); at != std::string::npos; at = text.find(shown, at + written.size())) {
      text.replace(at, shown.size(), written);
    }
  }
  for (const auto& [escaped, plain] : {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"},
                                       std::pair{"&amp;", "&"}}) {
    text = absl::StrReplaceAll(text, {{escaped, plain}});
  }
  return text;
}

absl::Status ClassifyXError(const HttpResponse& response, absl::string_view what,
                            absl::Time now) {
  const std::optional<Json> body = ParseJson(response.body);
  const std::string message = absl::StrCat(what, ": HTTP ", response.status, ": ", Detail(body));
  const std::string code = absl::StrCat(response.status);
  if (response.status == 429) {
    int64_t reset = 0;
    absl::Duration wait = absl::Minutes(15);
    if (absl::SimpleAtoi(response.Header("x-rate-limit-reset"), &reset)) {
      wait = std::max(absl::Seconds(1), absl::FromUnixSeconds(reset) - now);
    }
    return Throttled(absl::StrCat(message, " (x-rate-limit-limit ",
                                  response.Header("x-rate-limit-limit"), " per 15 minutes)"),
                     wait, code);
  }
  if (response.status == 401) {
    return AuthExpired(absl::StrCat(message, "; re-authorise the account"), code);
  }
  if (response.status == 403 && absl::StrContains(message, "duplicate content")) {
    return Duplicate(message, "duplicate_content");
  }
  if (response.status >= 500) return Retryable(message, code);
  return RejectedInput(message, code);
}

namespace {

class XAdapter final : public AdapterBase {
  // Query-string parameters (the X Ads API takes its parameters there too).
  using Query = std::vector<std::pair<std::string, std::string>>;

 public:
  explicit XAdapter(const AdapterOptions& options) : AdapterBase("x", options) {
    Register("publish", false, [this](ActionCall& c) { return Publish(c); },
             [this](ActionCall& c) { return Reconcile(c); });
    Register("insights", true, [this](ActionCall& c) { return Insights(c); });
    // A boost's reconcile is the same find-or-create walk.
    Register("boost", false, [this](ActionCall& c) { return Boost(c); },
             [this](ActionCall& c) { return Boost(c); });
    Register("set_budget", true, [this](ActionCall& c) { return SetBudget(c); });
    Register("pause", true, [this](ActionCall& c) { return SetStatus(c, "PAUSED"); });
    Register("resume", true, [this](ActionCall& c) { return SetStatus(c, "ACTIVE"); });
    Register("comments", true, [this](ActionCall& c) { return Comments(c); });
    Register("search", true, [this](ActionCall& c) { return Search(c); });
    // Only a reply is not idempotent; its reconcile looks for it (ReconcileModeration).
    Register("moderate", false, [this](ActionCall& c) { return Moderate(c); },
             [this](ActionCall& c) { return ReconcileModeration(c); });
  }

 private:
  static NetworkProtocol Protocol(const ActionCall& call) {
    const absl::Time now = call.now();
    return NetworkProtocol{
        .network = "x",
        .classify = [now](const HttpResponse& r,
                          absl::string_view what) { return ClassifyXError(r, what, now); },
        .is_auth_failure = [](const HttpResponse& r) { return r.status == 401; },
        .refresh = RefreshSpecOf("x", call.endpoints.auth,
                                 !call.account.Get("client_secret").empty())};
  }

  static absl::StatusOr<std::string> Text(const TaskInput& input) {
    ASSIGN_OR_RETURN(std::string text, input.RequiredString("text"));
    text = AppendLink(std::move(text), " ", input.OptionalString("link"));
    ASSIGN_OR_RETURN(std::vector<std::string> tags, input.StringList("hashtags"));
    for (const std::string& tag : tags) absl::StrAppend(&text, " #", tag);
    return text;
  }

  static std::string Url(const ActionCall& call, const std::string& id) {
    const std::string user = call.account.Get("username");
    return absl::StrCat("https://x.com/", user.empty() ? "i/web" : user, "/status/", id);
  }

  absl::StatusOr<Json> Publish(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string text, Text(call.input));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(Json created,
                     session.SendJson(JsonRequest(call, "POST", call.endpoints.api + "/2/tweets",
                                                  {{"text", text}}, /*idempotent=*/false),
                                      "x.publish: POST /2/tweets"));
    const std::string id = JsonString(JsonMember(created, "data"), "id");
    if (id.empty()) return OutcomeUnknown("x.publish: the answer has no tweet id");
    return PublishOutput("x", id, Url(call, id), call.now());
  }

  absl::StatusOr<Json> Reconcile(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string text, Text(call.input));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(std::string user, MyUserId(call, session));
    ASSIGN_OR_RETURN(Json tweets,
                     session.SendJson(GetRequest(call, absl::StrCat(call.endpoints.api,
                                                                    "/2/users/", user,
                                                                    "/tweets?max_results=50&"
                                                                    "tweet.fields=created_at,"
                                                                    "entities")),
                                      "x.publish (reconcile): GET /2/users/{id}/tweets"));
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    const Json& data = JsonMember(tweets, "data");
    for (const Json& t : data.is_array() ? data : Json::array()) {
      absl::Time created;
      std::string err;
      if (XSentText(t) != text ||
          !absl::ParseTime(absl::RFC3339_full, JsonString(t, "created_at"), &created, &err) ||
          created < oldest) {
        continue;
      }
      return PublishOutput("x", JsonString(t, "id"), Url(call, JsonString(t, "id")), created);
    }
    return ReconcileNotFound("x.publish: not found: no tweet with this text in the look-back "
                          "window");
  }

  // The account's user id: from its credentials, else GET /2/users/me.
  static absl::StatusOr<std::string> MyUserId(ActionCall& call, ApiSession& session) {
    std::string user = call.account.Get("user_id");
    if (!user.empty()) return user;
    ASSIGN_OR_RETURN(Json me, session.SendJson(GetRequest(call, call.endpoints.api + "/2/users/me"),
                                               absl::StrCat(call.input.action(),
                                                            ": GET /2/users/me")));
    user = JsonString(JsonMember(me, "data"), "id");
    if (user.empty()) return Retryable(absl::StrCat(call.input.action(), ": /2/users/me has no id"));
    return user;
  }

  // --- Community ---------------------------------------------------------------------

  // Tweet ids are decimal numbers (they go into request paths).
  static absl::Status CheckTweetId(const ActionCall& call, const std::string& id) {
    if (id.empty() || id.size() > 20 ||
        !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return call.input.Reject("comment_id", "must be a tweet id (digits)");
    }
    return absl::OkStatus();
  }

  // The mention timeline (replies to the account's posts are mentions too).
  absl::StatusOr<Json> Comments(ActionCall& call) {
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(std::string me, MyUserId(call, session));
    return ReadTimeline(call, session, me, absl::StrCat("/2/users/", me, "/mentions"), {},
                        absl::InfiniteDuration(), "x.comments: GET /2/users/{id}/mentions");
  }

  // Recent search (the last 7 days of every public conversation) for topic listening.
  absl::StatusOr<Json> Search(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string query, call.input.RequiredString("query"));
    if (query.size() > 512) return call.input.Reject("query", "is longer than 512 characters");
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(std::string me, MyUserId(call, session));
    return ReadTimeline(call, session, me, "/2/tweets/search/recent",
                        {{"query", query}, {"sort_order", "recency"}}, absl::Hours(24 * 7),
                        "x.search: GET /2/tweets/search/recent");
  }

  // A timeline of tweets, newest first, read from the input's cursor: narrowed to the
  // cursor's gap by since_id and until_id, five pages of 100 at most. A timeline that reaches
  // back only `reach` (recent search: 7 days, and it refuses an older since_id or until_id)
  // is read from its oldest tweet instead of an older cursor, and a backlog older than that
  // is given up: those tweets are out of the API's reach.
  absl::StatusOr<Json> ReadTimeline(ActionCall& call, ApiSession& session, const std::string& me,
                                    const std::string& path, const Query& query,
                                    absl::Duration reach, const std::string& what) {
    ASSIGN_OR_RETURN(int max, ReadMaxComments(call.input));
    ASSIGN_OR_RETURN(CommentCursor cursor, DecodeCursor(call.input));
    std::optional<absl::Time> start_time;
    if (reach != absl::InfiniteDuration()) {
      const absl::Time oldest = call.now() - reach + absl::Minutes(5);
      if (cursor.before && SnowflakeTime(cursor.before->key) < oldest) {
        cursor.after = cursor.top;
        cursor.before.reset();
      }
      if (SnowflakeTime(cursor.after.key) < oldest) start_time = oldest;
    }
    auto page = [&](const std::string& token) -> absl::StatusOr<CommentPage> {
      Query q = query;
      q.insert(q.end(),
               {{"max_results", "100"},
                {"tweet.fields", "created_at,author_id,conversation_id,referenced_tweets,"
                                 "in_reply_to_user_id,entities"},
                {"expansions", "author_id"}, {"user.fields", "username,public_metrics"}});
      if (start_time) {
        q.emplace_back("start_time", Rfc3339(*start_time));
      } else if (cursor.after.key > 0) {
        q.emplace_back("since_id", absl::StrCat(cursor.after.key));
      }
      if (cursor.before) q.emplace_back("until_id", absl::StrCat(cursor.before->key));
      if (!token.empty()) q.emplace_back("pagination_token", token);
      ASSIGN_OR_RETURN(Json answer,
                       session.SendJson(GetRequest(call, absl::StrCat(call.endpoints.api, path, "?",
                                                                      FormEncode(q))),
                                        what));
      return TimelinePage(answer, me, what);
    };
    return DrainComments(page, cursor, max, /*max_pages=*/5);
  }

  // One page of a timeline, normalised. X leaves `data` out of an empty page.
  // A comment's `post_id` is the conversation's first tweet only when it answers that tweet
  // directly and the tweet is `me`'s: X does not say who started a conversation, so deeper
  // replies and other people's conversations have none.
  static absl::StatusOr<CommentPage> TimelinePage(const Json& answer, const std::string& me,
                                                  const std::string& what) {
    const Json& data = JsonMember(answer, "data");
    if (!data.is_array() && JsonNumber(JsonMember(answer, "meta"), "result_count", -1) != 0) {
      return Retryable(absl::StrCat(what, ": answered neither tweets nor an empty page"),
                       "unreadable_listing");
    }
    struct Author {
      std::string handle;
      int64_t followers = 0;
    };
    std::map<std::string, Author> users;
    const Json& listed_users = JsonMember(JsonMember(answer, "includes"), "users");
    for (const Json& u : listed_users.is_array() ? listed_users : Json::array()) {
      users[JsonString(u, "id")] = Author{
          JsonString(u, "username"),
          static_cast<int64_t>(JsonNumber(JsonMember(u, "public_metrics"), "followers_count"))};
    }
    CommentPage page;
    for (const Json& t : data.is_array() ? data : Json::array()) {
      ListedComment item;
      Comment& c = item.comment;
      c.id = JsonString(t, "id");
      if (!absl::SimpleAtoi(c.id, &item.key)) continue;
      c.text = XSentText(t);
      c.author_id = JsonString(t, "author_id");
      const std::string conversation = JsonString(t, "conversation_id");
      const Json& refs = JsonMember(t, "referenced_tweets");
      for (const Json& r : refs.is_array() ? refs : Json::array()) {
        if (JsonString(r, "type") == "replied_to") c.parent_id = JsonString(r, "id");
      }
      if (!c.parent_id.empty() && c.parent_id == conversation &&
          JsonString(t, "in_reply_to_user_id") == me) {
        c.post_id = conversation;
        c.parent_id.clear();
      }
      if (auto u = users.find(c.author_id); u != users.end()) {
        c.author_handle = u->second.handle;
        c.author_followers = u->second.followers;
      }
      std::string err;
      (void)absl::ParseTime(absl::RFC3339_full, JsonString(t, "created_at"), &c.created_at, &err);
      c.url = absl::StrCat("https://x.com/", c.author_handle.empty() ? "i/web" : c.author_handle,
                           "/status/", c.id);
      page.items.push_back(std::move(item));
    }
    page.next = JsonString(JsonMember(answer, "meta"), "next_token");
    return page;
  }

  absl::StatusOr<Json> Moderate(ActionCall& call) {
    ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
    RETURN_IF_ERROR(CheckTweetId(call, m.comment_id));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    const std::string api = call.endpoints.api;
    switch (m.action) {
      case Moderation::kHide:
      case Moderation::kUnhide:
        // Only replies in conversations the account started; X answers 403 otherwise.
        RETURN_IF_ERROR(session.SendJson(JsonRequest(call, "PUT",
                                                     api + "/2/tweets/" + m.comment_id + "/hidden",
                                                     {{"hidden", m.action == Moderation::kHide}},
                                                     true),
                                         "x.moderate: PUT /2/tweets/{id}/hidden")
                            .status());
        return ModerationOutput(m);
      case Moderation::kLike:
      case Moderation::kReshare: {
        // A like or a repost of the comment (a tweet): doing it again changes nothing.
        const std::string edge = m.action == Moderation::kLike ? "likes" : "retweets";
        ASSIGN_OR_RETURN(std::string me, MyUserId(call, session));
        RETURN_IF_ERROR(session.SendJson(JsonRequest(call, "POST",
                                                     api + "/2/users/" + me + "/" + edge,
                                                     {{"tweet_id", m.comment_id}}, true),
                                         "x.moderate: POST /2/users/{id}/" + edge)
                            .status());
        return ModerationOutput(m);
      }
      case Moderation::kDelete:
        // Only the account's own tweets; X answers 403 for anyone else's.
        RETURN_IF_ERROR(session.SendJson(FormRequest(call, "DELETE",
                                                     api + "/2/tweets/" + m.comment_id, {}, true),
                                         "x.moderate: DELETE /2/tweets/{id}")
                            .status());
        return ModerationOutput(m);
      case Moderation::kReply: {
        ASSIGN_OR_RETURN(
            Json created,
            session.SendJson(JsonRequest(call, "POST", api + "/2/tweets",
                                         {{"text", m.text},
                                          {"reply", {{"in_reply_to_tweet_id", m.comment_id}}}},
                                         /*idempotent=*/false),
                             "x.moderate: POST /2/tweets (reply)"));
        const std::string id = JsonString(JsonMember(created, "data"), "id");
        if (id.empty()) return OutcomeUnknown("x.moderate: the answer has no tweet id");
        return ModerationOutput(m, id, Url(call, id));
      }
      case Moderation::kPin:
        return UnsupportedModeration(call.input, m, "X has no API to pin a reply");
      case Moderation::kReject:
        return UnsupportedModeration(call.input, m,
                                     "reject is YouTube's moderation; on X, hide the reply");
    }
    return UnsupportedModeration(call.input, m, "unknown action");
  }

  // A reply whose answer was lost: the account's own tweet replying to the comment with the
  // same text, in its timeline (replies included) over the look-back window.
  absl::StatusOr<Json> ReconcileModeration(ActionCall& call) {
    ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
    RETURN_IF_ERROR(CheckTweetId(call, m.comment_id));
    if (m.action != Moderation::kReply) return Moderate(call);
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(std::string me, MyUserId(call, session));
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    auto page = [&](const std::string& token) -> absl::StatusOr<ListingPage> {
      Query q = {{"max_results", "100"}, {"tweet.fields", "created_at,referenced_tweets,entities"},
                 {"start_time", Rfc3339(oldest)}};
      if (!token.empty()) q.emplace_back("pagination_token", token);
      ASSIGN_OR_RETURN(Json answer,
                       session.SendJson(GetRequest(call, absl::StrCat(call.endpoints.api,
                                                                      "/2/users/", me,
                                                                      "/tweets?", FormEncode(q))),
                                        "x.moderate (reconcile): GET /2/users/{id}/tweets"));
      ListingPage listed;
      if (JsonMember(answer, "data").is_array()) listed.items = JsonMember(answer, "data");
      listed.next = JsonString(JsonMember(answer, "meta"), "next_token");
      return listed;
    };
    auto is_the_reply = [&](const Json& t) {
      const Json& refs = JsonMember(t, "referenced_tweets");
      bool answers = false;
      for (const Json& r : refs.is_array() ? refs : Json::array()) {
        answers |= JsonString(r, "type") == "replied_to" && JsonString(r, "id") == m.comment_id;
      }
      return answers && SameReplyText(XSentText(t), m.text);
    };
    ASSIGN_OR_RETURN(std::optional<Json> found,
                     FindInListing(page, is_the_reply, "x.moderate (reconcile)"));
    if (!found) {
      return ReconcileNotFound(absl::StrCat("x.moderate: not found: the account has no reply "
                                            "with this text under tweet ", m.comment_id));
    }
    return ModerationOutput(m, JsonString(*found, "id"), Url(call, JsonString(*found, "id")));
  }

  // --- Ads -----------------------------------------------------------------------------


  static absl::StatusOr<std::string> AdsUrl(const ActionCall& call, absl::string_view path) {
    ASSIGN_OR_RETURN(std::string account, call.account.Require("ads_account_id"));
    return absl::StrCat(call.endpoints.ads, "/", call.options.x_ads_version, "/accounts/",
                        account, "/", path);
  }

  // One call; returns the whole answer.
  static absl::StatusOr<Json> AdsAnswer(ActionCall& call, ApiSession& session,
                                        absl::string_view method, absl::string_view path,
                                        const Query& q, bool idempotent) {
    ASSIGN_OR_RETURN(std::string url, AdsUrl(call, path));
    if (!q.empty()) absl::StrAppend(&url, "?", FormEncode(q));
    HttpRequest request{.method = std::string(method), .url = url,
                        .timeout = call.options.request_timeout, .idempotent = idempotent};
    return session.SendJson(std::move(request),
                            absl::StrCat(call.input.action(), ": ", method, " ", path));
  }

  // As AdsAnswer; returns its "data".
  static absl::StatusOr<Json> AdsCall(ActionCall& call, ApiSession& session,
                                      absl::string_view method, absl::string_view path,
                                      const Query& q, bool idempotent) {
    ASSIGN_OR_RETURN(Json body, AdsAnswer(call, session, method, path, q, idempotent));
    return JsonMember(body, "data");
  }

  // The first object of `path` ("campaigns", "line_items", "promoted_tweets") listed with
  // `query` for which `match` holds, read page by page (`cursor` / `next_cursor`); nullopt
  // if a complete listing holds none.
  static absl::StatusOr<std::optional<Json>> FindAdsEntity(
      ActionCall& call, ApiSession& session, absl::string_view path, const Query& query,
      const std::function<bool(const Json&)>& match) {
    const std::string what = absl::StrCat(call.input.action(), ": GET ", path);
    auto page = [&](const std::string& cursor) -> absl::StatusOr<ListingPage> {
      Query q = query;
      q.emplace_back("count", "1000");
      if (!cursor.empty()) q.emplace_back("cursor", cursor);
      ASSIGN_OR_RETURN(Json answer, AdsAnswer(call, session, "GET", path, q, true));
      ListingPage listed;
      ASSIGN_OR_RETURN(listed.items, ListedItems(answer, "data", what));
      listed.next = JsonString(answer, "next_cursor");  // null after the last page
      return listed;
    };
    return FindInListing(page, match, what);
  }

  // The level `what` of the chain: the first object of `path` listed with `query` that
  // `match` accepts, else the one POST `path` with `create` makes.
  static BoostLevel Level(ActionCall& call, ApiSession& session, std::string what,
                          std::string path, Query query, std::function<bool(const Json&)> match,
                          Query create) {
    BoostLevel level;
    level.what = std::move(what);
    level.find = [&call, &session, path, query = std::move(query), match = std::move(match)] {
      return FindAdsEntity(call, session, path, query, match);
    };
    level.create = [&call, &session, path, create = std::move(create)]() -> absl::StatusOr<Json> {
      ASSIGN_OR_RETURN(Json made, AdsCall(call, session, "POST", path, create, false));
      // promoted_tweets answers the list of what it promoted.
      if (made.is_array()) return made.empty() ? Json::object() : made[0];
      return made;
    };
    return level;
  }

  // Campaign → line item → promoted tweet, each found or created
  // (workers/common/boost_chain.h); the promoted tweet is known by its tweet.
  absl::StatusOr<Json> Boost(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string tweet, call.input.RequiredString("post_id"));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency(call.account.Get("currency").empty()
                                                                   ? "USD"
                                                                   : call.account.Get("currency")));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    ASSIGN_OR_RETURN(std::optional<absl::Time> end, call.input.EndTime(call.now()));
    ASSIGN_OR_RETURN(std::string funding, call.account.Require("funding_instrument_id"));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    const std::string name = BoostName(call);
    auto named = [name](const Json& item) { return JsonString(item, "name") == name; };
    Query campaign_query = {{"name", name}, {"funding_instrument_id", funding},
                            {"daily_budget_amount_local_micro", absl::StrCat(budget.micros)},
                            {"entity_status", "ACTIVE"}, {"start_time", Rfc3339(call.now())}};
    if (end.has_value()) campaign_query.emplace_back("end_time", Rfc3339(*end));
    BoostChain chain(call);
    ASSIGN_OR_RETURN(Json campaign, chain.Campaign(Level(call, session, "campaign", "campaigns",
                                                         {{"q", name}}, named, campaign_query)));
    const std::string campaign_id = JsonString(campaign, "id");
    ASSIGN_OR_RETURN(
        Json line_item,
        chain.FindOrCreate(Level(call, session, "line item", "line_items",
                                 {{"campaign_ids", campaign_id}}, named,
                                 {{"campaign_id", campaign_id}, {"name", name},
                                  {"objective", "WEBSITE_CLICKS"},
                                  {"product_type", "PROMOTED_TWEETS"},
                                  {"placements", "ALL_ON_TWITTER"}, {"bid_strategy", "AUTO"},
                                  {"entity_status", "ACTIVE"}})));
    const std::string line_item_id = JsonString(line_item, "id");
    ASSIGN_OR_RETURN(
        Json promoted,
        chain.FindOrCreate(Level(
            call, session, "promoted tweet", "promoted_tweets", {{"line_item_ids", line_item_id}},
            [tweet](const Json& item) { return JsonString(item, "tweet_id") == tweet; },
            {{"line_item_id", line_item_id}, {"tweet_ids", tweet}})));
    // The budget as the campaign holds it (this attempt's, or an earlier one's).
    budget = MoneyFromMicros(
        static_cast<int64_t>(JsonNumber(campaign, "daily_budget_amount_local_micro",
                                        static_cast<double>(budget.micros))),
        currency);
    Json out = BudgetOutput(budget);
    out.update({{"campaign_id", campaign_id}, {"ad_set_id", campaign_id},
                {"line_item_id", line_item_id}, {"ad_id", line_item_id},
                {"promoted_tweet_id", JsonString(promoted, "id")},
                {"status", std::string(kActive)}});
    return out;
  }

  absl::StatusOr<Json> SetBudget(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string campaign, call.input.RequiredOneOf({"ad_set_id", "campaign_id"}));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(Json current, AdsCall(call, session, "GET", "campaigns/" + campaign, {}, true));
    const std::string currency_now = JsonString(current, "currency", "USD");
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency(currency_now));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    RETURN_IF_ERROR(AdsCall(call, session, "PUT", "campaigns/" + campaign,
                            {{"daily_budget_amount_local_micro", absl::StrCat(budget.micros)}},
                            true)
                        .status());
    Json out = BudgetOutput(budget);
    out["previous_budget_micros"] =
        static_cast<int64_t>(JsonNumber(current, "daily_budget_amount_local_micro"));
    out["ad_set_id"] = campaign;
    return out;
  }

  absl::StatusOr<Json> SetStatus(ActionCall& call, absl::string_view status) {
    ASSIGN_OR_RETURN(std::string line_item, call.input.RequiredOneOf({"ad_id", "line_item_id"}));
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    RETURN_IF_ERROR(AdsCall(call, session, "PUT", "line_items/" + line_item,
                            {{"entity_status", std::string(status)}}, true)
                        .status());
    return Json{{"status", status == "PAUSED" ? kPaused : kActive}, {"ad_id", line_item}};
  }

  absl::StatusOr<Json> Insights(ActionCall& call) {
    const NetworkProtocol protocol = Protocol(call);
    ApiSession session(call, protocol);
    ASSIGN_OR_RETURN(TimeWindow window, call.input.Window(call.now()));
    if (call.input.Has("ad_id")) return AdInsights(call, session, window);
    ASSIGN_OR_RETURN(std::string id, call.input.RequiredOneOf({"post_id", "ad_id"}));
    ASSIGN_OR_RETURN(Json tweet,
                     session.SendJson(GetRequest(call, absl::StrCat(call.endpoints.api,
                                                                    "/2/tweets/", id,
                                                                    "?tweet.fields=public_metrics,"
                                                                    "non_public_metrics,"
                                                                    "created_at")),
                                      "x.insights: GET /2/tweets/{id}"));
    const Json& data = JsonMember(tweet, "data");
    if (!data.is_object()) {
      return RejectedInput(absl::StrCat("x.insights: tweet ", id, " not found"), "not_found");
    }
    Metrics m;
    m.impressions = static_cast<int64_t>(
        JsonNumber(JsonMember(data, "public_metrics"), "impression_count"));
    m.clicks = static_cast<int64_t>(
        JsonNumber(JsonMember(data, "non_public_metrics"), "url_link_clicks"));
    return PostInsightsOutput(m, id, call.now(), call.input.OptionalString("currency", "USD"));
  }

  // Adds the line item's stats over `hours` (whole hours) into `m`: HOUR granularity (the
  // API takes whole hours for HOUR, midnights for DAY and TOTAL), at most 7 days a request,
  // each metric an array with one value per hour (null without delivery), summed.
  static absl::Status AddStats(ActionCall& call, ApiSession& session,
                               const std::string& line_item, const TimeWindow& hours,
                               Metrics& m) {
    ASSIGN_OR_RETURN(std::string account, call.account.Require("ads_account_id"));
    auto sum = [](const Json& values) -> int64_t {
      int64_t total = 0;
      for (const Json& v : values.is_array() ? values : Json::array()) {
        if (v.is_number()) total += v.get<int64_t>();
      }
      return total;
    };
    for (absl::Time since = hours.since; since < hours.until; since += absl::Hours(24 * 7)) {
      const absl::Time until = std::min(hours.until, since + absl::Hours(24 * 7));
      const std::string url = absl::StrCat(
          call.endpoints.ads, "/", call.options.x_ads_version, "/stats/accounts/", account, "?",
          FormEncode({{"entity", "LINE_ITEM"}, {"entity_ids", line_item},
                      {"start_time", Rfc3339(since)}, {"end_time", Rfc3339(until)},
                      {"granularity", "HOUR"}, {"placement", "ALL_ON_TWITTER"},
                      {"metric_groups", "ENGAGEMENT,BILLING"}}));
      ASSIGN_OR_RETURN(Json stats, session.SendJson(GetRequest(call, url),
                                                    "x.insights: GET /stats/accounts/{id}"));
      const Json& data = JsonMember(stats, "data");
      if (!data.is_array() || data.empty()) continue;
      const Json& id_data = JsonMember(data[0], "id_data");
      if (!id_data.is_array() || id_data.empty()) continue;
      const Json& metrics = JsonMember(id_data[0], "metrics");
      m.impressions += sum(JsonMember(metrics, "impressions"));
      m.clicks += sum(JsonMember(metrics, "clicks"));
      m.spend.micros += sum(JsonMember(metrics, "billed_charge_local_micro"));
      m.conversions += sum(JsonMember(JsonMember(metrics, "conversion_purchases"), "metric"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Json> AdInsights(ActionCall& call, ApiSession& session,
                                  const TimeWindow& window) {
    ASSIGN_OR_RETURN(std::string line_item, call.input.RequiredString("ad_id"));
    ASSIGN_OR_RETURN(Json item, AdsCall(call, session, "GET", "line_items/" + line_item, {}, true));
    const std::string campaign_id = JsonString(item, "campaign_id");
    ASSIGN_OR_RETURN(Json campaign, AdsCall(call, session, "GET", "campaigns/" + campaign_id, {},
                                            true));
    const std::string currency = JsonString(campaign, "currency", "USD");
    Metrics m;
    m.spend = MoneyFromMicros(0, currency);
    m.window = WholeHours(window, call.now());
    RETURN_IF_ERROR(AddStats(call, session, line_item, m.window, m));
    return AdInsightsOutput(
        m, AdState{.ad_id = line_item, .ad_set_id = campaign_id,
                   .active = JsonString(item, "entity_status") == "ACTIVE" &&
                             JsonString(campaign, "entity_status") == "ACTIVE",
                   .daily_budget = MoneyFromMicros(
                       static_cast<int64_t>(
                           JsonNumber(campaign, "daily_budget_amount_local_micro")),
                       currency)});
  }
};

}  // namespace

std::unique_ptr<NetworkAdapter> MakeXAdapter(const AdapterOptions& options) {
  return std::make_unique<XAdapter>(options);
}

}  // namespace fanfare::workers
