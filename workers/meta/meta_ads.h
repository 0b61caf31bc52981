// The Meta Marketing API, shared by the Facebook and Instagram adapters: a boost is
// act_<id>/campaigns → /adsets (daily_budget in the account currency's minor units) →
// /adcreatives (object_story_id for a Page post; source_instagram_media_id for an IG post)
// → /ads, every object named "Fanfare <client reference>". Budgets, pauses and insights work
// on the ad set and ad ids the boost returns.
#ifndef FANFARE_WORKERS_META_META_ADS_H_
#define FANFARE_WORKERS_META_META_ADS_H_

#include <string>

#include "absl/status/statusor.h"
#include "workers/common/adapter.h"
#include "workers/common/api_session.h"

namespace fanfare::workers::graph {

// "<endpoints.api>/<graph_version>/<path>"
std::string GraphUrl(const ActionCall& call, absl::string_view base, absl::string_view path);

// How the creative refers to the promoted post.
struct PromotedPost {
  std::string field;  // "object_story_id" or "source_instagram_media_id"
  std::string id;
  std::string instagram_user_id;  // IG only
};

// Every attempt, execute or reconcile, finds what earlier attempts of the step created (by
// name, under its parent: workers/common/boost_chain.h) and creates only what is missing;
// with no campaign, a reconcile answers OutcomeUnknown("… not found …", "not_found").
absl::StatusOr<Json> Boost(ActionCall& call, ApiSession& session, const PromotedPost& post);
absl::StatusOr<Json> SetBudget(ActionCall& call, ApiSession& session);
// `status` is "ACTIVE" or "PAUSED". Setting the status an ad already has succeeds.
absl::StatusOr<Json> SetStatus(ActionCall& call, ApiSession& session, absl::string_view status);
// Insights of an ad over the input window. A window of whole days (in the ad account's time
// zone) is one time_range query; any other window is asked for one day at a time with the
// hourly breakdown and summed over the whole hours it covers (WholeHours) — reach is then 0,
// since unique counts do not add up over hours, and off-Meta conversions are not reported.
absl::StatusOr<Json> AdInsights(ActionCall& call, ApiSession& session, const std::string& ad_id);

// The Graph API metrics a network reports for an organic post, read as impressions, reach
// and clicks: Pages' post_impressions…, Instagram media's impressions…
struct PostMetricNames {
  absl::string_view impressions;
  absl::string_view reach;
  absl::string_view clicks;
};
// Insights of an organic post: GET /{post}/insights?metric=…, as lifetime totals ("window":
// {"lifetime": true}) since the input window's start. `what` names the call in errors.
absl::StatusOr<Json> PostInsights(ActionCall& call, ApiSession& session, const std::string& post,
                                  const PostMetricNames& names, absl::string_view what);

}  // namespace fanfare::workers::graph

#endif  // FANFARE_WORKERS_META_META_ADS_H_
