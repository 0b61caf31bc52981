#include "engine/webhooks/http_webhook_sender.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/sha256.h"
#include "base/version.h"

namespace fanfare::webhooks {

using coordinator::WebhookAnswer;
using coordinator::WebhookDelivery;

namespace {

// What of a receiver's refusal is kept (in the outbox record and `webhooks list`).
constexpr size_t kMaxErrorBytes = 200;
// What of a receiver's answer is read at all.
constexpr size_t kMaxAnswerBytes = 4096;

}  // namespace

std::string SignatureHeader(absl::string_view signing_secret, absl::Time at,
                            absl::string_view body) {
  const std::string t = absl::StrCat(absl::ToUnixSeconds(at));
  return absl::StrCat("t=", t, ",v1=", HmacSha256Hex(signing_secret, absl::StrCat(t, ".", body)));
}

HttpWebhookSender::HttpWebhookSender(HttpWebhookSenderOptions options, Answered answered)
    : options_(std::move(options)),
      answered_(std::move(answered)),
      own_http_(options_.http == nullptr
                    // One attempt per try: the engine decides when to try again, and counts.
                    ? std::make_unique<workers::CurlHttpClient>(
                          workers::RetryPolicy{.max_attempts = 1})
                    : nullptr),
      http_(options_.http != nullptr ? options_.http : own_http_.get()),
      pool_(options_.threads) {}

HttpWebhookSender::~HttpWebhookSender() { abandon_ = true; }

void HttpWebhookSender::Send(WebhookDelivery delivery) {
  pool_.Schedule([this, delivery = std::move(delivery)] {
    WebhookAnswer answer = Try(delivery);
    if (!pool_.stopping()) answered_(std::move(answer));
  });
}

WebhookAnswer HttpWebhookSender::Try(const WebhookDelivery& delivery) {
  workers::HttpRequest request;
  request.method = "POST";
  request.url = delivery.url;
  request.timeout = options_.request_timeout;
  request.headers = {
      {"Content-Type", "application/json"},
      {"User-Agent", absl::StrCat("fanfare-webhooks/", Version())},
      {"Fanfare-Event-Id", delivery.event_id},
      {"Fanfare-Event-Type", delivery.event_type},
      {"Fanfare-Delivery-Try", absl::StrCat(delivery.try_number)},
      {"Fanfare-Signature",
       SignatureHeader(delivery.signing_secret, options_.clock->Now(), delivery.body)},
  };
  request.body = delivery.body;
  request.abandon = [this] { return abandon_.load(); };
  // Only the status matters: a receiver's answer is not held beyond this.
  request.max_response_bytes = kMaxAnswerBytes;
  WebhookAnswer answer;
  answer.seq = delivery.seq;
  absl::StatusOr<workers::HttpResponse> response = http_->Send(request);
  if (!response.ok()) {
    answer.error = std::string(response.status().message().substr(0, kMaxErrorBytes));
  } else if (response->ok()) {
    answer.delivered = true;
  } else {
    answer.error = absl::StrCat("HTTP ", response->status);
  }
  return answer;
}

}  // namespace fanfare::webhooks
