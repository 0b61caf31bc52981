#include "workers/linkedin/linkedin_adapter.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/api_session.h"
#include "workers/common/boost_chain.h"
#include "workers/common/community.h"
#include "workers/common/outputs.h"

namespace fanfare::workers {
namespace {

// Consecutive 429s per account → how long to hold it. Thread-safe.
class Backoff {
 public:
  absl::Duration Next(const std::string& alias) {
    absl::MutexLock lock(&mu_);
    const int n = std::min(strikes_[alias]++, 6);
    return std::min(absl::Minutes(1) * (1 << n), absl::Hours(1));
  }
  void Clear(const std::string& alias) {
    absl::MutexLock lock(&mu_);
    strikes_.erase(alias);
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, int> strikes_ ABSL_GUARDED_BY(mu_);
};

absl::Status Classify(const HttpResponse& r, absl::string_view what, absl::Duration backoff,
                      const std::string& version) {
  const std::optional<Json> body = ParseJson(r.body);
  const std::string detail = body.has_value() ? JsonString(*body, "message", "no message") : r.body;
  const std::string message = absl::StrCat(what, ": HTTP ", r.status, ": ", detail);
  std::string code = body.has_value()
                         ? JsonString(*body, "code", JsonString(*body, "serviceErrorCode"))
                         : "";
  if (code.empty()) code = absl::StrCat(r.status);
  if (r.status == 426) {
    return RejectedInput(absl::StrCat(message, "; Linkedin-Version ", version,
                                      " is retired: set a current version (YYYYMM) with "
                                      "--linkedin-version"),
                         "426");
  }
  if (r.status == 429) return Throttled(message, backoff, "429");
  if (r.status == 401) return AuthExpired(absl::StrCat(message, "; re-authorise the account"), code);
  if (r.status == 422 && absl::StrContains(detail, "duplicate")) return Duplicate(message, "422");
  if (r.status >= 500) return Retryable(message, code);
  return RejectedInput(message, code);
}

std::string Enc(absl::string_view s) { return UrlEncode(s); }

class LinkedInAdapter final : public AdapterBase {
 public:
  explicit LinkedInAdapter(const AdapterOptions& options) : AdapterBase("linkedin", options) {
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
    // Only a reply is not idempotent; its reconcile looks for it (ReconcileModeration).
    Register("moderate", false, [this](ActionCall& c) { return Moderate(c); },
             [this](ActionCall& c) { return ReconcileModeration(c); });
  }

 private:
  // One action's session: the protocol (with this account's backoff) and versioned headers.
  struct Li {
    ActionCall& call;
    NetworkProtocol protocol;
    ApiSession session;
    Backoff& backoff;

    Li(ActionCall& c, Backoff& b)
        : call(c), protocol(MakeProtocol(c, b)), session(c, protocol), backoff(b) {}

    static NetworkProtocol MakeProtocol(ActionCall& c, Backoff& b) {
      const std::string alias = c.account.alias;
      const std::string version = c.options.linkedin_version;
      return NetworkProtocol{
          .network = "linkedin",
          .classify = [&b, alias, version](const HttpResponse& r, absl::string_view what) {
            return Classify(r, what, r.status == 429 ? b.Next(alias) : absl::ZeroDuration(),
                            version);
          },
          .is_auth_failure = [](const HttpResponse& r) { return r.status == 401; },
          .refresh = RefreshSpecOf("linkedin", c.endpoints.auth, /*confidential=*/true)};
    }

