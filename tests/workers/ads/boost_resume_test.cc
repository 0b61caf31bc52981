// A boost never makes a second campaign, ad set or ad for one step, on every network that
// boosts: whichever of its creates fails — refused with HTTP 500, or taking effect and then
// answered with a 500 or no answer at all — the next EXECUTE attempt (same idempotency key)
// finds what the first one made and completes it. And a reconcile that cannot read the
// network never answers "not_found", the one code that tells the coordinator the boost never
// started. Counted from the sandbox's own state (GET /_sandbox/ads?client_ref=).
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/workers/support/failing_http.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

constexpr char kKey[] = "default/run-1/boost";

struct AdNetwork {
  std::string network;
  // The writes a boost makes, in order.
  std::vector<std::string> creates;
  // URL parts of the reads that look up the campaign and the level below it.
  std::string campaign_lookup;
  std::string ad_set_lookup;
};

void PrintTo(const AdNetwork& net, std::ostream* os) { *os << net.network; }

const std::vector<AdNetwork>& AdNetworks() {
  static const std::vector<AdNetwork> kNetworks = {
      {"facebook", {"campaign", "ad set", "creative", "ad"}, "/campaigns?", "/adsets?"},
      {"instagram", {"campaign", "ad set", "creative", "ad"}, "/campaigns?", "/adsets?"},
      {"x", {"campaign", "line item", "promoted tweet"}, "/campaigns?", "/line_items?"},
      {"linkedin", {"campaign group", "campaign", "creative"}, "/adCampaignGroups?",
       "/adCampaigns?"},
      {"tiktok", {"campaign", "ad group", "ad"}, "campaign/get/", "adgroup/get/"},
      {"snapchat", {"campaign", "ad squad", "ad"}, "/campaigns?", "/adsquads?"},
  };
  return kNetworks;
}

// A harness whose adapters send through a FailingHttpClient, with a post to boost.
class BoostFixture {
 public:
  explicit BoostFixture(const std::string& network) : network_(network), http_(h_.http()) {
    h_.options().http = &http_;
    absl::StatusOr<Json> post = h_.PublishPromotable(network, "Boost me once");
    EXPECT_TRUE(post.ok()) << post.status();
    if (post.ok()) post_id_ = (*post)["post_id"];
  }

  FailingHttpClient& http() { return http_; }

  absl::StatusOr<Json> Boost(bool reconcile = false) {
    return h_.Run(network_, "boost",
                  {{"post_id", post_id_}, {"daily_budget", 40}, {"currency", "USD"},
                   {"duration", "14d"}},
                  "", reconcile, kKey);
  }

  // The sandbox's objects of this boost, by kind ("campaign", "adset", "creative", "ad").
  std::map<std::string, std::vector<Json>> Objects() {
    std::map<std::string, std::vector<Json>> by_kind;
    for (const Json& e : h_.AdObjects(network_, ClientReference(kKey))) {
      by_kind[e["kind"].get<std::string>()].push_back(e);
    }
    return by_kind;
  }

  int Count() {
    int n = 0;
    for (const auto& [kind, objects] : Objects()) n += static_cast<int>(objects.size());
    return n;
  }

 private:
  std::string network_;
  Harness h_;
  FailingHttpClient http_;
  Json post_id_;
};

// Exactly one object of each kind, and `out` names every one.
void ExpectOneOfEachNamedIn(BoostFixture& f, const Json& out) {
  std::map<std::string, std::vector<Json>> objects = f.Objects();
  for (const char* kind : {"campaign", "adset", "ad"}) {
    EXPECT_EQ(objects[kind].size(), 1u) << kind << " in " << out.dump();
  }
  for (const auto& [kind, list] : objects) {
    EXPECT_EQ(list.size(), 1u) << kind;
    for (const Json& e : list) {
      bool named = false;
      for (const auto& [key, value] : out.items()) named |= value == e["id"];
      EXPECT_TRUE(named) << e.dump() << " is not in " << out.dump();
    }
  }
}

using Case = std::tuple<AdNetwork, HttpFailure>;

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return absl::StrCat(std::get<0>(info.param).network, "_",
                      HttpFailureName(std::get<1>(info.param)));
}

class BoostRetryTest : public ::testing::TestWithParam<Case> {};

INSTANTIATE_TEST_SUITE_P(
    AllAdNetworks, BoostRetryTest,
    ::testing::Combine(::testing::ValuesIn(AdNetworks()),
                       ::testing::Values(HttpFailure::kRefused500, HttpFailure::kAnswer500,
                                         HttpFailure::kAnswerLost)),
    CaseName);

