#include "base/http_listener.h"

#include <httplib.h>
#include <sys/socket.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace fanfare {
namespace {

struct HostPort {
  std::string host;
  int port = 0;
};

absl::StatusOr<HostPort> ParseListen(const std::string& listen, absl::string_view what) {
  HostPort out{.host = "127.0.0.1"};
  std::string port_text = listen;
  if (const size_t colon = listen.rfind(':'); colon != std::string::npos) {
    out.host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
    // [::1]:9464
    if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
      out.host = out.host.substr(1, out.host.size() - 2);
    }
  }
  if (out.host.empty() || !absl::SimpleAtoi(port_text, &out.port) || out.port < 0 ||
      out.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " address `", listen, "` is not HOST:PORT or PORT (e.g. 127.0.0.1:9464)"));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    const std::string& listen, absl::string_view what,
    const std::function<void(httplib::Server&)>& routes) {
  absl::StatusOr<HostPort> where = ParseListen(listen, what);
  if (!where.ok()) return where.status();
  std::unique_ptr<HttpListener> listener(new HttpListener());
  listener->server_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *listener->server_;
  http.set_keep_alive_timeout(5);
  // httplib's default, SO_REUSEPORT, would let a second process share the port and answer
  // half the requests: a taken port must be an error.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  routes(http);
  int bound = where->port;
  if (where->port == 0) {
    bound = http.bind_to_any_port(where->host);
  } else if (!http.bind_to_port(where->host, where->port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve ", what, " on ", listen, ": the address is taken or not local"));
  }
  listener->host_ = where->host;
  listener->port_ = bound;
  listener->thread_ = std::thread([&http, exited = &listener->exited_] {
    http.listen_after_bind();
    exited->store(true);
  });
  for (int i = 0; i < 5000 && !http.is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
  return listener;
}

HttpListener::~HttpListener() {
  // stop() is a no-op until the accept loop runs: ask until the loop has ended.
  while (thread_.joinable() && !exited_.load()) {
    server_->stop();
    absl::SleepFor(absl::Milliseconds(1));
  }
  if (thread_.joinable()) thread_.join();
}

std::string HttpListener::address() const {
  return host_.find(':') != std::string::npos ? absl::StrCat("[", host_, "]:", port_)
                                              : absl::StrCat(host_, ":", port_);
}

}  // namespace fanfare
