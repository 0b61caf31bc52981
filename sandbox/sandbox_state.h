// SandboxState: everything the sandbox knows — tokens, posts, ad entities, asynchronous
// jobs, quota windows, per-account stats and fault knobs — behind one mutex.
//
// Handlers take `mu` for the whole of a request (the sandbox serves tests, not load), so
// every method here REQUIRES it unless it says otherwise.
//
// Token convention (documented in docs/networks.md):
//   sbx_<network>_<account>        a static access token for <account>; valid until expired
//                                  with POST /_sandbox/tokens/expire
//   sbxr_<network>_<account>[_n]   a refresh token; the network's OAuth endpoint exchanges
//                                  it for a new access token as the real one does
//                                  (oauth_policy.h): X's and TikTok's are single use
//   sbxa_<network>_<account>_<n>   an access token the sandbox issued; expires after the
//                                  network's access-token lifetime of sandbox-clock time
#ifndef FANFARE_SANDBOX_SANDBOX_STATE_H_
#define FANFARE_SANDBOX_SANDBOX_STATE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "nlohmann/json.hpp"
#include "sandbox/ad_metrics.h"

namespace fanfare::sandbox {

using Json = nlohmann::json;

struct SandboxOptions {
  uint64_t seed = 1;
  // Where the sandbox reads time; the system clock when null. Must outlive the sandbox.
  const Clock* clock = nullptr;
  // When set (and `clock` is null or the same object), POST /_sandbox/clock can move time.
  ManualClock* manual_clock = nullptr;

  // Asynchronous processing (Instagram containers, TikTok publishes, YouTube processing)
  // finishes after `processing_polls` status reads or `processing_time` of sandbox time,
  // whichever comes first.
  int processing_polls = 2;
  absl::Duration processing_time = absl::Seconds(30);
  // Lifetime of the access tokens the OAuth endpoints issue; zero: each network's own
  // (oauth_policy.h). POST /_sandbox/tokens/ttl overrides it per network.
  absl::Duration token_ttl = absl::ZeroDuration();

  // Quotas (per account unless noted), each as the real network documents it.
  int facebook_calls_per_hour = 200;         // Graph API platform rate limit, per user
  int instagram_hashtags_per_week = 30;      // distinct hashtags an account may look up
  int instagram_posts_per_day = 100;         // content_publishing_limit, rolling 24h
  int x_posts_per_window = 200;              // POST /2/tweets per user per 15 minutes
  absl::Duration x_window = absl::Minutes(15);
  int x_reads_per_window = 180;              // mention timeline, recent search: each per user
  int x_moderation_per_window = 50;          // hide replies, likes, deletes: each per user
  int linkedin_posts_per_day = 150;          // member/organization daily share limit
  int64_t youtube_units_per_day = 10'000;    // per project (modelled per account), PT days
  int tiktok_inits_per_minute = 6;           // video/init per user token
  int snapchat_requests_per_minute = 600;    // per token
  std::string linkedin_min_version = "202401";  // older Linkedin-Version → 426