    HttpRequest Versioned(HttpRequest request) const {
      request.headers.emplace_back("Linkedin-Version", call.options.linkedin_version);
      request.headers.emplace_back("X-Restli-Protocol-Version", "2.0.0");
      return request;
    }
    absl::StatusOr<HttpResponse> Send(HttpRequest request, absl::string_view what) {
      absl::StatusOr<HttpResponse> r = session.Send(Versioned(std::move(request)), what);
      if (r.ok()) backoff.Clear(call.account.alias);
      return r;
    }
    absl::StatusOr<Json> Get(const std::string& path, absl::string_view what,
                             const std::string& method_header = "") {
      HttpRequest request = GetRequest(call, call.endpoints.api + path);
      if (!method_header.empty()) request.headers.emplace_back("X-RestLi-Method", method_header);
      ASSIGN_OR_RETURN(HttpResponse r, Send(std::move(request), what));
      std::optional<Json> body = ParseJson(r.body);
      if (!body.has_value()) return Retryable(absl::StrCat(what, ": body is not JSON"));
      return *body;
    }
    // POSTs JSON and returns the x-restli-id of what was created.
    absl::StatusOr<std::string> Create(const std::string& path, const Json& body,
                                       absl::string_view what) {
      ASSIGN_OR_RETURN(HttpResponse r, Send(JsonRequest(call, "POST", call.endpoints.api + path,
                                                        body, /*idempotent=*/false),
                                            what));
      const std::string id = r.Header("x-restli-id");
      if (id.empty()) return OutcomeUnknown(absl::StrCat(what, ": no x-restli-id in the answer"));
      return id;
    }
    absl::Status Patch(const std::string& path, const Json& set, absl::string_view what) {
      HttpRequest request = JsonRequest(call, "POST", call.endpoints.api + path,
                                        {{"patch", {{"$set", set}}}}, /*idempotent=*/true);
      request.headers.emplace_back("X-RestLi-Method", "PARTIAL_UPDATE");
      return Send(std::move(request), what).status();
    }
  };

  static absl::StatusOr<std::string> Commentary(const TaskInput& input) {
    ASSIGN_OR_RETURN(std::string text, input.RequiredString("text"));
    ASSIGN_OR_RETURN(std::vector<std::string> tags, input.StringList("hashtags"));
    for (const std::string& tag : tags) absl::StrAppend(&text, " #", tag);
    return text;
  }

  static std::string PostUrl(const std::string& urn) {
    return absl::StrCat("https://www.linkedin.com/feed/update/", urn, "/");
  }

  absl::StatusOr<Json> Publish(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string author, call.account.Require("author_urn"));
    ASSIGN_OR_RETURN(std::string text, Commentary(call.input));
    Json body = {{"author", author}, {"commentary", text}, {"visibility", "PUBLIC"},
                 {"distribution", {{"feedDistribution", "MAIN_FEED"},
                                   {"targetEntities", Json::array()},
                                   {"thirdPartyDistributionChannels", Json::array()}}},
                 {"lifecycleState", "PUBLISHED"}, {"isReshareDisabledByAuthor", false}};
    if (call.input.Has("link")) {
      body["content"] = {{"article", {{"source", call.input.OptionalString("link")},
                                      {"title", call.input.OptionalString("title", text.substr(
                                                                                       0, 200))}}}};
    }
    Li li(call, backoff_);
    ASSIGN_OR_RETURN(std::string urn, li.Create("/rest/posts", body, "linkedin.publish: POST /rest/posts"));
    return PublishOutput("linkedin", urn, PostUrl(urn), call.now());
  }

  absl::StatusOr<Json> Reconcile(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string author, call.account.Require("author_urn"));
    ASSIGN_OR_RETURN(std::string text, Commentary(call.input));
    Li li(call, backoff_);
    ASSIGN_OR_RETURN(Json found,
                     li.Get(absl::StrCat("/rest/posts?q=author&author=", Enc(author),
                                         "&count=50&sortBy=LAST_MODIFIED"),
                            "linkedin.publish (reconcile): GET /rest/posts?q=author", "FINDER"));
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    const Json& elements = JsonMember(found, "elements");
    for (const Json& p : elements.is_array() ? elements : Json::array()) {
      const absl::Time created =
          absl::FromUnixMillis(static_cast<int64_t>(JsonNumber(p, "createdAt")));
      if (JsonString(p, "commentary") != text || created < oldest) continue;
      const std::string urn = JsonString(p, "id");
      return PublishOutput("linkedin", urn, PostUrl(urn), created);
    }
    return ReconcileNotFound("linkedin.publish: not found: no post with this commentary in the "
                          "look-back window");
  }

