// The checks of the promises suite (promises_test.cc), from what the sandbox holds — the
// network's own records — set against what the coordinator reports of each run.
//
//   Findings findings;
//   CheckPosts(*sandbox.Get("/_sandbox/posts"), runs, findings);
//   CheckAds(*sandbox.Get("/_sandbox/ads"), runs, findings);
//   CheckBudgets(*sandbox.Get("/_sandbox/budgets"), caps, findings);
//   CheckRunsFinished(runs, kMaxAttempts, findings);
//   // findings.post_problems, …: one line per breach, naming the run, network and objects.
//
// Pure functions of their inputs: the same records always give the same findings.
#ifndef FANFARE_TESTS_CRASH_PROMISE_CHECKS_H_
#define FANFARE_TESTS_CRASH_PROMISE_CHECKS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fanfare/v1/run.pb.h"
#include "nlohmann/json.hpp"

namespace fanfare::crash {

using Json = nlohmann::json;

// A run the suite asked for, and what the coordinator last said of it.
struct RunReport {
  std::string run_id;
  std::string campaign;
  bool acknowledged = false;    // StartRun answered OK
  std::optional<v1::Run> run;   // with its step instances; nullopt if never found
};

// One campaign's cap, the Meta ad account its boosts bill to ("meta/act_<id>", as
// GET /_sandbox/budgets keys it), and what the coordinator's ledger holds at the end.
struct CampaignCap {
  std::string campaign;
  std::string ad_account;
  int64_t daily_max_micros = 0;
  int64_t ledger_committed_micros = 0;
};

// What the checks found: counts for the summary line, and the breaches by promise.
struct Findings {
  std::vector<std::string> post_problems;
  std::vector<std::string> reply_problems;
  std::vector<std::string> ad_problems;
  std::vector<std::string> budget_problems;
  std::vector<std::string> run_problems;

  int posts = 0;             // posts the sandbox holds for the suite's runs
  int expected_posts = 0;    // (run, network) pairs whose publish succeeded
  int extra_posts = 0;       // posts beyond the first per (run, network)
  int replies = 0;           // the account's replies the sandbox holds for the suite's runs
  int expected_replies = 0;  // reply steps that succeeded
  int extra_replies = 0;     // replies beyond the first per run
  int ad_campaigns = 0;      // ad campaigns the sandbox holds
  int boosts = 0;            // boost step instances that succeeded
  int extra_campaigns = 0;   // ad campaigns beyond the first per client reference
  int extra_ads = 0;         // ads beyond the first per client reference
  // The highest daily budget an ad account ever committed and that account's cap, for the
  // account that came closest to its cap or went furthest past it.
  int64_t max_committed_micros = 0;
  int64_t cap_micros = 0;
  int accounts_over_cap = 0;
  int succeeded = 0;
  int failed_justified = 0;
  int failed_other = 0;
  int unfinished = 0;
  std::map<std::string, int> failure_reasons;  // reason → runs
};

// Exactly one post per (run, network) for a publish that succeeded, and it is the post the
// run reports; never a second one, whatever the step's state. Posts are attributed by their
// text, which holds "run <run_id> ".
void CheckPosts(const Json& posts, const std::vector<RunReport>& runs, Findings& findings);

// Exactly one reply by the account per run whose `reply` step succeeded, the one it reports
// (output.reply_id), under the run's own X post; never a second one, and none for a reply
// step that failed. Replies are attributed by their text, which holds "run <run_id> ".
void CheckReplies(const Json& comments, const std::vector<RunReport>& runs, Findings& findings);

// At most one ad campaign, one ad set and one ad per boost step instance, found by the client
// reference their names carry (ClientReference(idempotency key)); exactly one campaign, the
// run's own, when the boost succeeded. Every ad campaign must belong to a boost of the suite.
void CheckAds(const Json& ads, const std::vector<RunReport>& runs, Findings& findings);

// No ad account's committed daily budget ever passed its campaign's daily_max, and at the end
// the sandbox and the coordinator's ledger agree on it.
void CheckBudgets(const Json& budgets, const std::vector<CampaignCap>& caps, Findings& findings);

// Every acknowledged run ended: SUCCEEDED, or FAILED because a step used up `max_attempts`
// on transient errors (injected faults). Any other end, or none, is a breach.
void CheckRunsFinished(const std::vector<RunReport>& runs, int max_attempts, Findings& findings);

}  // namespace fanfare::crash

#endif  // FANFARE_TESTS_CRASH_PROMISE_CHECKS_H_
