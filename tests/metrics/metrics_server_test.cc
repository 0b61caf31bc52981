#include "metrics/metrics_server.h"

#include <httplib.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsServerTest, ServesThePageOnLoopback) {
  Registry registry;
  registry.AddCounter("fanfare_things_total", "Things.").With({}).Add(7);
  absl::StatusOr<std::unique_ptr<MetricsServer>> server = MetricsServer::Start("0", &registry);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->address(), "127.0.0.1:" + std::to_string((*server)->port()));
  httplib::Client client("127.0.0.1", (*server)->port());
  httplib::Result page = client.Get("/metrics");
  ASSERT_TRUE(page) << httplib::to_string(page.error());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), kExpositionContentType);
  EXPECT_THAT(page->body, HasSubstr("fanfare_things_total 7\n"));
  httplib::Result other = client.Get("/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

TEST(MetricsServerTest, RefusesWhatIsNotAnAddress) {
  Registry registry;
  for (const char* bad : {"", "host:", ":9464", "127.0.0.1:99999", "127.0.0.1:port"}) {
    absl::StatusOr<std::unique_ptr<MetricsServer>> server = MetricsServer::Start(bad, &registry);
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(MetricsServerTest, SaysWhenThePortIsTaken) {
  Registry registry;
  absl::StatusOr<std::unique_ptr<MetricsServer>> first =
      MetricsServer::Start("127.0.0.1:0", &registry);
  ASSERT_TRUE(first.ok());
  absl::StatusOr<std::unique_ptr<MetricsServer>> second =
      MetricsServer::Start((*first)->address(), &registry);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace fanfare::metrics
