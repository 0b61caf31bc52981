// FairQueue's order: priority first, then campaigns taking turns by weight, then first in,
// first out within a campaign.
#include "engine/dispatch/fair_queue.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::dispatch {
namespace {

using ::testing::ElementsAre;

// Every task id in the order the queue offers them, emptying it.
std::vector<uint64_t> Drain(FairQueue& queue) {
  std::vector<uint64_t> out;
  while (!queue.empty()) {
    out.push_back(queue.Front());
    queue.PopFront();
  }
  return out;
}

TEST(FairQueueTest, WithinOneCampaignTasksLeaveInArrivalOrder) {
  FairQueue queue;
  for (uint64_t id : {7, 3, 9, 1}) queue.Push(id, 0, "launch");
  EXPECT_EQ(queue.size(), 4u);
  EXPECT_THAT(Drain(queue), ElementsAre(7, 3, 9, 1));
  EXPECT_EQ(queue.size(), 0u);
}

TEST(FairQueueTest, HigherPriorityGoesFirstWhateverTheOrderOfArrival) {
  FairQueue queue;
  queue.Push(1, 0, "launch");
  queue.Push(2, -5, "launch");
  queue.Push(3, 10, "launch");
  queue.Push(4, 0, "launch");
  queue.Push(5, 10, "launch");
  EXPECT_THAT(Drain(queue), ElementsAre(3, 5, 1, 4, 2));
}

TEST(FairQueueTest, CampaignsOfOnePriorityTakeTurns) {
  FairQueue queue;
  queue.Push(1, 0, "launch");
  queue.Push(2, 0, "launch");
  queue.Push(3, 0, "launch");
  queue.Push(4, 0, "promo");
  queue.Push(5, 0, "promo");
  queue.Push(6, 0, "recap");
  EXPECT_THAT(Drain(queue), ElementsAre(1, 4, 6, 2, 5, 3));
}

TEST(FairQueueTest, ACampaignOfWeightWIsServedWTasksPerTurn) {
  FairQueue queue;
  for (uint64_t id : {1, 2, 3, 4, 5}) queue.Push(id, 0, "launch", /*weight=*/3);
  for (uint64_t id : {11, 12, 13}) queue.Push(id, 0, "promo");
  EXPECT_THAT(Drain(queue), ElementsAre(1, 2, 3, 11, 4, 5, 12, 13));
}

TEST(FairQueueTest, TenThousandQueuedPostsDoNotStarveAnotherCampaign) {
  FairQueue queue;
  for (uint64_t id = 1; id <= 10'000; ++id) queue.Push(id, 0, "flood");
  queue.Push(99'999, 0, "small");
  EXPECT_EQ(queue.Front(), 1u);
  queue.PopFront();
  EXPECT_EQ(queue.Front(), 99'999u) << "the late campaign's first task is offered second";
  EXPECT_EQ(queue.size(), 10'000u);
}

TEST(FairQueueTest, FrontIsStableUntilPopFront) {
  FairQueue queue;
  queue.Push(1, 0, "launch");
  queue.Push(2, 0, "promo");
  EXPECT_EQ(queue.Front(), 1u);
  EXPECT_EQ(queue.Front(), 1u) << "asking again does not advance the turn";
  queue.PopFront();
  EXPECT_EQ(queue.Front(), 2u);
  EXPECT_EQ(queue.Front(), 2u);
}

TEST(FairQueueTest, AHigherPriorityArrivalInterruptsATurnWhichThenResumes) {
  FairQueue queue;
  for (uint64_t id : {1, 2, 3}) queue.Push(id, 0, "launch", /*weight=*/2);
  queue.Push(4, 0, "promo");
  EXPECT_EQ(queue.Front(), 1u);
  queue.PopFront();
  queue.Push(50, 5, "urgent");
  EXPECT_EQ(queue.Front(), 50u);
  queue.PopFront();
  // launch had used one of its two tasks this turn.
  EXPECT_THAT(Drain(queue), ElementsAre(2, 4, 3));
}

TEST(FairQueueTest, ACampaignThatRanDryKeepsItsPlaceWhenItQueuesAgain) {
  FairQueue queue;
  queue.Push(1, 0, "launch");
  queue.Push(2, 0, "promo");
  queue.Push(3, 0, "promo");
  EXPECT_EQ(queue.Front(), 1u);
  queue.PopFront();  // launch is empty now
  queue.Push(4, 0, "launch");
  EXPECT_THAT(Drain(queue), ElementsAre(2, 4, 3));
}

TEST(FairQueueTest, AnEmptiedQueueTakesNewTasks) {
  FairQueue queue;
  queue.Push(1, 3, "launch");
  EXPECT_THAT(Drain(queue), ElementsAre(1));
  EXPECT_TRUE(queue.empty());
  queue.Push(2, 0, "promo");
  queue.Push(3, 0, "launch");
  EXPECT_THAT(Drain(queue), ElementsAre(2, 3));
}

}  // namespace
}  // namespace fanfare::dispatch
