#include "sandbox/sandbox_state.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accounts/pkce.h"
#include "sandbox/oauth_policy.h"

namespace fanfare::sandbox {
namespace {

constexpr const char* kNetworks[] = {"facebook", "instagram", "x",       "linkedin",
                                     "youtube",  "tiktok",    "snapchat"};

// "sbx_x_acme_x" with prefix "sbx_" → network "x", account "acme_x".
bool SplitConventional(absl::string_view token, absl::string_view prefix, std::string* network,
                       std::string* rest) {
  if (!absl::StartsWith(token, prefix)) return false;
  token.remove_prefix(prefix.size());
  for (const char* net : kNetworks) {
    const std::string head = absl::StrCat(net, "_");
    if (absl::StartsWith(token, head) && token.size() > head.size()) {
      *network = net;
      *rest = std::string(token.substr(head.size()));
      return true;
    }
  }
  return false;
}

std::string Key(const std::string& network, const std::string& account) {
  return absl::StrCat(network, "/", account);
}

}  // namespace

// `rng` is declared (so initialised) before `options_`: it takes the seed from `options`
// before that is moved.
SandboxState::SandboxState(SandboxOptions options)
    : rng(options.seed),
      options_(std::move(options)),
      clock_(options_.clock != nullptr         ? options_.clock
             : options_.manual_clock != nullptr ? options_.manual_clock
                                                : &Clock::System()) {}

TokenCheck SandboxState::CheckToken(const std::string& network, const std::string& token,
                                    std::string* account) {
  if (token.empty()) return TokenCheck::kMissing;
  std::string net;
  int64_t generation = 0;
  absl::Time expires = absl::InfiniteFuture();
  if (auto it = issued_.find(token); it != issued_.end()) {
    net = it->second.network;
    *account = it->second.account;
    generation = it->second.generation;
    expires = it->second.expires;
  } else if (!SplitConventional(token, "sbx_", &net, account)) {
    return TokenCheck::kInvalid;
  }
  if (net != network) return TokenCheck::kInvalid;
  auto mark = expired_before_.find(Key(net, *account));
  if (mark != expired_before_.end() && generation <= mark->second) return TokenCheck::kExpired;
  if (expires <= Now()) return TokenCheck::kExpired;
  return TokenCheck::kOk;
}

SandboxState::Refreshed SandboxState::Refresh(const std::string& network,
                                              const std::string& refresh_token) {
  using Result = Refreshed::Result;
  Refreshed out{.result = Result::kUnknown};
  std::string net, rest;
  if (!SplitConventional(refresh_token, "sbxr_", &net, &rest) || net != network) return out;
  // An issued refresh token carries a "_<n>" suffix; the account is what precedes it.
  auto issued = issued_.find(refresh_token);
  out.account = issued != issued_.end() ? issued->second.account : rest;
  const OAuthPolicy& policy = OAuthPolicyOf(network);
  if (!policy.issues_refresh_tokens) {
    out.result = Result::kNotIssued;
    return out;
  }
  const std::string key = Key(net, out.account);
  if (refresh_revoked_[key]) {
    out.result = Result::kRevoked;
    return out;
  }
  Grant& grant = grants_[key];
  if (grant.current.empty()) {
    // The account's first refresh token: its lifetime runs from its first use.
    grant.current = absl::StrCat("sbxr_", net, "_", out.account);
    if (policy.refresh_ttl != absl::InfiniteDuration()) {
      grant.current_expires = Now() + policy.refresh_ttl;
    }
  }
  AccountStats& stats = Stats(net, out.account);
  if (refresh_token != grant.current) {
    if (refresh_token == grant.last_spent &&
        Now() - grant.last_spent_at <= policy.replay_window) {
      stats.refresh_replays++;
      // The same tokens, their lifetimes counted from now, as a real answer would be.
      Refreshed replay = grant.last_answer;
      if (auto access = issued_.find(replay.access_token); access != issued_.end()) {
        replay.access_ttl = std::max(access->second.expires - Now(), absl::ZeroDuration());
      }
      if (replay.refresh_ttl != absl::InfiniteDuration()) {
        replay.refresh_ttl = std::max(grant.current_expires - Now(), absl::ZeroDuration());
      }
      return replay;
    }
    if (grant.spent.contains(refresh_token)) {
      stats.refresh_reuses++;
      out.result = Result::kSpent;
      if (policy.reuse_revokes_grant) {
        RevokeGrant(net, out.account);
        stats.grants_revoked++;
        out.result = Result::kRevoked;
      }
    }
    return out;
  }
  if (grant.current_expires <= Now()) {
    out.result = Result::kExpired;
    return out;
  }
  stats.refreshes++;
  const int64_t gen = ++generation_;
  out.result = Result::kOk;
  out.access_ttl = AccessTtl(net);
  out.access_token = absl::StrCat("sbxa_", net, "_", out.account, "_", gen);
  issued_[out.access_token] = IssuedToken{net, out.account, gen, Now() + out.access_ttl};
  if (policy.single_use) {
    grant.spent.insert(grant.current);
    grant.last_spent = grant.current;
    grant.last_spent_at = Now();
    grant.current = absl::StrCat("sbxr_", net, "_", out.account, "_", gen);
    grant.current_expires =
        policy.refresh_ttl == absl::InfiniteDuration() ? absl::InfiniteFuture()
                                                       : Now() + policy.refresh_ttl;
    issued_[grant.current] = IssuedToken{net, out.account, gen, grant.current_expires};
  }
  if (policy.single_use || policy.echoes_refresh_token) {
    out.refresh_token = grant.current;
    out.refresh_ttl = grant.current_expires == absl::InfiniteFuture()
                          ? policy.refresh_ttl
                          : grant.current_expires - Now();
  }
  if (policy.single_use) grant.last_answer = out;
  return out;
}

std::string SandboxState::IssueCode(CodeRequest request) {
  std::string code = absl::StrCat("sbxc_", request.network, "_", ++generation_, "_",
                                  static_cast<uint64_t>(Random() * 1e15));
  codes_[code] = IssuedCode{std::move(request), Now() + absl::Minutes(10)};
  return code;
}

SandboxState::Refreshed SandboxState::RedeemCode(const std::string& network,
                                                 const std::string& code,
                                                 const std::string& client_id,
                                                 const std::string& redirect_uri,
                                                 const std::string& code_verifier,
                                                 std::string* error) {
  Refreshed out{.result = Refreshed::Result::kUnknown};
  auto found = codes_.find(code);
  if (found == codes_.end() || found->second.request.network != network) {
    *error = "The authorization code is invalid.";
    return out;
  }
  IssuedCode& issued = found->second;
  const CodeRequest& asked = issued.request;
  if (issued.used) {
    *error = "The authorization code was already used.";
  } else if (issued.expires <= Now()) {
    *error = "The authorization code has expired.";
  } else if (client_id != asked.client_id) {
    *error = "The authorization code was issued to another client.";
  } else if (redirect_uri != asked.redirect_uri) {
    *error = "redirect_uri does not match the authorization request.";
  } else if (accounts::CodeChallenge(code_verifier) != asked.code_challenge) {
    *error = "code_verifier does not match the code_challenge.";
  }
  issued.used = true;  // one try, right or wrong
  if (!error->empty()) return out;
  const std::string key = Key(network, asked.account);
  refresh_revoked_.erase(key);
  const OAuthPolicy& policy = OAuthPolicyOf(network);
  const int64_t gen = ++generation_;
  out.result = Refreshed::Result::kOk;
  out.account = asked.account;
  out.access_ttl = AccessTtl(network);
  out.access_token = absl::StrCat("sbxa_", network, "_", asked.account, "_", gen);
  issued_[out.access_token] = IssuedToken{network, asked.account, gen, Now() + out.access_ttl};
  Stats(network, asked.account).authorizations++;
  if (policy.issues_refresh_tokens) {
    // A new grant: the old one's refresh tokens are simply invalid from now on (presenting
    // one revokes nothing of the new grant).
    Grant& grant = grants_[key] = Grant{};
    grant.current = absl::StrCat("sbxr_", network, "_", asked.account, "_", gen);
    grant.current_expires = policy.refresh_ttl == absl::InfiniteDuration()
                                ? absl::InfiniteFuture()
                                : Now() + policy.refresh_ttl;
    issued_[grant.current] = IssuedToken{network, asked.account, gen, grant.current_expires};
    out.refresh_token = grant.current;
    out.refresh_ttl = policy.refresh_ttl;
  }
  return out;
}

absl::Duration SandboxState::AccessTtl(const std::string& network) const {
  if (auto it = access_ttls_.find(network); it != access_ttls_.end()) return it->second;
  if (options_.token_ttl > absl::ZeroDuration()) return options_.token_ttl;
  return OAuthPolicyOf(network).access_ttl;
}

void SandboxState::SetAccessTtl(const std::string& network, absl::Duration ttl) {
  access_ttls_[network] = ttl;
}

void SandboxState::RevokeGrant(const std::string& network, const std::string& account) {
  ExpireTokens(network, account);
  RevokeRefresh(network, account);
}

void SandboxState::ExpireTokens(const std::string& network, const std::string& account) {
  expired_before_[Key(network, account)] = generation_;
}

void SandboxState::RevokeRefresh(const std::string& network, const std::string& account) {
  refresh_revoked_[Key(network, account)] = true;
}

std::string SandboxState::NextId() { return absl::StrCat(++next_id_); }

PostRecord* SandboxState::FindPost(const std::string& network, const std::string& id) {
  for (PostRecord& post : posts) {
    if (post.network == network && post.id == id) return &post;
  }
  return nullptr;
}

PostRecord& SandboxState::AddPost(PostRecord post) {
  Stats(post.network, post.account).posts++;
  posts.push_back(std::move(post));
  return posts.back();
}

AdEntity* SandboxState::FindAd(const std::string& id) {
  auto it = ads.find(id);
  return it == ads.end() ? nullptr : &it->second;
}

AdEntity& SandboxState::AddAd(AdEntity entity) {
  entity.created_at = Now();
  const std::string id = entity.id;
  AdEntity& stored = ads[id] = std::move(entity);
  if (stored.kind == "ad") {
    stored.timeline.push_back({Now(), EffectiveBudget(stored), EffectiveActive(stored)});
  }
  RecountCommitted(AdAccountOf(stored));
  return stored;
}

std::string SandboxState::AdAccountOf(const AdEntity& entity) {
  for (const AdEntity* e = &entity; e != nullptr; e = FindAd(e->parent_id)) {
    if (!e->ad_account.empty()) return e->ad_account;
    if (e->parent_id.empty()) break;
  }
  return Key(entity.network, entity.account);
}

void SandboxState::RecountCommitted(const std::string& ad_account) {
  std::map<std::string, int64_t> holders;  // budget holder id → its daily budget
  for (const auto& [id, ad] : ads) {
    if (ad.kind != "ad" || !EffectiveActive(ad) || AdAccountOf(ad) != ad_account) continue;
    for (const AdEntity* e = &ad; e != nullptr; e = FindAd(e->parent_id)) {
      if (e->daily_budget_micros > 0) {
        holders[e->id] = e->daily_budget_micros;
        break;
      }
      if (e->parent_id.empty()) break;
    }
  }
  int64_t sum = 0;
  for (const auto& [id, micros] : holders) sum += micros;
  CommittedBudget& account = committed[ad_account];
  if (sum == account.daily_micros) return;
  account.daily_micros = sum;
  account.changes++;
  if (sum > account.max_daily_micros) {
    account.max_daily_micros = sum;
    account.max_at = Now();
  }
}

int64_t SandboxState::EffectiveBudget(const AdEntity& ad) {
  for (const AdEntity* e = &ad; e != nullptr; e = FindAd(e->parent_id)) {
    if (e->daily_budget_micros > 0) return e->daily_budget_micros;
    if (e->parent_id.empty()) break;
  }
  return 0;
}

bool SandboxState::MadeFor(const AdEntity& e, const std::string& client_ref) {
  for (const AdEntity* up = &e; up != nullptr; up = FindAd(up->parent_id)) {
    if (absl::StrContains(up->name, client_ref)) return true;
    if (up->parent_id.empty()) break;
  }
  return false;
}

bool SandboxState::EffectiveActive(const AdEntity& ad) {
  for (const AdEntity* e = &ad; e != nullptr; e = FindAd(e->parent_id)) {
    if (e->status != "ACTIVE") return false;
    if (e->parent_id.empty()) break;
  }
  return true;
}

void SandboxState::RecordDelivery(const std::string& entity_id) {
  for (auto& [id, ad] : ads) {
    if (ad.kind != "ad" || !IsUnder(ad, entity_id)) continue;
    const BudgetPoint point{Now(), EffectiveBudget(ad), EffectiveActive(ad)};
    if (!ad.timeline.empty() &&
        ad.timeline.back().daily_budget_micros == point.daily_budget_micros &&
        ad.timeline.back().active == point.active) {
      continue;
    }
    ad.timeline.push_back(point);
  }
  if (const AdEntity* entity = FindAd(entity_id)) RecountCommitted(AdAccountOf(*entity));
}

bool SandboxState::IsUnder(const AdEntity& ad, const std::string& entity_id) {
  for (const AdEntity* e = &ad; e != nullptr; e = FindAd(e->parent_id)) {
    if (e->id == entity_id) return true;
    if (e->parent_id.empty()) break;
  }
  return false;
}

AdTraits SandboxState::TraitsOf(const AdEntity& ad) {
  AdTraits traits{.key = ad.name.empty() ? ad.id : ad.name, .audience = ad.audience,
                  .currency = ad.currency};
  if (const PostRecord* post = FindPost(ad.network, ad.promoted_post)) {
    traits.format = post->visual ? CreativeFormat::kVisual : CreativeFormat::kText;
  }
  for (const AdEntity* e = &ad; e != nullptr; e = FindAd(e->parent_id)) {
    if (!e->objective.empty()) {
      traits.objective = ObjectiveFromName(e->objective);
      break;
    }
    if (e->parent_id.empty()) break;
  }
  return traits;
}

AdMetrics SandboxState::MetricsFor(const AdEntity& ad, absl::Time since, absl::Time until) {
  if (until <= since) return {};
  return SeriesUnder(ad.id, {since, until})[0];
}

AdMetrics SandboxState::MetricsUnder(const std::string& entity_id, absl::Time since,
                                     absl::Time until) {
  if (until <= since) return {};
  return SeriesUnder(entity_id, {since, until})[0];
}

std::vector<AdMetrics> SandboxState::SeriesUnder(const std::string& entity_id,
                                                 const std::vector<absl::Time>& boundaries) {
  std::vector<AdMetrics> sum(boundaries.size() > 1 ? boundaries.size() - 1 : 0);
  std::vector<absl::Time> capped = boundaries;
  for (absl::Time& t : capped) t = std::min(t, Now());
  for (auto& [id, ad] : ads) {
    if (ad.kind != "ad" || !IsUnder(ad, entity_id) || ad.timeline.empty()) continue;
    std::optional<double> quality;
    if (auto it = quality_overrides.find(ad.id); it != quality_overrides.end()) {
      quality = it->second;
    }
    absl::Time end = ad.end_time;
    for (const AdEntity* e = FindAd(ad.parent_id); e != nullptr; e = FindAd(e->parent_id)) {
      end = std::min(end, e->end_time);
      if (e->parent_id.empty()) break;
    }
    const AdProfile profile = ProfileFor(options_.seed, TraitsOf(ad), quality);
    const std::vector<AdMetrics> series = MetricsSeries(profile, ad.timeline, end, capped);
    for (size_t i = 0; i < series.size(); ++i) {
      sum[i].impressions += series[i].impressions;
      sum[i].reach += series[i].reach;
      sum[i].clicks += series[i].clicks;
      sum[i].conversions += series[i].conversions;
      sum[i].spend_micros += series[i].spend_micros;
    }
  }
  return sum;
}

bool SandboxState::PollJob(AsyncJob& job) {
  ++job.polls;
  return job.polls > options_.processing_polls ||
         Now() - job.created_at >= options_.processing_time;
}

bool SandboxState::TakeQuota(const std::string& key, int limit, absl::Duration window,
                             absl::Time* reset_at, int* remaining) {
  std::deque<absl::Time>& events = windows_[key];
  const absl::Time now = Now();
  while (!events.empty() && events.front() <= now - window) events.pop_front();
  if (static_cast<int>(events.size()) >= limit) {
    if (reset_at != nullptr) *reset_at = events.front() + window;
    if (remaining != nullptr) *remaining = 0;
    return false;
  }
  events.push_back(now);
  if (reset_at != nullptr) *reset_at = events.front() + window;
  if (remaining != nullptr) *remaining = limit - static_cast<int>(events.size());
  return true;
}

int SandboxState::UsedQuota(const std::string& key, absl::Duration window) {
  std::deque<absl::Time>& events = windows_[key];
  const absl::Time now = Now();
  while (!events.empty() && events.front() <= now - window) events.pop_front();
  return static_cast<int>(events.size());
}

AccountStats& SandboxState::Stats(const std::string& network, const std::string& account) {
  return stats[Key(network, account)];
}

double SandboxState::Random() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::vector<CommentRecord>& SandboxState::Comments() {
  PlaceDueComments();
  return comments_;
}

void SandboxState::AddComment(CommentRecord comment) { comments_.push_back(std::move(comment)); }

void SandboxState::PlaceDueComments() {
  std::vector<CommentRecord*> due;
  for (CommentRecord& c : comments_) {
    if (c.awaiting_post && c.created_at <= Now()) due.push_back(&c);
  }
  std::stable_sort(due.begin(), due.end(), [](const CommentRecord* a, const CommentRecord* b) {
    return a->created_at < b->created_at;
  });
  for (CommentRecord* c : due) {
    c->awaiting_post = false;
    std::vector<const PostRecord*> published;
    for (const PostRecord& p : posts) {
      if (p.network == c->network && p.account == c->account && p.created_at <= c->created_at) {
        published.push_back(&p);
      }
    }
    if (published.empty()) {
      c->deleted = c->network != "x";  // only X has mentions outside a post
      continue;
    }
    c->post_id = published[StableHash(options_.seed, c->id) % published.size()]->id;
    if (!c->seeks_new_post) continue;
    for (const PostRecord* p : published) {
      const bool commented = std::any_of(comments_.begin(), comments_.end(), [&](const CommentRecord& o) {
        return &o != c && o.author_id == c->author_id && o.post_id == p->id;
      });
      if (!commented) {
        c->post_id = p->id;
        break;
      }
    }
  }
}

CommentRecord* SandboxState::FindComment(const std::string& network, const std::string& id) {
  for (CommentRecord& c : Comments()) {
    if (c.network == network && c.id == id) return &c;
  }
  return nullptr;
}

void SandboxState::Reset() {
  posts.clear();
  comments_.clear();
  ads.clear();
  committed.clear();
  quality_overrides.clear();
  jobs.clear();
  counters.clear();
  stats.clear();
  faults.clear();
  rng.seed(options_.seed);
  issued_.clear();
  expired_before_.clear();
  refresh_revoked_.clear();
  grants_.clear();
  access_ttls_.clear();
  windows_.clear();
  webhooks.clear();
  webhook_accounts.clear();
}

const Faults* SandboxState::FaultsFor(const std::string& network) const {
  if (auto it = faults.find(network); it != faults.end()) return &it->second;
  if (auto all = faults.find("*"); all != faults.end()) return &all->second;
  return nullptr;
}

}  // namespace fanfare::sandbox
