#include "sandbox/audience.h"

#include <algorithm>
#include <array>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sandbox/ad_metrics.h"

namespace fanfare::sandbox {
namespace {

constexpr std::array kPraise = {
    "Love this, best purchase I made this year",
    "Brilliant work, the whole team should be proud",
    "Amazing quality as always, thank you",
    "I keep recommending you to all my friends, great stuff",
    "Beautiful design and it works perfectly",
    "So happy with mine, excellent service too",
};
constexpr std::array kQuestions = {
    "How much is shipping to Canada?",
    "When will the blue one be back in stock?",
    "Does it work with Android phones?",
    "Is there a student discount?",
    "Where can I buy this in Berlin?",
    "What sizes does it come in?",
};
constexpr std::array kComplaints = {
    "My order arrived late and nobody answered my email",
    "Disappointed, the strap broke after a week",
    "Customer service has been slow and unhelpful",
    "Still waiting for my refund, not happy",
};
constexpr std::array kSpam = {
    "https://free-followers.example/win",
    "Get 10k followers FREE at https://cheap-likes.example/now",
    "DM me for crypto gains https://coin-boost.example/x",
};
constexpr std::array kAbuse = {
    "THIS BRAND IS A SCAM AND YOU ARE ALL IDIOTS",
    "WORST COMPANY EVER, TOTAL GARBAGE",
    "you people are pathetic losers",
};
// What a regular writes on a post of their own that tags the brand.
constexpr std::array kTags = {
    "Unboxing day, and it is even better than I hoped, thanks",
    "Weekend adventures with my favourite gear from",
    "Best gift I have ever given, love it, thank you",
};
constexpr std::array kNames = {"ana", "ben", "chloe", "dev", "eli", "farah", "gus", "hana",
                               "ivan", "jo", "kim", "leo", "mia", "noor", "omar", "pia",
                               "quinn", "rosa", "sam", "tara"};

struct Person {
  std::string id;
  std::string handle;
  int64_t followers = 0;
};

// One audience member of `role` (index `n`), the same for a given seed.
Person MakePerson(uint64_t seed, absl::string_view role, int n, int64_t min_followers,
                  int64_t max_followers) {
  const uint64_t h = StableHash(seed, absl::StrCat(role, "/", n));
  Person p;
  p.id = absl::StrCat(2'000'000'000 + h % 1'000'000'000);
  p.handle = absl::StrCat(kNames[h % kNames.size()], "_", role, n);
  p.followers = min_followers + static_cast<int64_t>((h >> 20) % (max_followers - min_followers + 1));
  return p;
}

template <size_t N>
std::string Pick(std::mt19937_64& rng, const std::array<const char*, N>& texts) {
  return texts[rng() % N];
}

std::string NewCommentId(SandboxState& state, const std::string& network, absl::Time t)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
  if (network == "x") return XSnowflake(t, static_cast<uint64_t>(state.counters["x/sequence"]++));
  if (network == "youtube") return absl::StrCat("Ugz", state.NextId());
  return state.NextId();
}

class Generator {
 public:
  Generator(SandboxState& state, const AudiencePlan& plan) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu)
      : state_(state),
        plan_(plan),
        seed_(StableHash(state.options().seed, absl::StrCat(plan.network, "/", plan.account))),
        rng_(seed_),
        start_(plan.start == absl::InfinitePast() ? state.Now() : plan.start) {}

