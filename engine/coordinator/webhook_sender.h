// WebhookSender: how the engine has a webhook delivery carried to its receiver without
// waiting for it on its own thread.
//
// The engine owns the outbox (docs/operations.md, "Webhooks"): it writes a delivery in the
// same batch as the event it tells of, hands it to the sender only once that batch is
// durable, and deletes it only when the sender answers that the receiver took it. A delivery
// whose answer never comes (the process stopped) is sent again after the next start: at least
// once, never "at most".
#ifndef FANFARE_ENGINE_COORDINATOR_WEBHOOK_SENDER_H_
#define FANFARE_ENGINE_COORDINATOR_WEBHOOK_SENDER_H_

#include <cstdint>
#include <string>

namespace fanfare::coordinator {

// One try of one delivery.
struct WebhookDelivery {
  uint64_t seq = 0;  // the outbox record's: what the answer names
  std::string url;
  // The HMAC-SHA256 key of the Fanfare-Signature header; in memory only.
  std::string signing_secret;
  std::string event_id;
  std::string event_type;
  std::string body;
  int try_number = 1;  // 1 for the first
};

struct WebhookAnswer {
  uint64_t seq = 0;
  // The receiver answered 2xx.
  bool delivered = false;
  // Otherwise why not ("HTTP 503", "connection refused"), without the URL.
  std::string error;
};

// Thread-safe.
class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // Starts the try and returns at once; the answer arrives later through the callback the
  // sender was built with, exactly once per delivery (a try is bounded by a timeout), on
  // another thread — unless the sender is destroyed first. Until it answers, the webhook
  // counts the delivery as in flight.
  virtual void Send(WebhookDelivery delivery) = 0;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_WEBHOOK_SENDER_H_
