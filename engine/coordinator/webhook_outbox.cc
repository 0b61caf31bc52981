// WebhookOutbox: subscriptions, the outbox records written beside their events, and the
// pacing of tries per webhook (webhook_outbox.h).
#include "engine/coordinator/webhook_outbox.h"

#include <algorithm>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/namespaces.h"
#include "engine/coordinator/stored_record.h"
#include "engine/store/key_codec.h"

namespace fanfare::coordinator {
namespace {

// A receiver that refuses now and then is not worth a line; one that failed this many tries
// in a row is (and its recovery, then).
constexpr int kFailuresToWarn = 3;

// What of a webhook's URL is shown: scheme, host and the path's first segment. The rest (a
// Slack webhook's path, a query's token) may be a secret of its own.
std::string ShortUrl(absl::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = url.find("://");
  if (scheme == absl::string_view::npos) return "…";
  const size_t path = url.find('/', scheme + 3);
  if (path == absl::string_view::npos) return std::string(url);
  const size_t second = url.find('/', path + 1);
  if (second == absl::string_view::npos) return std::string(url);
  return absl::StrCat(url.substr(0, second), "/…");
}

bool Takes(const internal::WebhookRecord& record, absl::string_view type) {
  return absl::c_linear_search(record.webhook().events(), type);
}

}  // namespace

WebhookOutbox::WebhookOutbox(StateWriter& state, const Clock& clock,
                             metrics::Registry& registry, WebhookLimits limits)
    : state_(state),
      clock_(clock),
      limits_(limits),
      deliveries_(registry.AddCounter(
          "fanfare_webhook_deliveries_total",
          "Webhook delivery tries and ends, by namespace and outcome: delivered (the receiver "
          "answered 2xx), failed (a try that did not; it is tried again), expired (given up "
          "after the retention), dropped (the outbox was full).",
          {"namespace", "outcome"})) {}

absl::Status WebhookOutbox::Load(const store::Store& store) {
  absl::Status loaded = ScanRecords<internal::WebhookRecord>(
      store, store::Cf::kWebhooks, "", [&](absl::string_view, internal::WebhookRecord record) {
        const std::string ns = record.webhook().namespace_();
        const std::string id = record.webhook().id();
        Subscriber& subscriber = webhooks_[ns][id];
        subscriber.record = std::move(record);
        by_id_[id] = &subscriber;
        ++count_;
        return true;
      });
  if (!loaded.ok()) return loaded;
  return ScanRecords<internal::OutboxRecord>(
      store, store::Cf::kOutbox, "", [&](absl::string_view key, internal::OutboxRecord record) {
        uint64_t seq = 0;
        store::KeyReader reader(key);
        if (!reader.U64(&seq)) return true;  // not ours
        next_seq_ = std::max(next_seq_, seq + 1);
        Subscriber* subscriber = Find(record.webhook_id());
        if (subscriber == nullptr) {
          state_.DeleteOutbox(seq);  // its webhook was removed
          return true;
        }
        Hold(seq, std::move(record), *subscriber);
        return true;
      });
}

WebhookOutbox::Subscriber* WebhookOutbox::Find(const std::string& id) {
  auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : found->second;
}

absl::StatusOr<v1::Webhook> WebhookOutbox::Add(const v1::AddWebhookRequest& request,
                                               const std::string& id,
                                               const std::string& signing_secret) {
  const std::string ns = NamespaceOr(request.namespace_());
  std::map<std::string, Subscriber>& book = webhooks_[ns];
  if (book.size() >= limits_.max_per_namespace || count_ >= limits_.max_in_all) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "namespace ", ns, " has ", book.size(), " webhooks (at most ", limits_.max_per_namespace,
        " per namespace and ", limits_.max_in_all, " in all)"));
  }
  const std::string name = request.name().empty() ? id : request.name();
  for (const auto& [other_id, other] : book) {
    if (other.record.webhook().name() == name) {
      return absl::AlreadyExistsError(absl::StrCat("namespace ", ns, " has a webhook named '",
                                                   name, "' (", other_id, ")"));
    }
  }
  Subscriber& subscriber = book[id];
  v1::Webhook& webhook = *subscriber.record.mutable_webhook();
  webhook.set_id(id);
  webhook.set_namespace_(ns);
  webhook.set_name(name);
  webhook.set_url(ShortUrl(request.url()));
  *webhook.mutable_events() = request.events();
  webhook.set_format(request.format() == v1::WEBHOOK_FORMAT_SLACK ? v1::WEBHOOK_FORMAT_SLACK
                                                                  : v1::WEBHOOK_FORMAT_JSON);
  *webhook.mutable_created_at() = ToProtoTime(clock_.Now());
  webhook.set_created_by(request.identity());
  subscriber.record.set_url(request.url());
  subscriber.record.set_signing_secret(signing_secret);
  by_id_[id] = &subscriber;
  ++count_;
  state_.PutWebhook(subscriber.record);
  return View(subscriber);
}

