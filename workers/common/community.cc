#include "workers/common/community.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers {
namespace {

constexpr size_t kMaxReplyBytes = 10'000;

struct ActionName {
  absl::string_view name;
  Moderation action;
};
constexpr ActionName kActions[] = {
    {"hide", Moderation::kHide},   {"unhide", Moderation::kUnhide}, {"delete", Moderation::kDelete},
    {"reply", Moderation::kReply}, {"like", Moderation::kLike},     {"pin", Moderation::kPin},
    {"reject", Moderation::kReject}, {"reshare", Moderation::kReshare}};

std::string Tidy(absl::string_view text) {
  return absl::StrJoin(absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty()), " ");
}

}  // namespace

Json CommentJson(const Comment& c) {
  return {{"id", c.id}, {"parent_id", c.parent_id}, {"post_id", c.post_id},
          {"author", {{"id", c.author_id}, {"handle", c.author_handle},
                      {"followers", c.author_followers}}},
          {"text", c.text}, {"created_at", Rfc3339(c.created_at)}, {"hidden", c.hidden},
          {"url", c.url}};
}

namespace {

bool IsAfter(const ListedComment& item, const CommentMark& mark) {
  if (item.key != mark.key) return item.key > mark.key;
  return std::find(mark.ids.begin(), mark.ids.end(), item.comment.id) == mark.ids.end();
}

bool IsBefore(const ListedComment& item, const CommentMark& mark) {
  if (item.key != mark.key) return item.key < mark.key;
  return std::find(mark.ids.begin(), mark.ids.end(), item.comment.id) == mark.ids.end();
}

Json MarkJson(const CommentMark& mark) { return Json::array({mark.key, mark.ids}); }

std::optional<CommentMark> MarkOf(const Json& json) {
  if (!json.is_array() || json.size() != 2 || !json[0].is_number_integer() ||
      !json[1].is_array() || json[1].size() > 1000) {
    return std::nullopt;
  }
  CommentMark mark;
  mark.key = json[0].get<int64_t>();
  if (mark.key < 0) return std::nullopt;  // keys are times and ids: never negative
  for (const Json& id : json[1]) {
    if (!id.is_string()) return std::nullopt;
    mark.ids.push_back(id.get<std::string>());
  }
  return mark;
}

// The mark just past the newest (`newest`) or oldest of `items`, which share its key:
// every item with that key is listed in it.
CommentMark MarkAt(const std::vector<ListedComment>& items, int64_t key,
                   std::vector<std::string> ids = {}) {
  CommentMark mark;
  mark.key = key;
  mark.ids = std::move(ids);
  for (const ListedComment& item : items) {
    if (item.key == key) mark.ids.push_back(item.comment.id);
  }
  return mark;
}

}  // namespace

absl::StatusOr<CommentCursor> DecodeCursor(const TaskInput& input) {
  const Json& given = JsonMember(input.json(), "cursor");
  if (!given.is_null() && !given.is_string()) {
    return input.Reject("cursor", "must be a string: the cursor an earlier run returned");
  }
  const std::string text = input.OptionalString("cursor");
  CommentCursor cursor;
  cursor.source = input.action();
  if (text.empty()) return cursor;
  const Json json = text.size() > 64 * 1024 ? Json() : Json::parse(text, nullptr, false);
  std::optional<CommentMark> after, top;
  if (!json.is_object() || !(after = MarkOf(json.value("after", Json()))) ||
      !(top = MarkOf(json.value("top", Json())))) {
    return input.Reject("cursor", "is not a cursor an earlier run of this action returned");
  }
  if (JsonString(json, "source") != input.action()) {
    return input.Reject("cursor", absl::StrCat("was written by ", JsonString(json, "source", "?"),
                                               ", not ", input.action()));
  }
  cursor.after = *std::move(after);
  cursor.top = *std::move(top);
  if (json.contains("before")) {
    cursor.before = MarkOf(json["before"]);
    if (!cursor.before) return input.Reject("cursor", "has a malformed 'before'");
  }
  return cursor;
}

std::string EncodeCursor(const CommentCursor& cursor) {
  Json json = {{"source", cursor.source}, {"after", MarkJson(cursor.after)},
               {"top", MarkJson(cursor.top)}};
  if (cursor.before) json["before"] = MarkJson(*cursor.before);
  return json.dump();
}