  absl::StatusOr<Json> Insights(ActionCall& call) {
    ASSIGN_OR_RETURN(TimeWindow window, call.input.Window(call.now()));
    Li li(call, backoff_);
    if (call.input.Has("ad_id")) return AdInsights(li, window);
    ASSIGN_OR_RETURN(std::string urn, call.input.RequiredOneOf({"post_id", "ad_id"}));
    ASSIGN_OR_RETURN(std::string org, call.account.Require("author_urn"));
    ASSIGN_OR_RETURN(Json stats,
                     li.Get(absl::StrCat("/rest/organizationalEntityShareStatistics?q="
                                         "organizationalEntity&organizationalEntity=",
                                         Enc(org), "&shares=List(", Enc(urn), ")"),
                            "linkedin.insights: GET /rest/organizationalEntityShareStatistics"));
    const Json& elements = JsonMember(stats, "elements");
    const Json total = elements.is_array() && !elements.empty()
                           ? JsonMember(elements[0], "totalShareStatistics") : Json::object();
    Metrics m;
    m.impressions = static_cast<int64_t>(JsonNumber(total, "impressionCount"));
    m.reach = static_cast<int64_t>(JsonNumber(total, "uniqueImpressionsCount"));
    m.clicks = static_cast<int64_t>(JsonNumber(total, "clickCount"));
    m.spend = MoneyFromMicros(0, call.input.OptionalString("currency", "USD"));
    // Organic metrics are lifetime totals: say so rather than pretend to a window.
    m.window = {window.since, call.now()};
    m.lifetime = true;
    Json out = InsightsOutput(m);
    out["post_id"] = urn;
    out["period"] = "lifetime";
    return out;
  }

  // --- Community ---------------------------------------------------------------------

  // "urn:li:comment:(urn:li:share:7,42)" → {the post "urn:li:share:7", the id "42"}.
  struct CommentRef {
    std::string urn;
    std::string object;
    std::string id;
  };
  static absl::StatusOr<CommentRef> ParseCommentUrn(const TaskInput& input, const std::string& urn) {
    constexpr absl::string_view kPrefix = "urn:li:comment:(";
    const size_t comma = urn.rfind(',');
    if (!absl::StartsWith(urn, kPrefix) || !absl::EndsWith(urn, ")") ||
        comma == std::string::npos || comma < kPrefix.size() + 1 || comma + 2 >= urn.size()) {
      return input.Reject("comment_id", "is not a LinkedIn comment URN "
                                        "(urn:li:comment:(<post urn>,<id>))");
    }
    return CommentRef{urn, urn.substr(kPrefix.size(), comma - kPrefix.size()),
                      urn.substr(comma + 1, urn.size() - comma - 2)};
  }

  static Comment CommentOf(const Json& element) {
    const Json& created = JsonMember(element, "created");
    Comment c;
    c.id = JsonString(element, "commentUrn", JsonString(element, "$URN"));
    const std::string parent = JsonString(element, "parentComment");
    c.parent_id = parent;
    c.post_id = JsonString(element, "object");
    c.author_id = JsonString(element, "actor");
    // LinkedIn gives no names: the handle is the member's (or organization's) id.
    c.author_handle = c.author_id.substr(c.author_id.rfind(':') + 1);
    c.text = JsonString(JsonMember(element, "message"), "text");
    const double ms = JsonNumber(created, "time");
    c.created_at = std::isfinite(ms) && ms > 0 && ms < 1e15
                       ? absl::FromUnixMillis(static_cast<int64_t>(ms))
                       : absl::InfinitePast();  // unreadable: the read is retried
    c.url = absl::StrCat(PostUrl(c.post_id), "?commentUrn=", Enc(c.id));
    return c;
  }