v1::ListWebhooksResponse WebhookOutbox::List(const std::string& ns) const {
  v1::ListWebhooksResponse response;
  if (auto book = webhooks_.find(ns); book != webhooks_.end()) {
    for (const auto& [id, subscriber] : book->second) *response.add_webhooks() = View(subscriber);
  }
  return response;
}

absl::StatusOr<v1::Webhook> WebhookOutbox::Remove(const std::string& ns, const std::string& id) {
  auto book = webhooks_.find(ns);
  if (book == webhooks_.end() || !book->second.contains(id)) {
    return absl::NotFoundError(absl::StrCat("namespace ", ns, " has no webhook ", id,
                                            "; `fanfare admin webhooks list` shows them"));
  }
  Subscriber& subscriber = book->second.at(id);
  v1::Webhook removed = View(subscriber);
  // A try under way still completes; its answer finds nothing, and is ignored.
  for (uint64_t seq : subscriber.waiting) Forget(seq);
  for (uint64_t seq : subscriber.in_flight) Forget(seq);
  state_.DeleteWebhook(ns, id);
  backlog_.erase(&subscriber);
  by_id_.erase(id);
  book->second.erase(id);
  --count_;
  return removed;
}

const internal::OutboxRecord* WebhookOutbox::Oldest(const Subscriber& subscriber) const {
  uint64_t oldest = UINT64_MAX;
  if (!subscriber.waiting.empty()) oldest = *subscriber.waiting.begin();
  if (!subscriber.in_flight.empty()) oldest = std::min(oldest, *subscriber.in_flight.begin());
  auto found = outbox_.find(oldest);
  return found == outbox_.end() ? nullptr : &found->second;
}

v1::Webhook WebhookOutbox::View(const Subscriber& subscriber) const {
  v1::Webhook webhook = subscriber.record.webhook();
  webhook.set_pending(
      static_cast<int64_t>(subscriber.waiting.size() + subscriber.in_flight.size()));
  if (const internal::OutboxRecord* oldest = Oldest(subscriber)) {
    *webhook.mutable_oldest_pending_at() = oldest->created_at();
  }
  webhook.set_delivered(subscriber.delivered);
  webhook.set_failed_tries(subscriber.failed_tries);
  if (subscriber.last_delivered_at != absl::InfinitePast()) {
    *webhook.mutable_last_delivered_at() = ToProtoTime(subscriber.last_delivered_at);
  }
  webhook.set_last_error(subscriber.last_error);
  return webhook;
}

bool WebhookOutbox::Wanted(const std::string& ns, absl::string_view type) const {
  auto book = webhooks_.find(ns);
  if (book == webhooks_.end()) return false;
  return absl::c_any_of(book->second,
                        [&](const auto& entry) { return Takes(entry.second.record, type); });
}