absl::StatusOr<Json> DrainComments(const CommentPageFn& page, const CommentCursor& cursor,
                                   int max, int max_pages) {
  std::vector<ListedComment> taken;
  std::set<std::string> taken_ids;  // a listing that shifts between pages repeats items
  bool reached_after = false;
  bool more = false;           // stopped with comments left in the gap
  bool newer_waiting = false;  // comments newer than the cursor's top were seen
  std::string token;
  for (int n = 0; n < max_pages && !reached_after && !more; ++n) {
    absl::StatusOr<CommentPage> listed = page(token);
    if (!listed.ok()) return listed.status();
    for (const ListedComment& item : listed->items) {
      if (!IsAfter(item, cursor.after)) {
        // Within one key the order is the network's: only an older key ends the gap.
        if (item.key == cursor.after.key) continue;
        reached_after = true;
        break;
      }
      if (cursor.before && !IsBefore(item, *cursor.before)) {
        // Newer than the run that started this backlog: for a run after it.
        newer_waiting |= IsAfter(item, cursor.top);
        continue;
      }
      if (taken_ids.count(item.comment.id)) continue;
      if (static_cast<int>(taken.size()) == max) {
        more = true;
        break;
      }
      taken_ids.insert(item.comment.id);
      taken.push_back(item);
    }
    token = listed->next;
    if (token.empty()) reached_after = true;
    if (!reached_after && n + 1 == max_pages) more = true;
  }
  CommentCursor next = cursor;
  if (!cursor.before) {
    // The newest comment returned; comments of the same key met earlier are in the mark.
    next.top = cursor.after;
    if (!taken.empty()) {
      const int64_t key = taken.front().key;
      next.top = MarkAt(taken, key, key == cursor.after.key ? cursor.after.ids
                                                            : std::vector<std::string>{});
    }
  } else {
    for (const ListedComment& item : taken) {
      if (item.key == next.top.key) next.top.ids.push_back(item.comment.id);
    }
  }
  // A backlog the pages allowed cannot even reach (a listing that cannot be narrowed, with
  // more new comments above it than the pages hold) is given up rather than read forever.
  const bool abandon = more && taken.empty() && cursor.before.has_value();
  if (more && !abandon) {
    std::vector<std::string> ids;
    if (cursor.before && !taken.empty() && cursor.before->key == taken.back().key) {
      ids = cursor.before->ids;
    }
    if (!taken.empty()) next.before = MarkAt(taken, taken.back().key, std::move(ids));
  } else {
    next.after = next.top;
    next.before.reset();
  }
  std::vector<Comment> comments;
  // Oldest first: the listing is newest first, so reversed, then ordered by time.
  for (auto it = taken.rbegin(); it != taken.rend(); ++it) comments.push_back(std::move(it->comment));
  std::stable_sort(comments.begin(), comments.end(), [](const Comment& a, const Comment& b) {
    return a.created_at < b.created_at;
  });
  Json out = Json::array();
  for (const Comment& c : comments) out.push_back(CommentJson(c));
  Json result = {{"comments", out}, {"count", comments.size()}, {"cursor", EncodeCursor(next)},
                 {"complete", !more && !newer_waiting}};
  if (abandon) result["backlog_abandoned"] = true;
  return result;
}

absl::StatusOr<Json> DrainMerged(std::vector<PostComments> posts, const CommentCursor& cursor,
                                 int max) {
  CommentPage merged;
  std::optional<int64_t> trusted_above;  // keys at or below it may be missing
  for (PostComments& post : posts) {
    // Unread pages older than the cursor hold nothing this run may return.
    if (post.truncated && post.oldest_read >= cursor.after.key) {
      trusted_above = std::max(trusted_above.value_or(INT64_MIN), post.oldest_read);
    }
    for (ListedComment& item : post.items) merged.items.push_back(std::move(item));
  }
  std::stable_sort(merged.items.begin(), merged.items.end(),
                   [](const ListedComment& a, const ListedComment& b) { return a.key > b.key; });
  if (trusted_above) {
    std::erase_if(merged.items,
                  [&](const ListedComment& item) { return item.key <= *trusted_above; });
    merged.next = "unread pages";  // tells DrainComments the listing goes on
  }
  auto page = [&merged](const std::string&) -> absl::StatusOr<CommentPage> { return merged; };
  return DrainComments(page, cursor, max, /*max_pages=*/1);
}

absl::StatusOr<int> ReadMaxComments(const TaskInput& input) {
  if (!input.Has("max")) return 100;
  const Json& max = input.json()["max"];
  if (!max.is_number_integer() || max.get<int64_t>() < 1 || max.get<int64_t>() > 500) {
    return input.Reject("max", "must be a whole number from 1 to 500");
  }
  return max.get<int>();
}

absl::StatusOr<ModerationRequest> ReadModeration(const TaskInput& input) {
  ModerationRequest request;
  absl::StatusOr<std::string> id = input.RequiredString("comment_id");
  if (!id.ok()) return id.status();
  if (id->size() > 128) return input.Reject("comment_id", "is longer than 128 characters");
  request.comment_id = *std::move(id);
  absl::StatusOr<std::string> action = input.RequiredString("action");
  if (!action.ok()) return action.status();
  const ActionName* found = std::find_if(std::begin(kActions), std::end(kActions),
                                         [&](const ActionName& a) { return a.name == *action; });
  if (found == std::end(kActions)) {
    return input.Reject("action",
                        "must be one of hide, unhide, delete, reply, like, pin, reject, reshare");
  }
  request.action = found->action;
  request.action_name = std::string(found->name);
  request.text = input.OptionalString("text");
  if (request.action == Moderation::kReply) {
    if (Tidy(request.text).empty()) return input.Reject("text", "is required to reply");
    if (request.text.size() > kMaxReplyBytes) {
      return input.Reject("text", absl::StrCat("is longer than ", kMaxReplyBytes, " bytes"));
    }
  }
  return request;
}

absl::Status UnsupportedModeration(const TaskInput& input, const ModerationRequest& request,
                                   absl::string_view rule) {
  return RejectedInput(absl::StrCat(input.action(), ": cannot ", request.action_name,
                                    " comment ", request.comment_id, ": ", rule),
                       "unsupported_moderation");
}

Json ModerationOutput(const ModerationRequest& request, const std::string& reply_id,
                      const std::string& reply_url) {
  Json out = {{"comment_id", request.comment_id}, {"action", request.action_name},
              {"done", true}};
  if (!reply_id.empty()) {
    out["reply_id"] = reply_id;
    out["reply_url"] = reply_url;
  }
  return out;
}

bool SameReplyText(absl::string_view found, absl::string_view sent) {
  return Tidy(found) == Tidy(sent);
}

}  // namespace fanfare::workers