  // The organization's 10 newest posts of the last 30 days, then each post's top-level
  // comments (newest first) down to the cursor, 5 pages of 100 at most.
  absl::StatusOr<Json> Comments(ActionCall& call) {
    ASSIGN_OR_RETURN(int max, ReadMaxComments(call.input));
    ASSIGN_OR_RETURN(CommentCursor cursor, DecodeCursor(call.input));
    ASSIGN_OR_RETURN(std::string org, call.account.Require("author_urn"));
    Li li(call, backoff_);
    ASSIGN_OR_RETURN(Json posts, li.Get(absl::StrCat("/rest/posts?q=author&author=", Enc(org),
                                                     "&count=10&sortBy=LAST_MODIFIED"),
                                        "linkedin.comments: GET /rest/posts?q=author", "FINDER"));
    ASSIGN_OR_RETURN(Json elements, ListedItems(posts, "elements", "linkedin.comments"));
    std::vector<PostComments> read;
    for (const Json& post : elements) {
      const absl::Time created =
          absl::FromUnixMillis(static_cast<int64_t>(JsonNumber(post, "createdAt")));
      if (created < call.now() - absl::Hours(24 * 30) || JsonString(post, "id").empty()) continue;
      ASSIGN_OR_RETURN(PostComments comments,
                       ReadPostComments(li, JsonString(post, "id"), cursor.after.key));
      read.push_back(std::move(comments));
    }
    return DrainMerged(std::move(read), cursor, max);
  }

  static absl::StatusOr<PostComments> ReadPostComments(Li& li, const std::string& post,
                                                       int64_t since) {
    constexpr int kPages = 5, kCount = 100;
    PostComments read;
    for (int page = 0; page < kPages; ++page) {
      ASSIGN_OR_RETURN(Json answer,
                       li.Get(absl::StrCat("/rest/socialActions/", Enc(post), "/comments?start=",
                                           page * kCount, "&count=", kCount),
                              "linkedin.comments: GET /rest/socialActions/{urn}/comments"));
      ASSIGN_OR_RETURN(Json elements, ListedItems(answer, "elements", "linkedin.comments"));
      for (const Json& element : elements) {
        ListedComment item{.comment = CommentOf(element)};
        if (item.comment.created_at == absl::InfinitePast()) {
          return Retryable("linkedin.comments: a comment without a readable created.time",
                           "unreadable_listing");
        }
        item.key = absl::ToUnixMillis(item.comment.created_at);
        read.oldest_read = std::min(read.oldest_read, item.key);
        // Newest first: older than the cursor ends this post.
        if (item.key < since) return read;
        if (!item.comment.id.empty()) read.items.push_back(std::move(item));
      }
      // LinkedIn often leaves paging.total out: a short page is the last.
      if (elements.size() < static_cast<size_t>(kCount)) return read;
    }
    read.truncated = true;
    return read;
  }

  absl::StatusOr<Json> Moderate(ActionCall& call) {
    ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
    ASSIGN_OR_RETURN(CommentRef ref, ParseCommentUrn(call.input, m.comment_id));
    ASSIGN_OR_RETURN(std::string org, call.account.Require("author_urn"));
    Li li(call, backoff_);
    switch (m.action) {
      case Moderation::kReply: {
        ASSIGN_OR_RETURN(std::string id,
                         li.Create(absl::StrCat("/rest/socialActions/", Enc(ref.urn), "/comments"),
                                   {{"actor", org}, {"object", ref.object},
                                    {"message", {{"text", m.text}}}, {"parentComment", ref.urn}},
                                   "linkedin.moderate: POST /rest/socialActions/{urn}/comments"));
        return ModerationOutput(m, id, absl::StrCat(PostUrl(ref.object), "?commentUrn=", Enc(id)));
      }
      case Moderation::kDelete: {
        // Deleting what is already gone is done.
        HttpRequest request = FormRequest(call, "DELETE",
                                          absl::StrCat(call.endpoints.api, "/rest/socialActions/",
                                                       Enc(ref.object), "/comments/", Enc(ref.id),
                                                       "?actor=", Enc(org)),
                                          {}, /*idempotent=*/true);
        absl::Status deleted =
            li.Send(std::move(request), "linkedin.moderate: DELETE /rest/socialActions/{urn}/comments/{id}")
                .status();
        if (!deleted.ok() && ToTaskFailure(deleted).code() != "404") return deleted;
        return ModerationOutput(m);
      }
      case Moderation::kLike: {
        // Liking what the organization already likes is done (409).
        absl::Status liked =
            li.Send(JsonRequest(call, "POST",
                                absl::StrCat(call.endpoints.api, "/rest/reactions?actor=", Enc(org)),
                                {{"root", ref.urn}, {"reactionType", "LIKE"}}, /*idempotent=*/true),
                    "linkedin.moderate: POST /rest/reactions")
                .status();
        if (!liked.ok() && ToTaskFailure(liked).code() != "409") return liked;
        return ModerationOutput(m);
      }
      case Moderation::kHide:
      case Moderation::kUnhide:
        return UnsupportedModeration(call.input, m,
                                     "LinkedIn has no API to hide a comment; delete it instead");
      case Moderation::kPin:
        return UnsupportedModeration(call.input, m, "LinkedIn has no API to pin a comment");
      case Moderation::kReject:
        return UnsupportedModeration(call.input, m,
                                     "reject is YouTube's moderation; on LinkedIn, delete the "
                                     "comment");
      case Moderation::kReshare:
        return UnsupportedModeration(call.input, m, "LinkedIn has no way to reshare a comment");
    }
    return UnsupportedModeration(call.input, m, "unknown action");
  }