void WebhookOutbox::Enqueue(const Notification& notification) {
  auto book = webhooks_.find(notification.ns);
  if (book == webhooks_.end()) return;
  for (auto& [id, subscriber] : book->second) {
    if (!Takes(subscriber.record, notification.type)) continue;
    internal::OutboxRecord record;
    record.set_body(RenderBody(notification, subscriber.record.webhook().format()));
    if (subscriber.waiting.size() + subscriber.in_flight.size() >= limits_.max_pending ||
        bytes_ + record.body().size() > limits_.max_bytes) {
      Count(notification.ns, "dropped");
      subscriber.last_error = "outbox full: newer events dropped";
      log::Warning("webhooks", "outbox full: event dropped")
          .Field("namespace", notification.ns)
          .Field("webhook", id)
          .Field("event", notification.event_id)
          .Field("type", notification.type);
      continue;
    }
    record.set_namespace_(notification.ns);
    record.set_webhook_id(id);
    record.set_event_id(notification.event_id);
    record.set_event_type(notification.type);
    *record.mutable_created_at() = ToProtoTime(notification.at);
    *record.mutable_queued_at() = ToProtoTime(clock_.Now());
    const uint64_t seq = next_seq_++;
    state_.PutOutbox(seq, record);
    Hold(seq, std::move(record), subscriber);
  }
}

void WebhookOutbox::Hold(uint64_t seq, internal::OutboxRecord record, Subscriber& subscriber) {
  bytes_ += record.body().size();
  outbox_.emplace(seq, std::move(record));
  subscriber.waiting.insert(seq);
  backlog_.insert(&subscriber);
}

int WebhookOutbox::Allowance(const Subscriber& subscriber) const {
  return subscriber.failures == 0 ? limits_.max_in_flight : 1;
}

std::vector<WebhookDelivery> WebhookOutbox::TakeDue() {
  std::vector<WebhookDelivery> due;
  if (backlog_.empty()) return due;
  const absl::Time now = clock_.Now();
  std::vector<Subscriber*> drained;
  for (Subscriber* subscriber : backlog_) {
    if (subscriber->next_try_at > now) continue;
    TakeDueOf(*subscriber, now, due);
    if (subscriber->waiting.empty()) drained.push_back(subscriber);
  }
  for (Subscriber* subscriber : drained) backlog_.erase(subscriber);
  return due;
}

void WebhookOutbox::TakeDueOf(Subscriber& subscriber, absl::Time now,
                              std::vector<WebhookDelivery>& due) {
  int expired = 0;
  while (!subscriber.waiting.empty() &&
         static_cast<int>(subscriber.in_flight.size()) < Allowance(subscriber) &&
         expired < kMaxExpiriesPerCycle) {
    const uint64_t seq = *subscriber.waiting.begin();
    subscriber.waiting.erase(subscriber.waiting.begin());
    const internal::OutboxRecord& record = outbox_.at(seq);
    if (now - FromProtoTime(record.queued_at()) > limits_.retention) {
      Count(record.namespace_(), "expired");
      subscriber.last_error = absl::StrCat("deliveries given up after ",
                                           absl::FormatDuration(limits_.retention),
                                           "; the last error: ", record.last_error());
      ++expired;
      Forget(seq);
      continue;
    }
    subscriber.in_flight.insert(seq);
    due.push_back(WebhookDelivery{.seq = seq,
                                  .url = subscriber.record.url(),
                                  .signing_secret = subscriber.record.signing_secret(),
                                  .event_id = record.event_id(),
                                  .event_type = record.event_type(),
                                  .body = record.body(),
                                  .try_number = record.tries() + 1});
  }
  if (expired > 0) {
    log::Error("webhooks", "deliveries given up after the retention")
        .Field("namespace", subscriber.record.webhook().namespace_())
        .Field("webhook", subscriber.record.webhook().id())
        .Field("deliveries", expired)
        .Field("retention", limits_.retention);
  }
}

