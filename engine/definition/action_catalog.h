// ActionCatalog: the actions Fanfare's own workers serve, and how action names are formed.
//
// An action is `<queue>.<verb>`: the queue is the worker pool (a network such as
// "facebook", or "content"), the verb what to do there. The catalog knows the built-in
// networks' verbs and which of them are idempotent. Queues outside the catalog are custom
// worker pools written with the SDK; their actions are accepted as written and treated as
// idempotent unless a step says `idempotent: false`.
#ifndef FANFARE_ENGINE_DEFINITION_ACTION_CATALOG_H_
#define FANFARE_ENGINE_DEFINITION_ACTION_CATALOG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fanfare::definition {

// The built-in step kinds the coordinator carries out itself.
inline constexpr absl::string_view kBuiltinKinds[] = {"wait", "approval", "signal", "repeat"};

// An action name split into its parts.
struct ActionName {
  std::string queue;
  std::string verb;
};

// Splits "facebook.publish". InvalidArgument, with the expected form, if `action` is not
// two lowercase identifiers joined by one '.'.
absl::StatusOr<ActionName> ParseActionName(absl::string_view action);

// True for lowercase identifiers: [a-z][a-z0-9_]*, at most 63 characters.
bool IsLowerIdentifier(absl::string_view name);

// What the catalog knows of one built-in action.
struct CatalogAction {
  absl::string_view verb;
  // False when repeating the action could act twice (publishing a post, creating an ad):
  // a lost attempt becomes UNKNOWN and is settled by reconcile, never retried blindly.
  bool idempotent;
};

// The catalog of built-in queues and actions. Immutable; safe for concurrent use.
class ActionCatalog {
 public:
  static const ActionCatalog& Default();

  // The social networks Fanfare's workers serve.
  const std::vector<std::string>& networks() const { return networks_; }
  // Every built-in queue: the networks and "content".
  const std::vector<std::string>& queues() const { return queues_; }
  bool IsBuiltinQueue(absl::string_view queue) const;

  // The verbs of a built-in queue; empty for a custom queue.
  std::vector<std::string> Verbs(absl::string_view queue) const;
  // The catalog entry, or nullptr for custom queues and unknown verbs.
  const CatalogAction* Find(absl::string_view queue, absl::string_view verb) const;
  // Why a built-in queue lacks `verb` when users may expect it ("Snapchat has no public API
  // for comments…"); "" otherwise.
  absl::string_view Gap(absl::string_view queue, absl::string_view verb) const;

  // Whether an action may be retried after a lost attempt: the catalog's answer for
  // built-in actions, true for custom ones.
  bool IsIdempotent(absl::string_view queue, absl::string_view verb) const;

 private:
  ActionCatalog();
  std::vector<std::string> networks_;
  std::vector<std::string> queues_;
};

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_ACTION_CATALOG_H_