  // The secrets webhooks are signed with (webhook_push.h): Meta's app secret (its app token
  // is "<app-id>|<secret>") and X's consumer secret.
  std::string meta_app_secret = "sandbox-meta-app-secret";
  std::string x_consumer_secret = "sandbox-x-consumer-secret";
};

struct PostRecord {
  std::string network;
  std::string account;
  std::string id;
  std::string text;
  std::string link;
  std::string url;
  std::string client_ref;  // a client-chosen reference, where the API keeps one
  absl::Time created_at;
  Json extra = Json::object();
  // The post shows an image or a video (not only text and a link preview): its creative
  // performs as a visual one when boosted (ad_metrics.h).
  bool visual = false;
};

// A comment, reply or mention under a brand account: written by the synthetic audience
// (audience.h) or, as a reply, by the account itself.
struct CommentRecord {
  std::string network;
  std::string account;    // the brand account whose post, comment or handle it is under
  std::string id;
  std::string parent_id;  // the comment it answers; empty for a top-level comment
  std::string post_id;    // the account's post it sits under; empty for a mention
  std::string author_id;
  std::string author_handle;
  int64_t author_followers = 0;
  std::string text;
  absl::Time created_at;
  bool by_account = false;  // a reply the account itself wrote
  // What the audience model meant it as: question, praise, complaint, spam or abuse (empty
  // for the account's own replies). Only the control API shows it.
  std::string intent;
  bool hidden = false;
  bool deleted = false;
  std::set<std::string> liked_by;     // accounts that liked it
  std::set<std::string> reshared_by;  // accounts that reshared (reposted) it
  bool pinned = false;
  std::string moderation_status = "published";  // YouTube: published|heldForReview|rejected
  // Placed when the clock reaches `created_at` (SandboxState::Comments): on one of the
  // account's posts published by then — with `seeks_new_post`, one its author has not
  // commented on yet where there is one. With no post yet, an X comment stays a mention of
  // the account; on other networks it never appears.
  bool awaiting_post = false;
  bool seeks_new_post = false;
  // A post of the author's own that tags the account (Facebook /{page}/tagged, Instagram
  // /{ig-user}/tags): never under one of the account's posts, and not the account's to
  // moderate.
  bool mention = false;
  // With `mention`, on Instagram: an @mention in the caption of the author's own media rather
  // than a photo tag. /tags does not list it; only the `mentions` webhook tells of it, and
  // GET /{ig-user-id}?fields=mentioned_media.media_id(…) reads it.
  bool in_caption = false;
  // Pushed to the network's webhook subscriber, which answered 2xx.
  bool pushed = false;
};

// Where a network pushes its webhooks (webhook_push.h): one subscription per object, as an
// app has one callback per object ("page", "instagram"; "x" for Account Activity).
struct WebhookSubscription {
  std::string callback_url;
  std::set<std::string> fields;  // Meta: feed, comments, mentions; X: every event
};

// Any advertising object: campaign, ad set / line item / ad group / ad squad, creative, ad.
struct AdEntity {
  std::string network;
  std::string account;
  std::string id;
  std::string kind;  // "campaign", "adset", "creative", "ad", …
  std::string parent_id;
  std::string name;
  std::string status = "ACTIVE";  // ACTIVE | PAUSED
  std::string objective;          // as the network names it, where this entity holds one
  std::string currency = "USD";
  int64_t daily_budget_micros = 0;  // 0: this entity holds no budget
  int64_t audience = 50'000;
  absl::Time created_at;
  absl::Time end_time = absl::InfiniteFuture();
  std::string promoted_post;  // the post or creative an ad promotes
  // The advertising account the entity bills to, as "<platform>/<id>": set on the top of a
  // hierarchy (Meta: "meta/act_<id>" on the campaign, shared by Facebook and Instagram ads as
  // on Meta) and inherited below it; where no entity up the hierarchy sets it, the account is
  // "<network>/<token account>". See SandboxState::AdAccountOf.
  std::string ad_account;
  Json fields = Json::object();  // as created, for echoing
  std::vector<BudgetPoint> timeline;  // ads only: delivery changes over time
};

struct AsyncJob {
  std::string id;
  std::string network;
  std::string account;
  std::string kind;
  std::string state;
  int polls = 0;
  absl::Time created_at;
  int64_t expected_bytes = 0;
  int64_t received_bytes = 0;
  PostRecord pending;      // committed as a post when the job finishes
  std::string post_id;     // set once committed
  Json fields = Json::object();
};

struct AccountStats {
  int64_t requests = 0;
  int64_t posts = 0;
  int64_t duplicates = 0;
  int64_t throttled = 0;  // 429s and quota errors returned
  int64_t auth_failures = 0;
  int64_t refreshes = 0;        // refresh tokens exchanged
  int64_t refresh_reuses = 0;   // spent refresh tokens presented again
  int64_t refresh_replays = 0;  // the one just spent, presented again within its window
  int64_t authorizations = 0;   // authorization codes redeemed (accounts connected)
  int64_t grants_revoked = 0;   // grants revoked for a reuse (X)
  int64_t errors_injected = 0;
  int64_t responses_dropped = 0;
  int64_t duplicates_delivered = 0;  // listings that handed an item out twice
  int64_t webhooks_pushed = 0;        // deliveries answered 2xx (duplicates included)
  int64_t webhooks_failed = 0;        // deliveries refused or unanswered, to be sent again
  int64_t webhook_duplicates = 0;     // deliveries sent a second time on purpose
};

struct Faults {
  double error_rate = 0;
  absl::Duration latency = absl::ZeroDuration();
  int drop_next = 0;     // drop the responses of the next N committed writes
  double drop_rate = 0;  // and this fraction of later ones
  // If set, only writes whose path contains it are dropped; ending in '$', only writes whose
  // path ends with it ("/ads$" drops POST …/ads but not …/adsets).
  std::string drop_path;
  std::string drop_method;  // if set, only writes with this method ("PUT") are dropped
  // Writes whose path contains `slow_path` (every write if empty) are carried out at once
  // and answered this much later: a client that dies meanwhile never learns what was done.
  absl::Duration answer_latency = absl::ZeroDuration();
  std::string slow_path;
  // This fraction of successful reads that list items (comments, mentions, search results…)
  // hand one of them out twice, right after itself.
  double duplicate_rate = 0;
};

// What one advertising account commits to spend per day: the sum of the daily budgets that
// drive its delivering ads (each budget holder counted once, however many ads it drives; an
// ad delivers when it and everything above it are ACTIVE). Recounted under the state's mutex
// after every change to the account's entities, so `max_daily_micros` is the highest sum the
// account ever held at any instant, not a sampled one. End times are not considered.
struct CommittedBudget {
  int64_t daily_micros = 0;
  int64_t max_daily_micros = 0;
  absl::Time max_at = absl::InfinitePast();  // when the maximum was first reached
  int64_t changes = 0;                        // recounts that changed daily_micros
};

enum class TokenCheck { kOk, kMissing, kInvalid, kExpired };

class SandboxState {
 public:
  explicit SandboxState(SandboxOptions options);

