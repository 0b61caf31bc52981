// QuotaConfig: the networks' API limits the coordinator enforces, and per-account spend caps.
//
// A network has a list of limits; each counts the tasks of some endpoint classes (publish,
// read, ads), with a cost per class, per (namespace, network, account):
//
//   window   at most `limit` per fixed `period` (windows aligned to the epoch, like X's
//            15-minute windows)
//   rolling  at most `limit` in any `period` (Instagram's 24-hour publishing limit)
//   bucket   a token bucket of `limit` tokens refilled evenly over `period`
//   daily    at most `limit` per day, the day starting at `reset` (HH:MM) in `timezone`
//            (YouTube's quota units reset at midnight Pacific time)
//
// Defaults() holds the documented limits of every network (docs/operations.md); a quota file
// replaces the limits of the networks it names:
//
//   networks:
//     x:
//       - {name: posts, kind: window, limit: 200, period: 15m, classes: {publish: 1}}
//     youtube:
//       - {name: units, kind: daily, limit: 10000, reset: "00:00",
//          timezone: America/Los_Angeles, classes: {publish: 1600, read: 1}}
//   accounts:
//     facebook/acme_fb: {daily_max: 500, currency: USD}
//   weights:
//     default/product-launch: 3
#ifndef FANFARE_ENGINE_DISPATCH_QUOTA_CONFIG_H_
#define FANFARE_ENGINE_DISPATCH_QUOTA_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::dispatch {

// The endpoint class of an action verb: "publish", "read" (insights, reconcile), "ads"
// (boost, set_budget, pause, resume), "comments", "moderate" or "search"; "other" for custom
// verbs.
std::string EndpointClass(absl::string_view verb);

struct LimitSpec {
  enum class Kind { kWindow, kRolling, kBucket, kDaily };
  std::string name;
  Kind kind = Kind::kWindow;
  int64_t limit = 0;
  absl::Duration period = absl::Hours(1);
  // Daily limits: minutes after local midnight at which the day starts, and where.
  int reset_minutes = 0;
  std::string timezone = "UTC";
  // Endpoint class → cost of one task; classes not listed are not counted.
  std::map<std::string, int64_t> cost;

  int64_t CostOf(absl::string_view klass) const;
};

// A cap on what all campaigns together may commit per day on one account.
struct AccountCap {
  int64_t daily_max_micros = 0;
  std::string currency;
};

struct QuotaConfig {
  // Network → its limits. A network absent here is not limited.
  std::map<std::string, std::vector<LimitSpec>> networks;
  // "network/account" → cap.
  std::map<std::string, AccountCap> account_caps;
  // "namespace/campaign" → weight: how many tasks the campaign is offered per turn when
  // campaigns share a queue (default 1).
  std::map<std::string, int> campaign_weights;

  // Every network's documented limits, no account caps.
  static QuotaConfig Defaults();
  // Defaults() with the networks and accounts of the YAML file at `path` replacing theirs.
  // InvalidArgument naming the file, line and field for a malformed file.
  static absl::StatusOr<QuotaConfig> Load(const std::string& path);
  // As Load, from text.
  static absl::StatusOr<QuotaConfig> Parse(absl::string_view yaml, absl::string_view source);
};

}  // namespace fanfare::dispatch

#endif  // FANFARE_ENGINE_DISPATCH_QUOTA_CONFIG_H_
