// Webhooks: the engine's side of notifications. The outbox (webhook_outbox.h) is written in
// the open commit group, beside what caused each notification; tries leave for the sender
// only after that group's commit, and their answers come back as operations.
#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/namespaces.h"
#include "engine/coordinator/notifications.h"

namespace fanfare::coordinator {

void Engine::AddWebhook(const v1::AddWebhookRequest& request, std::string signing_secret,
                        Reply<v1::AddWebhookResponse> reply) {
  const std::string id =
      absl::StrCat("wh_", absl::Hex(absl::Uniform<uint64_t>(random_), absl::kZeroPad16));
  absl::StatusOr<v1::Webhook> added = webhooks_.Add(request, id, signing_secret);
  if (!added.ok()) {
    ReplyAfterCommit<v1::AddWebhookResponse>(std::move(reply), added.status());
    return;
  }
  v1::AddWebhookResponse response;
  *response.mutable_webhook() = *std::move(added);
  response.set_signing_secret(std::move(signing_secret));
  ReplyAfterCommit<v1::AddWebhookResponse>(std::move(reply), std::move(response));
}

void Engine::ListWebhooks(const v1::ListWebhooksRequest& request,
                          Reply<v1::ListWebhooksResponse> reply) {
  ReplyAfterCommit<v1::ListWebhooksResponse>(
      std::move(reply), webhooks_.List(NamespaceOr(request.namespace_())));
}

void Engine::RemoveWebhook(const v1::RemoveWebhookRequest& request, Reply<v1::Webhook> reply) {
  ReplyAfterCommit(std::move(reply),
                   webhooks_.Remove(NamespaceOr(request.namespace_()), request.id()));
}

absl::Duration Engine::UntilNextDelivery() const {
  if (options_.webhook_sender == nullptr) return absl::InfiniteDuration();
  const absl::Time due = webhooks_.NextDue();
  if (due == absl::InfiniteFuture()) return absl::InfiniteDuration();
  const Clock& clock = options_.webhook_clock != nullptr ? *options_.webhook_clock : *clock_;
  return std::max(due - clock.Now(), absl::ZeroDuration());
}

void Engine::WebhookAnswered(const WebhookAnswer& answer) { webhooks_.Answered(answer); }

void Engine::NotifyRunEvents(scheduler::RunState& run,
                             const std::vector<v1::HistoryEvent>& events) {
  for (const v1::HistoryEvent& event : events) {
    const absl::string_view type = NotificationTypeOf(event.type());
    // Most events make none, and most namespaces want none: nothing is built for them.
    if (type.empty() || !webhooks_.Wanted(run.ns(), type)) continue;
    if (std::optional<Notification> notification = RunNotification(run, event)) {
      webhooks_.Enqueue(*notification);
    }
  }
}

void Engine::StartDueDeliveries() {
  if (options_.webhook_sender == nullptr) return;
  std::vector<WebhookDelivery> due = webhooks_.TakeDue();
  if (due.empty()) return;
  // After the commit: a delivery written in this group is durable before it leaves.
  AfterCommit([sender = options_.webhook_sender, due = std::move(due)]() mutable {
    for (WebhookDelivery& delivery : due) sender->Send(std::move(delivery));
  });
}

}  // namespace fanfare::coordinator
