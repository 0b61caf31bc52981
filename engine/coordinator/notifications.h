// Notifications: the events a namespace's webhooks may subscribe to, and the bodies their
// deliveries carry (docs/operations.md, "Webhooks").
//
//   approval.requested  an approval step waits for a person: the step, what it approves (the
//                       message, the campaign's budget, the outputs upstream) and how to decide
//   run.succeeded       a run succeeded
//   run.failed          a run failed, and why
//   step.unknown        a step's outcome is unknown (its attempt was lost while acting)
//   budget.capped       a spend guardrail refused or clipped an action, or a cap was reached
//   account.reconnect   a network refused an account's tokens for good: a person must
//                       reconnect it
//
// Each has an id derived from what it tells of (a run's history event, an account's
// reconnect), so that every delivery of one event carries the same id.
//
// Pure functions; thread-compatible.
#ifndef FANFARE_ENGINE_COORDINATOR_NOTIFICATIONS_H_
#define FANFARE_ENGINE_COORDINATOR_NOTIFICATIONS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/scheduler/run_state.h"
#include "fanfare/v1/admin.pb.h"
#include "fanfare/v1/run.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::coordinator {

// The event types, as webhooks name them.
inline constexpr absl::string_view kNotificationTypes[] = {
    "approval.requested", "run.failed",    "run.succeeded",
    "step.unknown",       "budget.capped", "account.reconnect"};

bool IsNotificationType(absl::string_view type);

struct Notification {
  std::string ns;
  std::string type;      // one of kNotificationTypes
  std::string event_id;  // "evt_" and 32 hex digits
  absl::Time at;
  // What the event is about, as the JSON body's "data".
  google::protobuf::Struct data;
  // One line (or a few) for people: the Slack body's text, Slack's markup escaped.
  std::string text;
};

// The type of notification an event of `type` may make ("approval.requested" for every
// STEP_WAITING, though only an approval step's makes one); "" if none.
absl::string_view NotificationTypeOf(v1::EventType type);

// The notification `event` (just added to `run`'s history) makes, if any.
std::optional<Notification> RunNotification(scheduler::RunState& run,
                                             const v1::HistoryEvent& event);

// The notification that account `alias` of `network` needs reconnecting since `since`.
Notification ReconnectNotification(const std::string& ns, const std::string& alias,
                                   const std::string& network, const std::string& why,
                                   absl::Time since);

// The delivery body of `notification` in `format`: JSON either way.
std::string RenderBody(const Notification& notification, v1::WebhookFormat format);

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_NOTIFICATIONS_H_