  // A reply whose answer was lost: the organization's reply under the comment with the same
  // text, within the look-back.
  absl::StatusOr<Json> ReconcileModeration(ActionCall& call) {
    ASSIGN_OR_RETURN(ModerationRequest m, ReadModeration(call.input));
    if (m.action != Moderation::kReply) return Moderate(call);
    ASSIGN_OR_RETURN(CommentRef ref, ParseCommentUrn(call.input, m.comment_id));
    ASSIGN_OR_RETURN(std::string org, call.account.Require("author_urn"));
    Li li(call, backoff_);
    auto page = [&](const std::string& start) -> absl::StatusOr<ListingPage> {
      constexpr int kCount = 100;
      int64_t from = 0;
      if (!start.empty() && !absl::SimpleAtoi(start, &from)) from = 0;
      ASSIGN_OR_RETURN(Json answer,
                       li.Get(absl::StrCat("/rest/socialActions/", Enc(ref.urn),
                                           "/comments?start=", from, "&count=", kCount),
                              "linkedin.moderate (reconcile): GET /rest/socialActions/{urn}/comments"));
      ListingPage listed;
      ASSIGN_OR_RETURN(listed.items, ListedItems(answer, "elements", "linkedin.moderate (reconcile)"));
      // A full page (or more: a listing may repeat an item) says there may be another.
      if (listed.items.size() >= kCount) listed.next = absl::StrCat(from + kCount);
      return listed;
    };
    const absl::Time oldest = call.now() - call.options.reconcile_lookback;
    auto is_the_reply = [&](const Json& element) {
      const Comment c = CommentOf(element);
      return c.author_id == org && SameReplyText(c.text, m.text) && c.created_at >= oldest;
    };
    ASSIGN_OR_RETURN(std::optional<Json> found,
                     FindInListing(page, is_the_reply, "linkedin.moderate (reconcile)"));
    if (!found) {
      return ReconcileNotFound(absl::StrCat("linkedin.moderate: not found: the organization has "
                                            "no reply with this text under ", m.comment_id));
    }
    const Comment reply = CommentOf(*found);
    return ModerationOutput(m, reply.id, reply.url);
  }

  static std::string DateRange(const DaySpan& span) {
    auto part = [](absl::CivilDay d) {
      return absl::StrCat("(year:", d.year(), ",month:", d.month(), ",day:", d.day(), ")");
    };
    return absl::StrCat("(start:", part(span.first), ",end:", part(span.last), ")");
  }

