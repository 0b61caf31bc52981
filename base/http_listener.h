// HttpListener: a small HTTP server (cpp-httplib) on its own thread, bound before Start
// returns, for the endpoints Fanfare's processes serve beside gRPC: metrics, webhooks.
//
//   ASSIGN_OR_RETURN(auto listener, HttpListener::Start("127.0.0.1:0", "webhooks",
//                                                       [&](httplib::Server& http) { … }));
//   std::printf("listening on %s\n", listener->address().c_str());
//
// `listen` is HOST:PORT (port 0 picks a free one) or a bare PORT, which means loopback:
// nothing is served beyond loopback unless HOST says so. A port another process holds is an
// error (no SO_REUSEPORT).
//
// Thread safety: the accessors are thread-safe; the destructor stops serving and waits for
// the server's threads. What the routes capture must outlive the listener.
#ifndef FANFARE_BASE_HTTP_LISTENER_H_
#define FANFARE_BASE_HTTP_LISTENER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace httplib {
class Server;
}

namespace fanfare {

class HttpListener {
 public:
  // Binds `listen`, lets `routes` add the handlers, then serves. `what` names the listener in
  // errors ("metrics"). InvalidArgument for a malformed address, Unavailable when it cannot
  // be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      const std::string& listen, absl::string_view what,
      const std::function<void(httplib::Server&)>& routes);
  ~HttpListener();

  int port() const { return port_; }
  // host:port as bound, e.g. "127.0.0.1:9464".
  std::string address() const;

 private:
  HttpListener() = default;

  std::unique_ptr<httplib::Server> server_;
  std::string host_;
  int port_ = 0;
  std::atomic<bool> exited_{false};  // the accept loop has returned
  std::thread thread_;
};

}  // namespace fanfare

#endif  // FANFARE_BASE_HTTP_LISTENER_H_
