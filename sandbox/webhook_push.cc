#include "sandbox/webhook_push.h"

#include <httplib.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/sha256.h"
#include "base/url_encode.h"
#include "sandbox/graph_api.h"
#include "sandbox/x_api.h"

namespace fanfare::sandbox {
namespace {

constexpr int kBatch = 50;
constexpr time_t kTimeoutSeconds = 5;

// "http://127.0.0.1:9000/hooks?x=1" → {"http://127.0.0.1:9000", "/hooks?x=1"}.
struct SplitUrl {
  std::string origin;
  std::string target;
};
std::optional<SplitUrl> Split(const std::string& url) {
  if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
    return std::nullopt;
  }
  const size_t slash = url.find('/', url.find("://") + 3);
  if (slash == std::string::npos) return SplitUrl{url, "/"};
  return SplitUrl{url.substr(0, slash), url.substr(slash)};
}

std::unique_ptr<httplib::Client> ClientFor(const SplitUrl& url) {
  auto client = std::make_unique<httplib::Client>(url.origin);
  client->set_connection_timeout(kTimeoutSeconds);
  client->set_read_timeout(kTimeoutSeconds);
  client->set_write_timeout(kTimeoutSeconds);
  return client;
}

// The body `url` answers a GET with `query` appended, when it answers 200.
std::optional<std::string> Get(const std::string& url, const std::string& query) {
  std::optional<SplitUrl> split = Split(url);
  if (!split.has_value()) return std::nullopt;
  const std::string target =
      absl::StrCat(split->target, absl::StrContains(split->target, '?') ? "&" : "?", query);
  httplib::Result result = ClientFor(*split)->Get(target);
  if (!result || result->status != 200) return std::nullopt;
  return result->body;
}

// One POST of a batch to a subscriber.
struct Delivery {
  std::string network;
  std::string url;
  std::string body;
  std::string signature_header;
  std::string signature;
  std::vector<std::string> ids;
};

bool Post(const Delivery& d) {
  std::optional<SplitUrl> split = Split(d.url);
  if (!split.has_value()) return false;
  httplib::Headers headers = {{d.signature_header, d.signature}};
  httplib::Result result =
      ClientFor(*split)->Post(split->target, headers, d.body, "application/json");
  return result && result->status >= 200 && result->status < 300;
}

// What object pushes `network`'s comments.
std::string ObjectOf(const std::string& network) {
  if (network == "facebook") return "page";
  if (network == "instagram" || network == "x") return network;
  return "";
}

// Page `feed`: {item: comment, verb: add, comment_id, post_id, parent_id, from, message,
// created_time, post}.
Json FeedChange(const CommentRecord& c) {
  return {{"field", "feed"},
          {"value",
           {{"item", "comment"},
            {"verb", "add"},
            {"comment_id", c.id},
            {"post_id", c.post_id},
            {"parent_id", c.parent_id.empty() ? c.post_id : c.parent_id},
            {"from", {{"id", c.author_id}, {"name", c.author_handle}}},
            {"message", c.text},
            {"created_time", absl::ToUnixSeconds(c.created_at)},
            {"post",
             {{"id", c.post_id},
              {"permalink_url", absl::StrCat("https://www.facebook.com/", c.post_id)}}}}}};
}

// Instagram `comments` (the comment whole), or `mentions` ({media_id}: a pointer only).
Json InstagramChange(const CommentRecord& c) {
  if (c.mention) return {{"field", "mentions"}, {"value", {{"media_id", c.id}}}};
  Json value = {{"id", c.id},
                {"text", c.text},
                {"from", {{"id", c.author_id}, {"username", c.author_handle}}},
                {"media", {{"id", c.post_id}, {"media_product_type", "FEED"}}}};
  if (!c.parent_id.empty()) value["parent_id"] = c.parent_id;
  return {{"field", "comments"}, {"value", std::move(value)}};
}

// An Account Activity tweet_create_event: a v1.1 tweet.
Json XTweet(SandboxState& state, const CommentRecord& c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  Json tweet = {{"id_str", c.id},
                {"text", c.text},
                {"created_at", absl::FormatTime("%a %b %d %H:%M:%S +0000 %Y", c.created_at,
                                                absl::UTCTimeZone())},
                {"user",
                 {{"id_str", c.author_id},
                  {"screen_name", c.author_handle},
                  {"followers_count", c.author_followers}}}};
  if (!c.post_id.empty()) {
    tweet["in_reply_to_status_id_str"] = c.post_id;
    tweet["in_reply_to_user_id_str"] = x::UserId(c.account);
  } else if (!c.parent_id.empty()) {
    tweet["in_reply_to_status_id_str"] = c.parent_id;
    const CommentRecord* parent = state.FindComment("x", c.parent_id);
    tweet["in_reply_to_user_id_str"] = parent != nullptr ? parent->author_id : "";
  }
  return tweet;
}

// Whether `c` is pushed to a subscription of `fields` (X's: every event).
bool Wanted(const CommentRecord& c, const std::set<std::string>& fields) {
  if (c.by_account || c.deleted || c.awaiting_post || c.pushed) return false;
  if (c.network == "facebook") return !c.mention && fields.count("feed") > 0;
  if (c.network == "instagram") {
    if (c.mention) return c.in_caption && fields.count("mentions") > 0;
    return fields.count("comments") > 0;
  }
  return c.network == "x";
}

Delivery Signed(SandboxState& state, const std::string& network, const std::string& url,
                const Json& body) {
  Delivery d{.network = network, .url = url, .body = body.dump()};
  if (network == "x") {
    d.signature_header = "x-twitter-webhooks-signature";
    d.signature =
        absl::StrCat("sha256=", HmacSha256Base64(state.options().x_consumer_secret, d.body));
  } else {
    d.signature_header = "X-Hub-Signature-256";
    d.signature = absl::StrCat("sha256=", HmacSha256Hex(state.options().meta_app_secret, d.body));
  }
  return d;
}

// One account's due comments, in batches of kBatch.
void AddDeliveries(SandboxState& state, const std::string& network, const std::string& account,
                   const std::string& owner, const WebhookSubscription& subscription,
                   std::vector<Delivery>& out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::vector<const CommentRecord*> due;
  for (const CommentRecord& c : state.Comments()) {
    if (c.network == network && c.account == account && c.created_at <= state.Now() &&
        Wanted(c, subscription.fields)) {
      due.push_back(&c);
    }
  }
  for (size_t first = 0; first < due.size(); first += kBatch) {
    Json items = Json::array();
    std::vector<std::string> ids;
    for (size_t i = first; i < due.size() && i < first + kBatch; ++i) {
      const CommentRecord& c = *due[i];
      items.push_back(network == "x"           ? XTweet(state, c)
                      : network == "facebook" ? FeedChange(c)
                                              : InstagramChange(c));
      ids.push_back(c.id);
    }
    const Json body =
        network == "x"
            ? Json{{"for_user_id", owner}, {"tweet_create_events", std::move(items)}}
            : Json{{"object", ObjectOf(network)},
                   {"entry", Json::array({{{"id", owner},
                                           {"time", absl::ToUnixSeconds(state.Now())},
                                           {"changes", std::move(items)}}})}};
    Delivery d = Signed(state, network, subscription.callback_url, body);
    d.ids = std::move(ids);
    out.push_back(std::move(d));
  }
}

std::vector<Delivery> DueDeliveries(SandboxState& state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  std::vector<Delivery> out;
  for (const auto& [key, owner] : state.webhook_accounts) {
    const std::vector<std::string> parts = absl::StrSplit(key, absl::MaxSplits('/', 1));
    auto subscription = state.webhooks.find(ObjectOf(parts[0]));
    if (parts.size() != 2 || subscription == state.webhooks.end()) continue;
    AddDeliveries(state, parts[0], parts[1], owner, subscription->second, out);
  }
  return out;
}

}  // namespace

