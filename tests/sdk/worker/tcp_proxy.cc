#include "tests/sdk/worker/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace fanfare::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

[[noreturn]] void Die(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

TcpProxy::TcpProxy(const std::string& upstream) {
  const size_t colon = upstream.rfind(':');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(upstream.substr(colon + 1), &upstream_port_)) {
    Die("TcpProxy: upstream must be host:port");
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) Die("TcpProxy: socket");
  sockaddr_in address = Loopback(0);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    Die("TcpProxy: bind");
  }
  if (listen(listen_fd_, 64) != 0) Die("TcpProxy: listen");
  socklen_t length = sizeof(address);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

TcpProxy::~TcpProxy() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    CutAll();
  }
  accept_thread_.join();
  std::vector<std::thread> pumps;
  {
    absl::MutexLock lock(&mu_);
    pumps.swap(pumps_);
  }
  for (std::thread& pump : pumps) pump.join();
  close(listen_fd_);
}

std::string TcpProxy::address() const { return absl::StrCat("127.0.0.1:", port_); }

void TcpProxy::SetMode(Mode mode) {
  absl::MutexLock lock(&mu_);
  mode_ = mode;
  if (mode == Mode::kRefuse) CutAll();
}

int TcpProxy::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

int TcpProxy::relayed() const {
  absl::MutexLock lock(&mu_);
  return relayed_;
}

void TcpProxy::CutAll() {
  for (const auto& connection : open_) {
    shutdown(connection->client_fd, SHUT_RDWR);
    shutdown(connection->upstream_fd, SHUT_RDWR);
  }
}

void TcpProxy::AcceptLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    pollfd ready{listen_fd_, POLLIN, 0};
    if (poll(&ready, 1, 20) <= 0) continue;
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    bool refuse = false;
    {
      absl::MutexLock lock(&mu_);
      refuse = stopping_ || mode_ == Mode::kRefuse;
      if (refuse && !stopping_) ++refused_;
    }
    if (refuse) {
      close(fd);
    } else {
      Relay(fd);
    }
  }
}

void TcpProxy::Relay(int client_fd) {
  const int upstream_fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = Loopback(upstream_port_);
  if (upstream_fd < 0 ||
      connect(upstream_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    if (upstream_fd >= 0) close(upstream_fd);
    close(client_fd);
    return;
  }
  auto connection = std::make_shared<Connection>();
  connection->client_fd = client_fd;
  connection->upstream_fd = upstream_fd;
  absl::MutexLock lock(&mu_);
  open_.push_back(connection);
  ++relayed_;
  pumps_.emplace_back([this, connection] {
    Pump(connection, connection->client_fd, connection->upstream_fd);
  });
  pumps_.emplace_back([this, connection] {
    Pump(connection, connection->upstream_fd, connection->client_fd);
  });
}

void TcpProxy::Pump(std::shared_ptr<Connection> connection, int from, int to) {
  char buffer[16 * 1024];
  while (true) {
    const ssize_t n = recv(from, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    {
      absl::MutexLock lock(&mu_);
      auto flowing = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || mode_ != Mode::kStall;
      };
      mu_.Await(absl::Condition(&flowing));
      if (stopping_ || mode_ == Mode::kRefuse) break;
    }
    if (!SendAll(to, buffer, static_cast<size_t>(n))) break;
  }
  // One direction ending ends the connection; the last pump closes the sockets.
  absl::MutexLock lock(&mu_);
  shutdown(connection->client_fd, SHUT_RDWR);
  shutdown(connection->upstream_fd, SHUT_RDWR);
  if (--connection->pumps > 0) return;
  close(connection->client_fd);
  close(connection->upstream_fd);
  open_.erase(std::remove(open_.begin(), open_.end(), connection), open_.end());
}

}  // namespace fanfare::testing
