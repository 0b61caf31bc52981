// What Meta and X push, read into comments: signatures (against RFC 4231's HMAC-SHA256
// vector, so that hex and base64 are checked independently of the code that makes them),
// the Page feed, Instagram comments and mentions, X's Account Activity, and deliveries that
// are not what they claim.
#include "workers/webhooks/pushed_comments.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fanfare::workers::webhooks {
namespace {

// RFC 4231, test case 2.
constexpr char kKey[] = "Jefe";
constexpr char kData[] = "what do ya want for nothing?";
constexpr char kHex[] = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
constexpr char kBase64[] = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=";

const absl::Time kReceived = absl::FromUnixSeconds(1'800'000'000);

TEST(PushedCommentsTest, MetaSignaturesAreCheckedInConstantTimeAgainstTheAppSecret) {
  EXPECT_TRUE(MetaSignatureMatches(kKey, kData, std::string("sha256=") + kHex));
  std::string upper = std::string("sha256=") + kHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper.replace(0, 7, "sha256=");
  EXPECT_TRUE(MetaSignatureMatches(kKey, kData, upper)) << "hex in either case";
  EXPECT_FALSE(MetaSignatureMatches(kKey, std::string(kData) + " ", std::string("sha256=") + kHex));
  EXPECT_FALSE(MetaSignatureMatches("other", kData, std::string("sha256=") + kHex));
  EXPECT_FALSE(MetaSignatureMatches(kKey, kData, kHex)) << "without its prefix";
  EXPECT_FALSE(MetaSignatureMatches(kKey, kData, "sha1=abc"));
  EXPECT_FALSE(MetaSignatureMatches(kKey, kData, ""));
  EXPECT_FALSE(MetaSignatureMatches("", kData, "sha256=")) << "no secret, nothing matches";
}

TEST(PushedCommentsTest, XSignsInBase64AndAnswersItsCrcCheck) {
  EXPECT_TRUE(XSignatureMatches(kKey, kData, std::string("sha256=") + kBase64));
  EXPECT_FALSE(XSignatureMatches(kKey, kData, std::string("sha256=") + kHex));
  EXPECT_FALSE(XSignatureMatches("", kData, "sha256="));
  const nlohmann::json crc = nlohmann::json::parse(XCrcResponse(kKey, kData));
  EXPECT_EQ(crc["response_token"], std::string("sha256=") + kBase64);
}

TEST(PushedCommentsTest, APageFeedGivesItsNewCommentsAndIgnoresTheRest) {
  const nlohmann::json body = {
      {"object", "page"},
      {"entry",
       {{{"id", "1001"},
         {"time", 1'800'000'100},
         {"changes",
          {{{"field", "feed"},
            {"value",
             {{"item", "comment"}, {"verb", "add"}, {"comment_id", "77_1"},
              {"post_id", "1001_77"}, {"parent_id", "1001_77"},
              {"from", {{"id", "42"}, {"name", "Ana"}}}, {"message", "Love it"},
              {"created_time", 1'800'000'000}}}},
           {{"field", "feed"},
            {"value",
             {{"item", "comment"}, {"verb", "add"}, {"comment_id", "77_2"},
              {"post_id", "1001_77"}, {"parent_id", "77_1"},
              {"from", {{"id", "43"}, {"name", "Bo"}}}, {"message", "Same"},
              {"created_time", "1800000050"}}}},
           {{"field", "feed"}, {"value", {{"item", "reaction"}, {"verb", "add"}}}},
           {{"field", "feed"}, {"value", {{"item", "comment"}, {"verb", "remove"}}}}}}}}}};
  absl::StatusOr<PushedDelivery> d = ReadMetaDelivery(body.dump(), kReceived);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->comments.size(), 2u);
  EXPECT_EQ(d->ignored, 2);
  const PushedComment& top = d->comments[0];
  EXPECT_EQ(top.network, "facebook");
  EXPECT_EQ(top.owner_id, "1001");
  EXPECT_EQ(top.comment.id, "77_1");
  EXPECT_EQ(top.comment.post_id, "1001_77");
  EXPECT_EQ(top.comment.parent_id, "") << "a comment on the post answers no comment";
  EXPECT_EQ(top.comment.author_id, "42");
  EXPECT_EQ(top.comment.author_handle, "Ana");
  EXPECT_EQ(top.comment.text, "Love it");
  EXPECT_EQ(top.comment.created_at, absl::FromUnixSeconds(1'800'000'000));
  EXPECT_EQ(top.comment.url, "https://www.facebook.com/1001_77?comment_id=77_1");
  EXPECT_EQ(d->comments[1].comment.parent_id, "77_1");
  EXPECT_EQ(d->comments[1].comment.created_at, absl::FromUnixSeconds(1'800'000'050));
}

TEST(PushedCommentsTest, InstagramGivesCommentsWholeAndMentionsAsPointers) {
  const nlohmann::json body = {
      {"object", "instagram"},
      {"entry",
       {{{"id", "178414"},
         {"time", 1'800'000'100},
         {"changes",
          {{{"field", "comments"},
            {"value",
             {{"id", "c1"}, {"text", "Where can I buy it?"}, {"parent_id", "c0"},
              {"from", {{"id", "9"}, {"username", "mia"}}},
              {"media", {{"id", "m1"}, {"media_product_type", "FEED"}}}}}},
           {{"field", "mentions"}, {"value", {{"media_id", "m7"}}}},
           {{"field", "mentions"}, {"value", {{"media_id", "m8"}, {"comment_id", "c8"}}}},
           {{"field", "story_insights"}, {"value", {{"reach", 1}}}}}}}}}};
  absl::StatusOr<PushedDelivery> d = ReadMetaDelivery(body.dump(), kReceived);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->comments.size(), 1u);
  const Comment& c = d->comments[0].comment;
  EXPECT_EQ(d->comments[0].network, "instagram");
  EXPECT_EQ(c.id, "c1");
  EXPECT_EQ(c.parent_id, "c0");
  EXPECT_EQ(c.post_id, "m1");
  EXPECT_EQ(c.author_handle, "mia");
  EXPECT_EQ(c.created_at, absl::FromUnixSeconds(1'800'000'100)) << "when Meta sent it";
  ASSERT_EQ(d->mentions.size(), 2u);
  EXPECT_EQ(d->mentions[0].owner_id, "178414");
  EXPECT_EQ(d->mentions[0].media_id, "m7");
  EXPECT_EQ(d->mentions[0].comment_id, "");
  EXPECT_EQ(d->mentions[1].comment_id, "c8");
  EXPECT_EQ(d->ignored, 1);
}

TEST(PushedCommentsTest, XGivesOthersTweetsAndSkipsTheAccountsOwn) {
  const nlohmann::json body = {
      {"for_user_id", "1500"},
      {"tweet_create_events",
       {{{"id_str", "9001"}, {"text", "@acme_x love it"},
         {"created_at", "Wed Oct 10 20:19:24 +0000 2018"},
         {"user", {{"id_str", "77"}, {"screen_name", "ana"}, {"followers_count", 1234}}},
         {"in_reply_to_status_id_str", "8000"}, {"in_reply_to_user_id_str", "1500"}},
        {{"id_str", "9002"}, {"text", "trunc…"}, {"truncated", true},
         {"extended_tweet", {{"full_text", "the whole of a long tweet"}}},
         {"created_at", "not a time"},
         {"user", {{"id_str", "78"}, {"screen_name", "bo"}}},
         {"in_reply_to_status_id_str", "9001"}, {"in_reply_to_user_id_str", "77"}},
        {{"id_str", "9003"}, {"text", "our own reply"}, {"user", {{"id_str", "1500"}}}}}},
      {"favorite_events", {{{"id", "x"}}}}};
  absl::StatusOr<PushedDelivery> d = ReadXDelivery(body.dump(), kReceived);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->comments.size(), 2u);
  EXPECT_EQ(d->ignored, 2) << "the account's own tweet and a like";
  const Comment& reply = d->comments[0].comment;
  EXPECT_EQ(d->comments[0].owner_id, "1500");
  EXPECT_EQ(reply.post_id, "8000") << "it answers one of the account's tweets";
  EXPECT_EQ(reply.parent_id, "");
  EXPECT_EQ(reply.author_followers, 1234);
  EXPECT_EQ(reply.created_at, absl::FromUnixSeconds(1539202764));
  EXPECT_EQ(reply.url, "https://x.com/ana/status/9001");
  const Comment& deeper = d->comments[1].comment;
  EXPECT_EQ(deeper.text, "the whole of a long tweet");
  EXPECT_EQ(deeper.parent_id, "9001");
  EXPECT_EQ(deeper.post_id, "");
  EXPECT_EQ(deeper.created_at, kReceived) << "an unreadable time is when it arrived";
}

TEST(PushedCommentsTest, WhatANetworkCouldNotMeanIsBoundedNotTrusted) {
  // Nesting beyond any real delivery is left out as it is parsed, never copied or recursed.
  const std::string deep = R"({"for_user_id":"1500","tweet_create_events":[{"id_str":"1",)"
                           R"("text":"t","user":{"id_str":"7","followers_count":-1},"junk":)" +
                           std::string(100'000, '[') + std::string(100'000, ']') + "}]}";
  absl::StatusOr<PushedDelivery> d = ReadXDelivery(deep, kReceived);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->comments.size(), 1u);
  EXPECT_EQ(d->comments[0].comment.author_followers, 0) << "a negative count";
  for (const auto& [given, kept] : std::vector<std::pair<std::string, int64_t>>{
           {"1e13", 1'000'000'000'000}, {"\"nan\"", 0}, {"\"1e400\"", 1'000'000'000'000}}) {
    const std::string body = R"({"for_user_id":"1500","tweet_create_events":[{"id_str":"1",)"
                             R"("user":{"id_str":"7","followers_count":)" + given + "}}]}";
    absl::StatusOr<PushedDelivery> read = ReadXDelivery(body, kReceived);
    ASSERT_TRUE(read.ok() && read->comments.size() == 1) << body;
    EXPECT_EQ(read->comments[0].comment.author_followers, kept) << given;
  }
  // Times no one could have written a comment at become the time it arrived.
  const nlohmann::json far = {
      {"object", "page"},
      {"entry", {{{"id", "1001"}, {"time", 9'223'372'036'854'775'807LL},
                  {"changes", {{{"field", "feed"},
                                {"value", {{"item", "comment"}, {"verb", "add"},
                                           {"comment_id", "c"}, {"post_id", "p"},
                                           {"created_time", 253'402'300'800LL}}}}}}}}}};
  absl::StatusOr<PushedDelivery> meta = ReadMetaDelivery(far.dump(), kReceived);
  ASSERT_TRUE(meta.ok() && meta->comments.size() == 1);
  EXPECT_EQ(meta->comments[0].comment.created_at, kReceived);
  const std::string old_tweet = R"({"for_user_id":"1500","tweet_create_events":[{"id_str":"1",)"
                                R"("created_at":"Wed Oct 10 20:19:24 +0000 1999",)"
                                R"("user":{"id_str":"7"}}]})";
  EXPECT_EQ(ReadXDelivery(old_tweet, kReceived)->comments[0].comment.created_at, kReceived);
}

TEST(PushedCommentsTest, WhatIsNotADeliveryIsRefused) {
  for (const char* body : {"", "[]", "{", "{\"object\": \"page\"}", "{\"entry\": []}",
                           "{\"object\": \"page\", \"entry\": {}}"}) {
    EXPECT_EQ(ReadMetaDelivery(body, kReceived).status().code(),
              absl::StatusCode::kInvalidArgument)
        << body;
  }
  for (const char* body : {"", "null", "{\"tweet_create_events\": []}"}) {
    EXPECT_EQ(ReadXDelivery(body, kReceived).status().code(), absl::StatusCode::kInvalidArgument)
        << body;
  }
  // Wrong types inside are skipped, never thrown.
  absl::StatusOr<PushedDelivery> odd = ReadMetaDelivery(
      R"({"object": "page", "entry": [7, {"id": [1]}, {"id": "1", "changes": [5, {"field": 3}]}]})",
      kReceived);
  ASSERT_TRUE(odd.ok()) << odd.status();
  EXPECT_TRUE(odd->comments.empty());
  absl::StatusOr<PushedDelivery> odd_x = ReadXDelivery(
      R"({"for_user_id": 5, "tweet_create_events": [1, {"id_str": 2, "user": "me"}]})",
      kReceived);
  ASSERT_TRUE(odd_x.ok()) << odd_x.status();
  EXPECT_TRUE(odd_x->comments.empty());
}

}  // namespace
}  // namespace fanfare::workers::webhooks
