// `fanfare accounts connect NETWORK --alias ALIAS --client-id ID`: connects a network account
// the way `gh auth login` does — the OAuth 2.0 authorization-code flow with PKCE and a
// loopback redirect (RFC 8252) — and puts its tokens in fanfared, which renews them from then
// on. The tokens pass through this process's memory only; nothing is written to disk.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "accounts/pkce.h"
#include "base/durations.h"
#include "base/files.h"
#include "base/proto_time.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "httplib.h"
#include "workers/common/adapter.h"
#include "workers/common/oauth_authorize.h"

extern char** environ;

namespace fanfare::cli {
namespace {

// What the browser brought back to the loopback redirect.
struct Callback {
  std::string code;
  std::string state;
  std::string error;
};

// The loopback HTTP server the network redirects the browser to: 127.0.0.1 on a free port,
// one path, one answer kept.
class LoopbackRedirect {
 public:
  ~LoopbackRedirect() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  absl::Status Start() {
    server_.Get("/callback", [this](const httplib::Request& req, httplib::Response& res) {
      absl::MutexLock lock(&mu_);
      if (!answer_.has_value()) {
        answer_ = Callback{req.get_param_value("code"), req.get_param_value("state"),
                           req.get_param_value("error")};
        if (req.has_param("error_description")) {
          absl::StrAppend(&answer_->error, ": ", req.get_param_value("error_description"));
        }
      }
      res.set_content(answer_->error.empty()
                          ? "Fanfare: the account is connected. You may close this page.\n"
                          : "Fanfare: the network did not connect the account. See the terminal.\n",
                      "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return absl::UnavailableError("cannot listen on a loopback port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    return absl::OkStatus();
  }

  std::string Uri() const { return absl::StrCat("http://127.0.0.1:", port_, "/callback"); }

  // The callback, or DeadlineExceeded after `timeout`.
  absl::StatusOr<Callback> Wait(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto arrived = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return answer_.has_value(); };
    if (!mu_.AwaitWithTimeout(absl::Condition(&arrived), timeout)) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no answer came back to ", Uri(), " within ", ::fanfare::FormatDuration(timeout),
          " (was the page opened and the access granted?)"));
    }
    return *answer_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  absl::Mutex mu_;
  std::optional<Callback> answer_ ABSL_GUARDED_BY(mu_);
};

// Asks the desktop to open `url`; quietly does nothing where there is no desktop.
void OpenBrowser(const std::string& url) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "xdg-open", &actions, nullptr, const_cast<char**>(argv), environ) == 0) {
    waitpid(pid, nullptr, WNOHANG);  // reaped later or by init; its outcome does not matter
  }
  posix_spawn_file_actions_destroy(&actions);
}

// What the flags say about the network's endpoints and the app.
struct ConnectPlan {
  std::string network;
  std::string alias;
  workers::OAuthClient client;
  workers::OAuthAuthorizeSpec authorize;
  workers::OAuthRefreshSpec token;
  std::string login_hint;
  absl::Duration timeout = absl::Minutes(5);
};

absl::StatusOr<ConnectPlan> Plan(const Args& args) {
  ConnectPlan plan{.network = args.positional()[1], .alias = args.GetOr("alias", "")};
  if (plan.alias.empty()) return absl::InvalidArgumentError("accounts connect needs --alias");
  plan.client.id = args.GetOr("client-id", "");
  if (plan.client.id.empty()) {
    return absl::InvalidArgumentError(
        "accounts connect needs --client-id: the id of the app registered with the network");
  }
  if (std::optional<std::string> file = args.Get("client-secret-file")) {
    absl::StatusOr<std::string> secret = ReadWholeFile(*file);
    if (!secret.ok()) return secret.status();
    plan.client.secret = std::string(absl::StripAsciiWhitespace(*secret));
  }
  // --auth-base: one base for the sign-in page and the token endpoint, as the sandbox has.
  const std::string auth_base = args.GetOr("auth-base", "");
  const std::string authorize_base =
      !auth_base.empty() ? auth_base : workers::DefaultAuthorizeBase(plan.network);
  std::optional<workers::OAuthAuthorizeSpec> authorize =
      workers::AuthorizeSpecOf(plan.network, authorize_base);
  std::optional<workers::OAuthRefreshSpec> token = workers::RefreshSpecOf(
      plan.network, !auth_base.empty() ? auth_base : workers::DefaultEndpoints(plan.network).auth,
      !plan.client.secret.empty());
  if (!authorize.has_value() || !token.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "accounts connect: ", plan.network,
        " has no OAuth authorization-code flow here (x, linkedin, tiktok, youtube, snapchat do); "
        "for facebook and instagram, add a long-lived page token with `accounts add`"));
  }
  plan.authorize = *std::move(authorize);
  plan.token = *std::move(token);
  plan.login_hint = args.GetOr("login-hint", "");
  if (std::optional<std::string> timeout = args.Get("timeout")) {
    absl::StatusOr<absl::Duration> parsed = ParseDuration(*timeout);
    if (!parsed.ok() || *parsed <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--timeout must be a duration such as 5m");
    }
    plan.timeout = *parsed;
  }
  return plan;
}