void WebhookOutbox::Answered(const WebhookAnswer& answer) {
  auto found = outbox_.find(answer.seq);
  if (found == outbox_.end()) return;
  internal::OutboxRecord& record = found->second;
  Subscriber* subscriber = Find(record.webhook_id());
  if (subscriber == nullptr || subscriber->in_flight.erase(answer.seq) == 0) return;
  if (!answer.delivered) {
    Failed(answer.seq, record, *subscriber, answer.error);
    return;
  }
  Count(record.namespace_(), "delivered");
  if (subscriber->failures >= kFailuresToWarn) {
    log::Info("webhooks", "deliveries resumed")
        .Field("namespace", record.namespace_())
        .Field("webhook", record.webhook_id())
        .Field("failed_tries", subscriber->failures);
  }
  const absl::Time now = clock_.Now();
  ++subscriber->delivered;
  subscriber->failures = 0;
  subscriber->next_try_at = now;
  subscriber->last_delivered_at = now;
  Forget(answer.seq);
}

void WebhookOutbox::Failed(uint64_t seq, internal::OutboxRecord& record, Subscriber& subscriber,
                           const std::string& error) {
  Count(record.namespace_(), "failed");
  if (subscriber.failures + 1 == kFailuresToWarn) {
    log::Warning("webhooks", "deliveries failing; trying again with backoff")
        .Field("namespace", record.namespace_())
        .Field("webhook", record.webhook_id())
        .Field("event", record.event_id())
        .Field("error", error);
  }
  const int failures = std::min(++subscriber.failures, 20);
  const absl::Duration backoff =
      std::min(absl::Seconds(1) * (int64_t{1} << (failures - 1)), limits_.max_backoff);
  subscriber.next_try_at = std::max(subscriber.next_try_at, clock_.Now() + backoff);
  ++subscriber.failed_tries;
  subscriber.last_error = error;
  record.set_tries(record.tries() + 1);
  record.set_last_error(error);
  state_.PutOutbox(seq, record);
  subscriber.waiting.insert(seq);
  backlog_.insert(&subscriber);
}

absl::Time WebhookOutbox::NextDue() const {
  absl::Time next = absl::InfiniteFuture();
  for (const Subscriber* subscriber : backlog_) {
    if (static_cast<int>(subscriber->in_flight.size()) < Allowance(*subscriber)) {
      next = std::min(next, subscriber->next_try_at);
    }
  }
  return next;
}

void WebhookOutbox::Forget(uint64_t seq) {
  auto found = outbox_.find(seq);
  if (found == outbox_.end()) return;
  bytes_ -= found->second.body().size();
  outbox_.erase(found);
  state_.DeleteOutbox(seq);
}

void WebhookOutbox::Count(const std::string& ns, const char* outcome) {
  deliveries_.With({ns, outcome}).Add();
}

void WebhookOutbox::CollectMetrics(std::vector<metrics::MetricFamily>& out) const {
  metrics::MetricFamily pending{.name = "fanfare_webhook_pending",
                                .help = "Webhook deliveries in the outbox (waiting, or being "
                                        "tried), by namespace.",
                                .type = metrics::MetricType::kGauge};
  metrics::MetricFamily oldest{.name = "fanfare_webhook_oldest_pending_seconds",
                               .help = "How long the oldest webhook delivery in the outbox has "
                                       "waited, by namespace.",
                               .type = metrics::MetricType::kGauge};
  const absl::Time now = clock_.Now();
  for (const auto& [ns, book] : webhooks_) {
    double count = 0;
    absl::Time first = absl::InfiniteFuture();
    for (const auto& [id, subscriber] : book) {
      count += static_cast<double>(subscriber.waiting.size() + subscriber.in_flight.size());
      if (const internal::OutboxRecord* record = Oldest(subscriber)) {
        first = std::min(first, FromProtoTime(record->queued_at()));
      }
    }
    if (count == 0) continue;
    pending.samples.push_back({.labels = {{"namespace", ns}}, .value = count});
    oldest.samples.push_back(
        {.labels = {{"namespace", ns}}, .value = absl::ToDoubleSeconds(now - first)});
  }
  out.push_back(std::move(pending));
  out.push_back(std::move(oldest));
}

}  // namespace fanfare::coordinator