  absl::Mutex mu;

  const SandboxOptions& options() const { return options_; }
  // Thread-safe without `mu`.
  absl::Time Now() const { return clock_->Now(); }
  ManualClock* manual_clock() const { return options_.manual_clock; }

  // Tokens. `account` receives the account the token belongs to.
  TokenCheck CheckToken(const std::string& network, const std::string& token,
                        std::string* account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // What a refresh token exchange gave.
  struct Refreshed {
    enum class Result { kOk, kUnknown, kSpent, kExpired, kRevoked, kNotIssued } result;
    std::string account;
    std::string access_token;
    absl::Duration access_ttl;
    // The refresh token to answer with (new for single-use ones); empty: none.
    std::string refresh_token;
    absl::Duration refresh_ttl = absl::InfiniteDuration();
  };
  // Exchanges `refresh_token` by `network`'s policy (oauth_policy.h), counting refreshes,
  // reuses and revoked grants in the account's stats.
  Refreshed Refresh(const std::string& network, const std::string& refresh_token)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // The lifetime of `network`'s access tokens now.
  absl::Duration AccessTtl(const std::string& network) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  void SetAccessTtl(const std::string& network, absl::Duration ttl)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  void ExpireTokens(const std::string& network, const std::string& account)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  void RevokeRefresh(const std::string& network, const std::string& account)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // The authorization-code grant (RFC 6749 §4.1 with PKCE, RFC 7636). A person who signed in
  // as `account` consented: a single-use code, valid for 10 minutes, bound to the client, the
  // redirect URI and the S256 challenge.
  struct CodeRequest {
    std::string network;
    std::string account;
    std::string client_id;
    std::string redirect_uri;
    std::string code_challenge;
  };
  std::string IssueCode(CodeRequest request) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // Redeems `code` for a new grant of its account — new access and refresh tokens, whatever
  // was revoked before reconnected — if the client, redirect URI and verifier match. kOk, or
  // kUnknown with `*error` (invalid_grant's description) set.
  Refreshed RedeemCode(const std::string& network, const std::string& code,
                       const std::string& client_id, const std::string& redirect_uri,
                       const std::string& code_verifier, std::string* error)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // A fresh numeric id, unique across the sandbox ("1000000001").
  std::string NextId() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  std::vector<PostRecord> posts ABSL_GUARDED_BY(mu);
  PostRecord* FindPost(const std::string& network, const std::string& id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // Records an accepted post and counts it.
  PostRecord& AddPost(PostRecord post) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Every comment, those the clock has reached placed on their posts first.
  std::vector<CommentRecord>& Comments() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  void AddComment(CommentRecord comment) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // Null if `network` has no comment `id` (deleted ones included).
  CommentRecord* FindComment(const std::string& network, const std::string& id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  std::map<std::string, AdEntity> ads ABSL_GUARDED_BY(mu);
  AdEntity* FindAd(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  AdEntity& AddAd(AdEntity entity) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // Call after changing the budget, status or end of `entity_id`: every ad under it whose
  // delivery changed gets a new delivery point at Now() (a repeated change adds nothing),
  // and its account's committed budget is recounted.
  void RecordDelivery(const std::string& entity_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // The advertising account `entity` bills to (see AdEntity::ad_account).
  std::string AdAccountOf(const AdEntity& entity) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // By AdAccountOf; kept by AddAd and RecordDelivery.
  std::map<std::string, CommittedBudget> committed ABSL_GUARDED_BY(mu);
  // The budget that drives `ad` (the nearest ancestor holding one) and whether the ad and
  // every ancestor are ACTIVE.
  int64_t EffectiveBudget(const AdEntity& ad) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  bool EffectiveActive(const AdEntity& ad) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // What the metrics model knows of `ad`: its name (else id) as key, audience, the format of
  // the post it promotes, the nearest objective up its hierarchy, its currency.
  AdTraits TraitsOf(const AdEntity& ad) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  AdMetrics MetricsFor(const AdEntity& ad, absl::Time since, absl::Time until)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // Sum over every ad that is `entity_id` or lies under it.
  AdMetrics MetricsUnder(const std::string& entity_id, absl::Time since, absl::Time until)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // MetricsUnder for each interval [boundaries[i], boundaries[i + 1]), in one pass per ad.
  // Times after Now() count nothing.
  std::vector<AdMetrics> SeriesUnder(const std::string& entity_id,
                                     const std::vector<absl::Time>& boundaries)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // True if `ad` is `entity_id` or lies under it.
  bool IsUnder(const AdEntity& ad, const std::string& entity_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // True if the name of `e`, or of an entity above it, holds `client_ref`: a boost names its
  // objects "Fanfare <client reference>", and those a network keeps no name for (X's promoted
  // tweets, LinkedIn's creatives) lie under one it named.
  bool MadeFor(const AdEntity& e, const std::string& client_ref)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  std::map<std::string, double> quality_overrides ABSL_GUARDED_BY(mu);

  std::map<std::string, AsyncJob> jobs ABSL_GUARDED_BY(mu);
  // Counts one status read; true once the job's processing is over.
  bool PollJob(AsyncJob& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Sliding-window quota: true and counted if fewer than `limit` events happened in the last
  // `window`; else false with `reset_at` = when the oldest event leaves the window.
  bool TakeQuota(const std::string& key, int limit, absl::Duration window,
                 absl::Time* reset_at, int* remaining) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  int UsedQuota(const std::string& key, absl::Duration window) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  std::map<std::string, int64_t> counters ABSL_GUARDED_BY(mu);

  AccountStats& Stats(const std::string& network, const std::string& account)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  std::map<std::string, AccountStats> stats ABSL_GUARDED_BY(mu);  // "network/account"

  std::map<std::string, Faults> faults ABSL_GUARDED_BY(mu);  // by network; "*" for all
  // The fault knobs in force for `network` (its own, else "*"), or null.
  const Faults* FaultsFor(const std::string& network) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Webhooks: by object ("page", "instagram", "x"), and the accounts each network pushes for
  // ("network/account" → the id deliveries name it by: page id, IG user id, X user id).
  std::map<std::string, WebhookSubscription> webhooks ABSL_GUARDED_BY(mu);
  std::map<std::string, std::string> webhook_accounts ABSL_GUARDED_BY(mu);
  std::mt19937_64 rng ABSL_GUARDED_BY(mu);
  double Random() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Forgets everything (tokens issued, posts, ads, jobs, quotas, stats, faults).
  void Reset() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

 private:
  struct IssuedToken {
    std::string network;
    std::string account;
    int64_t generation = 0;
    absl::Time expires = absl::InfiniteFuture();
  };

  SandboxOptions options_;
  const Clock* clock_;
  int64_t next_id_ ABSL_GUARDED_BY(mu) = 1'000'000'000;
  int64_t generation_ ABSL_GUARDED_BY(mu) = 1;
  std::map<std::string, IssuedToken> issued_ ABSL_GUARDED_BY(mu);
  std::map<std::string, int64_t> expired_before_ ABSL_GUARDED_BY(mu);  // "net/acct" → gen
  std::map<std::string, bool> refresh_revoked_ ABSL_GUARDED_BY(mu);
  // One account's chain of refresh tokens ("net/acct" →): the one that works now (the
  // conventional sbxr_<net>_<acct> until the first refresh), those spent, and when the
  // current one expires.
  struct Grant {
    std::string current;
    absl::Time current_expires = absl::InfiniteFuture();
    std::set<std::string> spent;
    // The last refresh token spent, when, and what it was answered (for a replay).
    std::string last_spent;
    absl::Time last_spent_at = absl::InfinitePast();
    Refreshed last_answer;
  };
  std::map<std::string, Grant> grants_ ABSL_GUARDED_BY(mu);
  std::map<std::string, absl::Duration> access_ttls_ ABSL_GUARDED_BY(mu);
  // Revokes every token of the account: a reused refresh token, or POST …/tokens/expire.
  void RevokeGrant(const std::string& network, const std::string& account)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Places the comments awaiting a post that the clock has reached, oldest first.
  void PlaceDueComments() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  std::vector<CommentRecord> comments_ ABSL_GUARDED_BY(mu);

  // Recomputes committed[ad_account].daily_micros and raises its maximum if need be.
  void RecountCommitted(const std::string& ad_account) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  std::map<std::string, std::deque<absl::Time>> windows_ ABSL_GUARDED_BY(mu);
  struct IssuedCode {
    CodeRequest request;
    absl::Time expires;
    bool used = false;
  };
  std::map<std::string, IssuedCode> codes_ ABSL_GUARDED_BY(mu);
};

}  // namespace fanfare::sandbox

#endif  // FANFARE_SANDBOX_SANDBOX_STATE_H_