// Sends a person to the network and brings back the tokens.
absl::StatusOr<workers::TokenGrant> Authorize(const ConnectPlan& plan, bool open_browser,
                                              CliContext& context) {
  absl::StatusOr<std::string> verifier = accounts::NewCodeVerifier();
  absl::StatusOr<std::string> state = accounts::RandomUrlSafe(16);
  if (!verifier.ok() || !state.ok()) return verifier.ok() ? state.status() : verifier.status();
  LoopbackRedirect redirect;
  if (absl::Status started = redirect.Start(); !started.ok()) return started;
  const std::string url = workers::AuthorizeUrl(
      plan.authorize, {.client_id = plan.client.id,
                       .redirect_uri = redirect.Uri(),
                       .state = *state,
                       .code_challenge = accounts::CodeChallenge(*verifier),
                       .login_hint = plan.login_hint});
  context.out << "Open this page to connect " << plan.alias << " (" << plan.network
              << "):\n  " << url << "\nWaiting for " << redirect.Uri() << " …" << std::endl;
  if (open_browser) OpenBrowser(url);
  absl::StatusOr<Callback> callback = redirect.Wait(plan.timeout);
  if (!callback.ok()) return callback.status();
  if (!callback->error.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat(plan.network, " did not grant access: ", callback->error));
  }
  if (callback->state != *state) {
    return absl::PermissionDeniedError(
        "the answer's state does not match the request's: not following it (another page "
        "may have tried to connect an account of its own)");
  }
  // One try: a code is single-use, and a retry of a lost answer would be refused anyway.
  workers::CurlHttpClient http(workers::RetryPolicy{.max_attempts = 1});
  return workers::ExchangeAuthorizationCode(http, plan.token, plan.client, callback->code,
                                            redirect.Uri(), *verifier, plan.alias);
}

}  // namespace

int ConnectAccountVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote =
      PrepareRemote(args, context, "accounts connect", "NETWORK", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<ConnectPlan> plan = Plan(args);
  if (!plan.ok()) return UsageError(plan.status(), context);
  absl::StatusOr<workers::TokenGrant> tokens =
      Authorize(*plan, !args.Has("no-browser"), context);
  if (!tokens.ok()) return ReportRemoteError(tokens.status(), *remote->client, context);
  v1::PutAccountRequest request;
  request.set_alias(plan->alias);
  request.set_network(plan->network);
  (*request.mutable_settings())["client_id"] = plan->client.id;
  (*request.mutable_secrets())["access_token"] = tokens->access_token;
  if (!tokens->refresh_token.empty()) {
    (*request.mutable_secrets())["refresh_token"] = tokens->refresh_token;
  }
  if (!plan->client.secret.empty()) {
    (*request.mutable_secrets())["client_secret"] = plan->client.secret;
  }
  if (tokens->expires_in > absl::ZeroDuration()) {
    *request.mutable_access_token_expires_at() = ToProtoTime(absl::Now() + tokens->expires_in);
  }
  absl::StatusOr<v1::Account> stored = remote->client->PutAccount(request);
  if (!stored.ok()) return ReportRemoteError(stored.status(), *remote->client, context);
  return PrintResult(
      *remote, *stored,
      absl::StrCat("connected ", stored->alias(), " (", stored->network(), ", version ",
                   stored->version(), "); its tokens are sealed in fanfared",
                   tokens->refresh_token.empty() ? ", which cannot renew them (no refresh token)"
                                                 : ", which renews them",
                   "\n"),
      context);
}

}  // namespace fanfare::cli
