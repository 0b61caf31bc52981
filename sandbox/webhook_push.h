// Webhooks, pushed as Meta and X push them, so that the worker's receiver
// (workers/webhooks/webhook_receiver.h) can be rehearsed offline.
//
// Subscribing, as an app does:
//   POST /{facebook|instagram}/{v}/{app-id}/subscriptions  object (page|instagram),
//        callback_url, fields, verify_token; access_token "<app-id>|<app secret>". The
//        callback is verified first (GET ?hub.mode=subscribe&hub.challenge=…&
//        hub.verify_token=…, which must echo the challenge), else 400 code 2200.
//   POST /{facebook|instagram}/{v}/{id}/subscribed_apps  subscribed_fields, with the
//        account's token: the object pushes for that account, naming it `id`.
//   POST /x/1.1/account_activity/all/{env}/webhooks.json?url=…  the URL must answer the CRC
//        check (GET ?crc_token=…) under the consumer secret, else 400.
//   POST /x/1.1/account_activity/all/{env}/subscriptions.json  with the account's token.
// Pushing: every comment the clock has reached (placed on its post first) on a subscribed
// account is pushed once its subscriber answers 2xx, in batches of up to 50 — Page `feed`
// {item: comment, verb: add}, Instagram `comments` and, for @mentions in captions (which no
// listing shows), `mentions` {media_id}; X `tweet_create_events` — signed with
// X-Hub-Signature-256 (Meta) or x-twitter-webhooks-signature (X). A refused or unanswered
// delivery is sent again at the next push. With the network's `duplicate_rate` fault, that
// fraction of deliveries is sent twice. The account's own replies and photo tags are not
// pushed. GET /{ig-user-id}?fields=mentioned_media.media_id(…){…} and
// mentioned_comment.comment_id(…){…} read a mention back (graph_comments.cc).
//
// Pushes happen on the background thread every `every` of real time, and on POST
// /_sandbox/webhooks/push, which answers {sent, failed, duplicates}.
#ifndef FANFARE_SANDBOX_WEBHOOK_PUSH_H_
#define FANFARE_SANDBOX_WEBHOOK_PUSH_H_

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sandbox/router.h"
#include "sandbox/sandbox_state.h"

namespace fanfare::sandbox {

struct PushCounts {
  int sent = 0;        // deliveries answered 2xx
  int failed = 0;      // to be sent again
  int duplicates = 0;  // sent twice on purpose
};

// Thread-safe. The state must outlive the pusher. Locks: push_mu_ before state.mu, and no
// HTTP call is made holding state.mu.
class WebhookPusher {
 public:
  explicit WebhookPusher(SandboxState* state) : state_(*state) {}
  ~WebhookPusher() { Stop(); }

  // Pushes every `every` on a thread of its own until Stop(); again after a Stop. A no-op
  // while running.
  void Start(absl::Duration every);
  // Ends the background pushes, after the delivery in flight (at most ~15 s against a
  // subscriber that does not answer).
  void Stop();
  // Pushes what is due now; one push at a time. A subscriber that fails a delivery gets no
  // more of this push.
  PushCounts PushDue();

 private:
  SandboxState& state_;
  bool Stopping();

  absl::Mutex push_mu_;  // one push at a time
  absl::Mutex thread_mu_;
  std::thread thread_ ABSL_GUARDED_BY(thread_mu_);
  bool stopping_ ABSL_GUARDED_BY(thread_mu_) = false;
};

// The subscription routes above, and /_sandbox/webhooks/push on `pusher` (which must outlive
// the router).
void RegisterWebhooks(Router& router, SandboxState& state, WebhookPusher& pusher);

}  // namespace fanfare::sandbox

#endif  // FANFARE_SANDBOX_WEBHOOK_PUSH_H_