  int Run() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_.mu) {
    for (int day = 0; day < plan_.days; ++day) Day(day);
    if (plan_.network == "facebook" || plan_.network == "instagram") {
      WeeklyMentions("mentions", /*first_day=*/1, /*in_caption=*/false);
    }
    if (plan_.network == "instagram") {
      WeeklyMentions("caption-mentions", /*first_day=*/3, /*in_caption=*/true);
    }
    return added_;
  }

 private:
  void Day(int day) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_.mu) {
    const absl::Time begin = start_ + absl::Hours(24) * day;
    // Two thirds in, something goes viral: three times the usual volume.
    int left = plan_.per_day * (plan_.days >= 7 && day == plan_.days * 2 / 3 ? 3 : 1);
    for (int r = 0; r < 3 && left > 0; ++r) {
      const bool sour = r == 2 && day == plan_.days - 1;
      if ((day + r) % 2 != 0 && !sour) continue;
      Add(MakePerson(seed_, "regular", r, 8'000, 40'000), sour ? "complaint" : "praise",
          sour ? Pick(rng_, kComplaints) : Pick(rng_, kPraise), At(begin), /*regular=*/true);
      --left;
    }
    for (; left > 0; --left) Other(At(begin));
  }

  // A time in the day that starts at `begin`.
  absl::Time At(absl::Time begin) { return begin + absl::Seconds(rng_() % 86'400); }

  void Other(absl::Time t) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_.mu) {
    const int roll = static_cast<int>(rng_() % 100);
    if (roll < 25) {
      // A fan comments at most twice: never enough distinct posts to be an ambassador.
      const int n = fans_++ / 2;
      return Add(MakePerson(seed_, "fan", n, 10, 3'000), "praise", Pick(rng_, kPraise), t);
    }
    if (roll < 50) {
      return Add(MakePerson(seed_, "asker", static_cast<int>(rng_() % 10), 10, 3'000),
                 "question", Pick(rng_, kQuestions), t);
    }
    if (roll < 65) {
      return Add(MakePerson(seed_, "critic", static_cast<int>(rng_() % 5), 10, 3'000),
                 "complaint", Pick(rng_, kComplaints), t);
    }
    if (roll < 85) {
      return Add(MakePerson(seed_, "spammer", static_cast<int>(rng_() % 4), 0, 50), "spam",
                 Pick(rng_, kSpam), t);
    }
    Add(MakePerson(seed_, "troll", static_cast<int>(rng_() % 3), 0, 500), "abuse",
        Pick(rng_, kAbuse), t);
  }

  // Each regular mentions the account once a week, on their own day of it (`first_day` + 2r
  // into the week), from a generator of its own (`stream`) so that the comments above stay
  // as they were: a photo tag (listed by /tagged, /tags), or an @mention in a caption of
  // their own (Instagram; only the mentions webhook tells of it, and names them by username).
  void WeeklyMentions(absl::string_view stream, int first_day, bool in_caption)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_.mu) {
    std::mt19937_64 rng(StableHash(seed_, stream));
    for (int week = 0; week * 7 < plan_.days; ++week) {
      for (int r = 0; r < 3; ++r) {
        const int day = week * 7 + first_day + 2 * r;
        if (day >= plan_.days) continue;
        const absl::Time t = start_ + absl::Hours(24) * day + absl::Seconds(rng() % 86'400);
        const Person person = MakePerson(seed_, "regular", r, 8'000, 40'000);
        CommentRecord c{.network = plan_.network, .account = plan_.account};
        c.id = NewCommentId(state_, plan_.network, t);
        c.author_handle = person.handle;
        if (in_caption) {
          c.text = absl::StrCat("Shout out to @", plan_.account, ": ", Pick(rng, kTags));
        } else {
          c.author_id = person.id;
          c.author_followers = person.followers;
          c.text = absl::StrCat(Pick(rng, kTags), " @", plan_.account);
        }
        c.created_at = t;
        c.intent = "praise";
        c.mention = true;
        c.in_caption = in_caption;
        state_.AddComment(std::move(c));
        ++added_;
      }
    }
  }

  void Add(const Person& person, std::string intent, std::string text, absl::Time t,
           bool regular = false) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_.mu) {
    CommentRecord c{.network = plan_.network, .account = plan_.account};
    c.awaiting_post = true;
    c.seeks_new_post = regular;
    c.id = NewCommentId(state_, plan_.network, t);
    c.author_id = person.id;
    c.author_handle = person.handle;
    c.author_followers = person.followers;
    c.text = plan_.network == "x" ? absl::StrCat("@", plan_.account, " ", text) : text;
    c.created_at = t;
    c.intent = std::move(intent);
    state_.AddComment(std::move(c));
    ++added_;
  }

  SandboxState& state_;
  const AudiencePlan& plan_;
  const uint64_t seed_;
  std::mt19937_64 rng_;
  const absl::Time start_;
  int fans_ = 0;
  int added_ = 0;
};

}  // namespace

std::string XSnowflake(absl::Time t, uint64_t sequence) {
  constexpr int64_t kTwitterEpochMillis = 1'288'834'974'657;
  const int64_t millis = std::max<int64_t>(0, absl::ToUnixMillis(t) - kTwitterEpochMillis);
  return absl::StrCat((static_cast<uint64_t>(millis) << 22) | (sequence & 0x3fffff));
}

int GrowAudience(SandboxState& state, const AudiencePlan& plan) {
  return Generator(state, plan).Run();
}

}  // namespace fanfare::sandbox
