// fanfare::Client against a real coordinator (RocksDB + gRPC on port 0): the typed helpers,
// deadlines, retries on UNAVAILABLE, TLS options and the errors a caller can cause.
// TcpProxy stands between the client and the server where a test needs the network to fail.
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/definition/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sdk/client/client.h"
#include "tests/sdk/worker/tcp_proxy.h"
#include "tests/support/coordinator_env.h"

namespace fanfare {
namespace {

using ::testing::HasSubstr;
using testing::CoordinatorEnv;
using testing::TcpProxy;

constexpr char kSpringPromo[] = R"yaml(
name: spring-promo
params:
  discount: {type: int, default: 10}
steps:
  - id: tag
    action: crm.tag_leads
    with: {segment: spring, discount: "{{ params.discount }}"}
)yaml";

v1::CampaignSpec Spec(const std::string& yaml) {
  definition::LoadResult loaded =
      definition::ParseCampaign(yaml, definition::SourceFormat::kYaml, "spring-promo.yaml");
  EXPECT_TRUE(loaded.status.ok()) << loaded.status;
  return loaded.spec;
}

// Options for a client of `address` that retries `max_retries` times from `initial_backoff`.
ClientOptions Options(const std::string& address, int max_retries = 4,
                      absl::Duration initial_backoff = absl::Milliseconds(100)) {
  ClientOptions options;
  options.address = address;
  options.max_retries = max_retries;
  options.initial_backoff = initial_backoff;
  return options;
}

std::unique_ptr<Client> NewClient(const ClientOptions& options) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

v1::StartRunRequest Promo(const std::string& run_id, int discount = 10) {
  v1::StartRunRequest request = StartRunRequest("spring-promo");
  request.set_run_id(run_id);
  (*request.mutable_params()->mutable_fields())["discount"].set_number_value(discount);
  return request;
}

// Waits up to `timeout` for `done`, checking every few milliseconds.
bool Eventually(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(ClientTest, TypedHelpersRoundTripAgainstARealCoordinator) {
  CoordinatorEnv env;
  ClientOptions options = Options(env.address());
  options.identity = "maria";
  auto client = NewClient(options);

  auto applied = client->ApplyCampaign(Spec(kSpringPromo), "spring-promo.yaml");
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(applied->changed());
  EXPECT_EQ(applied->campaign().version(), 1);
  auto again = client->ApplyCampaign(Spec(kSpringPromo), "spring-promo.yaml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed()) << "an identical spec is a no-op";
  EXPECT_EQ(again->campaign().version(), 1);
  auto campaign = client->GetCampaign("spring-promo");
  ASSERT_TRUE(campaign.ok()) << campaign.status();
  EXPECT_EQ(campaign->spec().metadata().name(), "spring-promo");
  EXPECT_EQ(campaign->version(), 1);
  auto campaigns = client->ListCampaigns({});
  ASSERT_TRUE(campaigns.ok()) << campaigns.status();
  ASSERT_EQ(campaigns->campaigns_size(), 1);

  // Idempotent by run id: the same id and input give back the same run.
  auto started = client->StartRun(Promo("spring-promo-1"));
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_TRUE(started->created());
  EXPECT_EQ(started->run().run_id(), "spring-promo-1");
  EXPECT_EQ(started->run().started_by(), "maria");
  auto repeated = client->StartRun(Promo("spring-promo-1"));
  ASSERT_TRUE(repeated.ok()) << repeated.status();
  EXPECT_FALSE(repeated->created());
  EXPECT_EQ(repeated->run().created_at().seconds(), started->run().created_at().seconds());
  auto conflicting = client->StartRun(Promo("spring-promo-1", /*discount=*/25));
  EXPECT_EQ(conflicting.status().code(), absl::StatusCode::kAlreadyExists) << conflicting.status();
  // Without an id the client makes one up, so that its own retries cannot start two runs.
  auto generated = client->StartRun(StartRunRequest("spring-promo"));
  ASSERT_TRUE(generated.ok()) << generated.status();
  EXPECT_THAT(generated->run().run_id(), ::testing::StartsWith("spring-promo-"));

  auto run = client->GetRun("spring-promo-1");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->campaign(), "spring-promo");
  EXPECT_EQ(run->params().fields().at("discount").number_value(), 10);
  ASSERT_EQ(run->steps_size(), 1);
  EXPECT_EQ(run->steps(0).key(), "tag");

  // Five more runs, then page through all seven two at a time.
  for (int i = 2; i <= 6; ++i) {
    ASSERT_TRUE(client->StartRun(Promo(absl::StrCat("spring-promo-", i))).ok());
  }
  std::set<std::string> listed;
  int pages = 0;
  v1::ListRunsRequest page;
  page.set_page_size(2);
  do {
    auto runs = client->ListRuns(page);
    ASSERT_TRUE(runs.ok()) << runs.status();
    ASSERT_LE(runs->runs_size(), 2);
    for (const v1::Run& r : runs->runs()) {
      EXPECT_TRUE(listed.insert(r.run_id()).second) << r.run_id() << " listed twice";
    }
    page.set_page_token(runs->next_page_token());
    ASSERT_LT(++pages, 10) << "paging does not end";
  } while (!page.page_token().empty());
  EXPECT_EQ(listed.size(), 7u);
  EXPECT_EQ(pages, 4);

  auto cancelled = client->CancelRun("spring-promo-1", "promo pulled");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->status(), v1::RUN_STATUS_CANCELED);
  auto cancelled_again = client->CancelRun("spring-promo-1", "promo pulled");
  ASSERT_TRUE(cancelled_again.ok()) << "CancelRun is idempotent: " << cancelled_again.status();
  EXPECT_EQ(cancelled_again->status(), v1::RUN_STATUS_CANCELED);

  // The cancelled run's history, streamed to its end.
  std::vector<v1::EventType> events;
  absl::Status watched = client->WatchRun("spring-promo-1", 0, [&](const v1::HistoryEvent& e) {
    events.push_back(e.type());
    return true;
  });
  ASSERT_TRUE(watched.ok()) << watched;
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front(), v1::EVENT_TYPE_RUN_STARTED);
  EXPECT_EQ(events.back(), v1::EVENT_TYPE_RUN_CANCELED);
  v1::GetHistoryRequest history;
  history.set_run_id("spring-promo-1");
  auto page_of_history = client->GetHistory(history);
  ASSERT_TRUE(page_of_history.ok()) << page_of_history.status();
  EXPECT_EQ(page_of_history->events_size(), static_cast<int>(events.size()));
}

