#include "workers/webhooks/pushed_comments.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/sha256.h"

namespace fanfare::workers::webhooks {
namespace {

// Deeper than this, a part of a delivery is left out as it is parsed: no delivery nests so
// deep, and a deeper one would cost recursion later.
constexpr int kMaxDepth = 32;
// Times outside [2000, one day after receipt) are replaced by the time of receipt.
constexpr absl::Time kEarliest = absl::FromUnixSeconds(946'684'800);

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("not a webhook delivery: ", what));
}

// A JSON object, its parts nested deeper than kMaxDepth left out; nullopt if `body` is not
// JSON or not an object.
std::optional<Json> ParseDelivery(absl::string_view body) {
  Json parsed = Json::parse(
      body.begin(), body.end(),
      [](int depth, Json::parse_event_t, Json&) { return depth <= kMaxDepth; },
      /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

// `t`, if it is a plausible time for something just written; else `received`.
absl::Time Plausible(absl::Time t, absl::Time received) {
  return t >= kEarliest && t < received + absl::Hours(24) ? t : received;
}

absl::Time UnixTimeOf(const Json& j, absl::string_view key, absl::Time received) {
  const double seconds = JsonNumber(j, key, 0);
  if (!(seconds > 0 && seconds < 1e11)) return received;
  return Plausible(absl::FromUnixSeconds(static_cast<int64_t>(seconds)), received);
}

// A follower count as DeliverComments takes it: 0 to 1e12, 0 when unreadable.
int64_t Followers(double count) {
  return count >= 0 ? static_cast<int64_t>(std::min(count, 1e12)) : 0;
}

// The list at `key`, or an empty one: never a copy.
const Json& ListAt(const Json& j, absl::string_view key) {
  static const Json* const kEmpty = new Json(Json::array());
  const Json& list = JsonMember(j, key);
  return list.is_array() ? list : *kEmpty;
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

absl::Time XTime(const std::string& text, absl::Time received) {
  absl::Time t;
  std::string err;
  return absl::ParseTime("%a %b %d %H:%M:%S %z %Y", text, &t, &err) ? Plausible(t, received)
                                                                      : received;
}

}  // namespace

bool MetaSignatureMatches(absl::string_view app_secret, absl::string_view body,
                          absl::string_view header) {
  if (app_secret.empty() || !absl::ConsumePrefix(&header, "sha256=")) return false;
  const std::string expected = HmacSha256Hex(app_secret, body);
  return !expected.empty() && ConstantTimeEquals(expected, absl::AsciiStrToLower(header));
}

absl::StatusOr<PushedDelivery> ReadMetaDelivery(absl::string_view body, absl::Time received) {
  std::optional<Json> parsed = ParseDelivery(body);
  if (!parsed.has_value()) return Malformed("the body is not a JSON object");
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
  std::optional<Json> parsed = ParseDelivery(body);
  if (!parsed.has_value()) return Malformed("the body is not a JSON object");
  const std::string me = JsonString(*parsed, "for_user_id");
  if (me.empty()) return Malformed("no `for_user_id`");
  PushedDelivery out;

  // Likes, follows, messages: events of other kinds.
  for (const auto& [key, value] : parsed->items()) {
    if (key != "for_user_id" && key != "tweet_create_events" && key != "user_has_blocked") {
      out.ignored += value.is_array() ? static_cast<int>(value.size()) : 0;
    }
  }
  for (const Json& t : ListAt(*parsed, "tweet_create_events")) {
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
    c.author_followers = Followers(JsonNumber(user, "followers_count"));
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
