#include "workers/webhooks/pushed_comments.h"

#include <openssl/crypto.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/sha256.h"

namespace fanfare::workers::webhooks {
namespace {

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("not a webhook delivery: ", what));
}

absl::Time UnixTimeOf(const Json& j, absl::string_view key, absl::Time fallback) {
  int64_t seconds = 0;
  const std::string text = JsonString(j, key);
  return absl::SimpleAtoi(text, &seconds) && seconds > 0 ? absl::FromUnixSeconds(seconds)
                                                         : fallback;
}

// Page `feed`: a new comment on one of the Page's posts (or a reply to one).
void ReadFeedChange(const Json& value, const std::string& page, absl::Time sent,
                    PushedDelivery& out) {
  if (JsonString(value, "item") != "comment" || JsonString(value, "verb") != "add") {
    ++out.ignored;
    return;
  }
  PushedComment pushed{.network = "facebook", .owner_id = page};
  Comment& c = pushed.comment;
  c.id = JsonString(value, "comment_id");
  c.post_id = JsonString(value, "post_id");
  // A comment on the post names the post as its parent; a reply names the comment.
  c.parent_id = JsonString(value, "parent_id");
  if (c.parent_id == c.post_id) c.parent_id.clear();
  c.author_id = JsonString(JsonMember(value, "from"), "id");
  c.author_handle = JsonString(JsonMember(value, "from"), "name");
  c.text = JsonString(value, "message");
  c.created_at = UnixTimeOf(value, "created_time", sent);
  if (!c.post_id.empty()) {
    c.url = absl::StrCat("https://www.facebook.com/", c.post_id, "?comment_id=", c.id);
  }
  if (c.id.empty()) {
    ++out.ignored;
    return;
  }
  out.comments.push_back(std::move(pushed));
}

// Instagram `comments`: the comment whole, dated when Meta sent it (it carries no time).
void ReadInstagramComment(const Json& value, const std::string& owner, absl::Time sent,
                          PushedDelivery& out) {
  PushedComment pushed{.network = "instagram", .owner_id = owner};
  Comment& c = pushed.comment;
  c.id = JsonString(value, "id");
  c.parent_id = JsonString(value, "parent_id");
  c.post_id = JsonString(JsonMember(value, "media"), "id");
  c.author_id = JsonString(JsonMember(value, "from"), "id");
  c.author_handle = JsonString(JsonMember(value, "from"), "username");
  c.text = JsonString(value, "text");
  c.created_at = sent;
  if (c.id.empty()) {
    ++out.ignored;
    return;
  }
  out.comments.push_back(std::move(pushed));
}

void ReadMetaChange(const std::string& object, const Json& change, const std::string& owner,
                    absl::Time sent, PushedDelivery& out) {
  const std::string field = JsonString(change, "field");
  const Json& value = JsonMember(change, "value");
  if (object == "page" && field == "feed") return ReadFeedChange(value, owner, sent, out);
  if (object == "instagram" && field == "comments") {
    return ReadInstagramComment(value, owner, sent, out);
  }
  if (object == "instagram" && field == "mentions" && !JsonString(value, "media_id").empty()) {
    out.mentions.push_back(MentionRef{.owner_id = owner,
                                      .media_id = JsonString(value, "media_id"),
                                      .comment_id = JsonString(value, "comment_id")});
    return;
  }
  ++out.ignored;
}

absl::Time XTime(const std::string& text, absl::Time fallback) {
  absl::Time t;
  std::string err;
  return absl::ParseTime("%a %b %d %H:%M:%S %z %Y", text, &t, &err) ? t : fallback;
}

}  // namespace

bool MetaSignatureMatches(absl::string_view app_secret, absl::string_view body,
                          absl::string_view header) {
  if (app_secret.empty() || !absl::ConsumePrefix(&header, "sha256=")) return false;
  const std::string expected = HmacSha256Hex(app_secret, body);
  return !expected.empty() && ConstantTimeEquals(expected, absl::AsciiStrToLower(header));
}

