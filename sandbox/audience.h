// The synthetic audience: seeded people who comment on a brand account's posts in virtual
// time, so that community actions have something real to read, moderate and answer.
//
//   absl::MutexLock lock(&state.mu);
//   int added = GrowAudience(state, {.network = "x", .account = "acme_x", .days = 14});
//
// Who they are (the same for a given sandbox seed, network and account):
//   regulars    three fans who praise the brand every other day or so, each time on a post
//               they have not praised yet, with 8,000–40,000 followers: the ambassadors.
//               The third turns sour: on the last day of the plan they complain. On
//               Facebook and Instagram each also tags the account in a post of their own
//               once a week (/tagged, /tags); on Instagram each also @mentions it in a
//               caption once a week, which only the mentions webhook tells of
//               (webhook_push.h).
//   fans        praise, now and then, on few posts (never enough to be ambassadors);
//   askers      questions ("… ?") a brand should answer;
//   critics     complaints, polite but negative;
//   spammers    link-only comments and "free followers at <link>" offers;
//   trolls      abuse, mostly in capitals.
// With a week or more, the day two thirds in brings three times the usual volume: a spike.
// Comments dated after the sandbox's clock exist but no listing shows them until that time
// comes; then each lands on one of the account's posts published before it (none yet: X
// gets a mention of the account instead; on other networks the comment never appears). So
// an audience grown before a campaign publishes comments on the campaign's posts.
#ifndef FANFARE_SANDBOX_AUDIENCE_H_
#define FANFARE_SANDBOX_AUDIENCE_H_

#include <string>

#include "absl/time/time.h"
#include "sandbox/sandbox_state.h"

namespace fanfare::sandbox {

struct AudiencePlan {
  std::string network;
  std::string account;
  int days = 14;           // 1..60
  int per_day = 12;        // comments per day, 1..500
  // The first day starts here; InfinitePast(): the sandbox's clock now.
  absl::Time start = absl::InfinitePast();
};

// Adds the plan's comments to state.comments; returns how many.
int GrowAudience(SandboxState& state, const AudiencePlan& plan)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);

// A comment id as X makes them (a snowflake: milliseconds since X's epoch, then a sequence
// number), so that ids sort as their times do and `since_id` works.
std::string XSnowflake(absl::Time t, uint64_t sequence);

}  // namespace fanfare::sandbox

#endif  // FANFARE_SANDBOX_AUDIENCE_H_
