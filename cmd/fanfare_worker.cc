// fanfare-worker: serves network actions (and content.generate) for a coordinator.
// `fanfare-worker --help` lists flags; docs/networks.md describes the actions.
#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "base/command_line.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "base/signals.h"
#include "workers/runtime/network_worker.h"

ABSL_FLAG(std::string, coordinator, "127.0.0.1:7600", "fanfared's address");
ABSL_FLAG(std::string, networks, "",
          "comma-separated networks to serve (facebook,instagram,x,linkedin,youtube,tiktok,"
          "snapchat,content); default all");
ABSL_FLAG(std::string, credentials, "",
          "account credentials JSON (mode 0600); default: FANFARE_ACCOUNT_* variables");
ABSL_FLAG(std::vector<std::string>, api_base, {},
          "network=URL pointing a network at another API host, e.g. "
          "x=http://127.0.0.1:7700/x for the sandbox; repeat or comma-separate");
ABSL_FLAG(std::string, linkedin_version, "",
          "Linkedin-Version header, YYYYMM (default: the adapter's; raise it when LinkedIn "
          "answers 426 for a retired version)");
ABSL_FLAG(int, concurrency, 16, "tasks run at once");
ABSL_FLAG(std::string, worker_id, "", "stable worker id (default host-pid)");
ABSL_FLAG(std::string, namespace, "default", "namespace whose queues to serve");
ABSL_FLAG(std::string, token, "",
          "API token with the worker role in --namespace (default $FANFARE_TOKEN; "
          "docs/security.md)");

int main(int argc, char** argv) {
  fanfare::BlockShutdownSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  fanfare::ParseFlags(argc, argv,
                      "serves network actions for fanfared.\n"
                      "usage: fanfare-worker [--coordinator ADDR] [--networks LIST] "
                      "[--credentials FILE] [--api-base NETWORK=URL]...",
                      /*repeatable=*/{"api_base", "networks"});
  fanfare::workers::NetworkWorkerOptions options;
  options.worker.address = absl::GetFlag(FLAGS_coordinator);
  options.worker.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.worker.worker_id = absl::GetFlag(FLAGS_worker_id);
  options.worker.ns = absl::GetFlag(FLAGS_namespace);
  options.worker.token = absl::GetFlag(FLAGS_token);
  if (const char* token = std::getenv("FANFARE_TOKEN");
      options.worker.token.empty() && token != nullptr) {
    options.worker.token = token;
  }
  options.networks = absl::StrSplit(absl::GetFlag(FLAGS_networks), ',', absl::SkipEmpty());
  options.credentials_file = absl::GetFlag(FLAGS_credentials);
  options.api_bases = absl::GetFlag(FLAGS_api_base);
  options.linkedin_version = absl::GetFlag(FLAGS_linkedin_version);
  absl::StatusOr<std::unique_ptr<fanfare::workers::NetworkWorker>> worker =
      fanfare::workers::NetworkWorker::Create(options);
  absl::Status started = worker.ok() ? (*worker)->Start() : worker.status();
  if (!started.ok()) {
    std::fprintf(stderr, "fanfare-worker: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  std::printf("fanfare-worker serving %zu actions for %s\n", (*worker)->actions().size(),
              options.worker.address.c_str());
  std::fflush(stdout);
  fanfare::Worker::RunUntilSignal((*worker)->worker());
  return 0;
}
