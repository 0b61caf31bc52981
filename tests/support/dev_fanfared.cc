#include "tests/support/dev_fanfared.h"

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/test_paths.h"

namespace fanfare::testing {
namespace {

constexpr absl::string_view kSandboxLine = "fanfared: sandbox on ";

}  // namespace

DevFanfared StartDevFanfared(const std::vector<std::string>& flags) {
  DevFanfared started;
  std::vector<std::string> argv = {BinDir() + "/fanfared", "--dev", "--listen=127.0.0.1:0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start(argv);
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return started;
  started.process = *std::move(process);
  // "fanfared: sandbox on URL" comes first, then "fanfared listening on …".
  absl::StatusOr<std::string> line;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while ((line = started.process->ReadLine(deadline - absl::Now())).ok() &&
         !absl::StrContains(*line, "listening on")) {
    if (absl::StartsWith(*line, kSandboxLine)) started.sandbox_url = line->substr(kSandboxLine.size());
  }
  EXPECT_TRUE(line.ok()) << line.status();
  if (!line.ok()) return started;
  started.address = AddressFromListeningLine(*line);
  ClientOptions options;
  options.address = started.address;
  options.timeout = absl::Seconds(60);
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_TRUE(client.ok()) << client.status();
  if (client.ok()) started.client = *std::move(client);
  return started;
}

}  // namespace fanfare::testing
