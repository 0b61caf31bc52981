// `fanfared --dev` (the sandbox and a worker per network in-process) as a child process, for
// the tests that kill, restart or restore a real coordinator.
#ifndef FANFARE_TESTS_SUPPORT_DEV_FANFARED_H_
#define FANFARE_TESTS_SUPPORT_DEV_FANFARED_H_

#include <memory>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "sdk/client/client.h"

namespace fanfare::testing {

struct DevFanfared {
  std::unique_ptr<Subprocess> process;
  std::unique_ptr<Client> client;  // null if it did not come up
  std::string address;             // host:port it listens on
  std::string sandbox_url;         // its sandbox, "http://127.0.0.1:PORT"
};

// Starts `fanfared --dev --listen=127.0.0.1:0 FLAGS…` and waits until it listens; its client
// waits up to 60 s per call. A failure to come up fails the test (and leaves `client` null).
DevFanfared StartDevFanfared(const std::vector<std::string>& flags);

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_DEV_FANFARED_H_
