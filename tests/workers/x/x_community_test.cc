// x.comments and x.moderate against the sandbox's audience: the mention timeline read once
// across runs (a backlog drained in runs of `max`), hiding only in the account's own
// conversations, likes, and a reply whose answer was lost settled by reconcile — never a
// second reply.
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

std::vector<Json> Comments(Harness& h, bool by_account = false) {
  std::vector<Json> out;
  const Json listed = h.Control("GET", "/_sandbox/comments?network=x");
  if (!listed.contains("comments")) ADD_FAILURE() << listed.dump();
  for (const Json& c : listed["comments"]) {
    if (c["by_account"].get<bool>() == by_account) out.push_back(c);
  }
  return out;
}

// Publishes two posts, then grows `days` of audience from now.
void Audience(Harness& h, int days, int per_day = 12) {
  ASSERT_TRUE(h.Run("x", "publish", {{"text", "Meet the rocket"}}).ok());
  ASSERT_TRUE(h.Run("x", "publish", {{"text", "Rocket, day two"}}).ok());
  h.clock().Advance(absl::Minutes(1));
  ASSERT_GT(h.Control("POST", "/_sandbox/audience", {{"network", "x"}, {"account", "acme_x"},
                                                     {"days", days}, {"per_day", per_day}})["added"],
            0);
}

// Runs x.comments from `cursor` until a run is complete; returns every id read, in order.
std::vector<std::string> Drain(Harness& h, std::string& cursor, int max, int* runs = nullptr) {
  std::vector<std::string> ids;
  for (int n = 0; n < 100; ++n) {
    absl::StatusOr<Json> out = h.Run("x", "comments", {{"cursor", cursor}, {"max", max}});
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) break;
    EXPECT_LE((*out)["count"].get<int>(), max);
    for (const Json& c : (*out)["comments"]) ids.push_back(c["id"]);
    cursor = (*out)["cursor"];
    if (runs != nullptr) ++*runs;
    if ((*out)["complete"].get<bool>()) break;
  }
  return ids;
}

TEST(XCommunityTest, CommentsAreNormalisedAndReadOnceAcrossRuns) {
  Harness h;
  Audience(h, 3);
  h.clock().Advance(absl::Hours(24));
  std::string cursor;
  const std::vector<std::string> first = Drain(h, cursor, 500);
  const std::vector<Json> visible = Comments(h);
  ASSERT_EQ(first.size(), visible.size());
  std::set<std::string> expected;
  for (const Json& c : visible) expected.insert(c["id"]);
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()), expected);

  absl::StatusOr<Json> out = h.Run("x", "comments", {{"cursor", cursor}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["count"], 0) << "nothing new since the last run";

  h.clock().Advance(absl::Hours(24));
  std::string next = cursor;
  const std::vector<std::string> second = Drain(h, next, 500);
  EXPECT_EQ(first.size() + second.size(), Comments(h).size());
  for (const std::string& id : second) EXPECT_EQ(expected.count(id), 0u) << id;

  // The shape: a reply to one of the account's posts names it and its author.
  out = h.Run("x", "comments", {{"max", 5}});
  ASSERT_TRUE(out.ok()) << out.status();
  const Json& c = (*out)["comments"][0];
  EXPECT_FALSE(c["post_id"].get<std::string>().empty());
  EXPECT_FALSE(c["author"]["handle"].get<std::string>().empty());
  EXPECT_EQ(c["url"], "https://x.com/" + c["author"]["handle"].get<std::string>() + "/status/" +
                          c["id"].get<std::string>());
  EXPECT_TRUE(c["text"].get<std::string>().starts_with("@acme_x "));
}