  // adAnalytics counts whole days: the window is widened to the days covering it. Against
  // the sandbox the adapter also sends the sandbox-only sandboxStartTime/sandboxEndTime (the
  // window's whole hours) and reports the span the sandbox echoes back.
  absl::StatusOr<Json> AdInsights(Li& li, const TimeWindow& window) {
    ActionCall& call = li.call;
    ASSIGN_OR_RETURN(std::string creative, call.input.RequiredString("ad_id"));
    ASSIGN_OR_RETURN(std::string account, call.account.Require("ad_account_id"));
    const DaySpan span = DaysCovering(window, call.now());
    std::string query = absl::StrCat("/rest/adAnalytics?q=analytics&pivot=CREATIVE&"
                                     "timeGranularity=ALL&dateRange=", DateRange(span),
                                     "&creatives=List(", Enc(creative), ")&fields=impressions,"
                                     "clicks,costInLocalCurrency,externalWebsiteConversions,"
                                     "approximateMemberReach");
    if (call.sandbox_extensions()) {
      const TimeWindow hours = WholeHours(window, call.now());
      absl::StrAppend(&query, "&sandboxStartTime=", absl::ToUnixMillis(hours.since),
                      "&sandboxEndTime=", absl::ToUnixMillis(hours.until));
    }
    ASSIGN_OR_RETURN(Json analytics, li.Get(query, "linkedin.insights: GET /rest/adAnalytics"));
    ASSIGN_OR_RETURN(Json c, li.Get(absl::StrCat("/rest/adAccounts/", account, "/creatives/",
                                                 Enc(creative)),
                                    "linkedin.insights: GET creative"));
    const std::string campaign_urn = JsonString(c, "campaign");
    const std::string campaign_id = campaign_urn.substr(campaign_urn.rfind(':') + 1);
    ASSIGN_OR_RETURN(Json campaign, li.Get(absl::StrCat("/rest/adAccounts/", account,
                                                        "/adCampaigns/", campaign_id),
                                           "linkedin.insights: GET adCampaign"));
    const Json& budget = JsonMember(campaign, "dailyBudget");
    const std::string currency = JsonString(budget, "currencyCode", "USD");
    const Json& elements = JsonMember(analytics, "elements");
    const Json row = elements.is_array() && !elements.empty() ? elements[0] : Json::object();
    Metrics m;
    m.impressions = static_cast<int64_t>(JsonNumber(row, "impressions"));
    m.clicks = static_cast<int64_t>(JsonNumber(row, "clicks"));
    m.reach = static_cast<int64_t>(JsonNumber(row, "approximateMemberReach"));
    m.conversions = static_cast<int64_t>(JsonNumber(row, "externalWebsiteConversions"));
    ASSIGN_OR_RETURN(m.spend,
                     MoneyFromDecimal(JsonString(row, "costInLocalCurrency", "0"), currency));
    m.window = span.measured;
    const Json& exact = JsonMember(analytics, "sandboxTimeRange");
    if (exact.is_object()) {
      m.window = {absl::FromUnixMillis(static_cast<int64_t>(JsonNumber(exact, "start"))),
                  absl::FromUnixMillis(static_cast<int64_t>(JsonNumber(exact, "end")))};
    }
    ASSIGN_OR_RETURN(Money daily, MoneyFromDecimal(JsonString(budget, "amount", "0"), currency));
    return AdInsightsOutput(m, AdState{.ad_id = creative, .ad_set_id = campaign_id,
                                       .active = JsonString(c, "intendedStatus") == "ACTIVE" &&
                                                 JsonString(campaign, "status") == "ACTIVE",
                                       .daily_budget = daily});
  }

  // The first element the FINDER `path` returns for which `match` holds, read page by page
  // (`pageToken` / metadata.nextPageToken); nullopt if no page holds one.
  static absl::StatusOr<std::optional<Json>> FindFirst(
      Li& li, const std::string& path, const std::function<bool(const Json&)>& match) {
    const std::string what =
        absl::StrCat(li.call.input.action(), ": GET ", path.substr(0, path.find('?')));
    auto page = [&](const std::string& token) -> absl::StatusOr<ListingPage> {
      std::string url = path;
      if (!token.empty()) absl::StrAppend(&url, "&pageToken=", Enc(token));
      ASSIGN_OR_RETURN(Json found, li.Get(url, what, "FINDER"));
      ListingPage listed;
      ASSIGN_OR_RETURN(listed.items, ListedItems(found, "elements", what));
      listed.next = JsonString(JsonMember(found, "metadata"), "nextPageToken");
      return listed;
    };
    return FindInListing(page, match, what);
  }

