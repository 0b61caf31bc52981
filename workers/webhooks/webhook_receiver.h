// WebhookReceiver: the worker's HTTP endpoint for what networks push — Meta's webhooks
// (Page `feed`, Instagram `comments` and `mentions`) and X's Account Activity — so that
// comments arrive as they are written, not only when a campaign polls (docs/community.md).
//
//   GET  /webhooks/meta   Meta's verification: the challenge, when hub.verify_token matches
//   POST /webhooks/meta   a delivery signed with X-Hub-Signature-256 under the app secret
//   GET  /webhooks/x      X's CRC check, answered under the consumer secret
//   POST /webhooks/x      a delivery signed with x-twitter-webhooks-signature
//
// Credentials stay here, with the worker: the secrets check the signatures, and the
// account's token looks an Instagram mention's text up (the delivery only points at it; past
// 50 mentions in one delivery, the rest are handed on by id alone, without text). A
// delivery whose signature does not match is refused (401) and nothing of it is kept. The
// comments of one that does are sent to the coordinator (DeliverComments), by account
// alias — the account whose page_id, ig_user_id or user_id (X) credential the delivery
// names; others are ignored — and the network is answered 200 only once the coordinator has
// made them durable. When the coordinator could not keep them (unreachable, restarting, full
// for now) it is answered 503 and the network delivers again; a comment delivered twice is
// kept once. A refusal that would repeat (a malformed comment) is logged, counted as refused
// and answered 200, so that the network does not resend it for a day and a half. A network without its secret configured is not served (404).
// Bodies over 1 MiB are refused (413). Parts of a delivery nested deeper than 32 levels are
// left out, follower counts are brought within 0..1e12, and a time outside 2000..a day after
// receipt becomes the time of receipt.
//
// Thread-safe: requests are served on the listener's threads; `deliver` and `lookup_mention`
// are called from them concurrently.
#ifndef FANFARE_WORKERS_WEBHOOKS_WEBHOOK_RECEIVER_H_
#define FANFARE_WORKERS_WEBHOOKS_WEBHOOK_RECEIVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/http_listener.h"
#include "fanfare/v1/worker.pb.h"
#include "workers/common/credentials.h"
#include "workers/common/http_client.h"
#include "workers/webhooks/pushed_comments.h"

namespace grpc {
class Channel;
}

namespace fanfare::workers::webhooks {

// Sends one account's comments to the coordinator; OK once they are durable there, else the
// coordinator's status (Unavailable, ResourceExhausted: worth delivering again).
using DeliverFn = std::function<absl::Status(const v1::DeliverCommentsRequest&)>;
// Reads an Instagram mention with the account's credentials.
using MentionLookupFn =
    std::function<absl::StatusOr<Comment>(const AccountCredentials&, const MentionRef&)>;

struct WebhookReceiverOptions {
  // HOST:PORT or PORT (loopback); port 0 picks a free one.
  std::string listen = "127.0.0.1:0";
  // Meta's app secret and the verify token given in the app's webhook settings; "" leaves
  // /webhooks/meta unserved.
  std::string meta_app_secret;
  std::string meta_verify_token;
  // X's consumer (API) secret; "" leaves /webhooks/x unserved.
  std::string x_consumer_secret;
  // The namespace whose campaigns read the accounts.
  std::string ns = "default";
  // Required; must outlive the receiver.
  const CredentialStore* credentials = nullptr;
  const Clock* clock = &Clock::System();
  DeliverFn deliver;
  // Unset: an Instagram mention is ignored.
  MentionLookupFn lookup_mention;
};

// What the receiver has done since it started.
struct WebhookCounts {
  int64_t deliveries = 0;          // answered 200
  int64_t refused = 0;             // bad signature, unreadable body, refused by fanfared
  int64_t failed = 0;              // answered 503: the network will deliver again
  int64_t comments_sent = 0;       // to the coordinator
  int64_t ignored = 0;             // changes that are not new comments; unknown accounts
};

// One answer, without HTTP (for tests).
struct WebhookAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain";
};

class WebhookReceiver {
 public:
  // InvalidArgument without credentials or `deliver`, without any secret, or with Meta's
  // secret but no verify token; as HttpListener::Start otherwise.
  static absl::StatusOr<std::unique_ptr<WebhookReceiver>> Start(WebhookReceiverOptions options);

  // host:port as bound.
  std::string address() const { return listener_->address(); }
  WebhookCounts counts() const;

  // The handlers behind the routes. `network` is "meta" or "x".
  WebhookAnswer Verify(absl::string_view network,
                       const std::map<std::string, std::string>& params) const;
  WebhookAnswer Receive(absl::string_view network, absl::string_view signature,
                        absl::string_view body);

 private:
  explicit WebhookReceiver(WebhookReceiverOptions options) : options_(std::move(options)) {}

  // Looks the delivery's mentions up and sends its comments, account by account.
  absl::Status Forward(PushedDelivery delivery);
  // Sends one request; when the coordinator refuses it as malformed, its comments one by
  // one, leaving out those it refuses.
  absl::Status DeliverEach(v1::DeliverCommentsRequest request);
  // (network, the network's id of an account) → the account's alias, from the credentials.
  using AccountIndex = std::map<std::pair<std::string, std::string>, std::string>;
  AccountIndex IndexAccounts() const;
  // The alias of the account `network` names `owner`, or "".
  static std::string AliasIn(const AccountIndex& accounts, const std::string& network,
                             const std::string& owner);
  // Looks the mentions up (within the lookup budget; the rest by id alone) into `out`. An
  // error when one may be looked up later: the delivery is to come again.
  absl::Status ReadMentions(const std::vector<MentionRef>& mentions,
                            const AccountIndex& accounts, std::vector<PushedComment>& out);

  WebhookReceiverOptions options_;
  std::atomic<int64_t> deliveries_{0};
  std::atomic<int64_t> refused_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> comments_sent_{0};
  std::atomic<int64_t> ignored_{0};
  // Last: destroyed first, so that no handler still runs when the members above go.
  std::unique_ptr<HttpListener> listener_;
};

// DeliverComments over `channel`, with `token` (an API token with the worker role; "" for
// none); each call waits at most 10 s.
DeliverFn DeliverThroughCoordinator(std::shared_ptr<grpc::Channel> channel, std::string token);

// Instagram's GET /{ig-user-id}?fields=mentioned_media.media_id(…){…} (a caption) or
// mentioned_comment.comment_id(…){…} (a comment), at `api_base` (e.g.
// https://graph.facebook.com) and `graph_version`, with the account's access_token.
MentionLookupFn InstagramMentionLookup(HttpClient* http, std::string api_base,
                                       std::string graph_version);

}  // namespace fanfare::workers::webhooks

#endif  // FANFARE_WORKERS_WEBHOOKS_WEBHOOK_RECEIVER_H_
