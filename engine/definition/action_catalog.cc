#include "engine/definition/action_catalog.h"

#include <algorithm>
#include <span>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace fanfare::definition {
namespace {

constexpr CatalogAction kPublishAndAds[] = {
    {"publish", false}, {"insights", true}, {"boost", false},
    {"set_budget", true}, {"pause", true},  {"resume", true}};
// Community: `comments` reads, `moderate` acts on one comment (a reply is not idempotent),
// `search` listens to a topic.
constexpr CatalogAction kPublishAdsAndCommunity[] = {
    {"publish", false}, {"insights", true}, {"boost", false},     {"set_budget", true},
    {"pause", true},    {"resume", true},   {"comments", true},  {"moderate", false},
    {"search", true}};
constexpr CatalogAction kPublishAdsAndComments[] = {
    {"publish", false}, {"insights", true}, {"boost", false},     {"set_budget", true},
    {"pause", true},    {"resume", true},   {"comments", true},  {"moderate", false}};
constexpr CatalogAction kPublishAndCommunity[] = {
    {"publish", false}, {"insights", true}, {"comments", true}, {"moderate", false},
    {"search", true}};
constexpr CatalogAction kContent[] = {{"generate", true}, {"ambassadors", true}};

// Why a network lacks an action a user may expect of it.
struct Gap {
  absl::string_view queue;
  absl::string_view verb;
  absl::string_view reason;
};
constexpr absl::string_view kNoCommentsApi =
    "Snapchat has no public API for comments: community actions cannot run there";
constexpr Gap kGaps[] = {
    {"snapchat", "comments", kNoCommentsApi}, {"snapchat", "moderate", kNoCommentsApi},
    {"snapchat", "search", kNoCommentsApi},
    {"facebook", "search", "Facebook has no public API to search posts: listen with x.search"},
    {"linkedin", "search", "LinkedIn has no public API to search posts: listen with x.search"},
    {"tiktok", "search", "TikTok opens no search API to brands: listen with x.search"}};

struct QueueEntry {
  absl::string_view queue;
  std::span<const CatalogAction> actions;
};

constexpr QueueEntry kQueues[] = {
    {"facebook", kPublishAdsAndComments}, {"instagram", kPublishAdsAndCommunity},
    {"x", kPublishAdsAndCommunity},   {"linkedin", kPublishAdsAndComments},
    {"youtube", kPublishAndCommunity}, {"tiktok", kPublishAdsAndComments},
    {"snapchat", kPublishAndAds}, {"content", kContent},
};

const QueueEntry* FindQueue(absl::string_view queue) {
  for (const QueueEntry& entry : kQueues) {
    if (entry.queue == queue) return &entry;
  }
  return nullptr;
}

}  // namespace

bool IsLowerIdentifier(absl::string_view name) {
  if (name.empty() || name.size() > 63 || !absl::ascii_islower(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
  });
}

absl::StatusOr<ActionName> ParseActionName(absl::string_view action) {
  const size_t dot = action.find('.');
  if (dot == absl::string_view::npos || action.find('.', dot + 1) != absl::string_view::npos ||
      !IsLowerIdentifier(action.substr(0, dot)) || !IsLowerIdentifier(action.substr(dot + 1))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed action '", action,
        "': write <queue>.<verb> in lowercase, e.g. facebook.publish or content.generate"));
  }
  return ActionName{std::string(action.substr(0, dot)), std::string(action.substr(dot + 1))};
}

ActionCatalog::ActionCatalog() {
  for (const QueueEntry& entry : kQueues) {
    queues_.emplace_back(entry.queue);
    if (entry.queue != "content") networks_.emplace_back(entry.queue);
  }
}

const ActionCatalog& ActionCatalog::Default() {
  static const ActionCatalog* const catalog = new ActionCatalog();
  return *catalog;
}

bool ActionCatalog::IsBuiltinQueue(absl::string_view queue) const {
  return FindQueue(queue) != nullptr;
}

std::vector<std::string> ActionCatalog::Verbs(absl::string_view queue) const {
  std::vector<std::string> verbs;
  if (const QueueEntry* entry = FindQueue(queue)) {
    for (const CatalogAction& action : entry->actions) verbs.emplace_back(action.verb);
  }
  return verbs;
}

const CatalogAction* ActionCatalog::Find(absl::string_view queue, absl::string_view verb) const {
  const QueueEntry* entry = FindQueue(queue);
  if (entry == nullptr) return nullptr;
  for (const CatalogAction& action : entry->actions) {
    if (action.verb == verb) return &action;
  }
  return nullptr;
}

absl::string_view ActionCatalog::Gap(absl::string_view queue, absl::string_view verb) const {
  for (const struct Gap& gap : kGaps) {
    if (gap.queue == queue && gap.verb == verb) return gap.reason;
  }
  return "";
}

bool ActionCatalog::IsIdempotent(absl::string_view queue, absl::string_view verb) const {
  const CatalogAction* action = Find(queue, verb);
  return action == nullptr || action->idempotent;
}

}  // namespace fanfare::definition