  // The level `what` of the chain, in the collection `path` ("/rest/adAccounts/1/
  // adCampaigns"): the first element its FINDER `finder` ("q=search&search=…") returns that
  // `match` accepts, else the one POST `path` with `body` makes ({"id"}).
  static BoostLevel Level(Li& li, std::string what, std::string path, const std::string& finder,
                          std::function<bool(const Json&)> match, Json body) {
    BoostLevel level;
    level.what = std::move(what);
    level.find = [&li, query = absl::StrCat(path, "?", finder), match = std::move(match)] {
      return FindFirst(li, query, match);
    };
    level.create = [&li, path, body = std::move(body)]() -> absl::StatusOr<Json> {
      const std::string edge = path.substr(path.rfind('/') + 1);
      ASSIGN_OR_RETURN(std::string id,
                       li.Create(path, body,
                                 absl::StrCat(li.call.input.action(), ": POST ", edge)));
      return Json{{"id", id}};
    };
    return level;
  }

  // Campaign group → campaign → creative, each found or created
  // (workers/common/boost_chain.h): the group by name, the campaign by name under the
  // group, the creative by the post it promotes under the campaign.
  absl::StatusOr<Json> Boost(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string post, call.input.RequiredString("post_id"));
    ASSIGN_OR_RETURN(std::string account, call.account.Require("ad_account_id"));
    ASSIGN_OR_RETURN(std::string currency, call.input.Currency("USD"));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    budget = RoundToMinorUnit(budget);
    ASSIGN_OR_RETURN(std::optional<absl::Time> end, call.input.EndTime(call.now()));
    const std::string name = BoostName(call);
    const std::string base = absl::StrCat("/rest/adAccounts/", account);
    const std::string account_urn = absl::StrCat("urn:li:sponsoredAccount:", account);
    auto named = [name](const Json& e) { return JsonString(e, "name") == name; };
    Json schedule = {{"start", absl::ToUnixMillis(call.now())}};
    if (end.has_value()) schedule["end"] = absl::ToUnixMillis(*end);
    Li li(call, backoff_);
    BoostChain chain(call);
    ASSIGN_OR_RETURN(
        Json group,
        chain.Campaign(Level(li, "campaign group", base + "/adCampaignGroups",
                             absl::StrCat("q=search&search=(name:(values:List(", Enc(name), ")))"),
                             named,
                             {{"account", account_urn}, {"name", name}, {"status", "ACTIVE"},
                              {"runSchedule", schedule}})));
    const std::string group_id = UrnTail(JsonString(group, "id"));
    const std::string group_urn = absl::StrCat("urn:li:sponsoredCampaignGroup:", group_id);
    ASSIGN_OR_RETURN(
        Json campaign,
        chain.FindOrCreate(Level(li, "campaign", base + "/adCampaigns",
                                 absl::StrCat("q=search&search=(campaignGroup:(values:List(",
                                              Enc(group_urn), ")))"),
                                 named,
                                 CampaignBody(call, account_urn, group_urn, name, budget,
                                              schedule))));
    const std::string campaign_id = UrnTail(JsonString(campaign, "id"));
    const std::string campaign_urn = absl::StrCat("urn:li:sponsoredCampaign:", campaign_id);
    ASSIGN_OR_RETURN(
        Json creative,
        chain.FindOrCreate(Level(
            li, "creative", base + "/creatives",
            absl::StrCat("q=criteria&campaigns=List(", Enc(campaign_urn), ")"),
            [post](const Json& e) {
              return JsonString(JsonMember(e, "content"), "reference") == post;
            },
            {{"campaign", campaign_urn}, {"content", {{"reference", post}}},
             {"intendedStatus", "ACTIVE"}})));
    // The budget as the campaign holds it (this attempt's, or an earlier one's).
    const Json& held = JsonMember(campaign, "dailyBudget");
    if (held.is_object()) {
      ASSIGN_OR_RETURN(budget, MoneyFromDecimal(JsonString(held, "amount", "0"), currency));
    }
    Json out = BudgetOutput(budget);
    out.update({{"campaign_group_id", group_id}, {"campaign_id", campaign_id},
                {"ad_set_id", campaign_id}, {"creative_id", JsonString(creative, "id")},
                {"ad_id", JsonString(creative, "id")}, {"status", std::string(kActive)}});
    return out;
  }