TEST_P(BoostRetryTest, AnUninterruptedBoostMakesOneWriteAnObject) {
  const AdNetwork& net = std::get<0>(GetParam());
  BoostFixture f(net.network);
  f.http().Clear();
  absl::StatusOr<Json> out = f.Boost();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(f.http().writes(), static_cast<int>(net.creates.size()));
  EXPECT_EQ(f.Count(), static_cast<int>(net.creates.size()));
  ExpectOneOfEachNamedIn(f, *out);
}

TEST_P(BoostRetryTest, ARetryAfterAFailedCreateCompletesWhatTheFirstAttemptMade) {
  const auto& [net, failure] = GetParam();
  const bool sent = failure != HttpFailure::kRefused500;
  for (size_t n = 1; n <= net.creates.size(); ++n) {
    SCOPED_TRACE(absl::StrCat("write ", n, " (", net.creates[n - 1], ") fails"));
    BoostFixture f(net.network);
    f.http().FailNthWrite(static_cast<int>(n), failure);
    absl::StatusOr<Json> first = f.Boost();
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(TypeOf(first.status()), failure == HttpFailure::kAnswerLost
                                          ? v1::ERROR_TYPE_OUTCOME_UNKNOWN
                                          : v1::ERROR_TYPE_RETRYABLE)
        << first.status();
    ASSERT_EQ(f.Count(), static_cast<int>(sent ? n : n - 1));

    f.http().Clear();
    absl::StatusOr<Json> second = f.Boost();  // a normal EXECUTE attempt, same key
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_EQ(f.http().writes(), static_cast<int>(net.creates.size() - (sent ? n : n - 1)));
    ExpectOneOfEachNamedIn(f, *second);
    EXPECT_EQ((*second)["budget_micros"], 40'000'000);
    EXPECT_EQ((*second)["status"], "active");

    // A third attempt, and a reconcile, find the same objects and make nothing.
    absl::StatusOr<Json> third = f.Boost();
    ASSERT_TRUE(third.ok()) << third.status();
    EXPECT_EQ(*third, *second);
    absl::StatusOr<Json> settled = f.Boost(/*reconcile=*/true);
    ASSERT_TRUE(settled.ok()) << settled.status();
    EXPECT_EQ(*settled, *second);
    EXPECT_EQ(f.http().writes(), static_cast<int>(net.creates.size() - (sent ? n : n - 1)));
  }
}


class BoostReconcileReadTest : public ::testing::TestWithParam<Case> {};

INSTANTIATE_TEST_SUITE_P(
    AllAdNetworks, BoostReconcileReadTest,
    ::testing::Combine(::testing::ValuesIn(AdNetworks()),
                       ::testing::Values(HttpFailure::kAnswer500, HttpFailure::kAnswerLost,
                                         HttpFailure::kUnreadableListing)),
    CaseName);

// The coordinator reads "not_found" as "never happened, execute again": only a lookup that
// completed and found no campaign may answer it.
void ExpectCannotTell(const absl::StatusOr<Json>& out) {
  ASSERT_FALSE(out.ok());
  EXPECT_NE(ToTaskFailure(out.status()).code(), "not_found") << out.status();
  EXPECT_EQ(std::string(out.status().message()).find("not found"), std::string::npos)
      << out.status();
}

TEST_P(BoostReconcileReadTest, AFailedCampaignLookupIsNeverNotFound) {
  const auto& [net, failure] = GetParam();
  BoostFixture f(net.network);
  f.http().FailReads(net.campaign_lookup, failure);
  ExpectCannotTell(f.Boost(/*reconcile=*/true));
  ExpectCannotTell(f.Boost());  // nor does an execute create blindly
  EXPECT_EQ(f.Count(), 0);

  f.http().Clear();
  absl::StatusOr<Json> read = f.Boost(/*reconcile=*/true);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(ToTaskFailure(read.status()).code(), "not_found") << read.status();
}

TEST_P(BoostReconcileReadTest, AFailedLookupUnderAFoundCampaignIsNeverNotFound) {
  const auto& [net, failure] = GetParam();
  BoostFixture f(net.network);
  f.http().FailNthWrite(1, HttpFailure::kAnswerLost);  // the campaign is made, unseen
  ASSERT_FALSE(f.Boost().ok());
  ASSERT_EQ(f.Count(), 1);
  f.http().FailReads(net.ad_set_lookup, failure);
  ExpectCannotTell(f.Boost(/*reconcile=*/true));
  EXPECT_EQ(f.Count(), 1);  // nothing made while the ad set could not be looked for

  f.http().Clear();
  absl::StatusOr<Json> settled = f.Boost(/*reconcile=*/true);
  ASSERT_TRUE(settled.ok()) << settled.status();
  ExpectOneOfEachNamedIn(f, *settled);
}

}  // namespace
}  // namespace fanfare::workers::testing
