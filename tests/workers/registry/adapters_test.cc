// The factory and handler list, and the exactly-once property end to end: the same publish
// run twice (two attempts, one idempotency key) under "accept, then drop the response" never
// leaves two posts on the network.
#include "workers/registry/adapters.h"

#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

TEST(AdaptersTest, ListsEveryActionWithItsIdempotency) {
  Harness h;
  absl::StatusOr<std::vector<std::unique_ptr<NetworkAdapter>>> adapters = MakeAdapters(h.options());
  ASSERT_TRUE(adapters.ok());
  const std::vector<ActionHandler> handlers = ListHandlers(*adapters);
  // Five networks publish and advertise (all but snapchat with comments and moderate too,
  // instagram with search);
  // x does both and community with search; youtube publishes and does community with search.
  EXPECT_EQ(handlers.size(), 5u * 6 + 4 * 2 + 1 + 9 + 5);
  for (const ActionHandler& handler : handlers) {
    const bool writes_new = handler.action.ends_with(".publish") ||
                            handler.action.ends_with(".boost") ||
                            handler.action.ends_with(".moderate");
    EXPECT_EQ(handler.idempotent, !writes_new) << handler.action;
  }
  EXPECT_FALSE(MakeAdapters(h.options(), {"myspace"}).ok());
}

TEST(AdaptersTest, ApiBaseFlags) {
  AdapterOptions options;
  ASSERT_TRUE(ParseApiBaseFlag("x=http://127.0.0.1:7700/x/", options).ok());
  EXPECT_EQ(options.endpoints["x"].ads, "http://127.0.0.1:7700/x");
  ASSERT_TRUE(ParseApiBaseFlag("linkedin.auth=http://127.0.0.1:1/li", options).ok());
  EXPECT_EQ(options.endpoints["linkedin"].api, "https://api.linkedin.com");
  EXPECT_EQ(options.endpoints["linkedin"].auth, "http://127.0.0.1:1/li");
  EXPECT_FALSE(ParseApiBaseFlag("x", options).ok());
  EXPECT_FALSE(ParseApiBaseFlag("orkut=http://a", options).ok());
  EXPECT_FALSE(ParseApiBaseFlag("x.upload=http://a", options).ok());
}

Json PublishInput(Harness& h, const std::string& network) {
  Json input = {{"text", "Launch day"}, {"link", "https://acme.example/rocket"},
                {"media", Json::array({{{"url", network == "instagram"
                                                    ? std::string("https://cdn.acme.example/a.jpg")
                                                    : h.MediaUrl(128 * 1024)},
                                        {"type", network == "instagram" ? "image" : "video"}}})},
                {"title", "Launch day"}, {"caption", "Launch day"}};
  return input;
}

// Attempt 1 executes and loses its answer; attempt 2 (same key) is the coordinator's
// reconcile, which must find the post instead of publishing again.
TEST(ExactlyOnceTest, SamePublishTwiceUnderDroppedResponsesLeavesOnePost) {
  for (const std::string network : {"facebook", "instagram", "x", "linkedin", "youtube",
                                    "tiktok", "snapchat"}) {
    SCOPED_TRACE(network);
    Harness h;
    const std::string key = "default/run-42/publish[" + network + "]";
    h.Control("POST", "/_sandbox/faults", {{"network", network}, {"drop_rate", 1.0},
                                           {"drop_path", network == "instagram" ? "media_publish"
                                                         : network == "snapchat" ? "creatives"
                                                         : network == "youtube" ? "upload"
                                                         : network == "tiktok" ? "upload" : ""},
                                           {"drop_method", network == "youtube" || network == "tiktok"
                                                               ? "PUT" : ""}});
    absl::StatusOr<Json> first = h.Run(network, "publish", PublishInput(h, network), "", false, key);
    h.Control("POST", "/_sandbox/faults", {{"clear", true}});
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(TypeOf(first.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << first.status();
    h.clock().Advance(absl::Minutes(5));  // the coordinator reconciles some time later
    absl::StatusOr<Json> second = h.Run(network, "publish", PublishInput(h, network), "", true, key);
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_EQ((*second)["post_id"], h.Posts(network)[0]["id"]);
    EXPECT_EQ(h.Posts(network).size(), 1u);
  }
}

// Without reconcile, a blind retry of a non-idempotent publish is exactly what the networks'
// duplicate checks exist for: X answers 403 and no second post appears.
TEST(ExactlyOnceTest, BlindRetryOnXIsStoppedAsDuplicate) {
  Harness h;
  h.Control("POST", "/_sandbox/faults", {{"network", "x"}, {"drop_next", 1}});
  EXPECT_EQ(TypeOf(h.Run("x", "publish", {{"text", "once"}}).status()),
            v1::ERROR_TYPE_OUTCOME_UNKNOWN);
  EXPECT_EQ(TypeOf(h.Run("x", "publish", {{"text", "once"}}).status()), v1::ERROR_TYPE_DUPLICATE);
  EXPECT_EQ(h.Posts("x").size(), 1u);
}

}  // namespace
}  // namespace fanfare::workers::testing
