#include "auth/worker_certificate.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace fanfare::auth {
namespace {

absl::StatusOr<Principal> From(std::vector<absl::string_view> uris) {
  return WorkerFromCertificate(uris, "fanfare");
}

TEST(WorkerCertificateTest, ASpiffeIdNamesAWorkerOfOneNamespace) {
  absl::StatusOr<Principal> worker = From({"spiffe://fanfare/ns/acme/worker/meta-1"});
  ASSERT_TRUE(worker.ok()) << worker.status();
  EXPECT_EQ(worker->issuer, "spiffe://fanfare/ns/acme");
  EXPECT_EQ(worker->subject, "meta-1");
  EXPECT_TRUE(worker->May(Permission::kWork, "acme"));
  EXPECT_FALSE(worker->May(Permission::kWork, "globex"));
  EXPECT_FALSE(worker->May(Permission::kRead, "acme"));
  EXPECT_FALSE(worker->cluster_admin);
}

TEST(WorkerCertificateTest, AnythingElseGrantsNothingAndSaysWhy) {
  const std::vector<std::vector<absl::string_view>> refused = {
      {},
      {"spiffe://fanfare/ns/acme/worker/a", "spiffe://fanfare/ns/globex/worker/b"},
      {"spiffe://other/ns/acme/worker/meta-1"},
      {"spiffe://fanfare/ns/acme/operator/meta-1"},
      {"spiffe://fanfare/ns/acme/worker/meta-1/extra"},
      {"spiffe://fanfare/ns/Acme/worker/meta-1"},
      {"spiffe://fanfare/ns//worker/meta-1"},
      {"spiffe://fanfare/ns/acme/worker/"},
      {"spiffe://fanfare/ns/acme/worker/../admin"},
      {"spiffe://fanfare.evil/ns/acme/worker/meta-1"},
      {"https://fanfare/ns/acme/worker/meta-1"},
  };
  for (const auto& uris : refused) {
    absl::StatusOr<Principal> worker = From(uris);
    EXPECT_EQ(worker.status().code(), absl::StatusCode::kUnauthenticated)
        << (uris.empty() ? "(none)" : std::string(uris[0]));
  }
  EXPECT_NE(From({}).status().message().find("names 0 URIs"), std::string::npos);
  EXPECT_NE(From({"spiffe://other/ns/acme/worker/w"}).status().message().find("spiffe://fanfare"),
            std::string::npos);
}

}  // namespace
}  // namespace fanfare::auth
