// WebhookOutbox: a namespace's webhooks, and the deliveries waiting to reach them
// (docs/operations.md, "Webhooks").
//
// A notification becomes one outbox record per webhook that takes its type, written through
// the engine's StateWriter into the same commit group as the event it tells of: the event
// and its deliveries are durable together or not at all. A delivery leaves the outbox only
// when its receiver answered 2xx, so every event is delivered at least once, whatever
// crashes or receiver failures come between; receivers deduplicate on the event id.
//
// Tries are paced per webhook, not per delivery: while its receiver succeeds, up to
// max_in_flight deliveries go at once, oldest first; once it fails, one at a time, after a
// backoff that doubles with each failure in a row (1 s, 2 s, 4 s … up to max_backoff), so a
// receiver that is down is probed, not flooded. Bounded: a webhook holds at most max_pending
// deliveries and the outbox at most max_bytes of bodies (newer events are dropped, counted
// and logged beyond that), and a delivery queued longer than `retention` is given up.
//
// Backoff and retention run on the delivery clock given at construction — the system's in
// fanfared, even in a rehearsal, whose campaign clock jumps.
//
// Invariants: every seq in a Subscriber's `waiting` or `in_flight` (never both) is in
// `outbox_`, and every record in `outbox_` is in its webhook's `waiting` or `in_flight`;
// `backlog_` holds exactly the Subscribers whose `waiting` is not empty after TakeDue (and
// possibly more between Enqueue and the next TakeDue); `bytes_` is the sum of the bodies in
// `outbox_`.
//
// Not thread-safe: owned by the engine thread.
#ifndef FANFARE_ENGINE_COORDINATOR_WEBHOOK_OUTBOX_H_
#define FANFARE_ENGINE_COORDINATOR_WEBHOOK_OUTBOX_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "engine/coordinator/notifications.h"
#include "engine/coordinator/state_writer.h"
#include "engine/coordinator/webhook_sender.h"
#include "engine/store/store.h"
#include "fanfare/internal/records.pb.h"
#include "fanfare/v1/admin.pb.h"
#include "metrics/registry.h"

namespace fanfare::coordinator {

struct WebhookLimits {
  size_t max_per_namespace = 20;
  size_t max_in_all = 1000;
  size_t max_pending = 10000;  // per webhook
  size_t max_bytes = 256 << 20;  // of bodies, in all
  int max_in_flight = 4;       // per webhook, while its receiver succeeds
  absl::Duration max_backoff = absl::Minutes(5);
  absl::Duration retention = absl::Hours(72);
};

class WebhookOutbox {
 public:
  // `state`, `clock` (the delivery clock) and `registry` must outlive the outbox.
  WebhookOutbox(StateWriter& state, const Clock& clock, metrics::Registry& registry,
                WebhookLimits limits = {});
  WebhookOutbox(const WebhookOutbox&) = delete;
  WebhookOutbox& operator=(const WebhookOutbox&) = delete;

  // Loads the webhooks and the outbox (at start-up, before anything else).
  absl::Status Load(const store::Store& store);

  // --- Webhooks. Each change is written through the StateWriter; the caller replies once
  // it is durable.
  // Adds a webhook with id `id` as `request` (checked: request_checks.h) asks; AlreadyExists
  // if the namespace has one of that name, ResourceExhausted beyond the limits.
  absl::StatusOr<v1::Webhook> Add(const v1::AddWebhookRequest& request, const std::string& id,
                                  const std::string& signing_secret);
  v1::ListWebhooksResponse List(const std::string& ns) const;
  // Removes the webhook and the deliveries it still had; NotFound if there is none.
  absl::StatusOr<v1::Webhook> Remove(const std::string& ns, const std::string& id);

  // --- Events.
  // True if a webhook of `ns` takes events of `type`: only then is a notification worth
  // building.
  bool Wanted(const std::string& ns, absl::string_view type) const;
  // Writes a delivery of `notification` for each webhook of its namespace that takes it.
  void Enqueue(const Notification& notification);

  // --- Deliveries.
  // The tries due now, marked in flight: the engine hands them to the sender once the
  // current commit group is durable.
  std::vector<WebhookDelivery> TakeDue();
  // What the sender said of a try. An answer for a delivery no longer held is ignored.
  void Answered(const WebhookAnswer& answer);
  // When the next try falls due (InfinitePast: now); InfiniteFuture if none waits.
  absl::Time NextDue() const;

  // fanfare_webhook_pending and fanfare_webhook_oldest_pending_seconds, by namespace: one
  // pass over the webhooks, not the deliveries.
  void CollectMetrics(std::vector<metrics::MetricFamily>& out) const;

  // Deliveries given up at most per webhook per TakeDue, so that a long-dead receiver's
  // backlog expires over cycles of bounded work.
  static constexpr int kMaxExpiriesPerCycle = 256;

 private:
  struct Subscriber {
    internal::WebhookRecord record;
    std::set<uint64_t> waiting;    // outbox seqs to try, oldest first
    std::set<uint64_t> in_flight;  // handed to the sender, not answered yet
    int failures = 0;              // tries failed in a row
    absl::Time next_try_at = absl::InfinitePast();
    int64_t delivered = 0;
    int64_t failed_tries = 0;
    absl::Time last_delivered_at = absl::InfinitePast();
    std::string last_error;
  };

  Subscriber* Find(const std::string& id);
  v1::Webhook View(const Subscriber& subscriber) const;
  // The subscriber's oldest delivery still held, or null.
  const internal::OutboxRecord* Oldest(const Subscriber& subscriber) const;
  // Keeps `record` (written as `seq`) waiting for its webhook.
  void Hold(uint64_t seq, internal::OutboxRecord record, Subscriber& subscriber);
  // Moves the subscriber's due deliveries in flight into `due`, giving up expired ones.
  void TakeDueOf(Subscriber& subscriber, absl::Time now, std::vector<WebhookDelivery>& due);
  void Failed(uint64_t seq, internal::OutboxRecord& record, Subscriber& subscriber,
              const std::string& error);
  // How many tries of `subscriber` may be in flight now.
  int Allowance(const Subscriber& subscriber) const;
  void Forget(uint64_t seq);
  void Count(const std::string& ns, const char* outcome);

  StateWriter& state_;
  const Clock& clock_;
  const WebhookLimits limits_;
  metrics::CounterFamily& deliveries_;

  // Namespace → id → webhook; std::map, so that pointers to Subscribers stay valid.
  std::map<std::string, std::map<std::string, Subscriber>> webhooks_;
  absl::flat_hash_map<std::string, Subscriber*> by_id_;
  size_t count_ = 0;
  // Subscribers with deliveries waiting.
  absl::flat_hash_set<Subscriber*> backlog_;
  std::map<uint64_t, internal::OutboxRecord> outbox_;
  size_t bytes_ = 0;
  uint64_t next_seq_ = 1;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_WEBHOOK_OUTBOX_H_
