#include "base/loopback.h"

#include <arpa/inet.h>

#include <string>

namespace fanfare {

bool IsLoopbackHost(absl::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  in_addr address;
  return inet_pton(AF_INET, std::string(host).c_str(), &address) == 1 &&
         (ntohl(address.s_addr) >> 24) == 127;
}

bool IsLoopbackAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  // "[::1]" alone has colons but no port after its bracket.
  if (colon == absl::string_view::npos || address.find(']', colon) != absl::string_view::npos) {
    return IsLoopbackHost(address);
  }
  return IsLoopbackHost(address.substr(0, colon));
}

}  // namespace fanfare
