// Webhooks on the engine: the outbox is written with the event it tells of, a delivery leaves
// only once durable and is deleted only once its receiver took it, tries are paced per
// webhook, and the outbox is bounded. The sender is a fake that keeps what it is handed; the
// store is a real RocksDB, restarted where a test says so.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

// Keeps what it is handed (the engine hands deliveries over from its commit's effects).
class KeepingSender : public WebhookSender {
 public:
  void Send(WebhookDelivery delivery) override { sent_.push_back(std::move(delivery)); }
  std::vector<WebhookDelivery> Take() {
    std::vector<WebhookDelivery> out;
    out.swap(sent_);
    return out;
  }

 private:
  std::vector<WebhookDelivery> sent_;
};

constexpr char kPublish[] = R"yaml(
name: post
steps:
  - {id: publish, action: test.work}
)yaml";

google::protobuf::Struct Parse(const std::string& body) {
  google::protobuf::Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body, &parsed).ok()) << body;
  return parsed;
}

const google::protobuf::Value& Field(const google::protobuf::Struct& s, const std::string& name) {
  static const google::protobuf::Value kMissing;
  auto found = s.fields().find(name);
  return found == s.fields().end() ? kMissing : found->second;
}

class WebhooksTest : public ::testing::Test {
 protected:
  explicit WebhooksTest(WebhookLimits limits = {})
      : h_({.webhook_sender = &sender_, .webhooks = limits}) {}

  v1::AddWebhookResponse Add(const std::vector<std::string>& events,
                             v1::WebhookFormat format = v1::WEBHOOK_FORMAT_JSON) {
    v1::AddWebhookRequest request;
    request.set_url("https://hooks.example.com/services/T000/B000/XXXXSECRET");
    for (const std::string& event : events) request.add_events(event);
    request.set_format(format);
    auto added = h_.Call<v1::AddWebhookResponse>([&](Engine& e, auto reply) {
      e.AddWebhook(request, "whsec_test", std::move(reply));
    });
    EXPECT_TRUE(added.ok()) << added.status();
    return added.ok() ? *added : v1::AddWebhookResponse();
  }

  v1::Webhook Listed() {
    auto listed = h_.Call<v1::ListWebhooksResponse>([&](Engine& e, auto reply) {
      e.ListWebhooks(v1::ListWebhooksRequest(), std::move(reply));
    });
    EXPECT_TRUE(listed.ok() && listed->webhooks_size() == 1);
    return listed.ok() && listed->webhooks_size() == 1 ? listed->webhooks(0) : v1::Webhook();
  }

  // Runs `run_id` of kPublish to its end: succeeded, or failed if `fail`.
  void RunPost(const std::string& run_id, bool fail = false) {
    ASSERT_TRUE(h_.Start("post", run_id).ok());
    h_.Cycle();
    std::vector<v1::Task> tasks = h_.TakeTasks();
    ASSERT_THAT(tasks, SizeIs(1));
    if (fail) {
      h_.Fail(tasks[0], v1::ERROR_TYPE_REJECTED_INPUT, "text too long");
    } else {
      h_.Complete(tasks[0]);
    }
  }

  void Answer(const WebhookDelivery& delivery, bool delivered) {
    h_.engine().WebhookAnswered(
        {.seq = delivery.seq, .delivered = delivered, .error = delivered ? "" : "HTTP 503"});
    h_.Cycle();
  }

  KeepingSender sender_;
  EngineHarness h_;
};

