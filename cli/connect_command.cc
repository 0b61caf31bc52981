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
#include "absl/strings/numbers.h"
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

// The loopback HTTP server the network redirects the browser to: 127.0.0.1, one path. Only
// an answer carrying the `state` sent counts; any other request to it (another local page)
// is turned away and the wait goes on.
class LoopbackRedirect {
 public:
  explicit LoopbackRedirect(std::string state) : state_(std::move(state)) {}
  ~LoopbackRedirect() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Listens on `port` (0: a free one).
  absl::Status Start(int port) {
    server_.Get("/callback", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.get_param_value("state") != state_) {
        res.status = 400;
        res.set_content("Fanfare: this answer is not for the sign-in in progress.\n",
                        "text/plain");
        return;
      }
      absl::MutexLock lock(&mu_);
      if (!answer_.has_value()) {
        answer_ = Callback{req.get_param_value("code"), req.get_param_value("state"),
                           req.get_param_value("error")};
        if (req.has_param("error_description")) {
          absl::StrAppend(&answer_->error, ": ",
                          req.get_param_value("error_description").substr(0, 300));
        }
      }
      res.set_content("Fanfare received the network's answer; the terminal says what came of "
                      "it. You may close this page.\n",
                      "text/plain");
    });
    port_ = port == 0 ? server_.bind_to_any_port("127.0.0.1")
                      : (server_.bind_to_port("127.0.0.1", port) ? port : -1);
    if (port_ <= 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on 127.0.0.1:", port));
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() does nothing until the accept loop runs: wait for it.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
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
  const std::string state_;
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
  int port = 0;
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
  if (std::optional<std::string> port = args.Get("port")) {
    if (!absl::SimpleAtoi(*port, &plan.port) || plan.port < 0 || plan.port > 65535) {
      return absl::InvalidArgumentError("--port must be a port number (0: a free one)");
    }
  }
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
  LoopbackRedirect redirect(*state);
  if (absl::Status started = redirect.Start(plan.port); !started.ok()) return started;
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
  // One try: a code is single-use, and a retry of a lost answer would be refused anyway.
  workers::CurlHttpClient http(workers::RetryPolicy{.max_attempts = 1});
  return workers::ExchangeAuthorizationCode(http, plan.token, plan.client, callback->code,
                                            redirect.Uri(), *verifier, plan.alias);
}

// A failure of the sign-in itself (not of a call to fanfared), and its exit code.
int SignInFailed(const absl::Status& status, CliContext& context) {
  context.err << "error: " << status.message() << "\n";
  if (absl::IsDeadlineExceeded(status) || absl::IsUnavailable(status)) return kExitUnavailable;
  return absl::IsPermissionDenied(status) ? kExitRefused : kExitFailed;
}

// The account as it is put: the new tokens, what the flags say, and the settings of the
// account already held under the alias (its ad account ids, …), whose other secrets are kept.
v1::PutAccountRequest ConnectedAccount(const ConnectPlan& plan,
                                       const workers::TokenGrant& tokens,
                                       const v1::ListAccountsResponse& held) {
  v1::PutAccountRequest request;
  request.set_alias(plan.alias);
  request.set_network(plan.network);
  for (const v1::Account& account : held.accounts()) {
    if (account.alias() == plan.alias && account.network() == plan.network) {
      *request.mutable_settings() = account.settings();
      request.set_keep_other_secrets(true);
    }
  }
  (*request.mutable_settings())["client_id"] = plan.client.id;
  (*request.mutable_secrets())["access_token"] = tokens.access_token;
  if (!tokens.refresh_token.empty()) {
    (*request.mutable_secrets())["refresh_token"] = tokens.refresh_token;
  }
  if (!plan.client.secret.empty()) {
    (*request.mutable_secrets())["client_secret"] = plan.client.secret;
  }
  if (tokens.expires_in > absl::ZeroDuration()) {
    *request.mutable_access_token_expires_at() = ToProtoTime(absl::Now() + tokens.expires_in);
  }
  return request;
}

}  // namespace

int ConnectAccountVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote =
      PrepareRemote(args, context, "accounts connect", "NETWORK", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<ConnectPlan> plan = Plan(args);
  if (!plan.ok()) return UsageError(plan.status(), context);
  // fanfared first: a person should not sign in for tokens nobody can store.
  absl::StatusOr<v1::ListAccountsResponse> held = remote->client->ListAccounts();
  if (!held.ok()) return ReportRemoteError(held.status(), *remote->client, context);
  absl::StatusOr<workers::TokenGrant> tokens =
      Authorize(*plan, !args.Has("no-browser"), context);
  if (!tokens.ok()) return SignInFailed(tokens.status(), context);
  absl::StatusOr<v1::Account> stored =
      remote->client->PutAccount(ConnectedAccount(*plan, *tokens, *held));
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
