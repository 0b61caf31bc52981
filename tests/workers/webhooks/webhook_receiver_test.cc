// The worker's webhook receiver over real HTTP on 127.0.0.1:0: Meta's verification and X's
// CRC check, signatures refused before anything is read, comments sent to the coordinator by
// account (what `deliver` receives is exactly what DeliverComments would), 503 until the
// coordinator has kept them, mentions looked up, bounds on what a network may send.
#include "workers/webhooks/webhook_receiver.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sha256.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fanfare::workers::webhooks {
namespace {

using nlohmann::json;

constexpr char kAppSecret[] = "meta-app-secret";
constexpr char kVerifyToken[] = "verify-me";
constexpr char kXSecret[] = "x-consumer-secret";

// What the coordinator was sent; fails the next `fail` calls.
class Coordinator {
 public:
  absl::Status Deliver(const v1::DeliverCommentsRequest& request) {
    absl::MutexLock lock(&mu_);
    if (fail_ > 0) {
      --fail_;
      return failure_;
    }
    for (const auto& c : request.comments()) {
      if (c.fields().at("id").string_value() == "bad") {
        return absl::InvalidArgumentError("comments[0].text: at most 4096 bytes");
      }
    }
    kept_.push_back(request);
    return absl::OkStatus();
  }
  void FailNext(int n, absl::Status failure = absl::UnavailableError("fanfared is restarting")) {
    absl::MutexLock lock(&mu_);
    fail_ = n;
    failure_ = std::move(failure);
  }
  std::vector<v1::DeliverCommentsRequest> kept() {
    absl::MutexLock lock(&mu_);
    return kept_;
  }