TEST_F(WebhooksTest, ADeliveryLeavesTheOutboxOnlyOnceItsReceiverTookIt) {
  const v1::AddWebhookResponse added = Add({"run.succeeded", "run.failed"});
  EXPECT_TRUE(absl::StartsWith(added.webhook().id(), "wh_"));
  EXPECT_EQ(added.signing_secret(), "whsec_test");
  EXPECT_EQ(added.webhook().url(), "https://hooks.example.com/services/…")
      << "the rest of the URL may be a secret: it is never shown";
  v1::AddWebhookRequest queried;
  queried.set_url("https://hooks.example.com?token=SECRET/x");
  queried.add_events("run.failed");
  auto second = h_.Call<v1::AddWebhookResponse>([&](Engine& e, auto reply) {
    e.AddWebhook(queried, "whsec_other", std::move(reply));
  });
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->webhook().url(), "https://hooks.example.com");
  v1::RemoveWebhookRequest remove;
  remove.set_id(second->webhook().id());
  ASSERT_TRUE(h_.Call<v1::Webhook>([&](Engine& e, auto reply) {
                  e.RemoveWebhook(remove, std::move(reply));
                }).ok());
  h_.Apply(kPublish);
  h_.ConnectWorker("test", 4);
  ASSERT_NO_FATAL_FAILURE(RunPost("r1"));

  std::vector<WebhookDelivery> sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  const WebhookDelivery first = sent[0];
  EXPECT_EQ(first.event_type, "run.succeeded");
  EXPECT_EQ(first.url, "https://hooks.example.com/services/T000/B000/XXXXSECRET");
  EXPECT_EQ(first.signing_secret, "whsec_test");
  EXPECT_EQ(first.try_number, 1);
  const google::protobuf::Struct body = Parse(first.body);
  EXPECT_EQ(Field(body, "id").string_value(), first.event_id);
  EXPECT_EQ(Field(body, "type").string_value(), "run.succeeded");
  EXPECT_EQ(Field(body, "namespace").string_value(), "default");
  EXPECT_EQ(Field(Field(body, "data").struct_value(), "run_id").string_value(), "r1");
  EXPECT_EQ(Listed().pending(), 1);

  // The receiver fails: the delivery waits out its backoff, then goes again, the same.
  Answer(first, /*delivered=*/false);
  EXPECT_THAT(sender_.Take(), SizeIs(0));
  h_.clock().Advance(absl::Milliseconds(500));
  h_.Cycle();
  EXPECT_THAT(sender_.Take(), SizeIs(0)) << "sent again before its backoff";
  h_.clock().Advance(absl::Milliseconds(600));
  h_.Cycle();
  sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(sent[0].event_id, first.event_id);
  EXPECT_EQ(sent[0].body, first.body);
  EXPECT_EQ(sent[0].try_number, 2);

  // The coordinator stops before the answer: the next start sends it again.
  h_.Restart();
  h_.Cycle();
  sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(sent[0].event_id, first.event_id);
  EXPECT_EQ(sent[0].try_number, 2) << "one try failed before the restart";

  Answer(sent[0], /*delivered=*/true);
  const v1::Webhook listed = Listed();
  EXPECT_EQ(listed.pending(), 0);
  EXPECT_EQ(listed.delivered(), 1);
  h_.Restart();
  h_.Cycle();
  EXPECT_THAT(sender_.Take(), SizeIs(0)) << "a delivery taken is never sent again";
}

TEST_F(WebhooksTest, OnlyTheEventTypesAWebhookTakesAreSent) {
  Add({"run.failed"});
  h_.Apply(kPublish);
  h_.ConnectWorker("test", 4);
  ASSERT_NO_FATAL_FAILURE(RunPost("ok"));
  EXPECT_THAT(sender_.Take(), SizeIs(0));
  ASSERT_NO_FATAL_FAILURE(RunPost("broken", /*fail=*/true));
  std::vector<WebhookDelivery> sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(sent[0].event_type, "run.failed");
  const google::protobuf::Struct data = Field(Parse(sent[0].body), "data").struct_value();
  EXPECT_EQ(Field(data, "run_id").string_value(), "broken");
  EXPECT_THAT(Field(Field(data, "error").struct_value(), "message").string_value(),
              HasSubstr("text too long"));
}