TEST(ClientTest, ErrorsNameTheFieldAndKeepTheCoordinatorsCode) {
  CoordinatorEnv env;
  auto client = NewClient(Options(env.address()));
  ASSERT_TRUE(client->ApplyCampaign(Spec(kSpringPromo)).ok());

  v1::CampaignSpec broken = Spec(kSpringPromo);
  broken.mutable_steps(0)->add_needs("segment");
  auto applied = client->ApplyCampaign(broken, "broken.yaml");
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument) << applied.status();
  EXPECT_THAT(applied.status().message(), HasSubstr("needs"));
  EXPECT_THAT(applied.status().message(), HasSubstr("segment"));

  auto bad_id = client->StartRun(Promo("spring promo!"));
  EXPECT_EQ(bad_id.status().code(), absl::StatusCode::kInvalidArgument) << bad_id.status();
  EXPECT_THAT(bad_id.status().message(), HasSubstr("run_id"));

  v1::StartRunRequest bad_param = Promo("spring-promo-bad");
  (*bad_param.mutable_params()->mutable_fields())["discount"].set_string_value("lots");
  auto refused = client->StartRun(bad_param);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr("discount"));

  v1::ListRunsRequest huge_page;
  huge_page.set_page_size(1 << 20);
  auto listed = client->ListRuns(huge_page);
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kInvalidArgument) << listed.status();
  EXPECT_THAT(listed.status().message(), HasSubstr("page_size"));

  EXPECT_EQ(client->GetRun("no-such-run").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client->GetCampaign("no-such-campaign").status().code(), absl::StatusCode::kNotFound);
}

