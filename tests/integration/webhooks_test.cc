// Webhooks as a receiver sees them, from a real fanfared (--dev: the sandbox and its workers
// in-process): added with `fanfare admin webhooks add`, the receiver refusing half of what it
// is sent, then down for a while — during which fanfared is SIGKILLed and started again on
// the same data — and back. Every event still arrives, none lost, each delivery signed with
// the secret the CLI printed, every try of one event the same bytes under the same id.
#include <signal.h>

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/subprocess.h"
#include "engine/definition/loader.h"
#include "gtest/gtest.h"
#include "sdk/client/client.h"
#include "tests/support/coordinator_env.h"
#include "tests/support/dev_fanfared.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"
#include "tests/support/webhook_receiver.h"

namespace fanfare {
namespace {

using testing::BinDir;

constexpr char kPost[] = R"yaml(
name: post
accounts: {x: acme_x}
params:
  text: {type: string}
steps:
  - {id: publish, action: x.publish, with: {text: "{{ params.text }}"}}
)yaml";

constexpr char kGated[] = R"yaml(
name: gated
accounts: {x: acme_x}
budget: {currency: USD, total: 200}
steps:
  - {id: review, approval: {message: "Publish the teaser?", approvers: [ann]}}
  - {id: publish, needs: [review], action: x.publish, with: {text: "Soon."}}
)yaml";

using Fanfared = testing::DevFanfared;

Fanfared StartFanfared(const std::string& data_dir) {
  return testing::StartDevFanfared({"--data-dir=" + data_dir});
}

void Apply(Client& client, const char* yaml, const char* file) {
  definition::LoadResult loaded =
      definition::ParseCampaign(yaml, definition::SourceFormat::kYaml, file);
  ASSERT_TRUE(loaded.status.ok()) << loaded.status;
  ASSERT_TRUE(client.ApplyCampaign(loaded.spec, file).ok());
}

absl::Status StartPost(Client& client, const std::string& run_id, const std::string& text) {
  v1::StartRunRequest request = StartRunRequest("post");
  request.set_run_id(run_id);
  (*request.mutable_params()->mutable_fields())["text"].set_string_value(text);
  return client.StartRun(request).status();
}

// `fanfare admin webhooks add URL …`: the signing secret it prints first.
std::string AddWithCli(const std::string& address, const std::string& url) {
  absl::StatusOr<std::unique_ptr<Subprocess>> cli = Subprocess::Start(
      {BinDir() + "/fanfare", "admin", "webhooks", "add", url, "--address=" + address,
       "--events=run.succeeded,run.failed,approval.requested", "--name=ops"});
  EXPECT_TRUE(cli.ok()) << cli.status();
  if (!cli.ok()) return "";
  absl::StatusOr<std::string> secret = (*cli)->ReadLine(absl::Seconds(30));
  EXPECT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ((*cli)->Wait(absl::Seconds(30)).value_or(-1), 0);
  return secret.value_or("");
}

// What the receiver was sent, by event id: each event's type, run, body, and whether one of
// its deliveries was taken.
struct Seen {
  std::string type;
  std::string body;
  bool accepted = false;
  bool same_bytes = true;
};

std::map<std::string, Seen> Tally(const testing::WebhookReceiver& receiver, int* unsigned_count) {
  std::map<std::string, Seen> seen;
  *unsigned_count = 0;
  for (const testing::ReceivedDelivery& delivery : receiver.Received()) {
    if (!delivery.signature_valid) ++*unsigned_count;
    auto [entry, first] = seen.try_emplace(delivery.event_id);
    if (first) {
      entry->second.type = delivery.event_type;
      entry->second.body = delivery.body;
    } else if (entry->second.body != delivery.body) {
      entry->second.same_bytes = false;
    }
    entry->second.accepted |= delivery.accepted;
  }
  return seen;
}

// The (type, run) pairs taken by the receiver.
std::set<std::pair<std::string, std::string>> Taken(const std::map<std::string, Seen>& seen) {
  std::set<std::pair<std::string, std::string>> taken;
  for (const auto& [id, event] : seen) {
    if (!event.accepted) continue;
    const size_t at = event.body.find("\"run_id\":\"");
    if (at == std::string::npos) continue;
    const size_t from = at + 10;
    taken.emplace(event.type, event.body.substr(from, event.body.find('"', from) - from));
  }
  return taken;
}