TEST_F(WebhooksTest, AFailingReceiverIsProbedOneDeliveryAtATimeWithDoublingBackoff) {
  Add({"run.succeeded"});
  h_.Apply(kPublish);
  h_.ConnectWorker("test", 8);
  for (int i = 0; i < 6; ++i) ASSERT_NO_FATAL_FAILURE(RunPost(absl::StrCat("r", i)));
  std::vector<WebhookDelivery> sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(4)) << "four in flight at most while the receiver succeeds";
  for (const WebhookDelivery& delivery : sent) Answer(delivery, /*delivered=*/false);
  sent.clear();
  // Four failures in a row: 8 s, then one probe at a time, each failure doubling the wait up
  // to 5 minutes.
  std::vector<absl::Duration> waits;
  for (int probe = 0; probe < 8; ++probe) {
    const absl::Time failed_at = h_.clock().Now();
    for (int second = 0; second < 400 && sent.empty(); ++second) {
      h_.clock().Advance(absl::Seconds(1));
      h_.Cycle();
      sent = sender_.Take();
    }
    ASSERT_THAT(sent, SizeIs(1)) << "one probe at a time";
    waits.push_back(h_.clock().Now() - failed_at);
    Answer(sent[0], /*delivered=*/false);
    sent.clear();
  }
  EXPECT_THAT(waits, ::testing::ElementsAre(absl::Seconds(8), absl::Seconds(16), absl::Seconds(32),
                                            absl::Seconds(64), absl::Seconds(128),
                                            absl::Seconds(256), absl::Seconds(300),
                                            absl::Seconds(300)));
  // It comes back: the probe goes through, and the rest follow at full speed.
  h_.clock().Advance(absl::Seconds(300));
  h_.Cycle();
  sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  Answer(sent[0], /*delivered=*/true);
  sent = sender_.Take();
  EXPECT_THAT(sent, SizeIs(4)) << "back to four in flight";
  std::set<std::string> delivered;
  for (int round = 0; round < 10 && !sent.empty(); ++round) {
    for (const WebhookDelivery& delivery : sent) {
      delivered.insert(delivery.event_id);
      Answer(delivery, /*delivered=*/true);
    }
    sent = sender_.Take();
  }
  EXPECT_THAT(delivered, SizeIs(5));
  EXPECT_EQ(Listed().pending(), 0);
  EXPECT_EQ(Listed().delivered(), 6);
}

TEST_F(WebhooksTest, NothingLeavesBeforeItsEventIsDurable) {
  Add({"run.succeeded"});
  h_.Apply(kPublish);
  h_.ConnectWorker("test", 4);
  ASSERT_TRUE(h_.Start("post", "r1").ok());
  h_.Cycle();
  std::vector<v1::Task> tasks = h_.TakeTasks();
  ASSERT_THAT(tasks, SizeIs(1));
  h_.faults().FailCommit(1, testing::FaultInjectingStore::Fault::kWriteFails);
  h_.Send(EngineHarness::Success(tasks[0]));
  EXPECT_FALSE(h_.TryCycle().ok());
  EXPECT_THAT(sender_.Take(), SizeIs(0)) << "the run's end never became durable";
  h_.Restart();
  h_.Cycle();
  EXPECT_THAT(sender_.Take(), SizeIs(0));
  EXPECT_NE(h_.Run("r1").status(), v1::RUN_STATUS_SUCCEEDED);
}

TEST(NotificationsTest, AReconnectSaysHowInItsNamespace) {
  const absl::Time since = absl::FromUnixSeconds(1'800'000'000);
  const Notification n = ReconnectNotification("acme", "acme_x", "x", "invalid_grant", since);
  EXPECT_EQ(n.type, "account.reconnect");
  const google::protobuf::Struct& how = Field(n.data, "how").struct_value();
  EXPECT_EQ(Field(how, "reconnect").string_value(),
            "fanfare accounts connect x --alias acme_x --client-id CLIENT_ID --namespace acme");
  EXPECT_EQ(ReconnectNotification("acme", "acme_x", "x", "again", since).event_id, n.event_id)
      << "one event, one id";
  EXPECT_NE(ReconnectNotification("acme", "acme_x", "x", "invalid_grant", since + absl::Hours(1))
                .event_id,
            n.event_id);
  EXPECT_NE(ReconnectNotification("globex", "acme_x", "x", "invalid_grant", since).event_id,
            n.event_id);
  EXPECT_THAT(n.text, HasSubstr("`acme_x` (x) in *acme* needs reconnecting: invalid_grant"));
  const std::string json = RenderBody(n, v1::WEBHOOK_FORMAT_JSON);
  EXPECT_THAT(json, HasSubstr(R"("created_at":"2027-01-15T08:00:00Z")"));
}

TEST_F(WebhooksTest, ARemovedWebhookTakesItsDeliveriesWithIt) {
  const v1::AddWebhookResponse added = Add({"run.succeeded"});
  h_.Apply(kPublish);
  h_.ConnectWorker("test", 4);
  ASSERT_NO_FATAL_FAILURE(RunPost("r1"));
  std::vector<WebhookDelivery> sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  v1::RemoveWebhookRequest request;
  request.set_id(added.webhook().id());
  auto removed = h_.Call<v1::Webhook>(
      [&](Engine& e, auto reply) { e.RemoveWebhook(request, std::move(reply)); });
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->pending(), 1);
  Answer(sent[0], /*delivered=*/false);  // late: ignored
  auto again = h_.Call<v1::Webhook>(
      [&](Engine& e, auto reply) { e.RemoveWebhook(request, std::move(reply)); });
  EXPECT_EQ(again.status().code(), absl::StatusCode::kNotFound);
  h_.Restart();
  h_.Cycle();
  EXPECT_THAT(sender_.Take(), SizeIs(0));
}

