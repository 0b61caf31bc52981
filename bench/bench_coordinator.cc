#include "bench/bench_coordinator.h"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/files.h"
#include "bench/reference_campaign.h"
#include "engine/definition/loader.h"

namespace fanfare::bench {
namespace {

// Limits on every network the reference campaign uses, counted like real ones but far above
// what the benchmark can reach: the cost of limiting without its effect.
constexpr char kNonBindingQuotas[] = R"yaml(
networks:
  facebook: [{name: calls, kind: window, limit: 1000000000, period: 1m, classes: {publish: 1, read: 1, ads: 1}}]
  instagram: [{name: posts, kind: rolling, limit: 1000000000, period: 24h, classes: {publish: 1}}]
  x: [{name: posts, kind: window, limit: 1000000000, period: 15m, classes: {publish: 1}}]
  linkedin: [{name: posts, kind: daily, limit: 1000000000, reset: "00:00", timezone: UTC, classes: {publish: 1}}]
)yaml";

}  // namespace

std::string BinDir() {
  char path[4096] = {0};
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  return std::filesystem::path(std::string(path, n > 0 ? n : 0)).parent_path().string();
}

std::string FreshDir() {
  char pattern[] = "/tmp/fanfare-bench-XXXXXX";
  return mkdtemp(pattern);
}

// A self-signed certificate for 127.0.0.1 in `dir`: tls.crt and tls.key.
absl::Status MakeCertificate(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<Subprocess>> openssl = Subprocess::Start(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-nodes", "-days", "2", "-subj", "/CN=fanfared", "-addext",
       "subjectAltName=IP:127.0.0.1", "-keyout", dir + "/tls.key", "-out", dir + "/tls.crt"});
  if (!openssl.ok()) return openssl.status();
  absl::StatusOr<int> code = (*openssl)->Wait(absl::Seconds(30));
  if (!code.ok()) return code.status();
  if (*code != 0) return absl::InternalError("openssl could not make a certificate");
  return absl::OkStatus();
}

absl::StatusOr<BenchCoordinator> StartCoordinator(const std::string& dir, bool rate_limits,
                                                  bool authenticate, bool tls,
                                                  bool serve_metrics) {
  BenchCoordinator c;
  std::filesystem::create_directories(dir);
  std::vector<std::string> argv = {BinDir() + "/fanfared", "--listen=127.0.0.1:0",
                                   absl::StrCat("--data_dir=", dir, "/data"),
                                   authenticate ? "--auth=tokens" : "--auth=off"};
  if (tls) {
    if (absl::Status made = MakeCertificate(dir); !made.ok()) return made;
    c.tls_ca_path = dir + "/tls.crt";
    argv.push_back("--tls_cert=" + c.tls_ca_path);
    argv.push_back("--tls_key=" + dir + "/tls.key");
  }
  if (rate_limits) {
    std::ofstream(dir + "/quotas.yaml") << kNonBindingQuotas;
    argv.push_back(absl::StrCat("--quotas=", dir, "/quotas.yaml"));
  } else {
    argv.push_back("--rate_limits=false");
  }
  if (serve_metrics) argv.push_back("--metrics_listen=127.0.0.1:0");
  const absl::Time spawned = absl::Now();
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start(argv);
  if (!process.ok()) return process.status();
  c.process = *std::move(process);
  if (serve_metrics) {
    // "fanfared: metrics on http://127.0.0.1:PORT/metrics", before the listening line.
    absl::StatusOr<std::string> line = c.process->WaitForLine("metrics on", absl::Minutes(5));
    if (!line.ok()) return line.status();
    const size_t at = line->find("http://");
    const size_t end = line->find("/metrics");
    if (at == std::string::npos || end == std::string::npos) {
      return absl::InternalError("fanfared printed no metrics address");
    }
    c.metrics_address = line->substr(at + 7, end - at - 7);
  }
  absl::StatusOr<std::string> line = c.process->WaitForLine("listening", absl::Minutes(5));
  if (!line.ok()) return line.status();
  c.startup = absl::Now() - spawned;
  const size_t port_at = line->find("(port ");
  if (port_at == std::string::npos) return absl::InternalError("fanfared printed no port");
  c.address = absl::StrCat("127.0.0.1:", std::atoi(line->c_str() + port_at + 6));
  if (authenticate) {
    // The cluster admin's token the first start wrote (docs/security.md).
    std::ifstream file(absl::StrCat(dir, "/data/admin.token"));
    std::getline(file, c.token);
    if (c.token.empty()) return absl::InternalError("fanfared wrote no admin.token");
  }
  ClientOptions options;
  options.address = c.address;
  options.identity = "bench";
  options.token = c.token;
  if (tls) {
    absl::StatusOr<std::string> certificate = ReadWholeFile(c.tls_ca_path);
    if (!certificate.ok()) return certificate.status();
    options.tls = true;
    options.tls_root_certs = *std::move(certificate);
  }
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  if (!client.ok()) return client.status();
  c.client = *std::move(client);
  definition::LoadResult spec =
      definition::ParseCampaign(kReferenceCampaign, definition::SourceFormat::kYaml, "reference");
  if (!spec.status.ok()) return spec.status;
  if (auto applied = c.client->ApplyCampaign(spec.spec, "reference"); !applied.ok()) {
    return applied.status();
  }
  return c;
}

absl::StatusOr<std::unique_ptr<Subprocess>> StartWorker(const BenchCoordinator& c,
                                                        int concurrency, int expect) {
  static int worker_number = 0;
  absl::StatusOr<std::unique_ptr<Subprocess>> worker = Subprocess::Start(
      {BinDir() + "/fanfare-bench-worker", absl::StrCat("--address=", c.address),
       absl::StrCat("--concurrency=", concurrency), absl::StrCat("--expect=", expect),
       absl::StrCat("--worker_id=bench-worker-", ++worker_number),
       absl::StrCat("--token=", c.token), absl::StrCat("--tls_ca=", c.tls_ca_path)});
  if (!worker.ok()) return worker.status();
  // Timing starts only once the worker's session is open.
  for (int i = 0; i < 500; ++i) {
    absl::StatusOr<v1::DispatchState> state = c.client->GetDispatchState();
    if (state.ok() && state->workers_size() > 0) return worker;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::DeadlineExceededError("the bench worker did not connect");
}

absl::Status StartRun(Client& client, const std::string& run_id) {
  v1::StartRunRequest request = StartRunRequest(kReferenceCampaignName);
  request.set_run_id(run_id);
  return client.StartRun(request).status();
}

absl::StatusOr<int> CountRuns(Client& client, v1::RunStatus status) {
  int count = 0;
  v1::ListRunsRequest request;
  request.set_status(status);
  request.set_page_size(1000);
  do {
    absl::StatusOr<v1::ListRunsResponse> page = client.ListRuns(request);
    if (!page.ok()) return page.status();
    count += page->runs_size();
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return count;
}

int Fail(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "bench: %s: %s\n", std::string(what).c_str(),
               std::string(status.message()).c_str());
  return 1;
}

}  // namespace fanfare::bench