TEST(WebhooksTest, AFlakyReceiverThatIsDownForAWhileStillGetsEveryEventSigned) {
  fanfare::testing::TempDir dir;
  testing::WebhookReceiver receiver;
  ASSERT_TRUE(receiver.Start().ok());
  receiver.set_refuse_every(2);  // half of all deliveries

  Fanfared fanfared = StartFanfared(dir.Join("data"));
  ASSERT_NE(fanfared.client, nullptr);
  const std::string secret = AddWithCli(fanfared.address, receiver.url());
  ASSERT_TRUE(absl::StartsWith(secret, "whsec_")) << secret;
  receiver.set_secret(secret);
  ASSERT_NO_FATAL_FAILURE(Apply(*fanfared.client, kPost, "post.yaml"));
  ASSERT_NO_FATAL_FAILURE(Apply(*fanfared.client, kGated, "gated.yaml"));

  std::set<std::pair<std::string, std::string>> expected;
  for (int i = 0; i < 6; ++i) {
    const std::string run = absl::StrCat("ok-", i);
    ASSERT_TRUE(StartPost(*fanfared.client, run, absl::StrCat("Launch day ", i)).ok());
    expected.emplace("run.succeeded", run);
  }
  for (int i = 0; i < 2; ++i) {
    const std::string run = absl::StrCat("empty-", i);
    ASSERT_TRUE(StartPost(*fanfared.client, run, "").ok());  // X refuses an empty post
    expected.emplace("run.failed", run);
  }
  v1::StartRunRequest gated = StartRunRequest("gated");
  gated.set_run_id("gated-1");
  ASSERT_TRUE(fanfared.client->StartRun(gated).ok());
  expected.emplace("approval.requested", "gated-1");
  absl::SleepFor(absl::Seconds(1));

  // The receiver goes down; more runs end meanwhile; fanfared is killed and starts again.
  receiver.Stop();
  for (int i = 0; i < 4; ++i) {
    const std::string run = absl::StrCat("while-down-", i);
    ASSERT_TRUE(StartPost(*fanfared.client, run, absl::StrCat("Still here ", i)).ok());
    expected.emplace("run.succeeded", run);
  }
  absl::SleepFor(absl::Seconds(2));
  fanfared.process->Signal(SIGKILL);
  ASSERT_TRUE(fanfared.process->Wait(absl::Seconds(30)).ok());
  fanfared = StartFanfared(dir.Join("data"));
  ASSERT_NE(fanfared.client, nullptr);
  absl::SleepFor(absl::Seconds(2));
  ASSERT_TRUE(receiver.Start().ok());

  int unsigned_count = 0;
  std::map<std::string, Seen> seen;
  const absl::Time deadline = absl::Now() + absl::Seconds(90);
  do {
    absl::SleepFor(absl::Milliseconds(250));
    seen = Tally(receiver, &unsigned_count);
  } while (Taken(seen) != expected && absl::Now() < deadline);

  EXPECT_EQ(Taken(seen), expected) << "every event, none lost";
  EXPECT_EQ(unsigned_count, 0) << "every delivery carries a valid signature";
  int refused = 0;
  for (const testing::ReceivedDelivery& delivery : receiver.Received()) {
    refused += !delivery.accepted;
  }
  EXPECT_GT(refused, 0) << "the receiver did refuse some";
  for (const auto& [id, event] : seen) {
    EXPECT_TRUE(absl::StartsWith(id, "evt_"));
    EXPECT_TRUE(event.same_bytes) << "every try of " << id << " carries the same body";
  }
  // The outbox empties once everything is taken.
  absl::StatusOr<v1::ListWebhooksResponse> listed;
  for (int i = 0; i < 40; ++i) {
    listed = fanfared.client->ListWebhooks();
    ASSERT_TRUE(listed.ok()) << listed.status();
    ASSERT_EQ(listed->webhooks_size(), 1);
    if (listed->webhooks(0).pending() == 0) break;
    absl::SleepFor(absl::Milliseconds(250));
  }
  EXPECT_EQ(listed->webhooks(0).pending(), 0);
  EXPECT_EQ(listed->webhooks(0).name(), "ops");
  EXPECT_EQ(listed->webhooks(0).url().find("/fanfare"), std::string::npos)
      << "the URL past its first path segment is not shown: " << listed->webhooks(0).url();

  fanfared.process->Signal(SIGTERM);
  EXPECT_EQ(fanfared.process->Wait(absl::Seconds(30)).value_or(-1), 0);
}