TEST_F(WebhooksTest, AnApprovalRequestSaysWhatIsApprovedAndHow) {
  Add({"approval.requested"});
  h_.Apply(R"yaml(
name: gated
budget: {currency: USD, total: 500, daily_max: 50}
steps:
  - {id: copy, action: test.work}
  - {id: review, needs: [copy], approval: {message: "Approve the copy?", approvers: [ann]}}
  - {id: go, needs: [review], action: test.work}
)yaml");
  h_.ConnectWorker("test", 4);
  ASSERT_TRUE(h_.Start("gated", "g1").ok());
  h_.Cycle();
  std::vector<v1::Task> tasks = h_.TakeTasks();
  ASSERT_THAT(tasks, SizeIs(1));
  google::protobuf::Value output;
  (*output.mutable_struct_value()->mutable_fields())["text"].set_string_value(
      "Meet the Rocket: lighter, faster.");
  h_.Complete(tasks[0], output);

  std::vector<WebhookDelivery> sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(sent[0].event_type, "approval.requested");
  const google::protobuf::Struct data = Field(Parse(sent[0].body), "data").struct_value();
  EXPECT_EQ(Field(data, "step").string_value(), "review");
  EXPECT_EQ(Field(data, "message").string_value(), "Approve the copy?");
  EXPECT_THAT(sent[0].body, HasSubstr("Meet the Rocket: lighter, faster."))
      << "what is approved: the outputs upstream";
  EXPECT_THAT(sent[0].body, HasSubstr("500000000")) << "the campaign's budget";
  const std::string digest = Field(data, "approval_digest").string_value();
  EXPECT_FALSE(digest.empty());
  EXPECT_EQ(Field(Field(data, "how").struct_value(), "approve").string_value(),
            "fanfare approve g1 review --digest " + digest);
}

TEST_F(WebhooksTest, TheSlackBodyIsOneReadableMessage) {
  Add({"run.failed"}, v1::WEBHOOK_FORMAT_SLACK);
  h_.Apply(kPublish);
  h_.ConnectWorker("test", 4);
  ASSERT_NO_FATAL_FAILURE(RunPost("b<1>", /*fail=*/true));
  std::vector<WebhookDelivery> sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  const google::protobuf::Struct body = Parse(sent[0].body);
  ASSERT_EQ(body.fields_size(), 1);
  EXPECT_THAT(Field(body, "text").string_value(), HasSubstr("`b&lt;1&gt;` (post)"));
  EXPECT_THAT(Field(body, "text").string_value(), HasSubstr("failed: text too long"));
  EXPECT_FALSE(sent[0].event_id.empty()) << "the id travels in a header";
}

class BoundedWebhooksTest : public WebhooksTest {
 protected:
  BoundedWebhooksTest()
      : WebhooksTest({.max_pending = 2, .retention = absl::Hours(1)}) {}
};

TEST_F(BoundedWebhooksTest, AFullOutboxDropsNewerEventsAndSaysSo) {
  Add({"run.succeeded"});
  h_.Apply(kPublish);
  h_.ConnectWorker("test", 4);
  for (int i = 0; i < 3; ++i) ASSERT_NO_FATAL_FAILURE(RunPost(absl::StrCat("r", i)));
  const v1::Webhook listed = Listed();
  EXPECT_EQ(listed.pending(), 2);
  EXPECT_THAT(listed.last_error(), HasSubstr("outbox full"));
}

TEST_F(BoundedWebhooksTest, ADeliveryOlderThanTheRetentionIsGivenUp) {
  Add({"run.succeeded"});
  h_.Apply(kPublish);
  h_.ConnectWorker("test", 4);
  ASSERT_NO_FATAL_FAILURE(RunPost("r1"));
  std::vector<WebhookDelivery> sent = sender_.Take();
  ASSERT_THAT(sent, SizeIs(1));
  Answer(sent[0], /*delivered=*/false);
  h_.clock().Advance(absl::Hours(2));
  h_.Cycle();
  EXPECT_THAT(sender_.Take(), SizeIs(0));
  EXPECT_EQ(Listed().pending(), 0);
}

}  // namespace
}  // namespace fanfare::coordinator
