#include "workers/community/ambassadors.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/community/text_signals.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/task_input.h"

namespace fanfare::workers::community {
namespace {

constexpr absl::Duration kHalfLife = absl::Hours(24 * 7);
constexpr absl::Duration kWindow = absl::Hours(24 * 30);        // positive posts counted
constexpr absl::Duration kNegativeCooldown = absl::Hours(24 * 7);
constexpr absl::Duration kRetention = absl::Hours(24 * 90);
constexpr size_t kMaxAuthors = 500;
constexpr size_t kMaxPostsPerAuthor = 30;
constexpr size_t kMaxSeen = 2000;
constexpr size_t kMaxComments = 5000;
constexpr double kPositive = 0.2;
constexpr double kNegative = -0.2;

absl::Status Reject(absl::string_view field, absl::string_view problem) {
  return RejectedInput(absl::StrCat(kAmbassadorsAction, ": '", field, "' ", problem));
}

absl::Time TimeOf(const Json& json, absl::string_view field) {
  absl::Time t = absl::InfinitePast();
  std::string err;
  const std::string text = JsonString(json, field);
  if (!text.empty()) (void)absl::ParseTime(absl::RFC3339_full, text, &t, &err);
  return t;
}

std::string Stamp(absl::Time t) { return t == absl::InfinitePast() ? "" : Rfc3339(t); }

// A number of the ledger or a comment: finite and within ±1e12, else 0 (a hostile or broken
// input must not reach the arithmetic and the sort as NaN or infinity).
double Finite(const Json& json, absl::string_view field) {
  const double v = JsonNumber(json, field);
  return std::isfinite(v) && std::abs(v) <= 1e12 ? v : 0;
}

// An integer field of `input` within [lo, hi], `fallback` when absent.
absl::StatusOr<int> Bounded(const Json& input, absl::string_view field, int fallback, int lo,
                            int hi) {
  const Json& value = JsonMember(input, field);
  if (value.is_null()) return fallback;
  if (!value.is_number_integer() || value.get<int64_t>() < lo || value.get<int64_t>() > hi) {
    return Reject(field, absl::StrCat("must be a whole number from ", lo, " to ", hi));
  }
  return value.get<int>();
}

// Keeps the `keep` entries of `map` (an object of objects) with the latest time `field`:
// one sort, whatever the size.
void KeepNewest(Json& map, absl::string_view field, size_t keep) {
  if (map.size() <= keep) return;
  std::vector<std::pair<absl::Time, std::string>> by_time;
  for (auto it = map.begin(); it != map.end(); ++it) by_time.emplace_back(TimeOf(it.value(), field), it.key());
  std::sort(by_time.begin(), by_time.end(), std::greater<>());
  for (size_t i = keep; i < by_time.size(); ++i) map.erase(by_time[i].second);
}

// Whether `ledger` has the shape this action writes: {authors: {id: {…, posts: {id: {…}}}},
// seen: [ids]}, within the bounds it keeps (a little more, for one run's growth).
bool WellFormed(const Json& ledger) {
  const Json& authors = JsonMember(ledger, "authors");
  const Json& seen = JsonMember(ledger, "seen");
  if (!(authors.is_null() || (authors.is_object() && authors.size() <= 2 * kMaxAuthors)) ||
      !(seen.is_null() || (seen.is_array() && seen.size() <= 2 * kMaxSeen))) {
    return false;
  }
  for (auto it = authors.begin(); authors.is_object() && it != authors.end(); ++it) {
    if (!it.value().is_object()) return false;
    const Json& posts = JsonMember(it.value(), "posts");
    if (!(posts.is_null() || (posts.is_object() && posts.size() <= 2 * kMaxPostsPerAuthor))) return false;
    for (auto p = posts.begin(); posts.is_object() && p != posts.end(); ++p) {
      if (!p.value().is_object()) return false;
    }
  }
  return true;
}

// Counts one comment into its author's record.
void Count(Json& author, const Json& comment, double sentiment) {
  const absl::Time at = TimeOf(comment, "created_at");
  const Json& who = JsonMember(comment, "author");
  author["handle"] = JsonString(who, "handle", JsonString(author, "handle"));
  author["followers"] = static_cast<int64_t>(Finite(who, "followers"));
  if (TimeOf(author, "first_seen") == absl::InfinitePast() || at < TimeOf(author, "first_seen")) {
    author["first_seen"] = Stamp(at);
  }
  if (at > TimeOf(author, "last_seen")) author["last_seen"] = Stamp(at);
  author["comments"] = Finite(author, "comments") + 1;
  if (sentiment > kPositive) author["positive"] = Finite(author, "positive") + 1;
  if (sentiment < kNegative) {
    author["negative"] = Finite(author, "negative") + 1;
    if (at > TimeOf(author, "last_negative")) author["last_negative"] = Stamp(at);
  }
  const std::string post = JsonString(comment, "post_id");
  if (post.empty()) return;
  Json& posts = author["posts"];
  if (!posts.is_object()) posts = Json::object();
  Json& p = posts[post];
  p["sum"] = Finite(p, "sum") + sentiment;
  p["n"] = Finite(p, "n") + 1;
  if (at >= TimeOf(p, "last")) {
    p["last"] = Stamp(at);
    if (sentiment > kPositive) p["comment_id"] = JsonString(comment, "id");
  }
  KeepNewest(posts, "last", kMaxPostsPerAuthor);
}

struct Candidate {
  std::string id;
  double score = 0;
  Json card;
};

// The author's score and, if they are an ambassador now, their card; nullopt otherwise.
std::optional<Candidate> Assess(const std::string& id, const Json& author, absl::Time now,
                                int min_posts) {
  double score = 0, praise_sum = 0;
  int praised = 0;
  std::string comment_id;
  absl::Time latest = absl::InfinitePast();
  const Json& posts = JsonMember(author, "posts");
  for (auto it = posts.begin(); posts.is_object() && it != posts.end(); ++it) {
    const double n = std::max(1.0, Finite(it.value(), "n"));
    const double mean = std::clamp(Finite(it.value(), "sum") / n, -1.0, 1.0);
    const absl::Time last = TimeOf(it.value(), "last");
    const double age = std::max(0.0, absl::ToDoubleHours(now - last) / absl::ToDoubleHours(kHalfLife));
    score += 10 * std::pow(0.5, age) * (1 + mean) / 2;
    if (mean > kPositive && now - last <= kWindow) {
      ++praised;
      praise_sum += mean;
      if (last > latest && !JsonString(it.value(), "comment_id").empty()) {
        latest = last;
        comment_id = JsonString(it.value(), "comment_id");
      }
    }
  }
  const int64_t followers = static_cast<int64_t>(Finite(author, "followers"));
  score += std::log10(1.0 + static_cast<double>(std::max<int64_t>(followers, 0)));
  const absl::Time negative = TimeOf(author, "last_negative");
  if (praised < min_posts || (negative != absl::InfinitePast() && now - negative < kNegativeCooldown)) {
    return std::nullopt;
  }
  Candidate c{id, score, Json::object()};
  c.card = {{"id", id}, {"handle", JsonString(author, "handle")}, {"followers", followers},
            {"score", std::round(score * 100) / 100}, {"posts", praised},
            {"sentiment", std::round(praise_sum / praised * 100) / 100},
            {"comment_id", comment_id},
            {"reasons", Json::array({absl::StrCat("praised ", praised,
                                                  " distinct posts in the last 30 days"),
                                     absl::StrFormat("mean sentiment %+.2f there",
                                                     praise_sum / praised),
                                     absl::StrCat(followers, " followers"),
                                     "nothing negative in the last 7 days"})}};
  return c;
}

// Drops authors unseen for the retention time, then the least recently seen beyond the cap.
void Retain(Json& authors, absl::Time now) {
  for (auto it = authors.begin(); it != authors.end();) {
    it = now - TimeOf(it.value(), "last_seen") > kRetention ? authors.erase(it) : std::next(it);
  }
  KeepNewest(authors, "last_seen", kMaxAuthors);
}

}  // namespace

absl::StatusOr<Json> ScoreAmbassadors(const Json& input, absl::Time now) {
  Json ledger = JsonMember(input, "ledger");
  if (ledger.is_null()) ledger = Json::object();
  if (!ledger.is_object() || !WellFormed(ledger)) {
    return Reject("ledger", "must be the output.ledger of an earlier run of this action");
  }
  if (!JsonMember(ledger, "authors").is_object()) ledger["authors"] = Json::object();
  if (!JsonMember(ledger, "seen").is_array()) ledger["seen"] = Json::array();
  const Json& comments = JsonMember(input, "comments");
  if (!comments.is_array() || comments.size() > kMaxComments) {
    return Reject("comments", absl::StrCat("must be a list of at most ", kMaxComments,
                                           " comments (what <network>.comments returned)"));
  }
  absl::StatusOr<int> min_posts = Bounded(input, "min_posts", 3, 1, 100);
  if (!min_posts.ok()) return min_posts.status();
  absl::StatusOr<int> top = Bounded(input, "top", 5, 1, 50);
  if (!top.ok()) return top.status();
  absl::StatusOr<int> period_days = Bounded(input, "period_days", 30, 1, 365);
  if (!period_days.ok()) return period_days.status();

  std::set<std::string> seen;
  for (const Json& id : ledger["seen"]) {
    if (id.is_string()) seen.insert(id.get<std::string>());
  }
  Json& authors = ledger["authors"];
  for (const Json& comment : comments) {
    const std::string id = JsonString(comment, "id");
    const std::string author = JsonString(JsonMember(comment, "author"), "id");
    if (id.empty() || author.empty() || !seen.insert(id).second) continue;
    ledger["seen"].push_back(id);
    Count(authors[author], comment, fanfare::community::Sentiment(JsonString(comment, "text")));
  }
  Json& seen_list = ledger["seen"];
  if (seen_list.size() > kMaxSeen) seen_list.erase(seen_list.begin(), seen_list.end() - kMaxSeen);
  Retain(authors, now);

  std::vector<Candidate> ranked;
  for (auto it = authors.begin(); it != authors.end(); ++it) {
    if (std::optional<Candidate> c = Assess(it.key(), it.value(), now, *min_posts)) {
      ranked.push_back(*std::move(c));
    }
  }
  std::sort(ranked.begin(), ranked.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  if (ranked.size() > static_cast<size_t>(*top)) ranked.resize(*top);
  Json listed = Json::array(), fresh = Json::array();
  for (const Candidate& c : ranked) {
    listed.push_back(c.card);
    Json& author = authors[c.id];
    const absl::Time recognized = TimeOf(author, "recognized_at");
    if (recognized == absl::InfinitePast() || now - recognized >= absl::Hours(24) * *period_days) {
      author["recognized_at"] = Stamp(now);
      fresh.push_back(c.card);
    }
  }
  return Json{{"ledger", ledger}, {"ambassadors", listed}, {"new_ambassadors", fresh},
              {"authors", authors.size()}};
}

absl::StatusOr<google::protobuf::Value> HandleAmbassadors(TaskContext& ctx) {
  if (ctx.cancelled()) return absl::CancelledError("content.ambassadors: the task was cancelled");
  absl::StatusOr<Json> out = ScoreAmbassadors(FromStruct(ctx.input()), ctx.clock().Now());
  if (!out.ok()) return out.status();
  return ToValue(*out);
}

}  // namespace fanfare::workers::community
