// HttpWebhookSender against a real HTTP receiver on loopback: what a delivery carries, how
// its signature is made, and what counts as delivered.
#include "engine/webhooks/http_webhook_sender.h"

#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/support/webhook_receiver.h"

namespace fanfare::webhooks {
namespace {

using coordinator::WebhookAnswer;
using coordinator::WebhookDelivery;

// Sends `delivery` and waits for the answer.
WebhookAnswer SendAndWait(WebhookDelivery delivery) {
  absl::Notification answered;
  WebhookAnswer answer;
  HttpWebhookSender sender({.threads = 1, .request_timeout = absl::Seconds(5)},
                           [&](WebhookAnswer a) {
                             answer = std::move(a);
                             answered.Notify();
                           });
  sender.Send(std::move(delivery));
  EXPECT_TRUE(answered.WaitForNotificationWithTimeout(absl::Seconds(10)));
  return answer;
}

WebhookDelivery Delivery(const std::string& url) {
  return WebhookDelivery{.seq = 7,
                         .url = url,
                         .signing_secret = "whsec_0123",
                         .event_id = "evt_abc",
                         .event_type = "run.failed",
                         .body = R"({"id":"evt_abc","type":"run.failed"})",
                         .try_number = 3};
}

TEST(SignatureHeaderTest, IsTheHmacOfTheTimestampAndTheBody) {
  // t=1700000000: HMAC-SHA256("whsec_0123", "1700000000.{}"), computed with
  // `printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_0123`.
  EXPECT_EQ(SignatureHeader("whsec_0123", absl::FromUnixSeconds(1700000000), "{}"),
            "t=1700000000,v1=9da47346d2f0d9d5f63ab53bb3381a97bc6bbf618ff42527a1067cd1d51a76b6");
  EXPECT_TRUE(testing::SignatureValid(
      SignatureHeader("whsec_0123", absl::FromUnixSeconds(1700000000), "{}"), "{}", "whsec_0123",
      absl::FromUnixSeconds(1700000060)));
  EXPECT_FALSE(testing::SignatureValid(
      SignatureHeader("whsec_0123", absl::FromUnixSeconds(1700000000), "{}"), "{ }",
      "whsec_0123", absl::FromUnixSeconds(1700000060)))
      << "another body";
  EXPECT_FALSE(testing::SignatureValid(
      SignatureHeader("whsec_0123", absl::FromUnixSeconds(1700000000), "{}"), "{}", "whsec_9",
      absl::FromUnixSeconds(1700000060)))
      << "another secret";
  EXPECT_FALSE(testing::SignatureValid(
      SignatureHeader("whsec_0123", absl::FromUnixSeconds(1700000000), "{}"), "{}", "whsec_0123",
      absl::FromUnixSeconds(1700003600)))
      << "too old: a replay";
}

TEST(HttpWebhookSenderTest, ADeliveryCarriesItsIdTypeTryAndAValidSignature) {
  testing::WebhookReceiver receiver("whsec_0123");
  ASSERT_TRUE(receiver.Start().ok());
  const WebhookAnswer answer = SendAndWait(Delivery(receiver.url()));
  EXPECT_TRUE(answer.delivered) << answer.error;
  EXPECT_EQ(answer.seq, 7u);
  const std::vector<testing::ReceivedDelivery> received = receiver.Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].event_id, "evt_abc");
  EXPECT_EQ(received[0].event_type, "run.failed");
  EXPECT_EQ(received[0].try_number, 3);
  EXPECT_EQ(received[0].body, R"({"id":"evt_abc","type":"run.failed"})");
  EXPECT_TRUE(received[0].signature_valid);
}

TEST(HttpWebhookSenderTest, ARefusalOrNoReceiverIsAFailedTry) {
  testing::WebhookReceiver receiver("whsec_0123");
  ASSERT_TRUE(receiver.Start().ok());
  receiver.set_refuse_every(1);
  WebhookAnswer answer = SendAndWait(Delivery(receiver.url()));
  EXPECT_FALSE(answer.delivered);
  EXPECT_EQ(answer.error, "HTTP 503");
  receiver.Stop();
  answer = SendAndWait(Delivery(receiver.url()));
  EXPECT_FALSE(answer.delivered);
  EXPECT_FALSE(answer.error.empty());
  EXPECT_EQ(answer.error.find("/hooks"), std::string::npos) << "the URL's path stays out";
}

TEST(HttpWebhookSenderTest, AnAnswerWithoutEndIsNotHeld) {
  // A receiver that takes the delivery and then streams its answer's body forever.
  httplib::Server server;
  server.Post(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
      static const std::string kChunk(64 * 1024, 'x');
      return sink.write(kChunk.data(), kChunk.size());
    });
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { server.listen_after_bind(); });
  const absl::Time start = absl::Now();
  const WebhookAnswer answer =
      SendAndWait(Delivery(absl::StrCat("http://127.0.0.1:", port, "/endless")));
  EXPECT_TRUE(answer.delivered) << "a 2xx is a delivery, whatever follows: " << answer.error;
  EXPECT_LT(absl::Now() - start, absl::Seconds(4)) << "cut after its first bytes, not timed out";
  server.stop();
  serving.join();
}

}  // namespace
}  // namespace fanfare::webhooks
