#include "tests/workers/support/harness.h"

#include "absl/strings/str_cat.h"
#include "workers/registry/adapters.h"

namespace fanfare::workers::testing {
namespace {

std::vector<AccountCredentials> DefaultAccounts() {
  std::vector<AccountCredentials> accounts;
  for (const std::string& net : SupportedNetworks()) {
    const std::string alias = absl::StrCat("acme_", net);
    AccountCredentials a{.alias = alias, .network = net};
    a.fields = {{"network", net},
                {"access_token", absl::StrCat("sbx_", net, "_", alias)},
                {"refresh_token", absl::StrCat("sbxr_", net, "_", alias)},
                {"client_id", "sandbox-client"},
                {"client_secret", "sandbox-client-secret"},
                {"page_id", "1001"},
                {"ig_user_id", "17841400000000001"},
                {"ad_account_id", "123456"},
                {"ads_account_id", "18ce54d4x5t"},
                {"funding_instrument_id", "lygyi"},
                {"author_urn", "urn:li:organization:2414183"},
                {"advertiser_id", "7000000001"},
                {"business_id", "-000tiktokbusiness01"}};
    accounts.push_back(std::move(a));
  }
  return accounts;
}

}  // namespace

Harness::Harness(sandbox::SandboxOptions options, std::vector<AccountCredentials> extra)
    : clock_(absl::FromUnixSeconds(1'796'083'200)) {  // 2026-12-01T00:00:00Z
  options.manual_clock = &clock_;
  options.clock = &clock_;
  sandbox_ = std::make_unique<sandbox::Sandbox>(options);
  absl::StatusOr<int> port = sandbox_->Start("127.0.0.1", 0);
  if (!port.ok()) std::abort();
  http_ = std::make_unique<CurlHttpClient>(
      RetryPolicy{.max_attempts = 3, .initial_backoff = absl::Milliseconds(1),
                  .max_backoff = absl::Milliseconds(5)});
  std::vector<AccountCredentials> accounts = DefaultAccounts();
  for (AccountCredentials& a : extra) accounts.push_back(std::move(a));
  credentials_ = CredentialStore::FromAccounts(std::move(accounts));
  options_.credentials = credentials_.get();
  options_.http = http_.get();
  options_.poll_interval = absl::Milliseconds(1);
  options_.max_polls = 20;
  options_.sleep = [](absl::Duration) {};
  options_.request_timeout = absl::Seconds(10);
  options_.youtube_chunk_bytes = 256 * 1024;
  for (const std::string& net : SupportedNetworks()) {
    (void)ParseApiBaseFlag(absl::StrCat(net, "=", sandbox_->NetworkBase(net)), options_);
  }
}

Harness::~Harness() { sandbox_->Stop(); }

NetworkAdapter& Harness::Adapter(const std::string& network) {
  for (auto& adapter : adapters_) {
    if (adapter->network() == network) return *adapter;
  }
  auto made = MakeAdapters(options_, {network});
  if (!made.ok()) std::abort();
  adapters_.push_back(std::move((*made)[0]));
  return *adapters_.back();
}

absl::StatusOr<Json> Harness::Run(const std::string& network, const std::string& verb,
                                  const Json& input, const std::string& account, bool reconcile,
                                  const std::string& idempotency_key) {
  v1::Task task;
  task.set_task_id(1);
  task.set_attempt(1);
  task.set_action(absl::StrCat(network, ".", verb));
  task.set_account(account.empty() ? absl::StrCat("acme_", network) : account);
  task.set_idempotency_key(idempotency_key);
  task.set_purpose(reconcile ? v1::TASK_PURPOSE_RECONCILE : v1::TASK_PURPOSE_EXECUTE);
  *task.mutable_input() = ToValue(input).struct_value();
  CancellationToken cancel;
  TaskContext ctx(task, cancel, clock_);
  absl::StatusOr<google::protobuf::Value> out = Adapter(network).Run(verb, ctx);
  if (!out.ok()) return out.status();
  return FromValue(*out);
}

Json Harness::Control(const std::string& method, const std::string& path, const Json& body) {
  HttpRequest request{.method = method, .url = sandbox_->BaseUrl() + path,
                      .body = body.is_null() ? "" : body.dump(), .idempotent = true};
  request.headers.emplace_back("Content-Type", "application/json");
  absl::StatusOr<HttpResponse> response = http_->Send(request);
  if (!response.ok()) return Json{{"transport_error", std::string(response.status().message())}};
  std::optional<Json> json = ParseJson(response->body);
  return json.has_value() ? *json : Json(nullptr);
}

std::vector<Json> Harness::Posts(const std::string& network) {
  Json posts = Control("GET", "/_sandbox/posts?network=" + network)["posts"];
  return std::vector<Json>(posts.begin(), posts.end());
}

std::vector<Json> Harness::AdObjects(const std::string& network, const std::string& client_ref) {
  std::string path = "/_sandbox/ads?network=" + network;
  if (!client_ref.empty()) absl::StrAppend(&path, "&client_ref=", client_ref);
  Json ads = Control("GET", path)["ads"];
  return std::vector<Json>(ads.begin(), ads.end());
}

absl::StatusOr<Json> Harness::PublishPromotable(const std::string& network,
                                                const std::string& text) {
  Json input = {{"text", text}, {"link", "https://acme.example/rocket"}};
  if (network == "instagram") {
    input = {{"text", text},
             {"media", Json::array({{{"url", "https://cdn.acme.example/a.jpg"},
                                     {"type", "image"}}})}};
  } else if (network == "tiktok") {
    input = {{"video_url", MediaUrl(300 * 1024)}, {"caption", text}};
  } else if (network == "snapchat") {
    input["media"] = Json::array({{{"url", MediaUrl(64 * 1024)}, {"type", "video"}}});
  }
  return Run(network, "publish", input);
}

std::string Harness::MediaUrl(int64_t bytes) const {
  return absl::StrCat(sandbox_->BaseUrl(), "/_sandbox/media/film.mp4?bytes=", bytes);
}

}  // namespace fanfare::workers::testing
