// content.ambassadors: the author ledger and the ambassador score, as a step of a campaign.
//
//   - id: score
//     action: content.ambassadors
//     with:
//       ledger: "{{ iteration == 1 ? {} : previous.steps.score.output.ledger }}"
//       comments: "{{ steps.fetch.output.comments }}"     # what <network>.comments returned
//       network: x
//
// The ledger is the step's own output, handed from one run of the step to the next, so it
// is as durable as any step output (RocksDB, synced before the step counts as done). Per
// author it keeps: handle, followers, first and last seen, comments, positive and negative
// counts, and per post (the last 30) when they last commented and their mean sentiment.
// A comment already counted (the same id) counts once.
//
// The score of an author, at the task's clock `now`:
//   score = 10 · Σ over posts p of  0.5^(age_p / 7 days) · (1 + s_p) / 2   +   log10(1 + followers)
// with age_p the time since their last comment on p and s_p their mean sentiment there
// (engine/community/text_signals.h). An author is an ambassador when they commented
// positively (s_p > 0.2) on at least `min_posts` (3) distinct posts in the last 30 days, and
// wrote nothing negative (below −0.2) in the last 7 days. The `top` (5) ambassadors by score
// are listed with their reasons; `new_ambassadors` are those among them not recognised in the
// last `period` (30 days) — each is recognised (`recognized_at` set) when listed there, so an
// "exchange of visibility" over `new_ambassadors` happens at most once per author per period.
//
// Retention: authors not seen for `retention` (90 days) are dropped, and at most 500 authors
// are kept (the least recently seen go first); a dropped author's recognition goes with them.
// A ledger that is not of this shape, or holds over twice these bounds, is refused.
// Deterministic for a given input and clock, so the action is idempotent.
#ifndef FANFARE_WORKERS_COMMUNITY_AMBASSADORS_H_
#define FANFARE_WORKERS_COMMUNITY_AMBASSADORS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "sdk/worker/task_context.h"
#include "workers/common/json_value.h"

namespace fanfare::workers::community {

inline constexpr absl::string_view kAmbassadorsAction = "content.ambassadors";

// The output for `input` (the step's `with`) at `now`:
//   {ledger, ambassadors: [{id, handle, followers, score, posts, sentiment, comment_id,
//    reasons}], new_ambassadors: [same], authors: <count>}
// RejectedInput naming the field for a malformed input.
absl::StatusOr<Json> ScoreAmbassadors(const Json& input, absl::Time now);

// The TaskHandler: ScoreAmbassadors at the task's clock.
absl::StatusOr<google::protobuf::Value> HandleAmbassadors(TaskContext& ctx);

}  // namespace fanfare::workers::community

#endif  // FANFARE_WORKERS_COMMUNITY_AMBASSADORS_H_
