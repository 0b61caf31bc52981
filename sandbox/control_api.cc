// /_sandbox/…: what the sandbox accepted, and the knobs tests and rehearsals turn.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/durations.h"
#include "sandbox/audience.h"
#include "sandbox/network_api.h"

namespace fanfare::sandbox {
namespace {

Json PostJson(const PostRecord& p) {
  return {{"network", p.network}, {"account", p.account},     {"id", p.id},
          {"text", p.text},       {"link", p.link},           {"url", p.url},
          {"client_ref", p.client_ref}, {"created_at", Rfc3339(p.created_at)}};
}

bool IsNetwork(const std::string& name) {
  for (const char* network :
       {"facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "snapchat"}) {
    if (name == network) return true;
  }
  return false;
}

Json StatsJson(const AccountStats& s) {
  return {{"requests", s.requests}, {"posts", s.posts}, {"duplicates", s.duplicates},
          {"throttled", s.throttled}, {"auth_failures", s.auth_failures},
          {"refreshes", s.refreshes}, {"refresh_reuses", s.refresh_reuses},
          {"refresh_replays", s.refresh_replays}, {"authorizations", s.authorizations},
          {"grants_revoked", s.grants_revoked},
          {"errors_injected", s.errors_injected}, {"responses_dropped", s.responses_dropped},
          {"duplicates_delivered", s.duplicates_delivered},
          {"webhooks_pushed", s.webhooks_pushed}, {"webhooks_failed", s.webhooks_failed},
          {"webhook_duplicates", s.webhook_duplicates}};
}

// Reads body[`name`], a number within [lo, hi], into `value` when present; false (the
// response a 400 naming it) otherwise.
bool ReadBound(const Json& body, const char* name, double lo, double hi, double& value,
               SandboxResponse& res) {
  auto it = body.find(name);
  if (it == body.end()) return true;
  if (!it->is_number() || !(it->get<double>() >= lo && it->get<double>() <= hi)) {
    res.SetJson(400, {{"error", absl::StrFormat("%s must be a number from %.15g to %.15g", name,
                                                lo, hi)}});
    return false;
  }
  value = it->get<double>();
  return true;
}

void SetFaults(SandboxState& state, const Json& body, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  if (!body.is_object()) {
    res.SetJson(400, {{"error", "body must be a JSON object"}});
    return;
  }
  if (body.value("clear", false)) {
    state.faults.clear();
    res.SetJson(200, {{"faults", "cleared"}});
    return;
  }
  const std::string network = body.value("network", std::string("*"));
  if (network != "*" && !IsNetwork(network)) {
    res.SetJson(400, {{"error", absl::StrCat("unknown network '", network, "'")}});
    return;
  }
  Faults f = state.faults.count(network) ? state.faults[network] : Faults();
  double latency_ms = absl::ToDoubleMilliseconds(f.latency);
  double answer_latency_ms = absl::ToDoubleMilliseconds(f.answer_latency);
  double drop_next = f.drop_next;
  // Latencies are bounded so that an injected one never holds the sandbox for long.
  if (!ReadBound(body, "error_rate", 0, 1, f.error_rate, res) ||
      !ReadBound(body, "drop_rate", 0, 1, f.drop_rate, res) ||
      !ReadBound(body, "duplicate_rate", 0, 1, f.duplicate_rate, res) ||
      !ReadBound(body, "latency_ms", 0, 60'000, latency_ms, res) ||
      !ReadBound(body, "answer_latency_ms", 0, 600'000, answer_latency_ms, res) ||
      !ReadBound(body, "drop_next", 0, 1'000'000, drop_next, res)) {
    return;
  }
  if (body.contains("drop_next") && !body["drop_next"].is_number_integer()) {
    res.SetJson(400, {{"error", "drop_next must be a whole number of writes"}});
    return;
  }
  f.latency = absl::Milliseconds(latency_ms);
  f.answer_latency = absl::Milliseconds(answer_latency_ms);
  f.drop_next = static_cast<int>(drop_next);
  f.drop_path = body.value("drop_path", f.drop_path);
  f.drop_method = body.value("drop_method", f.drop_method);
  f.slow_path = body.value("slow_path", f.slow_path);
  state.faults[network] = f;
  res.SetJson(200, {{"network", network}, {"error_rate", f.error_rate},
                    {"latency_ms", absl::ToInt64Milliseconds(f.latency)},
                    {"drop_next", f.drop_next}, {"drop_rate", f.drop_rate},
                    {"drop_path", f.drop_path}, {"drop_method", f.drop_method},
                    {"answer_latency_ms", absl::ToInt64Milliseconds(f.answer_latency)},
                    {"slow_path", f.slow_path}, {"duplicate_rate", f.duplicate_rate}});
}

void MoveClock(SandboxState& state, const Json& body, SandboxResponse& res) {
  ManualClock* clock = state.manual_clock();
  if (clock == nullptr) {
    res.SetJson(409, {{"error", "the sandbox runs on the system clock; start it with "
                                "--virtual-time to move time"}});
    return;
  }
  if (body.is_object() && body.contains("advance") && body["advance"].is_string()) {
    absl::StatusOr<absl::Duration> d = ParseDuration(body["advance"].get<std::string>());
    if (!d.ok() || *d < absl::ZeroDuration()) {
      res.SetJson(400, {{"error", "advance must be a non-negative duration such as 6h"}});
      return;
    }
    clock->Advance(*d);
  } else if (body.is_object() && body.contains("now") && body["now"].is_string()) {
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, body["now"].get<std::string>(), &t, &err) ||
        t < clock->Now()) {
      res.SetJson(400, {{"error", "now must be an RFC 3339 time not before the current one"}});
      return;
    }
    clock->Set(t);
  }
  res.SetJson(200, {{"now", Rfc3339(clock->Now())}});
}

// Deterministic bytes for media URLs in tests: /_sandbox/media/<name>?bytes=N.
void Media(const SandboxRequest& req, SandboxResponse& res) {
  int64_t bytes = 1024;
  (void)absl::SimpleAtoi(req.Param("bytes", "1024"), &bytes);
  bytes = std::clamp<int64_t>(bytes, 1, 64 << 20);
  std::string body(static_cast<size_t>(bytes), '\0');
  for (int64_t i = 0; i < bytes; ++i) body[i] = static_cast<char>('a' + i % 26);
  res.status = 200;
  res.body = std::move(body);
  res.content_type = "video/mp4";
}

Json CommentJson(const CommentRecord& c) {
  return {{"network", c.network}, {"account", c.account}, {"id", c.id},
          {"parent_id", c.parent_id}, {"post_id", c.post_id}, {"author_id", c.author_id},
          {"author_handle", c.author_handle}, {"author_followers", c.author_followers},
          {"text", c.text}, {"created_at", Rfc3339(c.created_at)},
          {"by_account", c.by_account}, {"intent", c.intent}, {"hidden", c.hidden},
          {"deleted", c.deleted}, {"liked", !c.liked_by.empty()}, {"reshared", !c.reshared_by.empty()}, {"pinned", c.pinned},
          {"moderation_status", c.moderation_status}, {"mention", c.mention},
          {"in_caption", c.in_caption}, {"pushed", c.pushed}};
}

// POST /_sandbox/audience {network, account, days?, per_day?}: GrowAudience from now.
void GrowAudienceRequest(SandboxState& state, const Json& body, SandboxResponse& res)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  if (!body.is_object() || !body.value("network", Json()).is_string() ||
      !body.value("account", Json()).is_string()) {
    return res.SetJson(400, {{"error", "network and account (strings) are required"}});
  }
  AudiencePlan plan{.network = body["network"], .account = body["account"]};
  const std::string& network = plan.network;
  if (!IsNetwork(network) || network == "snapchat") {
    return res.SetJson(400, {{"error", network == "snapchat"
                                          ? "snapchat has no public comments API"
                                          : "network is one of facebook, instagram, x, "
                                            "linkedin, youtube, tiktok"}});
  }
  const Json days = body.value("days", Json(plan.days));
  const Json per_day = body.value("per_day", Json(plan.per_day));
  if (!days.is_number_integer() || days.get<int64_t>() < 1 || days.get<int64_t>() > 60 ||
      !per_day.is_number_integer() || per_day.get<int64_t>() < 1 ||
      per_day.get<int64_t>() > 500) {
    return res.SetJson(400, {{"error", "days is 1..60 and per_day 1..500"}});
  }
  plan.days = days.get<int>();
  plan.per_day = per_day.get<int>();
  res.SetJson(200, {{"added", GrowAudience(state, plan)}});
}

}  // namespace

void RegisterControl(Router& router, SandboxState& state) {
  router.Add("GET", "/_sandbox/posts", [&state](const SandboxRequest& req, SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    Json posts = Json::array();
    for (const PostRecord& p : state.posts) {
      if (!req.Param("network").empty() && p.network != req.Param("network")) continue;
      if (!req.Param("account").empty() && p.account != req.Param("account")) continue;
      posts.push_back(PostJson(p));
    }
    res.SetJson(200, {{"posts", posts}});
  });
  router.Add("GET", "/_sandbox/comments",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               absl::MutexLock lock(&state.mu);
               Json comments = Json::array();
               for (const CommentRecord& c : state.Comments()) {
                 if (!req.Param("network").empty() && c.network != req.Param("network")) continue;
                 if (!req.Param("account").empty() && c.account != req.Param("account")) continue;
                 if (c.created_at > state.Now() && req.Param("future") != "true") continue;
                 comments.push_back(CommentJson(c));
               }
               res.SetJson(200, {{"comments", comments}});
             });
  router.Add("POST", "/_sandbox/audience",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               absl::MutexLock lock(&state.mu);
               GrowAudienceRequest(state, req.BodyJson(), res);
             });
  router.Add("GET", "/_sandbox/stats", [&state](const SandboxRequest&, SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    Json accounts = Json::object();
    AccountStats total;
    for (const auto& [key, s] : state.stats) {
      accounts[key] = StatsJson(s);
      total.requests += s.requests;
      total.posts += s.posts;
      total.duplicates += s.duplicates;
      total.throttled += s.throttled;
      total.auth_failures += s.auth_failures;
      total.refreshes += s.refreshes;
      total.refresh_reuses += s.refresh_reuses;
      total.refresh_replays += s.refresh_replays;
      total.authorizations += s.authorizations;
      total.grants_revoked += s.grants_revoked;
      total.errors_injected += s.errors_injected;
      total.responses_dropped += s.responses_dropped;
      total.duplicates_delivered += s.duplicates_delivered;
      total.webhooks_pushed += s.webhooks_pushed;
      total.webhooks_failed += s.webhooks_failed;
      total.webhook_duplicates += s.webhook_duplicates;
    }
    res.SetJson(200, {{"accounts", accounts}, {"totals", StatsJson(total)},
                      {"now", Rfc3339(state.Now())}});
  });
  router.Add("GET", "/_sandbox/ads", [&state](const SandboxRequest& req, SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    Json ads = Json::array();
    for (const auto& [id, e] : state.ads) {
      if (!req.Param("network").empty() && e.network != req.Param("network")) continue;
      if (!req.Param("client_ref").empty() && !state.MadeFor(e, req.Param("client_ref"))) {
        continue;
      }
      Json j = {{"network", e.network}, {"account", e.account}, {"id", e.id},
                {"kind", e.kind}, {"parent_id", e.parent_id}, {"name", e.name},
                {"status", e.status}, {"daily_budget_micros", e.daily_budget_micros},
                {"currency", e.currency}};
      if (e.kind == "ad") {
        j["spend_micros_to_date"] =
            state.MetricsFor(e, e.created_at, state.Now()).spend_micros;
      }
      ads.push_back(j);
    }
    res.SetJson(200, {{"ads", ads}});
  });
  // What each advertising account commits per day, now and at its highest (CommittedBudget).
  router.Add("GET", "/_sandbox/budgets", [&state](const SandboxRequest&, SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    Json accounts = Json::object();
    for (const auto& [account, c] : state.committed) {
      accounts[account] = {{"daily_budget_micros", c.daily_micros},
                           {"max_daily_budget_micros", c.max_daily_micros},
                           {"max_at", c.max_at == absl::InfinitePast() ? "" : Rfc3339(c.max_at)},
                           {"changes", c.changes}};
    }
    res.SetJson(200, {{"accounts", accounts}, {"now", Rfc3339(state.Now())}});
  });
  router.Add("POST", "/_sandbox/faults", [&state](const SandboxRequest& req, SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    SetFaults(state, req.BodyJson(), res);
  });
  router.Add("GET", "/_sandbox/clock", [&state](const SandboxRequest&, SandboxResponse& res) {
    res.SetJson(200, {{"now", Rfc3339(state.Now())}, {"virtual", state.manual_clock() != nullptr}});
  });
  router.Add("POST", "/_sandbox/clock", [&state](const SandboxRequest& req, SandboxResponse& res) {
    MoveClock(state, req.BodyJson(), res);
  });
  router.Add("POST", "/_sandbox/reset", [&state](const SandboxRequest&, SandboxResponse& res) {
    absl::MutexLock lock(&state.mu);
    state.Reset();
    res.SetJson(200, {{"reset", true}});
  });
  router.Add("POST", "/_sandbox/tokens/expire",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               absl::MutexLock lock(&state.mu);
               const Json body = req.BodyJson();
               if (!body.is_object()) return res.SetJson(400, {{"error", "JSON body required"}});
               state.ExpireTokens(body.value("network", ""), body.value("account", ""));
               if (body.value("revoke_refresh", false)) {
                 state.RevokeRefresh(body.value("network", ""), body.value("account", ""));
               }
               res.SetJson(200, {{"expired", true}});
             });
  router.Add("POST", "/_sandbox/tokens/ttl",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               absl::MutexLock lock(&state.mu);
               const Json body = req.BodyJson();
               const bool strings = body.is_object() && body.contains("network") &&
                                    body["network"].is_string() && body.contains("ttl") &&
                                    body["ttl"].is_string();
               const absl::StatusOr<absl::Duration> ttl =
                   strings ? ParseDuration(body["ttl"].get<std::string>())
                           : absl::InvalidArgumentError("missing");
               if (!ttl.ok() || *ttl <= absl::ZeroDuration() ||
                   !IsNetwork(body["network"].get<std::string>())) {
                 return res.SetJson(400, {{"error", R"({"network", "ttl": "2m"} required)"}});
               }
               const std::string network = body["network"].get<std::string>();
               state.SetAccessTtl(network, *ttl);
               res.SetJson(200, {{"network", network},
                                 {"ttl_seconds", absl::ToInt64Seconds(*ttl)}});
             });
  router.Add("POST", "/_sandbox/ads/quality",
             [&state](const SandboxRequest& req, SandboxResponse& res) {
               absl::MutexLock lock(&state.mu);
               const Json body = req.BodyJson();
               if (!body.is_object() || !body.contains("ad_id")) {
                 return res.SetJson(400, {{"error", "{\"ad_id\", \"quality\"} required"}});
               }
               state.quality_overrides[body.value("ad_id", "")] =
                   std::clamp(body.value("quality", 1.0), 0.01, 1.0);
               res.SetJson(200, {{"ok", true}});
             });
  router.Add("GET", "/_sandbox/media/{name}",
             [](const SandboxRequest& req, SandboxResponse& res) { Media(req, res); });
}

}  // namespace fanfare::sandbox