TEST(XCommunityTest, ABacklogIsDrainedInRunsOfMaxWithoutLossOrRepeat) {
  Harness h;
  Audience(h, 4, 10);
  h.clock().Advance(absl::Hours(36));  // a day and a half of comments: the backlog
  std::string cursor;
  int runs = 0;
  std::vector<std::string> ids = Drain(h, cursor, 7, &runs);
  const size_t backlog = Comments(h).size();
  EXPECT_GE(runs, static_cast<int>(backlog / 7));
  // Comments keep arriving while the backlog drains: none is lost, none read twice.
  h.clock().Advance(absl::Hours(30));
  std::vector<std::string> more = Drain(h, cursor, 7);
  ids.insert(ids.end(), more.begin(), more.end());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "a repeat";
  EXPECT_EQ(ids.size(), Comments(h).size());
}

TEST(XCommunityTest, HidesRepliesOnlyInTheAccountsOwnConversations) {
  Harness h;
  h.Control("POST", "/_sandbox/audience", {{"network", "x"}, {"account", "acme_x"}, {"days", 1}});
  h.clock().Advance(absl::Hours(24));
  const std::vector<Json> mentions = Comments(h);
  ASSERT_FALSE(mentions.empty());
  ASSERT_EQ(mentions[0]["post_id"], "") << "no post yet: a mention";
  absl::StatusOr<Json> out = h.Run("x", "moderate", {{"comment_id", mentions[0]["id"]},
                                                     {"action", "hide"}});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_NE(out.status().message().find("conversations you authored"), std::string::npos)
      << out.status();

  Audience(h, 1);
  h.clock().Advance(absl::Hours(24));
  std::string reply_id;
  for (const Json& c : Comments(h)) {
    if (!c["post_id"].get<std::string>().empty()) reply_id = c["id"];
  }
  ASSERT_FALSE(reply_id.empty());
  for (int n = 0; n < 2; ++n) {  // idempotent: hiding twice is hiding once
    out = h.Run("x", "moderate", {{"comment_id", reply_id}, {"action", "hide"}});
    ASSERT_TRUE(out.ok()) << out.status();
  }
  EXPECT_EQ(*out, Json({{"comment_id", reply_id}, {"action", "hide"}, {"done", true}}));
  for (const Json& c : Comments(h)) EXPECT_EQ(c["hidden"], c["id"] == reply_id) << c;
  ASSERT_TRUE(h.Run("x", "moderate", {{"comment_id", reply_id}, {"action", "like"}}).ok());
  for (int n = 0; n < 2; ++n) {  // a repost twice is one repost
    ASSERT_TRUE(h.Run("x", "moderate", {{"comment_id", reply_id}, {"action", "reshare"}}).ok());
  }
  for (const Json& c : Comments(h)) {
    EXPECT_EQ(c["liked"], c["id"] == reply_id);
    EXPECT_EQ(c["reshared"], c["id"] == reply_id);
  }
  out = h.Run("x", "moderate", {{"comment_id", reply_id}, {"action", "pin"}});
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_NE(out.status().message().find("X has no API to pin"), std::string::npos);
  out = h.Run("x", "moderate", {{"comment_id", reply_id}, {"action", "delete"}});
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_REJECTED_INPUT) << "not the account's tweet";
  out = h.Run("x", "moderate", {{"comment_id", reply_id}, {"action", "shout"}});
  EXPECT_NE(out.status().message().find("'action' must be one of"), std::string::npos);
}