absl::StatusOr<PushedDelivery> ReadMetaDelivery(absl::string_view body, absl::Time received) {
  std::optional<Json> parsed = ParseJson(body);
  if (!parsed.has_value() || !parsed->is_object()) return Malformed("the body is not JSON");
  const std::string object = JsonString(*parsed, "object");
  const Json& entries = JsonMember(*parsed, "entry");
  if (object.empty() || !entries.is_array()) return Malformed("no `object` and `entry` list");
  PushedDelivery out;
  for (const Json& entry : entries) {
    const std::string owner = JsonString(entry, "id");
    const Json& changes = JsonMember(entry, "changes");
    if (owner.empty() || !changes.is_array()) {
      ++out.ignored;  // messaging and other entries carry no `changes`
      continue;
    }
    const absl::Time sent = UnixTimeOf(entry, "time", received);
    for (const Json& change : changes) ReadMetaChange(object, change, owner, sent, out);
  }
  return out;
}

std::string XCrcResponse(absl::string_view consumer_secret, absl::string_view crc_token) {
  return Json{{"response_token",
               absl::StrCat("sha256=", HmacSha256Base64(consumer_secret, crc_token))}}
      .dump();
}

bool XSignatureMatches(absl::string_view consumer_secret, absl::string_view body,
                       absl::string_view header) {
  if (consumer_secret.empty() || !absl::ConsumePrefix(&header, "sha256=")) return false;
  const std::string expected = HmacSha256Base64(consumer_secret, body);
  return !expected.empty() && ConstantTimeEquals(expected, header);
}

absl::StatusOr<PushedDelivery> ReadXDelivery(absl::string_view body, absl::Time received) {
  std::optional<Json> parsed = ParseJson(body);
  if (!parsed.has_value() || !parsed->is_object()) return Malformed("the body is not JSON");
  const std::string me = JsonString(*parsed, "for_user_id");
  if (me.empty()) return Malformed("no `for_user_id`");
  PushedDelivery out;
  const Json& tweets = JsonMember(*parsed, "tweet_create_events");
  // Likes, follows, messages: events of other kinds.
  for (const auto& [key, value] : parsed->items()) {
    if (key != "for_user_id" && key != "tweet_create_events" && key != "user_has_blocked") {
      out.ignored += value.is_array() ? static_cast<int>(value.size()) : 0;
    }
  }
  for (const Json& t : tweets.is_array() ? tweets : Json::array()) {
    const Json& user = JsonMember(t, "user");
    PushedComment pushed{.network = "x", .owner_id = me};
    Comment& c = pushed.comment;
    c.id = JsonString(t, "id_str");
    c.author_id = JsonString(user, "id_str");
    // The account's own tweets are not comments; a tweet always names its author.
    if (c.id.empty() || c.author_id.empty() || c.author_id == me) {
      ++out.ignored;
      continue;
    }
    c.author_handle = JsonString(user, "screen_name");
    c.author_followers = static_cast<int64_t>(JsonNumber(user, "followers_count"));
    const Json& extended = JsonMember(t, "extended_tweet");
    c.text = JsonString(extended, "full_text", JsonString(t, "text"));
    c.created_at = XTime(JsonString(t, "created_at"), received);
    // A reply to one of the account's tweets sits under it; any other reply answers a tweet.
    const std::string replied = JsonString(t, "in_reply_to_status_id_str");
    if (!replied.empty() && JsonString(t, "in_reply_to_user_id_str") == me) {
      c.post_id = replied;
    } else {
      c.parent_id = replied;
    }
    c.url = absl::StrCat("https://x.com/", c.author_handle.empty() ? "i/web" : c.author_handle,
                         "/status/", c.id);
    out.comments.push_back(std::move(pushed));
  }
  return out;
}

}  // namespace fanfare::workers::webhooks