TEST(WebhookRequestsTest, BadWebhooksAreRefusedNamingTheField) {
  testing::CoordinatorEnv env;
  struct Case {
    std::string url;
    std::vector<std::string> events;
    std::string says;
  } cases[] = {
      {"http://hooks.example.com/x", {"run.failed"}, "url: https://"},
      {"http://127.evil.example/x", {"run.failed"}, "url: https://"},
      {"http://127.0.0.1:99999/x", {"run.failed"}, "url: a port from 1 to 65535"},
      {"https://hooks.example.com:/x", {"run.failed"}, "url: a port"},
      {"ftp://127.0.0.1/x", {"run.failed"}, "url: an https:// URL"},
      {"https://user:pw@hooks.example.com/x", {"run.failed"}, "without credentials"},
      {"https:///x", {"run.failed"}, "with a host"},
      {"https://hooks.example.com/a b", {"run.failed"}, "without spaces"},
      {"https://hooks.example.com/" + std::string(3000, 'a'), {"run.failed"}, "2048"},
      {"https://hooks.example.com/x", {}, "events: one or more of"},
      {"https://hooks.example.com/x", {"run.exploded"}, "events[0]: 'run.exploded' is none of"},
      {"https://hooks.example.com/x", {"run.failed", "run.failed"}, "events[1]"},
  };
  for (const Case& c : cases) {
    v1::AddWebhookRequest request;
    request.set_url(c.url);
    for (const std::string& event : c.events) request.add_events(event);
    absl::StatusOr<v1::AddWebhookResponse> added = env.client().AddWebhook(request);
    EXPECT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument) << c.url;
    EXPECT_TRUE(absl::StrContains(added.status().message(), c.says))
        << c.url << ": " << added.status().message();
  }
  EXPECT_EQ(env.client().RemoveWebhook("wh_nothex").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(env.client().RemoveWebhook("wh_0123456789abcdef").status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<v1::ListWebhooksResponse> listed = env.client().ListWebhooks();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->webhooks_size(), 0) << "nothing refused was kept";
}

TEST(WebhookRequestsTest, NamesAreUniqueAndTheSecretIsShownOnce) {
  testing::CoordinatorEnv env;
  v1::AddWebhookRequest request;
  request.set_url("https://hooks.slack.com/services/T000/B000/XXXX");
  request.add_events("approval.requested");
  request.set_format(v1::WEBHOOK_FORMAT_SLACK);
  request.set_name("team-slack");
  absl::StatusOr<v1::AddWebhookResponse> added = env.client().AddWebhook(request);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->signing_secret().size(), 6u + 64u);
  EXPECT_EQ(added->webhook().url(), "https://hooks.slack.com/services/…");
  EXPECT_EQ(env.client().AddWebhook(request).status().code(), absl::StatusCode::kAlreadyExists);
  v1::AddWebhookRequest posing = request;
  posing.set_name("wh_0123456789abcdef");
  EXPECT_EQ(env.client().AddWebhook(posing).status().code(), absl::StatusCode::kInvalidArgument)
      << "a name may not pass for another webhook's id";
  env.Restart();
  absl::StatusOr<v1::ListWebhooksResponse> listed = env.client().ListWebhooks();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->webhooks_size(), 1);
  EXPECT_EQ(listed->webhooks(0).name(), "team-slack");
  EXPECT_EQ(listed->webhooks(0).format(), v1::WEBHOOK_FORMAT_SLACK);
  EXPECT_EQ(listed->webhooks(0).DebugString().find("whsec_"), std::string::npos);
  EXPECT_EQ(listed->webhooks(0).DebugString().find("XXXX"), std::string::npos);
  absl::StatusOr<v1::Webhook> removed = env.client().RemoveWebhook(listed->webhooks(0).id());
  ASSERT_TRUE(removed.ok()) << removed.status();
  listed = env.client().ListWebhooks();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->webhooks_size(), 0);
}

}  // namespace
}  // namespace fanfare