TEST(XCommunityTest, ALostReplyIsFoundByReconcileAndNeverSentTwice) {
  Harness h;
  Audience(h, 1, 30);
  h.clock().Advance(absl::Hours(24));
  std::string question;
  for (const Json& c : Comments(h)) {
    if (c["intent"] == "question" && !c["post_id"].get<std::string>().empty()) question = c["id"];
  }
  ASSERT_FALSE(question.empty());
  const Json input = {{"comment_id", question}, {"action", "reply"},
                      {"text", "Thanks for asking! Shipping to Canada is free this month: "
                               "https://acme.example/ship?to=ca&free=1"}};
  const std::string key = "default/run-7/answer[0]";

  // Nothing sent yet: reconcile says so, and the coordinator may run the reply.
  absl::StatusOr<Json> out = h.Run("x", "moderate", input, "", /*reconcile=*/true, key);
  EXPECT_EQ(ToTaskFailure(out.status()).code(), "not_found") << out.status();

  h.Control("POST", "/_sandbox/faults", {{"network", "x"}, {"drop_next", 1},
                                         {"drop_path", "/2/tweets$"}});
  out = h.Run("x", "moderate", input, "", false, key);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << out.status();
  h.clock().Advance(absl::Minutes(2));
  out = h.Run("x", "moderate", input, "", /*reconcile=*/true, key);
  ASSERT_TRUE(out.ok()) << out.status();
  const std::vector<Json> replies = Comments(h, /*by_account=*/true);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ((*out)["reply_id"], replies[0]["id"]);
  EXPECT_EQ(replies[0]["parent_id"], question);
  EXPECT_EQ((*out)["reply_url"], "https://x.com/i/web/status/" + replies[0]["id"].get<std::string>());
}

