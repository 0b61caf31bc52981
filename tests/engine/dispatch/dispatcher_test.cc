// Dispatcher: which session each queued task goes to (namespace, queue, action), credit,
// round-robin turns across sessions, stale ids, and the session registry.
#include "engine/dispatch/dispatcher.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::dispatch {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

const absl::Time kConnectedAt = absl::FromUnixSeconds(1'800'000'000);

std::unique_ptr<WorkerSession> Session(const std::string& id, const std::string& ns,
                                       std::vector<std::string> queues,
                                       std::vector<std::string> actions = {}) {
  v1::WorkerHello hello;
  hello.set_worker_id("worker-" + id);
  hello.set_namespace_(ns);
  for (std::string& queue : queues) hello.add_queues(std::move(queue));
  for (std::string& action : actions) hello.add_actions(std::move(action));
  hello.set_max_concurrency(100);
  return std::make_unique<WorkerSession>(id, hello, Transport::kStream, nullptr, kConnectedAt);
}

class DispatcherTest : public ::testing::Test {
 protected:
  // Registers a session in namespace `ns` with `credit` free slots.
  WorkerSession& Connect(const std::string& id, std::vector<std::string> queues, int credit,
                         std::vector<std::string> actions = {}, const std::string& ns = "default") {
    dispatcher_.AddSession(Session(id, ns, std::move(queues), std::move(actions)));
    WorkerSession& session = *dispatcher_.FindSession(id);
    session.Grant(credit);
    return session;
  }

  void Enqueue(const std::string& queue, uint64_t task_id, const std::string& action,
               const std::string& ns = "default") {
    dispatcher_.Enqueue(ns, queue, task_id);
    actions_[task_id] = action;
  }

  // Runs Match as the engine does: a task whose id is not in actions_ is stale, and an
  // assignment leases the task to the session (using one slot of its credit).
  int Match() {
    return dispatcher_.Match(
        [&](uint64_t task_id) {
          Dispatcher::Candidate candidate;
          auto it = actions_.find(task_id);
          if (it == actions_.end()) return candidate;
          candidate.valid = true;
          candidate.action = it->second;
          return candidate;
        },
        [&](uint64_t task_id, WorkerSession& session) {
          if (refuse_ == task_id) return false;
          session.Started(task_id);
          assigned_.emplace_back(task_id, session.session_id());
          return true;
        });
  }

  Dispatcher dispatcher_;
  std::map<uint64_t, std::string> actions_;
  uint64_t refuse_ = 0;  // a task whose assignment fails
  std::vector<std::pair<uint64_t, std::string>> assigned_;
};

TEST_F(DispatcherTest, ATaskGoesOnlyToASessionOfItsNamespaceQueueAndAction) {
  Connect("fb", {"facebook"}, 5);
  Connect("x-insights", {"x"}, 5, {"x.insights"});
  Connect("x-publish", {"x"}, 5, {"x.publish"});
  Connect("acme-x", {"x"}, 5, {}, "acme");
  Enqueue("facebook", 1, "facebook.publish");
  Enqueue("x", 2, "x.insights");
  Enqueue("x", 3, "x.publish");
  Enqueue("x", 4, "x.publish", "acme");
  EXPECT_EQ(Match(), 4);
  EXPECT_THAT(assigned_, UnorderedElementsAre(Pair(1, "fb"), Pair(2, "x-insights"),
                                              Pair(3, "x-publish"), Pair(4, "acme-x")));
  EXPECT_EQ(dispatcher_.queued(), 0u);
}

TEST_F(DispatcherTest, ATaskThatNoSessionWithCreditServesStaysQueued) {
  Connect("x-publish", {"x"}, 5, {"x.publish"});
  Connect("fb-draining", {"facebook"}, 5).set_draining();
  Enqueue("x", 1, "x.boost");
  Enqueue("facebook", 2, "facebook.publish");
  Enqueue("linkedin", 3, "linkedin.publish");
  EXPECT_EQ(Match(), 0);
  EXPECT_TRUE(assigned_.empty());
  EXPECT_THAT(dispatcher_.Depths(),
              ElementsAre(Pair(Pair("default", "facebook"), 1), Pair(Pair("default", "linkedin"), 1),
                          Pair(Pair("default", "x"), 1)));
}

TEST_F(DispatcherTest, ASessionIsOfferedNoMoreTasksThanItsCredit) {
  WorkerSession& session = Connect("fb", {"facebook"}, 2);
  for (uint64_t id : {1, 2, 3, 4, 5}) Enqueue("facebook", id, "facebook.publish");
  EXPECT_EQ(Match(), 2);
  EXPECT_EQ(session.credit(), 0);
  EXPECT_EQ(dispatcher_.queued(), 3u);
  session.Grant(2);
  EXPECT_EQ(Match(), 2);
  EXPECT_THAT(assigned_, ElementsAre(Pair(1, "fb"), Pair(2, "fb"), Pair(3, "fb"), Pair(4, "fb")));
  EXPECT_EQ(dispatcher_.queued(), 1u);
}

TEST_F(DispatcherTest, TasksAreOfferedByPriorityThenCampaignTurns) {
  Connect("fb", {"facebook"}, 10);
  dispatcher_.Enqueue("default", "facebook", 1, /*priority=*/0, "launch", /*weight=*/2);
  dispatcher_.Enqueue("default", "facebook", 2, 0, "launch", 2);
  dispatcher_.Enqueue("default", "facebook", 3, 0, "launch", 2);
  dispatcher_.Enqueue("default", "facebook", 4, 0, "promo");
  dispatcher_.Enqueue("default", "facebook", 5, /*priority=*/9, "promo");
  for (uint64_t id = 1; id <= 5; ++id) actions_[id] = "facebook.publish";
  EXPECT_EQ(Match(), 5);
  EXPECT_THAT(assigned_, ElementsAre(Pair(5, "fb"), Pair(1, "fb"), Pair(2, "fb"), Pair(4, "fb"),
                                     Pair(3, "fb")));
}

TEST_F(DispatcherTest, TasksAreSpreadRoundRobinOverTheSessionsServingAQueue) {
  for (const char* id : {"a", "b", "c"}) Connect(id, {"facebook"}, 3);
  for (uint64_t id = 1; id <= 6; ++id) Enqueue("facebook", id, "facebook.publish");
  EXPECT_EQ(Match(), 6);
  EXPECT_THAT(assigned_, ElementsAre(Pair(1, "a"), Pair(2, "b"), Pair(3, "c"), Pair(4, "a"),
                                     Pair(5, "b"), Pair(6, "c")));
}

TEST_F(DispatcherTest, WhenASessionRunsOutOfCreditTheTurnPassesToTheNextOne) {
  Connect("a", {"facebook"}, 1);
  Connect("b", {"facebook"}, 3);
  Connect("c", {"facebook"}, 3);
  for (uint64_t id = 1; id <= 5; ++id) Enqueue("facebook", id, "facebook.publish");
  EXPECT_EQ(Match(), 5);
  EXPECT_THAT(assigned_, ElementsAre(Pair(1, "a"), Pair(2, "b"), Pair(3, "c"), Pair(4, "b"),
                                     Pair(5, "c")));
}

TEST_F(DispatcherTest, TheTurnCarriesOverFromOneMatchToTheNext) {
  for (const char* id : {"a", "b", "c"}) Connect(id, {"facebook"}, 5);
  for (uint64_t id = 1; id <= 4; ++id) {
    Enqueue("facebook", id, "facebook.publish");
    EXPECT_EQ(Match(), 1);
  }
  EXPECT_THAT(assigned_, ElementsAre(Pair(1, "a"), Pair(2, "b"), Pair(3, "c"), Pair(4, "a")));
}

TEST_F(DispatcherTest, StaleIdsAreDroppedWhenTheyReachTheFront) {
  Connect("fb", {"facebook"}, 5);
  for (uint64_t id : {1, 2, 3}) Enqueue("facebook", id, "facebook.publish");
  actions_.erase(2);  // cancelled while queued
  EXPECT_EQ(dispatcher_.queued(), 3u) << "stale ids count until they are dropped";
  EXPECT_EQ(Match(), 2);
  EXPECT_THAT(assigned_, ElementsAre(Pair(1, "fb"), Pair(3, "fb")));
  EXPECT_EQ(dispatcher_.queued(), 0u);
  EXPECT_TRUE(dispatcher_.Depths().empty()) << "an emptied queue is forgotten";
}

TEST_F(DispatcherTest, AnAssignmentThatFailsIsNotCountedAndLeavesTheQueue) {
  WorkerSession& session = Connect("fb", {"facebook"}, 5);
  for (uint64_t id : {1, 2}) Enqueue("facebook", id, "facebook.publish");
  refuse_ = 1;
  EXPECT_EQ(Match(), 1);
  EXPECT_THAT(assigned_, ElementsAre(Pair(2, "fb")));
  EXPECT_EQ(session.credit(), 4);
  EXPECT_EQ(dispatcher_.queued(), 0u) << "the engine queues the task again if it still waits";
}

TEST_F(DispatcherTest, ASessionWithAKnownIdReplacesTheOldOneWhichIsHandedBack) {
  EXPECT_EQ(dispatcher_.AddSession(Session("s1", "default", {"facebook"})), nullptr);
  std::unique_ptr<WorkerSession> old = dispatcher_.AddSession(Session("s1", "default", {"x"}));
  ASSERT_NE(old, nullptr);
  EXPECT_THAT(old->hello().queues(), ElementsAre("facebook"));
  EXPECT_THAT(dispatcher_.FindSession("s1")->hello().queues(), ElementsAre("x"));
  EXPECT_EQ(dispatcher_.sessions().size(), 1u);

  std::unique_ptr<WorkerSession> removed = dispatcher_.RemoveSession("s1");
  ASSERT_NE(removed, nullptr);
  EXPECT_THAT(removed->hello().queues(), ElementsAre("x"));
  EXPECT_EQ(dispatcher_.FindSession("s1"), nullptr);
  EXPECT_EQ(dispatcher_.RemoveSession("s1"), nullptr);
}

}  // namespace
}  // namespace fanfare::dispatch