void WebhookPusher::Start(absl::Duration every) {
  absl::MutexLock lock(&thread_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, every] {
    absl::MutexLock lock(&thread_mu_);
    while (!thread_mu_.AwaitWithTimeout(absl::Condition(&stopping_), every)) {
      thread_mu_.Unlock();
      PushDue();
      thread_mu_.Lock();
    }
  });
}

void WebhookPusher::Stop() {
  std::thread thread;
  {
    absl::MutexLock lock(&thread_mu_);
    stopping_ = true;
    thread.swap(thread_);
  }
  if (thread.joinable()) thread.join();
}

bool WebhookPusher::Stopping() {
  absl::MutexLock lock(&thread_mu_);
  return stopping_;
}

PushCounts WebhookPusher::PushDue() {
  absl::MutexLock serial(&push_mu_);
  PushCounts counts;
  std::vector<Delivery> due;
  {
    absl::MutexLock lock(&state_.mu);
    due = DueDeliveries(state_);
  }
  std::set<std::string> failing;  // subscribers that failed a delivery of this push
  for (const Delivery& d : due) {
    if (Stopping()) break;
    if (failing.contains(d.url)) {
      ++counts.failed;
      continue;
    }
    const bool sent = Post(d);
    if (!sent) failing.insert(d.url);
    bool twice = false;
    {
      absl::MutexLock lock(&state_.mu);
      AccountStats& stats = state_.Stats(d.network, "*");
      (sent ? stats.webhooks_pushed : stats.webhooks_failed)++;
      (sent ? counts.sent : counts.failed)++;
      if (!sent) continue;
      for (const std::string& id : d.ids) {
        if (CommentRecord* c = state_.FindComment(d.network, id)) c->pushed = true;
      }
      const Faults* faults = state_.FaultsFor(d.network);
      twice = faults != nullptr && faults->duplicate_rate > 0 &&
              state_.Random() < faults->duplicate_rate;
    }
    if (twice && Post(d)) {
      absl::MutexLock lock(&state_.mu);
      state_.Stats(d.network, "*").webhook_duplicates++;
      state_.Stats(d.network, "*").webhooks_pushed++;
      ++counts.duplicates;
    }
  }
  return counts;
}

