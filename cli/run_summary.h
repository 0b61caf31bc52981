// RunSummary: what a marketer wants to know once a campaign run is over — each post with its
// network id, ad spend over time against the campaign's budget, impressions, clicks and CPC
// per measurement, and every adjustment with the rule that triggered it.
//
// It is built from the run's history events, read in order, and the campaign they belong to
// (for each step's action and `when` rule, and the budget). Steps are classified by their
// action's verb, so any campaign gets a summary: `*.publish` outputs are posts, `*.boost`
// outputs ads, `*.insights` outputs measurements, `*.pause`, `*.resume` and `*.set_budget`
// adjustments, and `*.comments`, `*.search` and `*.moderate` the daily community digest
// (community_digest.h).
//
// A repeat loop's older iterations are compacted out of stored history (docs/operations.md),
// so a summary replayed after the fact covers the iterations still stored and says so;
// `fanfare run --watch --summary` and `fanfare watch --summary` see every event as it happens
// and summarise them all.
//
// Not thread-safe; feed it from one thread.
#ifndef FANFARE_CLI_RUN_SUMMARY_H_
#define FANFARE_CLI_RUN_SUMMARY_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "fanfare/v1/coordinator.pb.h"
#include "fanfare/v1/run.pb.h"
#include "cli/community_digest.h"
#include "cli/render.h"

namespace fanfare::cli {

class RunSummary {
 public:
  // `campaign` is the version the run is pinned to (its steps' actions, rules and budget).
  explicit RunSummary(v1::Campaign campaign);

  // Takes one history event; events must arrive in sequence order.
  void Add(const v1::HistoryEvent& event);

  // The summary of `run` (its final state), the events added so far and the campaign's
  // `spend` as the coordinator counts it now.
  std::string Render(const v1::Run& run, const v1::SpendStatus& spend,
                     const RenderStyle& style) const;

  // The same facts as one JSON document: {run_id, campaign, version, status, created_at,
  // ended_at, posts, ads, measurements, adjustments, community (CommunityDigest::ToJson),
  // notes, spend: {spent_micros, committed_daily_micros, currency}}; times in RFC 3339.
  nlohmann::json ToJson(const v1::Run& run, const v1::SpendStatus& spend) const;

  // Spend per day as a bar chart in one line of block characters ("▁▂▅█"), scaled to the
  // largest value; exposed for tests.
  static std::string Sparkline(const std::vector<double>& values);

 private:
  struct Post {
    std::string network;
    std::string post_id;
    std::string url;
  };
  struct Ad {
    std::string network;
    std::string ad_id;
    double daily_budget = 0;
  };
  struct Measurement {
    absl::Time at;
    int iteration = 0;
    std::string network;
    int64_t impressions = 0;
    int64_t clicks = 0;
    double cpc = 0;
    int64_t spend_micros = 0;
    std::string status;
    double daily_budget = 0;
  };
  struct Adjustment {
    absl::Time at;
    int iteration = 0;
    std::string network;
    std::string step;
    std::string rule;
    std::string effect;
  };
  struct Note {
    absl::Time at;
    std::string text;
  };

  void AddSucceeded(const v1::HistoryEvent& event);

  std::string RenderPosts() const;
  std::string RenderAds() const;
  std::string RenderSpend(const v1::SpendStatus& spend, const RenderStyle& style) const;
  std::string RenderMeasurements() const;
  std::string RenderAdjustments(const RenderStyle& style) const;
  std::string RenderNotes(const RenderStyle& style) const;
  // Money in the campaign's currency: "1,234.56 USD".
  std::string Money(int64_t micros) const;

  v1::Campaign campaign_;
  std::string currency_;
  absl::Time first_measurement_ = absl::InfiniteFuture();
  std::vector<Post> posts_;
  std::vector<Ad> ads_;
  std::vector<Measurement> measurements_;
  std::vector<Adjustment> adjustments_;
  CommunityDigest community_;
  // Approvals, guardrails, failures: one line each.
  std::vector<Note> notes_;
  // Per repeat step: the first iteration this summary saw; the repeat steps compacted.
  std::map<std::string, int> first_iteration_seen_;
  std::set<std::string> compacted_;
};

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_RUN_SUMMARY_H_