TEST(ClientTest, ACallPastItsDeadlineFailsWithDeadlineExceededAndIsNotRetried) {
  CoordinatorEnv env;
  TcpProxy proxy(env.address());
  ClientOptions options = Options(proxy.address(), /*max_retries=*/3);
  options.timeout = absl::Milliseconds(300);
  auto client = NewClient(options);
  ASSERT_TRUE(client->ApplyCampaign(Spec(kSpringPromo)).ok());

  // The coordinator stops answering: the bytes go nowhere.
  proxy.SetMode(TcpProxy::Mode::kStall);
  const absl::Time start = absl::Now();
  auto campaign = client->GetCampaign("spring-promo");
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(campaign.status().code(), absl::StatusCode::kDeadlineExceeded) << campaign.status();
  EXPECT_GE(took, absl::Milliseconds(290));
  EXPECT_LT(took, absl::Milliseconds(1200)) << "DEADLINE_EXCEEDED is not retried";

  proxy.SetMode(TcpProxy::Mode::kRelay);
  EXPECT_TRUE(Eventually([&] { return client->GetCampaign("spring-promo").ok(); }));
}

TEST(ClientTest, AnUnreachableCoordinatorFailsWithUnavailableAfterTheConfiguredRetries) {
  CoordinatorEnv env;
  TcpProxy proxy(env.address());
  proxy.SetMode(TcpProxy::Mode::kRefuse);
  auto client = NewClient(Options(proxy.address(), 3, absl::Milliseconds(50)));
  const absl::Time start = absl::Now();
  auto campaign = client->GetCampaign("spring-promo");
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(campaign.status().code(), absl::StatusCode::kUnavailable) << campaign.status();
  EXPECT_THAT(campaign.status().message(),
              HasSubstr(absl::StrCat("cannot reach fanfared at ", proxy.address())));
  // Three retries after 50, 100 and 200 ms; each retry tried the network again.
  EXPECT_GE(took, absl::Milliseconds(350));
  EXPECT_LT(took, absl::Seconds(3));
  EXPECT_GE(proxy.refused(), 3) << "the channel reconnects in step with the client's retries";
}

TEST(ClientTest, RetriesCarryACallThroughACoordinatorOutage) {
  CoordinatorEnv env;
  ASSERT_TRUE(env.client().ApplyCampaign(Spec(kSpringPromo)).ok());
  TcpProxy proxy(env.address());
  proxy.SetMode(TcpProxy::Mode::kRefuse);
  ClientOptions options = Options(proxy.address(), 20, absl::Milliseconds(20));
  options.max_backoff = absl::Milliseconds(100);
  auto client = NewClient(options);
  absl::StatusOr<v1::StartRunResponse> started;
  std::thread caller([&] { started = client->StartRun(Promo("spring-promo-outage")); });
  // Once the client has been turned away twice, the coordinator comes back.
  EXPECT_TRUE(Eventually([&] { return proxy.refused() >= 2; }));
  proxy.SetMode(TcpProxy::Mode::kRelay);
  caller.join();
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_TRUE(started->created());
  // Retrying a StartRun that did reach the coordinator is harmless: same id, same run.
  auto again = client->StartRun(Promo("spring-promo-outage"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created());
}

TEST(ClientTest, TlsAgainstAPlaintextCoordinatorIsUnavailableAndNamesTheAddress) {
  CoordinatorEnv env;
  ClientOptions options = Options(env.address(), 1, absl::Milliseconds(10));
  options.timeout = absl::Seconds(5);
  options.tls = true;
  auto client = NewClient(options);
  auto campaign = client->GetCampaign("spring-promo");
  EXPECT_EQ(campaign.status().code(), absl::StatusCode::kUnavailable) << campaign.status();
  EXPECT_THAT(campaign.status().message(), HasSubstr(env.address()));
}

TEST(ClientTest, CreateRefusesAnEmptyAddress) {
  auto client = Client::Create(Options(""));
  EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(client.status().message(), HasSubstr("address"));
}

}  // namespace
}  // namespace fanfare
