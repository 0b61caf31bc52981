// fanfared's TLS and mTLS over real gRPC on 127.0.0.1:0, with certificates made at test time:
// handshakes that must fail do, before any handler runs, and swapped certificate files are
// served without a restart.
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/coordinator/coordinator.h"
#include "engine/definition/loader.h"
#include "engine/service/server.h"
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
  // as the CA of the client certificates it requires.
  void Start(const KeyAndCert& identity, const KeyAndCert* client_ca = nullptr) {
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
    auto server = service::Server::Start(coordinator_.get(), "127.0.0.1:0", options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::string Address() const { return absl::StrCat("127.0.0.1:", server_->port()); }

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
  ClientOptions good;
  good.address = Address();
  good.tls = true;
  good.tls_root_certs = pki.ca.cert_pem;
  good.tls_cert_chain = pki.client.cert_pem;
  good.tls_private_key = pki.client.key_pem;
  good.max_retries = 0;
  std::unique_ptr<Client> client = *Client::Create(good);
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