 private:
  absl::Mutex mu_;
  int fail_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::DeliverCommentsRequest> kept_ ABSL_GUARDED_BY(mu_);
};

class WebhookReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    credentials_ = CredentialStore::FromAccounts(
        {{.alias = "acme_fb", .network = "facebook",
          .fields = {{"page_id", "1001"}, {"access_token", "t1"}}},
         {.alias = "acme_ig", .network = "instagram",
          .fields = {{"ig_user_id", "178414"}, {"access_token", "t2"}}},
         {.alias = "acme_x", .network = "x", .fields = {{"user_id", "1500"}}}});
    WebhookReceiverOptions options;
    options.meta_app_secret = kAppSecret;
    options.meta_verify_token = kVerifyToken;
    options.x_consumer_secret = kXSecret;
    options.ns = "acme";
    options.clock = &clock_;
    options.credentials = credentials_.get();
    options.deliver = [this](const v1::DeliverCommentsRequest& r) {
      return coordinator_.Deliver(r);
    };
    options.lookup_mention = [](const AccountCredentials& account,
                                const MentionRef& ref) -> absl::StatusOr<Comment> {
      if (ref.media_id == "gone") return absl::NotFoundError("deleted since");
      if (ref.media_id == "expired") return absl::PermissionDeniedError("token expired");
      if (ref.media_id == "later") return absl::UnavailableError("graph is down");
      EXPECT_EQ(account.alias, "acme_ig");
      Comment c;
      c.id = ref.media_id;
      c.author_handle = "pia";
      c.text = "Shout out to @acme_ig";
      c.created_at = absl::FromUnixSeconds(1'800'000'000);
      return c;
    };
    absl::StatusOr<std::unique_ptr<WebhookReceiver>> started =
        WebhookReceiver::Start(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    receiver_ = *std::move(started);
    http_ = std::make_unique<httplib::Client>("http://" + receiver_->address());
  }

  httplib::Result PostMeta(const std::string& body, const std::string& secret = kAppSecret) {
    return http_->Post("/webhooks/meta",
                       {{"X-Hub-Signature-256", "sha256=" + HmacSha256Hex(secret, body)}}, body,
                       "application/json");
  }

  // Deliveries are dated 2027-01-15 08:00; they arrive a little later.
  ManualClock clock_{absl::FromUnixSeconds(1'800'000'100)};
  std::unique_ptr<CredentialStore> credentials_;
  Coordinator coordinator_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<httplib::Client> http_;
};

json FeedComment(const std::string& page, const std::string& id, const std::string& text) {
  return {{"id", page},
          {"time", 1'800'000'000},
          {"changes",
           {{{"field", "feed"},
             {"value",
              {{"item", "comment"}, {"verb", "add"}, {"comment_id", id},
               {"post_id", page + "_7"}, {"parent_id", page + "_7"},
               {"from", {{"id", "42"}, {"name", "Ana"}}}, {"message", text},
               {"created_time", 1'800'000'000}}}}}}};
}

TEST_F(WebhookReceiverTest, MetaVerificationAndXCrcAreAnswered) {
  httplib::Result ok = http_->Get(
      "/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "1158201444");
  httplib::Result wrong =
      http_->Get("/webhooks/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  httplib::Result crc = http_->Get("/webhooks/x?crc_token=abc");
  ASSERT_TRUE(crc);
  EXPECT_EQ(crc->status, 200);
  EXPECT_EQ(json::parse(crc->body)["response_token"],
            "sha256=" + HmacSha256Base64(kXSecret, "abc"));
  EXPECT_EQ(http_->Get("/webhooks/x")->status, 400);
  // The CRC check signs only what looks like a CRC token, never a body to forge.
  const std::string forged = R"({"for_user_id":"1500","tweet_create_events":[]})";
  EXPECT_EQ(http_->Get("/webhooks/x?crc_token=" + httplib::detail::encode_query_param(forged))
                ->status,
            400);
  EXPECT_EQ(http_->Get("/webhooks/x?crc_token=" + std::string(129, 'a'))->status, 400);
  EXPECT_EQ(http_->Get("/webhooks/tiktok")->status, 404);
}

TEST_F(WebhookReceiverTest, AnUnsignedOrForgedDeliveryIsRefusedAndNothingOfItKept) {
  const std::string body =
      json{{"object", "page"}, {"entry", {FeedComment("1001", "f1", "forged")}}}.dump();
  httplib::Result unsigned_post = http_->Post("/webhooks/meta", body, "application/json");
  ASSERT_TRUE(unsigned_post);
  EXPECT_EQ(unsigned_post->status, 401);
  EXPECT_EQ(PostMeta(body, "not-the-secret")->status, 401);
  httplib::Result x_forged = http_->Post(
      "/webhooks/x", {{"x-twitter-webhooks-signature", "sha256=" + HmacSha256Base64("no", body)}},
      body, "application/json");
  EXPECT_EQ(x_forged->status, 401);
  EXPECT_TRUE(coordinator_.kept().empty());
  EXPECT_EQ(receiver_->counts().refused, 3);
  // Signed but not a delivery.
  EXPECT_EQ(PostMeta("{\"not\": \"meta\"}")->status, 400);
}

TEST_F(WebhookReceiverTest, CommentsReachTheCoordinatorByAccountAndOnlyThenAre200) {
  const json instagram = {
      {"object", "instagram"},
      {"entry",
       {{{"id", "178414"},
         {"time", 1'800'000'000},
         {"changes",
          {{{"field", "comments"},
            {"value", {{"id", "ig1"}, {"text", "Where?"}, {"media", {{"id", "m1"}}},
                       {"from", {{"id", "9"}, {"username", "mia"}}}}}},
           {{"field", "mentions"}, {"value", {{"media_id", "m9"}}}},
           {{"field", "mentions"}, {"value", {{"media_id", "gone"}}}}}}}}}};
  const json page = {{"object", "page"},
                     {"entry", {FeedComment("1001", "f1", "Love it"),
                                FeedComment("9999", "f2", "not ours")}}};
  coordinator_.FailNext(1);
  httplib::Result refused = PostMeta(page.dump());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << "not kept: Meta delivers again";
  httplib::Result fb = PostMeta(page.dump());
  EXPECT_EQ(fb->status, 200);
  EXPECT_EQ(fb->body, "EVENT_RECEIVED");
  EXPECT_EQ(PostMeta(instagram.dump())->status, 200);

  const std::vector<v1::DeliverCommentsRequest> kept = coordinator_.kept();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].namespace_(), "acme");
  EXPECT_EQ(kept[0].network(), "facebook");
  EXPECT_EQ(kept[0].account(), "acme_fb");
  ASSERT_EQ(kept[0].comments_size(), 1) << "page 9999 is no account of this worker";
  EXPECT_EQ(kept[0].comments(0).fields().at("id").string_value(), "f1");
  EXPECT_EQ(kept[0].comments(0).fields().at("created_at").string_value(),
            "2027-01-15T08:00:00Z");
  EXPECT_EQ(kept[1].account(), "acme_ig");
  ASSERT_EQ(kept[1].comments_size(), 2);
  EXPECT_EQ(kept[1].comments(0).fields().at("id").string_value(), "ig1");
  EXPECT_EQ(kept[1].comments(1).fields().at("id").string_value(), "m9");
  EXPECT_EQ(kept[1].comments(1).fields().at("post_id").string_value(), "");
  EXPECT_EQ(kept[1].comments(1).fields().at("text").string_value(), "Shout out to @acme_ig");
  const WebhookCounts counts = receiver_->counts();
  EXPECT_EQ(counts.deliveries, 2);
  EXPECT_EQ(counts.failed, 1);
  EXPECT_EQ(counts.comments_sent, 3);
  EXPECT_GE(counts.ignored, 2) << "page 9999 (twice) and the deleted mention";
}

TEST_F(WebhookReceiverTest, ARefusalThatWouldRepeatIsNotDeliveredAgain) {
  const json page = {{"object", "page"}, {"entry", {FeedComment("1001", "f1", "Love it")}}};
  coordinator_.FailNext(1, absl::InvalidArgumentError("comments[0].text: at most 4096 bytes"));
  EXPECT_EQ(PostMeta(page.dump())->status, 200) << "resending would be refused again";
  EXPECT_EQ(receiver_->counts().refused, 1);
  coordinator_.FailNext(1, absl::ResourceExhaustedError("community inboxes: full"));
  EXPECT_EQ(PostMeta(page.dump())->status, 503) << "room may come";
  // A mention whose lookup is refused goes on by id; one Graph cannot answer now, later.
  const json expired = {
      {"object", "instagram"},
      {"entry", {{{"id", "178414"}, {"time", 1'800'000'000},
                  {"changes", {{{"field", "mentions"}, {"value", {{"media_id", "expired"}}}}}}}}}};
  EXPECT_EQ(PostMeta(expired.dump())->status, 200);
  ASSERT_EQ(coordinator_.kept().size(), 1u);
  EXPECT_EQ(coordinator_.kept()[0].comments(0).fields().at("id").string_value(), "expired");
  json later = expired;
  later["entry"][0]["changes"][0]["value"]["media_id"] = "later";
  EXPECT_EQ(PostMeta(later.dump())->status, 503);
}

TEST_F(WebhookReceiverTest, OneCommentTheCoordinatorRefusesCostsNoOther) {
  const json page = {{"object", "page"},
                     {"entry", {FeedComment("1001", "f1", "one"), FeedComment("1001", "bad", "x"),
                                FeedComment("1001", "f3", "three")}}};
  EXPECT_EQ(PostMeta(page.dump())->status, 200);
  std::vector<std::string> kept;
  for (const auto& request : coordinator_.kept()) {
    for (const auto& c : request.comments()) kept.push_back(c.fields().at("id").string_value());
  }
  EXPECT_EQ(kept, (std::vector<std::string>{"f1", "f3"}));
  EXPECT_EQ(receiver_->counts().refused, 1);
  EXPECT_EQ(receiver_->counts().comments_sent, 2);
}

TEST_F(WebhookReceiverTest, WhatTheCoordinatorWouldRefuseIsCutOrLeftOut) {
  std::string long_text(5000, 'a');
  long_text.replace(4095, 2, "\xc3\xa9");  // a two-byte character across the 4096th byte
  const json page = {{"object", "page"},
                     {"entry", {FeedComment("1001", "f1", long_text),
                                FeedComment("1001", std::string(300, '7'), "id too long")}}};
  ASSERT_EQ(PostMeta(page.dump())->status, 200);
  const std::vector<v1::DeliverCommentsRequest> kept = coordinator_.kept();
  ASSERT_EQ(kept.size(), 1u);
  ASSERT_EQ(kept[0].comments_size(), 1);
  EXPECT_EQ(kept[0].comments(0).fields().at("text").string_value(), std::string(4095, 'a'))
      << "cut before the character it would split";
  // A body over 1 MiB is refused before it is read.
  httplib::Result huge = PostMeta(std::string(2 << 20, ' '));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
}

TEST_F(WebhookReceiverTest, PastFiftyMentionsADeliveryHandsTheRestOnWithoutLookingThemUp) {
  json changes = json::array();
  for (int i = 0; i < 60; ++i) {
    changes.push_back({{"field", "mentions"}, {"value", {{"media_id", absl::StrCat("m", i)}}}});
  }
  const json body = {{"object", "instagram"},
                     {"entry", {{{"id", "178414"}, {"time", 1'800'000'000}, {"changes", changes}}}}};
  ASSERT_EQ(PostMeta(body.dump())->status, 200);
  const std::vector<v1::DeliverCommentsRequest> kept = coordinator_.kept();
  ASSERT_EQ(kept.size(), 1u);
  ASSERT_EQ(kept[0].comments_size(), 60) << "every mention is kept";
  EXPECT_EQ(kept[0].comments(49).fields().at("text").string_value(), "Shout out to @acme_ig");
  EXPECT_EQ(kept[0].comments(50).fields().at("id").string_value(), "m50");
  EXPECT_EQ(kept[0].comments(50).fields().at("text").string_value(), "") << "not looked up";
}

TEST(WebhookReceiverStartTest, ItNeedsASecretAndMetasVerifyToken) {
  std::unique_ptr<CredentialStore> credentials = CredentialStore::FromAccounts({});
  WebhookReceiverOptions options;
  options.credentials = credentials.get();
  options.deliver = [](const v1::DeliverCommentsRequest&) { return absl::OkStatus(); };
  EXPECT_EQ(WebhookReceiver::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.meta_app_secret = "s";
  EXPECT_EQ(WebhookReceiver::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.meta_verify_token = "t";
  options.listen = "not an address";
  EXPECT_EQ(WebhookReceiver::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.listen = "127.0.0.1:0";
  EXPECT_TRUE(WebhookReceiver::Start(options).ok());
}

}  // namespace
}  // namespace fanfare::workers::webhooks
