// ActionCatalog and action names.
#include "engine/definition/action_catalog.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::definition {
namespace {

using ::testing::ElementsAre;

TEST(ActionNameTest, SplitsQueueAndVerb) {
  absl::StatusOr<ActionName> name = ParseActionName("facebook.set_budget");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->queue, "facebook");
  EXPECT_EQ(name->verb, "set_budget");
}

TEST(ActionNameTest, RejectsMalformedNames) {
  for (const char* bad : {"facebook", "facebook.", ".publish", "Facebook.publish",
                          "facebook.Publish", "facebook.publish.now", "face book.publish",
                          "1x.publish", "x.pub-lish", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ParseActionName(bad).status().message(),
              absl::StrCat("malformed action '", bad,
                           "': write <queue>.<verb> in lowercase, e.g. facebook.publish or "
                           "content.generate"));
  }
}

TEST(ActionNameTest, LowerIdentifiers) {
  EXPECT_TRUE(IsLowerIdentifier("x"));
  EXPECT_TRUE(IsLowerIdentifier("set_budget2"));
  EXPECT_FALSE(IsLowerIdentifier(""));
  EXPECT_FALSE(IsLowerIdentifier("_x"));
  EXPECT_FALSE(IsLowerIdentifier("2x"));
  EXPECT_FALSE(IsLowerIdentifier("a-b"));
  EXPECT_TRUE(IsLowerIdentifier(std::string(63, 'a')));
  EXPECT_FALSE(IsLowerIdentifier(std::string(64, 'a')));
}

TEST(ActionCatalogTest, QueuesAndNetworks) {
  const ActionCatalog& catalog = ActionCatalog::Default();
  EXPECT_THAT(catalog.networks(), ElementsAre("facebook", "instagram", "x", "linkedin",
                                              "youtube", "tiktok", "snapchat"));
  EXPECT_THAT(catalog.queues(), ElementsAre("facebook", "instagram", "x", "linkedin", "youtube",
                                            "tiktok", "snapchat", "content"));
  EXPECT_TRUE(catalog.IsBuiltinQueue("content"));
  EXPECT_FALSE(catalog.IsBuiltinQueue("crm"));
  EXPECT_THAT(catalog.Verbs("youtube"),
              ElementsAre("publish", "insights", "comments", "moderate", "search"));
  EXPECT_FALSE(catalog.IsIdempotent("x", "moderate")) << "a reply is not idempotent";
  EXPECT_TRUE(catalog.IsIdempotent("youtube", "comments"));
  EXPECT_TRUE(catalog.IsIdempotent("youtube", "search"));
  EXPECT_EQ(catalog.Gap("youtube", "search"), "");
  EXPECT_NE(catalog.Gap("snapchat", "comments").find("no public API"), absl::string_view::npos);
  EXPECT_EQ(catalog.Gap("x", "publish"), "");
  EXPECT_FALSE(catalog.IsIdempotent("instagram", "moderate"));
  EXPECT_TRUE(catalog.IsIdempotent("facebook", "comments"));
  EXPECT_NE(catalog.Gap("facebook", "search").find("no public API"), absl::string_view::npos);
  EXPECT_NE(catalog.Gap("tiktok", "search").find("x.search"), absl::string_view::npos);
  EXPECT_EQ(catalog.Gap("linkedin", "moderate"), "");
  EXPECT_THAT(catalog.Verbs("content"), ElementsAre("generate", "ambassadors"));
  EXPECT_THAT(catalog.Verbs("crm"), ElementsAre());
}

TEST(ActionCatalogTest, Idempotency) {
  const ActionCatalog& catalog = ActionCatalog::Default();
  // Acting twice would publish twice or spend twice.
  EXPECT_FALSE(catalog.IsIdempotent("facebook", "publish"));
  EXPECT_FALSE(catalog.IsIdempotent("instagram", "boost"));
  EXPECT_TRUE(catalog.IsIdempotent("facebook", "insights"));
  EXPECT_TRUE(catalog.IsIdempotent("x", "set_budget"));
  EXPECT_TRUE(catalog.IsIdempotent("x", "pause"));
  EXPECT_TRUE(catalog.IsIdempotent("content", "generate"));
  // Custom pools are taken to be idempotent unless a step says otherwise.
  EXPECT_TRUE(catalog.IsIdempotent("crm", "sync"));
  ASSERT_NE(catalog.Find("tiktok", "boost"), nullptr);
  EXPECT_EQ(catalog.Find("tiktok", "boost")->verb, "boost");
  EXPECT_EQ(catalog.Find("youtube", "boost"), nullptr);
  EXPECT_EQ(catalog.Find("crm", "sync"), nullptr);
}

}  // namespace
}  // namespace fanfare::definition
