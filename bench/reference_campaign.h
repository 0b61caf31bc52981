// The reference campaign shape Fanfare's throughput is quoted on, and the peers run too:
// content ×4 → publish ×4 → boost → measure → adjust, 11 steps, each publish after its own
// network's content (as in ../shared/peers/bullmq/bench.mjs).
#ifndef FANFARE_BENCH_REFERENCE_CAMPAIGN_H_
#define FANFARE_BENCH_REFERENCE_CAMPAIGN_H_

namespace fanfare::bench {

inline constexpr int kStepsPerRun = 11;
inline constexpr char kReferenceCampaignName[] = "bench-reference";

inline constexpr char kReferenceCampaign[] = R"yaml(
name: bench-reference
description: The benchmark's reference shape; handlers do no work.
steps:
  - {id: content_facebook, action: content.generate, with: {network: facebook}}
  - {id: content_instagram, action: content.generate, with: {network: instagram}}
  - {id: content_x, action: content.generate, with: {network: x}}
  - {id: content_linkedin, action: content.generate, with: {network: linkedin}}
  - id: publish_facebook
    needs: [content_facebook]
    action: facebook.publish
    with: {text: "{{ steps.content_facebook.output.text }}"}
  - id: publish_instagram
    needs: [content_instagram]
    action: instagram.publish
    with: {text: "{{ steps.content_instagram.output.text }}"}
  - id: publish_x
    needs: [content_x]
    action: x.publish
    with: {text: "{{ steps.content_x.output.text }}"}
  - id: publish_linkedin
    needs: [content_linkedin]
    action: linkedin.publish
    with: {text: "{{ steps.content_linkedin.output.text }}"}
  - id: boost
    needs: [publish_facebook, publish_instagram, publish_x, publish_linkedin]
    action: facebook.boost
    with: {post_id: "{{ steps.publish_facebook.output.post_id }}"}
  - id: measure
    needs: [boost]
    action: facebook.insights
    with: {ad_id: "{{ steps.boost.output.ad_id }}"}
  - id: adjust
    needs: [measure]
    action: facebook.set_budget
    with: {ad_id: "{{ steps.boost.output.ad_id }}", clicks: "{{ steps.measure.output.clicks }}"}
)yaml";

// Actions the benchmark worker serves, with no work behind them.
inline constexpr const char* kReferenceActions[] = {
    "content.generate", "facebook.publish", "instagram.publish", "x.publish",
    "linkedin.publish", "facebook.boost",   "facebook.insights", "facebook.set_budget"};

// The last step; a run is done when it is.
inline constexpr char kFinalAction[] = "facebook.set_budget";

}  // namespace fanfare::bench

#endif  // FANFARE_BENCH_REFERENCE_CAMPAIGN_H_