TEST(XCommunityTest, RecentSearchListensToATopic) {
  Harness h;
  Audience(h, 2, 30);
  h.clock().Advance(absl::Hours(48));
  size_t expected = 0;
  bool excluded_some = false;
  for (const Json& c : Comments(h)) {
    const std::string text = absl::AsciiStrToLower(c["text"].get<std::string>());
    const bool has = text.find("my") != std::string::npos;
    const bool refund = text.find("refund") != std::string::npos;
    expected += has && !refund;
    excluded_some |= has && refund;
  }
  ASSERT_GT(expected, 0u);
  ASSERT_TRUE(excluded_some);
  absl::StatusOr<Json> out = h.Run("x", "search", {{"query", "My -refund"}, {"max", 500}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["count"].get<size_t>(), expected);
  for (const Json& c : (*out)["comments"]) {
    EXPECT_EQ(c["text"].get<std::string>().find("refund"), std::string::npos);
  }
  out = h.Run("x", "search", {{"query", "My -refund"}, {"cursor", (*out)["cursor"]}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["count"], 0);
  out = h.Run("x", "search", Json::object());
  EXPECT_NE(out.status().message().find("'query' is required"), std::string::npos);

  // Recent search refuses a since_id older than 7 days: after a quiet week and more, the
  // cursor still works (from the oldest tweet the search reaches).
  const std::string cursor = (*h.Run("x", "search", {{"query", "zzz-nothing"}}))["cursor"];
  h.clock().Advance(absl::Hours(24 * 8));
  out = h.Run("x", "search", {{"query", "My"}, {"cursor", cursor}});
  ASSERT_TRUE(out.ok()) << out.status();
}

TEST(XCommunityTest, MalformedRequestsAreAnswered400NotACrash) {
  Harness h;
  auto send = [&h](const std::string& method, const std::string& path, const std::string& body,
                   const std::string& token = "sbx_x_acme_x") {
    sandbox::SandboxRequest request;
    request.method = method;
    request.path = path;
    request.headers["authorization"] = "Bearer " + token;
    request.body = body;
    return h.sandbox().Handle(request).status;
  };
  EXPECT_EQ(send("POST", "/x/2/tweets", R"({"text": 5})"), 400);
  EXPECT_EQ(send("POST", "/x/2/tweets", R"({"text": "hi", "reply": {"in_reply_to_tweet_id": 5}})"),
            403);
  EXPECT_EQ(send("POST", "/x/2/users/1/likes", R"({"tweet_id": [1]})"), 403) << "not this user";
  EXPECT_EQ(send("POST", "/_sandbox/faults", R"({"clear": "yes"})"), 400);
  for (const char* bad : {R"({"duplicate_rate": 2})", R"({"error_rate": -0.1})",
                          R"({"latency_ms": 1e12})", R"({"latency_ms": -100})",
                          R"({"drop_next": 1e30})", R"({"answer_latency_ms": 1e20})",
                          R"({"drop_rate": "half"})", R"({"network": "myspace"})",
                          R"({"drop_next": 0.5})"}) {
    EXPECT_EQ(send("POST", "/_sandbox/faults", bad), 400) << bad;
  }
  EXPECT_EQ(send("POST", "/_sandbox/faults", R"({"network": "x", "duplicate_rate": 1})"), 200);
  EXPECT_EQ(send("POST", "/_sandbox/faults", R"({"clear": true})"), 200);
  EXPECT_EQ(send("POST", "/youtube/youtube/v3/comments", R"({"snippet": 3})",
                 "sbx_youtube_acme_youtube"),
            400);
  EXPECT_EQ(send("POST", "/youtube/youtube/v3/comments",
                 R"({"snippet": {"parentId": 1, "textOriginal": ["x"]}})", "sbx_youtube_acme_youtube"),
            400);
  // GET `path` with `params` (name, value, name, value…) as `network`'s default account.
  auto get = [&h](const std::string& network, const std::string& path,
                  std::vector<std::string> params) {
    sandbox::SandboxRequest request;
    request.method = "GET";
    request.path = path;
    request.headers["authorization"] = "Bearer sbx_" + network + "_acme_" + network;
    for (size_t i = 0; i + 1 < params.size(); i += 2) request.params.emplace(params[i], params[i + 1]);
    return h.sandbox().Handle(request).status;
  };
  const std::vector<std::vector<std::string>> bad_searches = {
      {"maxResults", "abc"}, {"maxResults", "51"}, {"publishedAfter", "yesterday"},
      {"publishedBefore", "2026-13-45T00:00:00Z"}, {"pageToken", "zzz"}, {"pageToken", "t-1"},
      {"order", "viewCount"}, {"type", "channel"}, {"part", "statistics"}};
  for (const std::vector<std::string>& bad : bad_searches) {
    std::vector<std::string> params = {"q", "launch"};
    if (bad[0] != "part") params.insert(params.end(), {"part", "snippet"});
    params.insert(params.end(), bad.begin(), bad.end());
    EXPECT_EQ(get("youtube", "/youtube/youtube/v3/search", params), 400) << bad[0] << "=" << bad[1];
  }
  EXPECT_EQ(get("youtube", "/youtube/youtube/v3/search", {"part", "snippet", "q", "launch"}), 200);
  EXPECT_EQ(get("facebook", "/facebook/v21.0/1001/tagged", {"limit", "0"}), 400);
  EXPECT_EQ(get("instagram", "/instagram/v21.0/1/tags", {"after", "x"}), 400);
  EXPECT_EQ(get("instagram", "/instagram/v21.0/1/tags", {}), 200);
  absl::StatusOr<Json> out = h.Run("x", "moderate", {{"comment_id", "12/../34"}, {"action", "hide"}});
  EXPECT_NE(out.status().message().find("must be a tweet id"), std::string::npos);
}

TEST(XCommunityTest, ModerationHasItsOwnFifteenMinuteWindow) {
  sandbox::SandboxOptions options;
  options.x_moderation_per_window = 2;
  Harness h(options);
  Audience(h, 1);
  h.clock().Advance(absl::Hours(24));
  std::vector<std::string> replies;
  for (const Json& c : Comments(h)) {
    if (!c["post_id"].get<std::string>().empty()) replies.push_back(c["id"]);
  }
  ASSERT_GE(replies.size(), 3u);
  ASSERT_TRUE(h.Run("x", "moderate", {{"comment_id", replies[0]}, {"action", "hide"}}).ok());
  ASSERT_TRUE(h.Run("x", "moderate", {{"comment_id", replies[1]}, {"action", "hide"}}).ok());
  absl::StatusOr<Json> out = h.Run("x", "moderate", {{"comment_id", replies[2]}, {"action", "hide"}});
  const v1::TaskFailure failure = ToTaskFailure(out.status());
  EXPECT_EQ(failure.type(), v1::ERROR_TYPE_THROTTLED);
  EXPECT_EQ(failure.retry_after().seconds(), 900);
}

}  // namespace
}  // namespace fanfare::workers::testing
