// HttpWebhookSender: the WebhookSender fanfared uses. Each try is one HTTP POST from a thread
// of its own (a slow receiver never holds the engine), signed so that the receiver can tell
// that Fanfare sent it and when:
//
//   POST <url>
//   Content-Type: application/json
//   Fanfare-Event-Id: evt_…          the same in every try of one event: deduplicate on it
//   Fanfare-Event-Type: run.failed
//   Fanfare-Delivery-Try: 3
//   Fanfare-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the
//                      webhook's signing secret>
//
// A 2xx answer is a delivery; anything else (or none within the timeout) a failed try, which
// the engine schedules again. Redirects are not followed, and an answer's body is read only
// up to 4 KiB (then the transfer is cut: a receiver cannot make fanfared hold what it sends).
//
// Thread-safe. The destructor stops taking deliveries, abandons the tries in flight and
// drops their answers (the outbox keeps them; the next start sends them again).
#ifndef FANFARE_ENGINE_WEBHOOKS_HTTP_WEBHOOK_SENDER_H_
#define FANFARE_ENGINE_WEBHOOKS_HTTP_WEBHOOK_SENDER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/thread_pool.h"
#include "engine/coordinator/webhook_sender.h"
#include "workers/common/http_client.h"

namespace fanfare::webhooks {

struct HttpWebhookSenderOptions {
  // Tries carried out at once (each is one HTTP request). A receiver that hangs holds up to
  // four of them (WebhookLimits::max_in_flight) for the timeout; the others go on.
  int threads = 16;
  absl::Duration request_timeout = absl::Seconds(10);
  // Where the signatures' timestamps come from. Must outlive the sender.
  const Clock* clock = &Clock::System();
  // Null: a CurlHttpClient making one attempt per try. Must outlive the sender and be
  // thread-safe.
  workers::HttpClient* http = nullptr;
};

// The Fanfare-Signature header's value for `body` sent at `at`.
std::string SignatureHeader(absl::string_view signing_secret, absl::Time at,
                            absl::string_view body);

class HttpWebhookSender final : public coordinator::WebhookSender {
 public:
  using Answered = std::function<void(coordinator::WebhookAnswer)>;
  HttpWebhookSender(HttpWebhookSenderOptions options, Answered answered);
  ~HttpWebhookSender() override;

  void Send(coordinator::WebhookDelivery delivery) override;

 private:
  coordinator::WebhookAnswer Try(const coordinator::WebhookDelivery& delivery);

  HttpWebhookSenderOptions options_;
  Answered answered_;
  std::unique_ptr<workers::HttpClient> own_http_;
  workers::HttpClient* http_;
  // Set by the destructor, for the requests in flight to poll.
  std::atomic<bool> abandon_{false};
  ThreadPool pool_;  // last: stopped first
};

}  // namespace fanfare::webhooks

#endif  // FANFARE_ENGINE_WEBHOOKS_HTTP_WEBHOOK_SENDER_H_
