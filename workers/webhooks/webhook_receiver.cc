#include "workers/webhooks/webhook_receiver.h"

#include <httplib.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/status_macros.h"
#include "base/utf8.h"
#include "engine/service/grpc_status.h"
#include "fanfare/v1/worker.grpc.pb.h"
#include "sdk/client/channel.h"
#include "workers/common/task_input.h"

namespace fanfare::workers::webhooks {
namespace {

constexpr size_t kMaxBodyBytes = 1 << 20;
constexpr size_t kThreads = 32;
constexpr int kCommentsPerCall = 500;  // DeliverComments' limit
// Mentions of one delivery looked up at most, and for how long in all (one Graph call each,
// while the network waits for the answer); the others are handed on without their text.
constexpr int kMaxLookups = 50;
constexpr absl::Duration kLookupBudget = absl::Seconds(5);
// A CRC token as X sends one: short, of token characters. Anything else is refused, so that
// the check cannot be made to sign a delivery (a JSON object starts with '{').
constexpr size_t kMaxCrcTokenBytes = 128;
// What DeliverComments takes (engine/service/request_checks.cc).
constexpr size_t kMaxIdBytes = 256;
constexpr size_t kMaxTextBytes = 4096;
constexpr size_t kMaxUrlBytes = 2048;

// `text` cut to at most `max` bytes on a UTF-8 character boundary.
std::string Cut(std::string text, size_t max) {
  text.resize(Utf8PrefixLength(text, max));
  return text;
}

// The comment as DeliverComments takes it, or nullopt when an id is too long to keep.
std::optional<google::protobuf::Struct> DeliverableOf(Comment c) {
  for (const std::string* id : {&c.id, &c.parent_id, &c.post_id, &c.author_id}) {
    if (id->size() > kMaxIdBytes) return std::nullopt;
  }
  c.author_handle = Cut(std::move(c.author_handle), kMaxIdBytes);
  c.text = Cut(std::move(c.text), kMaxTextBytes);
  if (c.url.size() > kMaxUrlBytes) c.url.clear();
  const google::protobuf::Value value = ToValue(CommentJson(c));
  return value.struct_value();
}

// The credential naming an account on `network` as the network's webhooks do.
absl::string_view OwnerField(absl::string_view network) {
  if (network == "facebook") return "page_id";
  if (network == "instagram") return "ig_user_id";
  if (network == "x") return "user_id";
  return "";
}

std::string Param(const std::map<std::string, std::string>& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

bool IsCrcToken(absl::string_view token) {
  return !token.empty() && token.size() <= kMaxCrcTokenBytes &&
         std::all_of(token.begin(), token.end(), [](char c) {
           return absl::ascii_isalnum(c) || c == '+' || c == '/' || c == '=' || c == '_' ||
                  c == '-';
         });
}

// Whether the coordinator may keep comments it refused if they are delivered again: it was
// unreachable, restarting, or full for now. Any other refusal is the same every time.
bool WorthDeliveringAgain(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
         absl::IsResourceExhausted(status) || absl::IsAborted(status) ||
         absl::IsInternal(status) || absl::IsUnknown(status) || absl::IsCancelled(status);
}

// A mention handed on by id alone: its text was not looked up.
Comment PointerTo(const MentionRef& mention, absl::Time now) {
  Comment pointer;
  pointer.id = mention.comment_id.empty() ? mention.media_id : mention.comment_id;
  pointer.created_at = now;
  return pointer;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebhookReceiver>> WebhookReceiver::Start(
    WebhookReceiverOptions options) {
  if (options.credentials == nullptr || !options.deliver) {
    return absl::InvalidArgumentError("webhooks: the receiver needs credentials and `deliver`");
  }
  if (options.meta_app_secret.empty() && options.x_consumer_secret.empty()) {
    return absl::InvalidArgumentError(
        "webhooks: nothing to receive without a secret to check deliveries by (Meta's app "
        "secret or X's consumer secret)");
  }
  if (!options.meta_app_secret.empty() && options.meta_verify_token.empty()) {
    return absl::InvalidArgumentError(
        "webhooks: Meta's verify token is required with its app secret");
  }
  std::unique_ptr<WebhookReceiver> receiver(new WebhookReceiver(std::move(options)));
  WebhookReceiver* self = receiver.get();
  ASSIGN_OR_RETURN(
      receiver->listener_,
      HttpListener::Start(self->options_.listen, "webhooks", [self](httplib::Server& http) {
        http.set_payload_max_length(kMaxBodyBytes);
        // Slow senders each hold a thread while their request arrives: room for a burst.
        http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
        http.Get("/webhooks/(meta|x)", [self](const httplib::Request& req,
                                              httplib::Response& res) {
          std::map<std::string, std::string> params;
          for (const auto& [name, value] : req.params) params.emplace(name, value);
          const WebhookAnswer answer = self->Verify(req.matches[1].str(), params);
          res.status = answer.status;
          res.set_content(answer.body, answer.content_type);
        });
        http.Post("/webhooks/(meta|x)", [self](const httplib::Request& req,
                                               httplib::Response& res) {
          const std::string network = req.matches[1].str();
          const std::string signature = req.get_header_value(
              network == "meta" ? "X-Hub-Signature-256" : "x-twitter-webhooks-signature");
          const WebhookAnswer answer = self->Receive(network, signature, req.body);
          res.status = answer.status;
          res.set_content(answer.body, answer.content_type);
        });
      }));
  return receiver;
}

WebhookCounts WebhookReceiver::counts() const {
  return WebhookCounts{.deliveries = deliveries_.load(),
                       .refused = refused_.load(),
                       .failed = failed_.load(),
                       .comments_sent = comments_sent_.load(),
                       .ignored = ignored_.load()};
}

WebhookAnswer WebhookReceiver::Verify(absl::string_view network,
                                      const std::map<std::string, std::string>& params) const {
  if (network == "meta" && !options_.meta_app_secret.empty()) {
    if (Param(params, "hub.mode") != "subscribe" ||
        !ConstantTimeEquals(options_.meta_verify_token, Param(params, "hub.verify_token"))) {
      return {403, "verify token mismatch"};
    }
    return {200, Param(params, "hub.challenge")};
  }
  if (network == "x" && !options_.x_consumer_secret.empty()) {
    const std::string token = Param(params, "crc_token");
    if (!IsCrcToken(token)) {
      return {400, "crc_token: 1 to 128 letters, digits and + / = _ -"};
    }
    return {200, XCrcResponse(options_.x_consumer_secret, token), "application/json"};
  }
  return {404, "not served"};
}

WebhookAnswer WebhookReceiver::Receive(absl::string_view network, absl::string_view signature,
                                       absl::string_view body) {
  absl::StatusOr<PushedDelivery> delivery;
  const absl::Time now = options_.clock->Now();
  if (network == "meta" && !options_.meta_app_secret.empty()) {
    if (!MetaSignatureMatches(options_.meta_app_secret, body, signature)) {
      ++refused_;
      return {401, "X-Hub-Signature-256 does not match the body"};
    }
    delivery = ReadMetaDelivery(body, now);
  } else if (network == "x" && !options_.x_consumer_secret.empty()) {
    if (!XSignatureMatches(options_.x_consumer_secret, body, signature)) {
      ++refused_;
      return {401, "x-twitter-webhooks-signature does not match the body"};
    }
    delivery = ReadXDelivery(body, now);
  } else {
    return {404, "not served"};
  }
  if (!delivery.ok()) {
    ++refused_;
    return {400, std::string(delivery.status().message())};
  }
  ignored_ += delivery->ignored;
  if (absl::Status forwarded = Forward(*std::move(delivery)); !forwarded.ok()) {
    const std::string reason = options_.credentials->Redact(forwarded.message());
    if (!WorthDeliveringAgain(forwarded)) {
      // Delivering it again would be refused again: the network is told it arrived.
      ++refused_;
      log::Error("webhooks", "fanfared refused a delivery; it is dropped")
          .Field("network", network)
          .Field("reason", reason);
      return {200, "EVENT_RECEIVED"};
    }
    ++failed_;
    log::Warning("webhooks", "a delivery was not kept; the network will send it again")
        .Field("network", network)
        .Field("reason", reason);
    return {503, "not kept yet: deliver again"};
  }
  ++deliveries_;
  return {200, "EVENT_RECEIVED"};
}

WebhookReceiver::AccountIndex WebhookReceiver::IndexAccounts() const {
  AccountIndex index;
  for (const std::string& alias : options_.credentials->Aliases()) {
    absl::StatusOr<AccountCredentials> account = options_.credentials->Get(alias);
    if (!account.ok()) continue;
    const absl::string_view field = OwnerField(account->network);
    if (std::string owner = field.empty() ? "" : account->Get(field); !owner.empty()) {
      index.emplace(std::make_pair(account->network, std::move(owner)), alias);
    }
  }
  return index;
}

std::string WebhookReceiver::AliasIn(const AccountIndex& accounts, const std::string& network,
                                     const std::string& owner) {
  auto it = accounts.find({network, owner});
  return it == accounts.end() ? std::string() : it->second;
}

absl::Status WebhookReceiver::ReadMentions(const std::vector<MentionRef>& mentions,
                                           const AccountIndex& accounts,
                                           std::vector<PushedComment>& out) {
  int lookups = 0;
  const absl::Time lookup_deadline = absl::Now() + kLookupBudget;
  for (const MentionRef& mention : mentions) {
    const std::string alias = AliasIn(accounts, "instagram", mention.owner_id);
    if (alias.empty() || !options_.lookup_mention) {
      ++ignored_;
      continue;
    }
    absl::StatusOr<Comment> found = PointerTo(mention, options_.clock->Now());
    if (++lookups <= kMaxLookups && absl::Now() < lookup_deadline) {
      ASSIGN_OR_RETURN(AccountCredentials account, options_.credentials->Get(alias));
      found = options_.lookup_mention(account, mention);
    }
    if (absl::IsNotFound(found.status())) {  // deleted, or made private, since
      ++ignored_;
      continue;
    }
    // A lookup the network may answer later is tried again with the delivery; one it refuses
    // (an expired token) would be refused again: the mention goes on by id.
    if (!found.ok() && WorthDeliveringAgain(found.status())) return found.status();
    if (!found.ok()) found = PointerTo(mention, options_.clock->Now());
    out.push_back(PushedComment{
        .network = "instagram", .owner_id = mention.owner_id, .comment = *std::move(found)});
  }
  return absl::OkStatus();
}

absl::Status WebhookReceiver::Forward(PushedDelivery delivery) {
  const AccountIndex accounts = IndexAccounts();
  RETURN_IF_ERROR(ReadMentions(delivery.mentions, accounts, delivery.comments));
  std::map<std::pair<std::string, std::string>, std::vector<google::protobuf::Struct>> by_account;
  for (PushedComment& pushed : delivery.comments) {
    const std::string alias = AliasIn(accounts, pushed.network, pushed.owner_id);
    std::optional<google::protobuf::Struct> comment = DeliverableOf(std::move(pushed.comment));
    if (alias.empty() || !comment.has_value()) {
      ++ignored_;
      continue;
    }
    by_account[{pushed.network, alias}].push_back(*std::move(comment));
  }
  for (auto& [account, comments] : by_account) {
    for (size_t first = 0; first < comments.size(); first += kCommentsPerCall) {
      v1::DeliverCommentsRequest request;
      request.set_namespace_(options_.ns);
      request.set_network(account.first);
      request.set_account(account.second);
      for (size_t i = first; i < comments.size() && i < first + kCommentsPerCall; ++i) {
        *request.add_comments() = std::move(comments[i]);
      }
      RETURN_IF_ERROR(DeliverEach(std::move(request)));
    }
  }
  return absl::OkStatus();
}

absl::Status WebhookReceiver::DeliverEach(v1::DeliverCommentsRequest request) {
  absl::Status status = options_.deliver(request);
  if (status.ok()) {
    comments_sent_ += request.comments_size();
    return status;
  }
  if (!absl::IsInvalidArgument(status) || request.comments_size() == 1) return status;
  // One comment the coordinator refuses must not cost the others: one by one, the refused
  // ones are left out.
  v1::DeliverCommentsRequest one = request;
  for (google::protobuf::Struct& comment : *request.mutable_comments()) {
    one.clear_comments();
    *one.add_comments() = std::move(comment);
    status = options_.deliver(one);
    if (status.ok()) {
      ++comments_sent_;
    } else if (absl::IsInvalidArgument(status)) {
      ++refused_;
      log::Warning("webhooks", "fanfared refused a comment; it is left out")
          .Field("network", request.network())
          .Field("reason", status.message());
    } else {
      return status;
    }
  }
  return absl::OkStatus();
}

DeliverFn DeliverThroughCoordinator(std::shared_ptr<grpc::Channel> channel, std::string token) {
  std::shared_ptr<v1::WorkerService::Stub> stub = v1::WorkerService::NewStub(channel);
  return [stub, token = std::move(token)](const v1::DeliverCommentsRequest& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    AttachToken(context, token);
    v1::DeliverCommentsResponse response;
    const absl::Status status = FromGrpcStatus(stub->DeliverComments(&context, request, &response));
    if (status.ok()) return status;
    return absl::Status(status.code(),
                        absl::StrCat("fanfared did not keep the comments: ", status.message()));
  };
}

namespace {

// A mention read back: {mentioned_media: {id, caption, timestamp, username, permalink}} or
// {mentioned_comment: {id, text, timestamp, username, media{permalink}}}.
absl::StatusOr<Comment> MentionOf(const Json& answer, const MentionRef& ref) {
  const bool in_comment = !ref.comment_id.empty();
  const Json& j = JsonMember(answer, in_comment ? "mentioned_comment" : "mentioned_media");
  if (!j.is_object()) return absl::NotFoundError("the mention is gone");
  Comment c;
  c.id = in_comment ? ref.comment_id : ref.media_id;
  c.author_handle = JsonString(j, "username");
  c.text = JsonString(j, in_comment ? "text" : "caption");
  std::string err;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%S%z", JsonString(j, "timestamp"), &c.created_at, &err)) {
    return absl::UnavailableError("instagram: a mention without a readable timestamp");
  }
  const std::string permalink =
      in_comment ? JsonString(JsonMember(j, "media"), "permalink") : JsonString(j, "permalink");
  c.url = in_comment && absl::EndsWith(permalink, "/")
              ? absl::StrCat(permalink, "c/", ref.comment_id, "/")
              : permalink;
  return c;
}

}  // namespace

MentionLookupFn InstagramMentionLookup(HttpClient* http, std::string api_base,
                                       std::string graph_version) {
  return [http, api_base = std::move(api_base), graph_version = std::move(graph_version)](
             const AccountCredentials& account,
             const MentionRef& ref) -> absl::StatusOr<Comment> {
    ASSIGN_OR_RETURN(std::string token, account.Require("access_token"));
    const std::string fields =
        ref.comment_id.empty()
            ? absl::StrCat("mentioned_media.media_id(", ref.media_id,
                           "){id,caption,timestamp,username,permalink}")
            : absl::StrCat("mentioned_comment.comment_id(", ref.comment_id,
                           "){id,text,timestamp,username,media{id,permalink}}");
    HttpRequest request{.url = absl::StrCat(api_base, "/", graph_version, "/",
                                            UrlEncode(ref.owner_id), "?fields=",
                                            UrlEncode(fields)),
                        .timeout = absl::Seconds(10),
                        .max_response_bytes = 64 * 1024,
                        .idempotent = true};
    request.headers.emplace_back("Authorization", absl::StrCat("Bearer ", token));
    absl::StatusOr<HttpResponse> response = http->Send(request);
    if (!response.ok()) {  // nothing came back: worth trying again
      return absl::UnavailableError(
          absl::StrCat("instagram: looking a mention up: ", response.status().message()));
    }
    std::optional<Json> answer = ParseJson(response->body);
    // Graph answers 400 code 100 for an object that no longer exists or is not visible.
    if (response->status == 400 && answer.has_value() &&
        JsonNumber(JsonMember(*answer, "error"), "code") == 100) {
      return absl::NotFoundError("the mention is gone");
    }
    if (!response->ok() || !answer.has_value()) {
      const std::string what = absl::StrCat("instagram: looking a mention up: HTTP ",
                                            response->status);
      // A refused token or permission stays refused; the rest may pass later.
      return response->status == 400 || response->status == 401 || response->status == 403
                 ? absl::PermissionDeniedError(what)
                 : absl::UnavailableError(what);
    }
    return MentionOf(*answer, ref);
  };
}

}  // namespace fanfare::workers::webhooks