  // "urn:li:sponsoredCampaign:12" → "12"; an id without ':' as it is.
  static std::string UrnTail(const std::string& id) { return id.substr(id.rfind(':') + 1); }

  static Json CampaignBody(const ActionCall& call, const std::string& account_urn,
                           const std::string& group_urn, const std::string& name,
                           const Money& budget, const Json& schedule) {
    const Json money = {{"amount", ToDecimalString(budget)}, {"currencyCode", budget.currency}};
    Json countries = JsonMember(JsonMember(call.input.json(), "audience"), "locations");
    if (!countries.is_array() || countries.empty()) {
      countries = Json::array({"urn:li:geo:103644278"});  // United States
    }
    return {{"account", account_urn}, {"campaignGroup", group_urn},
            {"name", name}, {"type", "SPONSORED_UPDATES"}, {"costType", "CPM"},
            {"objectiveType", "WEBSITE_VISIT"}, {"dailyBudget", money},
            {"unitCost", {{"amount", "10.00"}, {"currencyCode", budget.currency}}},
            {"locale", {{"country", "US"}, {"language", "en"}}},
            {"targetingCriteria",
             {{"include", {{"and", Json::array({{{"or",
                                                  {{"urn:li:adTargetingFacet:locations",
                                                    countries}}}}})}}}}},
            {"offsiteDeliveryEnabled", false}, {"status", "ACTIVE"},
            {"runSchedule", schedule}};
  }

  absl::StatusOr<Json> SetBudget(ActionCall& call) {
    ASSIGN_OR_RETURN(std::string campaign, call.input.RequiredOneOf({"ad_set_id", "campaign_id"}));
    ASSIGN_OR_RETURN(std::string account, call.account.Require("ad_account_id"));
    const std::string path = absl::StrCat("/rest/adAccounts/", account, "/adCampaigns/", campaign);
    Li li(call, backoff_);
    ASSIGN_OR_RETURN(Json current, li.Get(path, "linkedin.set_budget: GET adCampaign"));
    const Json& old = JsonMember(current, "dailyBudget");
    ASSIGN_OR_RETURN(std::string currency,
                     call.input.Currency(JsonString(old, "currencyCode", "USD")));
    ASSIGN_OR_RETURN(Money previous, MoneyFromDecimal(JsonString(old, "amount", "0"), currency));
    ASSIGN_OR_RETURN(Money budget, call.input.RequiredAmount("daily_budget", currency));
    budget = RoundToMinorUnit(budget);
    RETURN_IF_ERROR(li.Patch(path, {{"dailyBudget", {{"amount", ToDecimalString(budget)},
                                                     {"currencyCode", currency}}}},
                             "linkedin.set_budget: PARTIAL_UPDATE adCampaign"));
    Json out = BudgetOutput(budget);
    out["previous_budget_micros"] = previous.micros;
    out["ad_set_id"] = campaign;
    return out;
  }

  absl::StatusOr<Json> SetStatus(ActionCall& call, absl::string_view status) {
    ASSIGN_OR_RETURN(std::string creative, call.input.RequiredString("ad_id"));
    ASSIGN_OR_RETURN(std::string account, call.account.Require("ad_account_id"));
    Li li(call, backoff_);
    RETURN_IF_ERROR(li.Patch(absl::StrCat("/rest/adAccounts/", account, "/creatives/",
                                          Enc(creative)),
                             {{"intendedStatus", std::string(status)}},
                             absl::StrCat(call.input.action(), ": PARTIAL_UPDATE creative")));
    return Json{{"status", status == "PAUSED" ? kPaused : kActive}, {"ad_id", creative}};
  }

  Backoff backoff_;
};

}  // namespace

std::unique_ptr<NetworkAdapter> MakeLinkedInAdapter(const AdapterOptions& options) {
  return std::make_unique<LinkedInAdapter>(options);
}

}  // namespace fanfare::workers
