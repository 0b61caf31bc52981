#include "tests/support/webhook_receiver.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/sha256.h"
#include "httplib.h"

namespace fanfare::testing {

bool SignatureValid(const std::string& header, const std::string& body,
                    const std::string& secret, absl::Time now, absl::Duration tolerance) {
  std::string t;
  std::string v1;
  for (absl::string_view part : absl::StrSplit(header, ',')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.first == "t") t = kv.second;
    if (kv.first == "v1") v1 = kv.second;
  }
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(t, &seconds) || v1.empty()) return false;
  if (absl::AbsDuration(now - absl::FromUnixSeconds(seconds)) > tolerance) return false;
  return HmacSha256Hex(secret, absl::StrCat(t, ".", body)) == v1;
}

WebhookReceiver::WebhookReceiver(std::string signing_secret)
    : secret_(std::move(signing_secret)) {}

WebhookReceiver::~WebhookReceiver() { Stop(); }

absl::Status WebhookReceiver::Start() {
  Stop();
  server_ = std::make_unique<httplib::Server>();
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    ReceivedDelivery delivery;
    delivery.event_id = req.get_header_value("Fanfare-Event-Id");
    delivery.event_type = req.get_header_value("Fanfare-Event-Type");
    delivery.try_number = std::atoi(req.get_header_value("Fanfare-Delivery-Try").c_str());
    int status = 200;
    Handle(req.body, req.get_header_value("Fanfare-Signature"), std::move(delivery), status);
    res.status = status;
  });
  const int bound =
      port_ == 0 ? server_->bind_to_any_port("127.0.0.1")
                 : (server_->bind_to_port("127.0.0.1", port_) ? port_ : -1);
  if (bound <= 0) return absl::UnavailableError(absl::StrCat("cannot listen on ", port_));
  port_ = bound;
  thread_ = std::thread([s = server_.get()] { s->listen_after_bind(); });
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
  return absl::OkStatus();
}

void WebhookReceiver::Stop() {
  if (server_ == nullptr) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

std::string WebhookReceiver::url() const {
  return absl::StrCat("http://127.0.0.1:", port_, "/hooks/fanfare");
}

void WebhookReceiver::set_secret(std::string secret) {
  absl::MutexLock lock(&mu_);
  secret_ = std::move(secret);
}

void WebhookReceiver::set_refuse_every(int n) {
  absl::MutexLock lock(&mu_);
  refuse_every_ = n;
}

void WebhookReceiver::Handle(const std::string& body, const std::string& signature,
                             ReceivedDelivery delivery, int& status) {
  absl::MutexLock lock(&mu_);
  ++requests_;
  delivery.body = body;
  delivery.signature_valid = SignatureValid(signature, body, secret_, absl::Now());
  delivery.accepted = refuse_every_ == 0 || requests_ % refuse_every_ != 0;
  status = delivery.accepted ? 200 : 503;
  received_.push_back(std::move(delivery));
}

std::vector<ReceivedDelivery> WebhookReceiver::Received() const {
  absl::MutexLock lock(&mu_);
  return received_;
}

}  // namespace fanfare::testing
