// BoostChain's rules without a network: a level is created only after a complete lookup found
// nothing; a reconcile never creates the campaign and says "not_found" only for a campaign
// that a completed lookup did not find; levels below one this attempt made are not looked
// for; an object without an id is never taken for done; listings are read to their last page.
#include "workers/common/boost_chain.h"

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "gtest/gtest.h"
#include "sdk/worker/task_context.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers {
namespace {

// One boost attempt's ActionCall, as AdapterBase builds it.
class Attempt {
 public:
  explicit Attempt(bool reconcile) : task_(Task(reconcile)) {}
  ActionCall& call() { return call_; }

 private:
  static v1::Task Task(bool reconcile) {
    v1::Task task;
    task.set_action("x.boost");
    task.set_idempotency_key("default/run-1/boost");
    task.set_purpose(reconcile ? v1::TASK_PURPOSE_RECONCILE : v1::TASK_PURPOSE_EXECUTE);
    return task;
  }

  v1::Task task_;
  CancellationToken cancel_;
  ManualClock clock_;
  TaskContext ctx_{task_, cancel_, clock_};
  AdapterOptions options_;
  NetworkEndpoints endpoints_;
  ActionCall call_{ctx_, TaskInput("x.boost", google::protobuf::Struct()), AccountCredentials{},
                   options_, endpoints_};
};

// A level that records what was asked of it.
struct FakeLevel {
  absl::StatusOr<std::optional<Json>> found = std::optional<Json>();
  absl::StatusOr<Json> made = Json{{"id", "new"}};
  int finds = 0;
  int creates = 0;

  BoostLevel Level(std::string what = "campaign") {
    BoostLevel level;
    level.what = std::move(what);
    level.find = [this] {
      ++finds;
      return found;
    };
    level.create = [this] {
      ++creates;
      return made;
    };
    return level;
  }
};

std::string CodeOf(const absl::Status& status) { return ToTaskFailure(status).code(); }

TEST(BoostChainTest, AnExecuteCreatesWhatItDoesNotFindAndLooksNoFurtherBelowIt) {
  Attempt attempt(/*reconcile=*/false);
  BoostChain chain(attempt.call());
  FakeLevel campaign, ad_set, ad;
  campaign.found = std::optional<Json>(Json{{"id", "c1"}});
  ASSERT_EQ(chain.Campaign(campaign.Level()).value()["id"], "c1");
  ASSERT_EQ(chain.FindOrCreate(ad_set.Level("ad set")).value()["id"], "new");
  ASSERT_EQ(chain.FindOrCreate(ad.Level("ad")).value()["id"], "new");
  EXPECT_EQ(campaign.creates, 0);
  EXPECT_EQ(ad_set.finds, 1);
  EXPECT_EQ(ad_set.creates, 1);
  EXPECT_EQ(ad.finds, 0);  // nothing can hang under an ad set this attempt made
  EXPECT_EQ(ad.creates, 1);
}

TEST(BoostChainTest, AReconcileWithNoCampaignIsNotFoundAndCreatesNothing) {
  Attempt attempt(/*reconcile=*/true);
  BoostChain chain(attempt.call());
  FakeLevel campaign;
  absl::StatusOr<Json> out = chain.Campaign(campaign.Level());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(ErrorTypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  EXPECT_EQ(CodeOf(out.status()), "not_found");
  EXPECT_EQ(out.status().message(),
            "x.boost: not found: no campaign named 'Fanfare " +
                ClientReference("default/run-1/boost") + "', so the boost never started");
  EXPECT_EQ(campaign.creates, 0);
}

TEST(BoostChainTest, AReconcileCompletesBelowAFoundCampaign) {
  Attempt attempt(/*reconcile=*/true);
  BoostChain chain(attempt.call());
  FakeLevel campaign, ad_set;
  campaign.found = std::optional<Json>(Json{{"id", "c1"}});
  ASSERT_TRUE(chain.Campaign(campaign.Level()).ok());
  ASSERT_EQ(chain.FindOrCreate(ad_set.Level("ad set")).value()["id"], "new");
  EXPECT_EQ(ad_set.finds, 1);
}

TEST(BoostChainTest, AFailedLookupIsPassedOnAndNeverCalledNotFound) {
  for (bool reconcile : {false, true}) {
    Attempt attempt(reconcile);
    BoostChain chain(attempt.call());
    FakeLevel campaign;
    campaign.found = Retryable("x.boost: GET campaigns: HTTP 500", "500");
    absl::StatusOr<Json> out = chain.Campaign(campaign.Level());
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(CodeOf(out.status()), "500");
    EXPECT_EQ(campaign.creates, 0);

    // A network failure that happens to carry "not_found" is renamed.
    campaign.found = RejectedInput("x.boost: GET campaigns: HTTP 404", "not_found");
    out = BoostChain(attempt.call()).Campaign(campaign.Level());
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(ErrorTypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
    EXPECT_EQ(CodeOf(out.status()), "network_not_found");
    EXPECT_EQ(out.status().message(), "x.boost: GET campaigns: HTTP 404");
  }
}

TEST(BoostChainTest, AnObjectWithoutAnIdIsNeverTakenForDone) {
  Attempt attempt(/*reconcile=*/false);
  FakeLevel found_without_id;
  found_without_id.found = std::optional<Json>(Json{{"name", "Fanfare x"}});
  absl::StatusOr<Json> out = BoostChain(attempt.call()).Campaign(found_without_id.Level());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(ErrorTypeOf(out.status()), v1::ERROR_TYPE_RETRYABLE);
  EXPECT_EQ(found_without_id.creates, 0);

  FakeLevel made_without_id;
  made_without_id.made = Json::object();
  out = BoostChain(attempt.call()).Campaign(made_without_id.Level());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(ErrorTypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << out.status();
}

TEST(BoostChainTest, AListingIsReadToItsLastPage) {
  std::vector<std::string> asked;
  auto page = [&asked](const std::string& next) -> absl::StatusOr<ListingPage> {
    asked.push_back(next);
    ListingPage p;
    p.items = Json::array({{{"name", "page " + next}}});
    if (next.empty()) p.next = "2";
    if (next == "2") p.next = "3";
    return p;
  };
  auto named = [](const std::string& name) {
    return [name](const Json& item) { return JsonString(item, "name") == name; };
  };
  absl::StatusOr<std::optional<Json>> found = FindInListing(page, named("page 3"), "GET x");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(asked, (std::vector<std::string>{"", "2", "3"}));

  asked.clear();
  found = FindInListing(page, named("absent"), "GET x");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(asked.size(), 3u);
}

TEST(BoostChainTest, AListingThatNeverEndsOrCannotBeReadIsAFailure) {
  auto endless = [](const std::string& next) -> absl::StatusOr<ListingPage> {
    ListingPage p;
    p.next = next + "+";
    return p;
  };
  absl::StatusOr<std::optional<Json>> found =
      FindInListing(endless, [](const Json&) { return false; }, "GET x");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(CodeOf(found.status()), "listing_too_long");

  absl::StatusOr<Json> items = ListedItems(Json{{"error", "oops"}}, "data", "GET x");
  ASSERT_FALSE(items.ok());
  EXPECT_EQ(ErrorTypeOf(items.status()), v1::ERROR_TYPE_RETRYABLE);
  EXPECT_EQ(CodeOf(items.status()), "unreadable_listing");
  EXPECT_EQ(ListedItems(Json{{"data", Json::array()}}, "data", "GET x").value(), Json::array());
}

}  // namespace
}  // namespace fanfare::workers
