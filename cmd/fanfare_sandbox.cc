// fanfare-sandbox: serves the emulated network APIs until interrupted.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "sandbox/sandbox.h"

namespace {

constexpr char kUsage[] =
    "usage: fanfare-sandbox [--listen HOST:PORT] [--seed N] [--virtual-time]\n"
    "\n"
    "Emulates the Facebook, Instagram, X, LinkedIn, YouTube, TikTok and Snapchat APIs.\n"
    "  --listen HOST:PORT  address to serve on (default 127.0.0.1:7700; port 0 = any)\n"
    "  --seed N            seed for synthetic metrics and fault sampling (default 1)\n"
    "  --virtual-time      run on a virtual clock that starts at the current time and moves\n"
    "                      only through POST /_sandbox/clock (for rehearsals)\n"
    "Point a worker at it with --api-base <network>=http://HOST:PORT/<network>.\n"
    "Control API: GET /_sandbox/posts, GET /_sandbox/stats, GET /_sandbox/ads,\n"
    "GET /_sandbox/budgets, POST /_sandbox/faults, POST /_sandbox/clock,\n"
    "POST /_sandbox/reset, POST /_sandbox/tokens/expire, POST /_sandbox/ads/quality\n"
    "(see docs/networks.md).\n";

volatile std::sig_atomic_t stop_requested = 0;

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 7700;
  fanfare::sandbox::SandboxOptions options;
  bool virtual_time = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--listen" && has_value) {
      const std::string value = argv[++i];
      const size_t colon = value.rfind(':');
      if (colon == std::string::npos || !absl::SimpleAtoi(value.substr(colon + 1), &port)) {
        std::fprintf(stderr, "fanfare-sandbox: --listen wants HOST:PORT, got '%s'\n",
                     value.c_str());
        return 2;
      }
      host = value.substr(0, colon);
    } else if (arg == "--seed" && has_value) {
      if (!absl::SimpleAtoi(argv[++i], &options.seed)) {
        std::fprintf(stderr, "fanfare-sandbox: --seed wants a number\n");
        return 2;
      }
    } else if (arg == "--virtual-time") {
      virtual_time = true;
    } else {
      std::fprintf(stderr, "fanfare-sandbox: unknown argument '%s'\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  fanfare::ManualClock virtual_clock(fanfare::Clock::System().Now());
  if (virtual_time) options.manual_clock = &virtual_clock;
  fanfare::sandbox::Sandbox sandbox(options);
  absl::StatusOr<int> bound = sandbox.Start(host, port);
  if (!bound.ok()) {
    std::fprintf(stderr, "fanfare-sandbox: %s\n", std::string(bound.status().message()).c_str());
    return 1;
  }
  std::printf("fanfare-sandbox listening on %s (seed %llu%s)\n", sandbox.BaseUrl().c_str(),
              static_cast<unsigned long long>(options.seed), virtual_time ? ", virtual time" : "");
  std::fflush(stdout);
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  while (!stop_requested) absl::SleepFor(absl::Milliseconds(200));
  sandbox.Stop();
  return 0;
}
