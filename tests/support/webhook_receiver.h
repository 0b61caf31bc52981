// WebhookReceiver: an HTTP server on 127.0.0.1 that takes webhook deliveries the way a
// demanding receiver does — it checks each one's Fanfare-Signature — and misbehaves on
// demand: it can refuse every n-th delivery with a 503, and go down (its port refusing
// connections) and come back on the same port.
//
// Thread-safe.
#ifndef FANFARE_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
#define FANFARE_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace httplib {
class Server;
}

namespace fanfare::testing {

struct ReceivedDelivery {
  std::string event_id;
  std::string event_type;
  int try_number = 0;
  std::string body;
  // The Fanfare-Signature header verified: its HMAC-SHA256 of "<t>.<body>" under the secret,
  // and its t within five minutes of the receiver's clock.
  bool signature_valid = false;
  // The receiver answered 2xx (else it refused it on purpose).
  bool accepted = false;
};

class WebhookReceiver {
 public:
  // Deliveries are checked against `signing_secret` (settable later: set_secret).
  explicit WebhookReceiver(std::string signing_secret = "");
  ~WebhookReceiver();

  // Listens (on the port it had, if it had one); an error if it cannot.
  absl::Status Start();
  // Goes down: connections are refused until Start().
  void Stop();

  int port() const { return port_; }
  std::string url() const;
  void set_secret(std::string secret);
  // Refuses every `n`-th request with a 503 (0: none; 2: half of them).
  void set_refuse_every(int n);

  // Every request received, accepted or refused, in order.
  std::vector<ReceivedDelivery> Received() const;

 private:
  void Handle(const std::string& body, const std::string& signature, ReceivedDelivery delivery,
              int& status);

  mutable absl::Mutex mu_;
  std::string secret_ ABSL_GUARDED_BY(mu_);
  int refuse_every_ ABSL_GUARDED_BY(mu_) = 0;
  int requests_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<ReceivedDelivery> received_ ABSL_GUARDED_BY(mu_);
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// True if `header` (a Fanfare-Signature value) signs `body` under `secret`, made within
// `tolerance` of `now`.
bool SignatureValid(const std::string& header, const std::string& body,
                    const std::string& secret, absl::Time now,
                    absl::Duration tolerance = absl::Minutes(5));

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
