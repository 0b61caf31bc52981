// TcpProxy: a TCP relay between an SDK client or worker and a real fanfared, which a test
// switches between relaying, refusing and stalling, to break the network deterministically
// without touching the server.
//
//   TcpProxy proxy(env.address());
//   options.address = proxy.address();
//   proxy.SetMode(TcpProxy::Mode::kRefuse);   // every open connection is cut
//   ... wait until the client has been refused twice ...
//   proxy.SetMode(TcpProxy::Mode::kRelay);
//
// Thread safety: every method is safe from any thread.
#ifndef FANFARE_TESTS_SDK_WORKER_TCP_PROXY_H_
#define FANFARE_TESTS_SDK_WORKER_TCP_PROXY_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace fanfare::testing {

class TcpProxy {
 public:
  enum class Mode {
    // Bytes flow both ways.
    kRelay,
    // Open connections are cut; new ones are accepted and closed at once.
    kRefuse,
    // Connections stay open but bytes are held (a coordinator that stopped answering).
    kStall,
  };

  // Listens on 127.0.0.1 (a free port) and relays to `upstream`, "127.0.0.1:port".
  explicit TcpProxy(const std::string& upstream);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::string address() const;
  void SetMode(Mode mode);
  // Connections refused since the proxy started.
  int refused() const;
  // Connections relayed since the proxy started.
  int relayed() const;

 private:
  struct Connection {
    int client_fd = -1;
    int upstream_fd = -1;
    int pumps = 2;
  };

  void AcceptLoop();
  void Relay(int client_fd);
  void Pump(std::shared_ptr<Connection> connection, int from, int to);
  void CutAll() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  int upstream_port_ = 0;
  int listen_fd_ = -1;
  int port_ = 0;

  mutable absl::Mutex mu_;
  Mode mode_ ABSL_GUARDED_BY(mu_) = Mode::kRelay;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int refused_ ABSL_GUARDED_BY(mu_) = 0;
  int relayed_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<Connection>> open_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> pumps_ ABSL_GUARDED_BY(mu_);
  std::thread accept_thread_;
};

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SDK_WORKER_TCP_PROXY_H_