namespace {

// POST /{network}/{v}/{app-id}/subscriptions: the callback is verified before it is kept.
void SubscribeApp(SandboxState& state, const SandboxRequest& req, SandboxResponse& res) {
  const std::string token = req.Token();
  const std::string object = graph::Field(req, "object");
  const std::string callback = graph::Field(req, "callback_url");
  const std::string verify_token = graph::Field(req, "verify_token");
  const std::vector<std::string> fields =
      absl::StrSplit(graph::Field(req, "fields"), ',', absl::SkipEmpty());
  if (!absl::EndsWith(token, absl::StrCat("|", state.options().meta_app_secret))) {
    return graph::Error(res, 400, 190, "Invalid OAuth access token: an app token is required");
  }
  if ((object != "page" && object != "instagram") || fields.empty() || !Split(callback)) {
    return graph::Error(res, 400, 100,
                        "(#100) object (page or instagram), fields and an http(s) "
                        "callback_url are required");
  }
  const std::string challenge = absl::StrCat(absl::ToUnixNanos(absl::Now()) % 1'000'000'007);
  const std::optional<std::string> echoed =
      Get(callback, absl::StrCat("hub.mode=subscribe&hub.challenge=", challenge,
                                 "&hub.verify_token=", UrlEncode(verify_token)));
  if (echoed != challenge) {
    return graph::Error(res, 400, 2200,
                        "(#2200) Callback verification failed: the URL did not echo the "
                        "challenge");
  }
  absl::MutexLock lock(&state.mu);
  state.webhooks[object] = WebhookSubscription{
      .callback_url = callback, .fields = std::set<std::string>(fields.begin(), fields.end())};
  res.SetJson(200, {{"success", true}});
}

// POST /x/1.1/account_activity/all/{env}/webhooks.json?url=: kept once it answers the CRC.
void RegisterXWebhook(SandboxState& state, const SandboxRequest& req, SandboxResponse& res) {
  const std::string url = req.Param("url");
  const std::string crc = absl::StrCat(absl::ToUnixNanos(absl::Now()) % 1'000'000'007);
  std::optional<Json> answer;
  if (std::optional<std::string> body = Get(url, absl::StrCat("crc_token=", crc))) {
    answer = Json::parse(*body, nullptr, /*allow_exceptions=*/false);
  }
  const std::string expected =
      absl::StrCat("sha256=", HmacSha256Base64(state.options().x_consumer_secret, crc));
  if (!answer.has_value() || !answer->is_object() ||
      answer->value("response_token", "") != expected) {
    return x::Problem(res, 400, "Invalid Request",
                      "Webhook URL does not meet the requirements: the CRC check failed");
  }
  absl::MutexLock lock(&state.mu);
  state.webhooks["x"] = WebhookSubscription{.callback_url = url};
  res.SetJson(200, {{"id", state.NextId()}, {"url", url}, {"valid", true}});
}

}  // namespace

void RegisterWebhooks(Router& router, SandboxState& state, WebhookPusher& pusher) {
  for (const std::string network : {"facebook", "instagram"}) {
    router.Add("POST", absl::StrCat("/", network, "/{v}/{app}/subscriptions"),
               [&state](const SandboxRequest& req, SandboxResponse& res) {
                 SubscribeApp(state, req, res);
               });
    router.Add("POST", absl::StrCat("/", network, "/{v}/{id}/subscribed_apps"),
               Locked(state, [network](SandboxState& s, const SandboxRequest& req,
                                       SandboxResponse& res) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                 std::string account;
                 if (!graph::Admit(s, network, req, res, false, &account)) return;
                 s.webhook_accounts[absl::StrCat(network, "/", account)] = req.PathParam("id");
                 res.SetJson(200, {{"success", true}});
               }));
  }
  router.Add("POST", "/x/1.1/account_activity/all/{env}/webhooks.json",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               RegisterXWebhook(state, req, res);
             });
  router.Add("POST", "/x/1.1/account_activity/all/{env}/subscriptions.json",
             Locked(state, [](SandboxState& s, const SandboxRequest& req,
                              SandboxResponse& res) ABSL_NO_THREAD_SAFETY_ANALYSIS {
               std::string account;
               if (!x::Admit(s, req, res, &account)) return;
               s.webhook_accounts[absl::StrCat("x/", account)] = x::UserId(account);
               res.status = 204;
               res.body.clear();
             }));
  router.Add("POST", "/_sandbox/webhooks/push",
             [&pusher](const SandboxRequest&, SandboxResponse& res) {
               const PushCounts counts = pusher.PushDue();
               res.SetJson(200, {{"sent", counts.sent},
                                 {"failed", counts.failed},
                                 {"duplicates", counts.duplicates}});
             });
}

}  // namespace fanfare::sandbox
