// fanfared's TLS and mTLS over real gRPC on 127.0.0.1:0, with certificates made at test time:
// handshakes that must fail do, before any handler runs, and swapped certificate files are
// served without a restart.
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "auth/api_token.h"
#include "engine/coordinator/coordinator.h"
#include "engine/definition/loader.h"
#include "engine/service/admin_token.h"
#include "engine/service/server.h"
#include "fanfare/v1/worker.grpc.pb.h"
#include "fanfare/v1/coordinator.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "sdk/client/channel.h"
#include "sdk/client/client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"

namespace fanfare {
namespace {

using testing::CertSpec;
using testing::KeyAndCert;
using testing::MakeCert;
using testing::MakePki;
using testing::TestPki;

constexpr char kCampaign[] = R"yaml(
name: tls-check
steps:
  - {id: a, action: test.work}
)yaml";

class TlsTest : public ::testing::Test {
 protected:
  void WriteFile(const std::string& name, const std::string& contents) {
    const std::string temporary = dir_.Join(name + ".tmp");
    std::ofstream(temporary) << contents;
    std::rename(temporary.c_str(), dir_.Join(name).c_str());
  }

  // Starts fanfared's server with `identity` as its certificate, and `client_ca` (if any)
  // as the CA of the client certificates it requires; with `authenticate`, calls need
  // credentials, and admin_token_ is a cluster admin's.
  void Start(const KeyAndCert& identity, const KeyAndCert* client_ca = nullptr,
             bool authenticate = false) {
    WriteFile("server.key", identity.key_pem);
    WriteFile("server.crt", identity.cert_pem);
    service::ServerOptions options;
    options.tls.cert_path = dir_.Join("server.crt");
    options.tls.key_path = dir_.Join("server.key");
    options.tls.refresh = absl::Seconds(1);
    if (client_ca != nullptr) {
      WriteFile("client-ca.crt", client_ca->cert_pem);
      options.tls.client_ca_path = dir_.Join("client-ca.crt");
    }
    coordinator::CoordinatorOptions coordinator_options;
    coordinator_options.data_dir = dir_.Join("data");
    coordinator_options.block_cache_bytes = 8 << 20;
    coordinator_options.write_buffer_bytes = 8 << 20;
    auto coordinator = coordinator::Coordinator::Open(std::move(coordinator_options));
    ASSERT_TRUE(coordinator.ok()) << coordinator.status();
    coordinator_ = *std::move(coordinator);
    options.authenticate = authenticate;
    if (authenticate) {
      absl::StatusOr<auth::ApiToken> admin = auth::MintApiToken();
      ASSERT_TRUE(admin.ok());
      ASSERT_TRUE(service::AddClusterAdminToken(*coordinator_, *admin, "root").ok());
      admin_token_ = admin->Text();
    }
    auto server = service::Server::Start(coordinator_.get(), "127.0.0.1:0", options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::string Address() const { return absl::StrCat("127.0.0.1:", server_->port()); }

  // An SDK client of the server trusting `pki`'s CA, with `pki`'s client certificate.
  ClientOptions ClientOf(const TestPki& pki) const {
    ClientOptions options;
    options.address = Address();
    options.tls = true;
    options.tls_root_certs = pki.ca.cert_pem;
    options.tls_cert_chain = pki.client.cert_pem;
    options.tls_private_key = pki.client.key_pem;
    options.max_retries = 0;
    return options;
  }

  // A ListRuns on a new channel with `credentials`.
  grpc::Status ListRuns(const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    auto stub = v1::CampaignService::NewStub(grpc::CreateChannel(Address(), credentials));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::ListRunsRequest request;
    v1::ListRunsResponse response;
    return stub->ListRuns(&context, request, &response);
  }

  // A StartRun of the applied campaign on a new channel with `credentials`.
  grpc::Status StartRun(const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                        const std::string& run_id) {
    auto stub = v1::CampaignService::NewStub(grpc::CreateChannel(Address(), credentials));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::StartRunRequest request;
    request.set_campaign("tls-check");
    request.set_run_id(run_id);
    v1::StartRunResponse response;
    return stub->StartRun(&context, request, &response);
  }

  static std::shared_ptr<grpc::ChannelCredentials> Trusting(const KeyAndCert& ca,
                                                            const KeyAndCert* client = nullptr) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ca.cert_pem;
    if (client != nullptr) {
      options.pem_cert_chain = client->cert_pem;
      options.pem_private_key = client->key_pem;
    }
    return grpc::SslCredentials(options);
  }

  testing::TempDir dir_;
  std::string admin_token_;
  std::unique_ptr<coordinator::Coordinator> coordinator_;
  std::unique_ptr<service::Server> server_;
};

TEST_F(TlsTest, AClientTrustingTheCaConnectsAndNoOtherDoes) {
  const TestPki pki = MakePki("acme");
  const TestPki other = MakePki("other");
  Start(pki.server);
  EXPECT_TRUE(ListRuns(Trusting(pki.ca)).ok());
  EXPECT_EQ(ListRuns(Trusting(other.ca)).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ListRuns(grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, WithAClientCaOnlyClientsItSignedGetAnyHandlerToRun) {
  const TestPki pki = MakePki("acme");
  const TestPki other = MakePki("other");
  const KeyAndCert expired = MakeCert({.common_name = "old client",
                                       .not_before = -absl::Hours(48),
                                       .not_after = -absl::Hours(24)},
                                      &pki.ca);
  Start(pki.server, &pki.ca);
  // A campaign to start runs of, applied by a client with a good certificate.
  std::unique_ptr<Client> client = *Client::Create(ClientOf(pki));
  definition::LoadResult spec =
      definition::ParseCampaign(kCampaign, definition::SourceFormat::kYaml, "tls-check.yaml");
  ASSERT_TRUE(spec.status.ok()) << spec.status;
  ASSERT_TRUE(client->ApplyCampaign(spec.spec).ok());

  EXPECT_EQ(StartRun(Trusting(pki.ca), "no-cert").error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(StartRun(Trusting(pki.ca, &other.client), "unknown-ca").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(StartRun(Trusting(pki.ca, &expired), "expired").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // None of them reached a handler: no run was started.
  absl::StatusOr<v1::ListRunsResponse> runs = client->ListRuns({});
  ASSERT_TRUE(runs.ok()) << runs.status();
  EXPECT_EQ(runs->runs_size(), 0);
  EXPECT_TRUE(StartRun(Trusting(pki.ca, &pki.client), "good").ok());
}

// Workers known by their certificate alone: spiffe://fanfare/ns/acme/worker/<name>.
class CertificateWorkerTest : public TlsTest {
 protected:
  void SetUp() override {
    Start(pki_.server, &pki_.ca, /*authenticate=*/true);
    ClientOptions admin = ClientOf(pki_);
    admin.token = admin_token_;
    admin.ns = "acme";
    client_ = *Client::Create(admin);
    definition::LoadResult spec = definition::ParseCampaign(
        absl::StrCat("namespace: acme\n", kCampaign), definition::SourceFormat::kYaml, "c.yaml");
    ASSERT_TRUE(spec.status.ok()) << spec.status;
    ASSERT_TRUE(client_->ApplyCampaign(spec.spec).ok());
    v1::StartRunRequest start;
    start.set_campaign("tls-check");
    start.set_run_id("cert-1");
    ASSERT_TRUE(client_->StartRun(start).ok());
  }

  KeyAndCert Worker(const std::string& uri) {
    return MakeCert({.common_name = "worker", .alt_names = {"URI:" + uri}}, &pki_.ca);
  }
  std::unique_ptr<v1::WorkerService::Stub> As(const KeyAndCert& cert) {
    return v1::WorkerService::NewStub(grpc::CreateChannel(Address(), Trusting(pki_.ca, &cert)));
  }
  static grpc::Status Poll(v1::WorkerService::Stub& worker, const std::string& ns,
                           v1::PollTasksResponse* tasks) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::PollTasksRequest request;
    request.set_namespace_(ns);
    request.set_worker_id("claimed-name");
    request.add_queues("test");
    request.mutable_wait()->set_seconds(5);
    return worker.PollTasks(&context, request, tasks);
  }
  static v1::OutcomeAck Complete(v1::WorkerService::Stub& worker, const v1::Task& task) {
    grpc::ClientContext context;
    v1::CompleteTaskRequest request;
    request.set_task_id(task.task_id());
    request.set_attempt(task.attempt());
    v1::OutcomeAck ack;
    const grpc::Status status = worker.CompleteTask(&context, request, &ack);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return ack;
  }
  static int Lost(v1::WorkerService::Stub& worker, const v1::Task& task) {
    grpc::ClientContext context;
    v1::HeartbeatRequest request;
    v1::TaskRef& ref = *request.add_tasks();
    ref.set_task_id(task.task_id());
    ref.set_attempt(task.attempt());
    v1::HeartbeatResponse response;
    EXPECT_TRUE(worker.Heartbeat(&context, request, &response).ok());
    return response.lost_size();
  }

  const TestPki pki_ = MakePki("acme");
  std::unique_ptr<Client> client_;
};

TEST_F(CertificateWorkerTest, AWorkerCertificateServesItsNamespaceAndItsOwnLeasesOnly) {
  auto meta1 = As(Worker("spiffe://fanfare/ns/acme/worker/meta-1"));
  auto meta2 = As(Worker("spiffe://fanfare/ns/acme/worker/meta-2"));
  v1::PollTasksResponse none;
  const grpc::Status other_ns = Poll(*meta1, "globex", &none);
  EXPECT_EQ(other_ns.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << other_ns.error_message();

  v1::PollTasksResponse leased;
  const grpc::Status polled = Poll(*meta1, "acme", &leased);
  ASSERT_TRUE(polled.ok()) << polled.error_message();
  ASSERT_EQ(leased.tasks_size(), 1);
  const v1::Task& task = leased.tasks(0);
  absl::StatusOr<v1::Run> run = client_->GetRun("cert-1");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->steps(0).worker_id(), "meta-1") << "the certificate's name, not the claimed one";

  // Another worker of the same namespace can neither heartbeat nor complete meta-1's lease.
  EXPECT_EQ(Lost(*meta2, task), 1);
  EXPECT_EQ(Complete(*meta2, task).status(), v1::OutcomeAck::STATUS_UNKNOWN_TASK);
  EXPECT_EQ(Lost(*meta1, task), 0);
  EXPECT_EQ(Complete(*meta1, task).status(), v1::OutcomeAck::STATUS_ACCEPTED);
  run = client_->GetRun("cert-1");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST_F(CertificateWorkerTest, ACertificateThatNamesNoWorkerGrantsNothing) {
  const KeyAndCert no_uri = MakeCert({.common_name = "client"}, &pki_.ca);
  for (const KeyAndCert& cert :
       {no_uri, Worker("spiffe://other/ns/acme/worker/meta-1"),
        Worker("spiffe://fanfare/ns/acme/operator/meta-1")}) {
    v1::PollTasksResponse tasks;
    const grpc::Status status = Poll(*As(cert), "acme", &tasks);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
    EXPECT_NE(status.error_message().find("client certificate"), std::string::npos)
        << status.error_message();
  }
  // Nor does it reach anything but the worker service.
  auto stub =
      v1::CampaignService::NewStub(grpc::CreateChannel(Address(), Trusting(pki_.ca, &no_uri)));
  grpc::ClientContext context;
  v1::ListRunsRequest request;
  request.set_namespace_("acme");
  v1::ListRunsResponse response;
  EXPECT_EQ(stub->ListRuns(&context, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const KeyAndCert meta1 = Worker("spiffe://fanfare/ns/acme/worker/meta-1");
  auto as_worker = v1::CampaignService::NewStub(
      grpc::CreateChannel(Address(), Trusting(pki_.ca, &meta1)));
  grpc::ClientContext worker_context;
  EXPECT_EQ(as_worker->ListRuns(&worker_context, request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TlsTest, SwappedCertificateFilesAreServedWithoutARestart) {
  const TestPki before = MakePki("before");
  const TestPki after = MakePki("after");
  Start(before.server);
  ASSERT_TRUE(ListRuns(Trusting(before.ca)).ok());
  WriteFile("server.key", after.server.key_pem);
  WriteFile("server.crt", after.server.cert_pem);
  // The files are read again every second; a new connection gets the new certificate.
  bool swapped = false;
  for (int i = 0; i < 100 && !swapped; ++i) {
    swapped = ListRuns(Trusting(after.ca)).ok();
    if (!swapped) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(swapped) << "the new certificate was not served within 10 s";
  EXPECT_EQ(ListRuns(Trusting(before.ca)).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, AMismatchedKeyIsAClearErrorAtStartUp) {
  const TestPki pki = MakePki("acme");
  const TestPki other = MakePki("other");
  WriteFile("server.crt", pki.server.cert_pem);
  WriteFile("server.key", other.server.key_pem);
  coordinator::CoordinatorOptions coordinator_options;
  coordinator_options.data_dir = dir_.Join("data");
  auto coordinator = coordinator::Coordinator::Open(std::move(coordinator_options));
  ASSERT_TRUE(coordinator.ok());
  service::ServerOptions options;
  options.tls.cert_path = dir_.Join("server.crt");
  options.tls.key_path = dir_.Join("server.key");
  auto server = service::Server::Start(coordinator->get(), "127.0.0.1:0", options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(server.status().message().find("is not the key of the certificate"),
            std::string::npos)
      << server.status();
  options.tls.key_path = dir_.Join("missing.key");
  server = service::Server::Start(coordinator->get(), "127.0.0.1:0", options);
  EXPECT_NE(server.status().message().find("missing.key: cannot be read"), std::string::npos)
      << server.status();
}

TEST(ClientTlsFilesTest, CertAndKeyGoTogetherAndUnreadableFilesAreNamed) {
  EXPECT_FALSE(ReadClientTls({}).value().enabled);
  EXPECT_EQ(ReadClientTls({.cert_path = "/x.crt"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<ClientTls> missing = ReadClientTls({.ca_path = "/nonexistent/ca.crt"});
  EXPECT_NE(missing.status().message().find("/nonexistent/ca.crt"), std::string::npos);
}

}  // namespace
}  // namespace fanfare
