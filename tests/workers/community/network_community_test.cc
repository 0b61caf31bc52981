// facebook, instagram, linkedin and tiktok `comments` and `moderate` against the sandbox and
// its audience: every comment on the account's recent posts read once across runs (replies
// too, where the network lists them; and on Facebook and Instagram the posts that tag the
// account), each network's moderation rules, and a lost reply settled by reconcile — never
// sent twice.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

// How one network's community actions differ.
struct NetworkCase {
  std::string network;
  std::string reply_path;  // the drop_path that loses a reply's answer
  bool reads_replies;      // `comments` returns replies, not only top-level comments
  bool hides;
  bool likes;
  bool pins = false;
  bool mentions = false;  // `comments` reads posts that tag the account (/tagged, /tags)
};

void PrintTo(const NetworkCase& c, std::ostream* os) { *os << c.network; }

class NetworkCommunityTest : public ::testing::TestWithParam<NetworkCase> {
 protected:
  const std::string& network() const { return GetParam().network; }
  std::string account() const { return "acme_" + network(); }

  // The sandbox's id of a comment as `comments` names it: LinkedIn names comments by URN,
  // "urn:li:comment:(<post>,<id>)".
  std::string SandboxId(const std::string& id) const {
    if (network() != "linkedin") return id;
    const size_t comma = id.rfind(',');
    return comma == std::string::npos ? id : id.substr(comma + 1, id.size() - comma - 2);
  }

  // The id `moderate` takes for a sandbox comment.
  std::string ActionId(const Json& truth) const {
    if (network() != "linkedin") return truth["id"];
    return "urn:li:comment:(" + truth["post_id"].get<std::string>() + "," +
           truth["id"].get<std::string>() + ")";
  }

  std::vector<Json> Comments(bool by_account = false) {
    std::vector<Json> out;
    const Json listed = h_.Control("GET", "/_sandbox/comments?network=" + network());
    for (const Json& c : listed["comments"]) {
      if (c["by_account"].get<bool>() == by_account && !c["deleted"].get<bool>()) {
        out.push_back(c);
      }
    }
    return out;
  }

  Json Find(const std::string& id) {
    const Json listed = h_.Control("GET", "/_sandbox/comments?network=" + network());
    for (const Json& c : listed["comments"]) {
      if (c["id"] == SandboxId(id)) return c;
    }
    return nullptr;
  }

  // Two posts, then an audience commenting on them for `days`.
  void Audience(int days, int per_day = 12) {
    for (const char* text : {"The launch", "The follow-up"}) {
      absl::StatusOr<Json> published = h_.PublishPromotable(network(), text);
      ASSERT_TRUE(published.ok()) << published.status();
      h_.clock().Advance(absl::Minutes(1));
    }
    ASSERT_GT(h_.Control("POST", "/_sandbox/audience",
                         {{"network", network()}, {"account", account()}, {"days", days},
                          {"per_day", per_day}})["added"],
              0);
  }

  // Drains `comments` until complete (at most 50 runs), appending the ids read.
  void Drain(std::string& cursor, std::vector<std::string>& ids, int max) {
    for (int n = 0; n < 50; ++n) {
      absl::StatusOr<Json> out = h_.Run(network(), "comments", {{"cursor", cursor}, {"max", max}});
      ASSERT_TRUE(out.ok()) << out.status();
      for (const Json& c : (*out)["comments"]) ids.push_back(SandboxId(c["id"]));
      cursor = (*out)["cursor"];
      if ((*out)["complete"].get<bool>()) return;
    }
    FAIL() << "never complete";
  }

  absl::StatusOr<Json> Moderate(const std::string& id, const std::string& action,
                                const std::string& text = "") {
    // TikTok's calls name the video too; the other networks take no post_id.
    Json input = {{"comment_id", id}, {"action", action}};
    if (network() == "tiktok") input["post_id"] = Find(id)["post_id"];
    if (!text.empty()) input["text"] = text;
    return h_.Run(network(), "moderate", input);
  }

  // Hides `id`, which the owner still reads (hidden), then shows it again; on Instagram a
  // hidden comment takes no reply.
  void ExpectHideAndUnhide(const std::string& id) {
    ASSERT_TRUE(Moderate(id, "hide").ok());
    EXPECT_EQ(Find(id)["hidden"], true);
    absl::StatusOr<Json> listed = h_.Run(network(), "comments", {{"max", 500}});
    ASSERT_TRUE(listed.ok()) << listed.status();
    int seen = 0;
    for (const Json& c : (*listed)["comments"]) {
      if (c["id"] != id) continue;
      ++seen;
      EXPECT_EQ(c["hidden"], true) << "the owner still sees it, hidden";
    }
    EXPECT_EQ(seen, 1);
    if (network() == "instagram") {
      absl::StatusOr<Json> reply = Moderate(id, "reply", "Hello?");
      EXPECT_EQ(TypeOf(reply.status()), v1::ERROR_TYPE_REJECTED_INPUT) << reply.status();
      EXPECT_NE(reply.status().message().find("Cannot reply to a hidden comment"),
                std::string::npos) << reply.status();
      EXPECT_TRUE(Comments(/*by_account=*/true).empty());
    }
    ASSERT_TRUE(Moderate(id, "unhide").ok());
    EXPECT_EQ(Find(id)["hidden"], false);
  }

  Harness h_;
};

TEST_P(NetworkCommunityTest, EveryCommentIsReadOnceAcrossRuns) {
  Audience(4, 15);
  // Half the listings hand one comment out twice, as shifting listings do.
  h_.Control("POST", "/_sandbox/faults", {{"network", network()}, {"duplicate_rate", 0.5}});
  h_.clock().Advance(absl::Hours(30));
  std::string cursor;
  std::vector<std::string> ids;
  Drain(cursor, ids, 6);
  // A reply by the account under an early comment (not a mention), then more days of comments.
  auto early = std::find_if(ids.begin(), ids.end(),
                            [&](const std::string& id) { return !Find(id)["mention"].get<bool>(); });
  ASSERT_NE(early, ids.end());
  ASSERT_TRUE(Moderate(ActionId(Find(*early)), "reply", "Thanks for writing!").ok());
  for (int round = 0; round < 2; ++round) {
    h_.clock().Advance(absl::Hours(20));
    Drain(cursor, ids, 6);
  }
  h_.clock().Advance(absl::Hours(40));
  Drain(cursor, ids, 500);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "a repeat";
  std::set<std::string> expected;
  for (bool by_account : {false, true}) {
    for (const Json& c : Comments(by_account)) {
      // An @mention in an Instagram caption reaches an app by webhook only.
      if (c["in_caption"].get<bool>()) continue;
      if (GetParam().reads_replies || c["parent_id"] == "") expected.insert(c["id"]);
    }
  }
  EXPECT_EQ(expected.count(Comments(/*by_account=*/true)[0]["id"]), GetParam().reads_replies);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), expected);
  EXPECT_GT(expected.size(), 4u * 15u / 2) << "the audience commented";
  const auto mentions = std::count_if(ids.begin(), ids.end(), [&](const std::string& id) {
    return Find(id)["mention"].get<bool>();
  });
  EXPECT_EQ(mentions > 0, GetParam().mentions) << mentions << " mentions read";
  const std::string faults = network() + "/*";
  const Json stats = h_.Control("GET", "/_sandbox/stats");
  EXPECT_GT(stats["accounts"][faults]["duplicates_delivered"], 0);
  EXPECT_EQ(stats["totals"]["duplicates_delivered"], stats["accounts"][faults]["duplicates_delivered"]);
}

// Facebook's /tagged and Instagram's /tags: posts of others that tag the account, read in
// the same listing, once, as comments under no post — and not the account's to moderate.
TEST_P(NetworkCommunityTest, MentionsAreReadOnceAndAreNotTheAccountsToModerate) {
  if (!GetParam().mentions) GTEST_SKIP() << network() << " lists no mentions";
  Audience(14, 4);
  std::string cursor;
  std::vector<std::string> ids;
  for (int day = 0; day < 15; ++day) {
    h_.clock().Advance(absl::Hours(24));
    Drain(cursor, ids, 500);
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "a repeat";
  std::vector<Json> mentions;
  int in_captions = 0;
  for (const Json& c : Comments()) {
    if (!c["mention"].get<bool>()) continue;
    if (!c["in_caption"].get<bool>()) {
      mentions.push_back(c);
      continue;
    }
    ++in_captions;
    EXPECT_EQ(std::count(ids.begin(), ids.end(), c["id"].get<std::string>()), 0)
        << "no listing shows an @mention in a caption: " << c.dump();
  }
  ASSERT_EQ(mentions.size(), 2u * 3u) << "each regular tags the account once a week";
  EXPECT_EQ(in_captions, network() == "instagram" ? 5 : 0)
      << "on Instagram each also @mentions it in a caption once a week (days 3, 5, 7, 10, 12)";
  for (const Json& m : mentions) {
    EXPECT_EQ(std::count(ids.begin(), ids.end(), m["id"].get<std::string>()), 1) << m["id"];
  }
  absl::StatusOr<Json> read = h_.Run(network(), "comments", {{"max", 500}});
  ASSERT_TRUE(read.ok()) << read.status();
  bool seen = false;
  for (const Json& c : (*read)["comments"]) {
    if (c["id"] != mentions[0]["id"]) continue;
    seen = true;
    EXPECT_EQ(c["post_id"], "");
    EXPECT_EQ(c["parent_id"], "");
    EXPECT_EQ(c["text"], mentions[0]["text"]);
    // Facebook names no person who tags a Page; Instagram names them by username only.
    EXPECT_EQ(c["author"]["handle"],
              network() == "facebook" ? Json("") : mentions[0]["author_handle"]);
    EXPECT_EQ(c["author"]["id"], "");
    EXPECT_NE(c["url"].get<std::string>().find(mentions[0]["id"].get<std::string>()),
              std::string::npos);
  }
  EXPECT_TRUE(seen) << "a read from the start lists the mentions of the last 30 days";
  for (const char* action : {"hide", "delete"}) {
    absl::StatusOr<Json> refused = Moderate(mentions[0]["id"], action);
    EXPECT_EQ(TypeOf(refused.status()), v1::ERROR_TYPE_REJECTED_INPUT) << refused.status();
    EXPECT_NE(refused.status().message().find("not on the account's own posts"),
              std::string::npos) << refused.status();
  }
  absl::StatusOr<Json> reply = Moderate(mentions[0]["id"], "reply", "Thank you!");
  EXPECT_EQ(TypeOf(reply.status()), v1::ERROR_TYPE_REJECTED_INPUT) << reply.status();
  EXPECT_TRUE(Comments(/*by_account=*/true).empty()) << "no reply was made";
  EXPECT_FALSE(Find(mentions[0]["id"])["deleted"].get<bool>());
}

TEST_P(NetworkCommunityTest, CommentsAreNormalised) {
  Audience(1);
  h_.clock().Advance(absl::Hours(24));
  absl::StatusOr<Json> out = h_.Run(network(), "comments", {});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)["count"].get<size_t>(), Comments().size());
  const Json& c = (*out)["comments"][0];
  const Json truth = Find(c["id"]);
  EXPECT_EQ(c["post_id"], truth["post_id"]);
  if (network() == "linkedin") {
    // LinkedIn names members by URN, and gives no names: the handle is the member id.
    EXPECT_EQ(c["author"]["id"], "urn:li:person:" + truth["author_id"].get<std::string>());
    EXPECT_EQ(c["author"]["handle"], truth["author_id"]);
  } else {
    EXPECT_EQ(c["author"]["id"], truth["author_id"]);
    EXPECT_EQ(c["author"]["handle"], truth["author_handle"]);
  }
  EXPECT_EQ(c["text"], truth["text"]);
  EXPECT_EQ(c["hidden"], false);
  const std::string url = c["url"];
  if (network() == "tiktok") {
    // TikTok has no address for a comment: the video's.
    std::string video_url = "(no such video)";
    for (const Json& p : h_.Posts("tiktok")) {
      if (p["id"] == truth["post_id"]) video_url = p["url"];
    }
    EXPECT_EQ(url, video_url);
    return;
  }
  const std::string site = network() == "facebook"    ? "facebook.com"
                           : network() == "instagram" ? "instagram.com/p/"
                                                      : "linkedin.com/feed/update/";
  EXPECT_NE(url.find(site), std::string::npos) << url;
  EXPECT_NE(url.find(truth["id"].get<std::string>()), std::string::npos) << url;
}

TEST_P(NetworkCommunityTest, HideUnhideDeleteAndTheNetworksRules) {
  Audience(1);
  h_.clock().Advance(absl::Hours(24));
  const std::vector<Json> comments = Comments();
  ASSERT_GE(comments.size(), 2u);
  const std::string a = ActionId(comments[0]), b = ActionId(comments[1]);
  if (GetParam().hides) {
    ExpectHideAndUnhide(a);
  } else {
    absl::StatusOr<Json> refused = Moderate(a, "hide");
    EXPECT_EQ(TypeOf(refused.status()), v1::ERROR_TYPE_REJECTED_INPUT);
    EXPECT_NE(refused.status().message().find("no API to hide a comment"), std::string::npos)
        << refused.status();
    EXPECT_EQ(Find(a)["hidden"], false);
  }

  absl::StatusOr<Json> liked = Moderate(b, "like");
  if (GetParam().likes) {
    ASSERT_TRUE(liked.ok()) << liked.status();
    EXPECT_EQ(Find(b)["liked"], true);
    liked = Moderate(b, "like");
    EXPECT_TRUE(liked.ok()) << "liking again is done: " << liked.status();
  } else {
    EXPECT_EQ(TypeOf(liked.status()), v1::ERROR_TYPE_REJECTED_INPUT);
    EXPECT_NE(liked.status().message().find("cannot like comments"), std::string::npos);
  }
  if (GetParam().pins) {
    ASSERT_TRUE(Moderate(b, "pin").ok());
    EXPECT_EQ(Find(b)["pinned"], true);
  }
  for (const char* action : {"pin", "reject", "reshare"}) {
    if (GetParam().pins && std::string(action) == "pin") continue;
    absl::StatusOr<Json> refused = Moderate(b, action);
    EXPECT_EQ(TypeOf(refused.status()), v1::ERROR_TYPE_REJECTED_INPUT) << action;
    EXPECT_EQ(ToTaskFailure(refused.status()).code(), "unsupported_moderation") << action;
  }
  // Deleting a comment on the account's post; a second time (the first answer lost) is done.
  for (int n = 0; n < 2; ++n) {
    absl::StatusOr<Json> deleted = Moderate(b, "delete");
    EXPECT_TRUE(deleted.ok()) << deleted.status();
  }
  EXPECT_EQ(Find(b)["deleted"], true);

  absl::StatusOr<Json> bad = Moderate("../act_1/ads", "hide");
  EXPECT_EQ(TypeOf(bad.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  EXPECT_NE(bad.status().message().find("'comment_id'"), std::string::npos) << bad.status();
}

TEST_P(NetworkCommunityTest, ALostReplyIsFoundByReconcileAndNeverSentTwice) {
  Audience(1);
  h_.clock().Advance(absl::Hours(24));
  const Json truth = Comments()[0];
  const std::string parent = truth["id"];
  Json input = {{"comment_id", ActionId(truth)}, {"action", "reply"},
                {"text", "Thank you,   we are glad you like it!"}, {"post_id", truth["post_id"]}};
  if (network() != "tiktok") input.erase("post_id");
  const std::string edge = GetParam().reply_path;
  h_.Control("POST", "/_sandbox/faults", {{"network", network()}, {"drop_next", 1},
                                          {"drop_path", edge}, {"drop_method", "POST"}});
  absl::StatusOr<Json> out = h_.Run(network(), "moderate", input, "", false, "default/r/reply");
  EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << out.status();
  out = h_.Run(network(), "moderate", input, "", /*reconcile=*/true, "default/r/reply");
  ASSERT_TRUE(out.ok()) << out.status();
  std::vector<Json> replies = Comments(/*by_account=*/true);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(SandboxId((*out)["reply_id"]), replies[0]["id"]);
  EXPECT_EQ(replies[0]["parent_id"], parent);

  // Another text under the same comment is another reply: reconcile does not claim it.
  input["text"] = "Something else";
  out = h_.Run(network(), "moderate", input, "", true, "default/r/other");
  EXPECT_EQ(ToTaskFailure(out.status()).code(), "not_found") << out.status();

  if (network() == "facebook") {
    // A reply to a reply joins the thread; its reconcile looks there.
    const std::string reply_id = replies[0]["id"];
    const Json nested = {{"comment_id", reply_id}, {"action", "reply"}, {"text", "And more."}};
    h_.Control("POST", "/_sandbox/faults", {{"network", network()}, {"drop_next", 1},
                                            {"drop_path", edge}, {"drop_method", "POST"}});
    out = h_.Run(network(), "moderate", nested, "", false, "default/r/nested");
    EXPECT_EQ(TypeOf(out.status()), v1::ERROR_TYPE_OUTCOME_UNKNOWN) << out.status();
    out = h_.Run(network(), "moderate", nested, "", true, "default/r/nested");
    ASSERT_TRUE(out.ok()) << out.status();
    replies = Comments(/*by_account=*/true);
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_EQ(replies[1]["parent_id"], parent);
  }
}

// instagram.search: hashtag listening over the last 24 hours, read once through the cursor,
// and Instagram's 30 distinct hashtags a week.
TEST(InstagramSearchTest, HashtagPostsAreReadOnceAndThirtyHashtagsAWeekHold) {
  Harness h;
  for (const char* text : {"Lift-off day", "Still flying"}) {
    absl::StatusOr<Json> published = h.Run(
        "instagram", "publish",
        {{"text", text}, {"hashtags", Json::array({"RocketLaunch"})},
         {"media", Json::array({{{"url", "https://cdn.acme.example/a.jpg"}, {"type", "image"}}})}});
    ASSERT_TRUE(published.ok()) << published.status();
    h.clock().Advance(absl::Minutes(10));
  }
  absl::StatusOr<Json> found = h.Run("instagram", "search", {{"query", "#rocketlaunch"}});
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ((*found)["count"], 2);
  EXPECT_EQ((*found)["comments"][0]["text"], "Lift-off day #RocketLaunch") << "oldest first";
  EXPECT_NE((*found)["comments"][0]["url"].get<std::string>().find("instagram.com/p/"),
            std::string::npos);
  absl::StatusOr<Json> again =
      h.Run("instagram", "search", {{"query", "rocketlaunch"}, {"cursor", (*found)["cursor"]}});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)["count"], 0) << "nothing new since the cursor";

  for (int i = 1; i < 30; ++i) {
    ASSERT_TRUE(h.Run("instagram", "search", {{"query", absl::StrCat("tag", i)}}).ok()) << i;
  }
  absl::StatusOr<Json> refused = h.Run("instagram", "search", {{"query", "onetoomany"}});
  EXPECT_EQ(TypeOf(refused.status()), v1::ERROR_TYPE_REJECTED_INPUT) << refused.status();
  EXPECT_NE(refused.status().message().find("30 unique hashtags"), std::string::npos);
  EXPECT_TRUE(h.Run("instagram", "search", {{"query", "tag7"}}).ok()) << "a known one is free";
  h.clock().Advance(absl::Hours(24 * 7 + 1));
  EXPECT_TRUE(h.Run("instagram", "search", {{"query", "onetoomany"}}).ok()) << "a week later";
  absl::StatusOr<Json> bad = h.Run("instagram", "search", {{"query", "two words"}});
  EXPECT_NE(bad.status().message().find("'query'"), std::string::npos) << bad.status();
}

INSTANTIATE_TEST_SUITE_P(
    Networks, NetworkCommunityTest,
    ::testing::Values(NetworkCase{"facebook", "/comments$", true, true, true, false, true},
                      NetworkCase{"instagram", "/replies$", true, true, false, false, true},
                      NetworkCase{"linkedin", "/comments$", false, false, true},
                      NetworkCase{"tiktok", "/reply/create$", true, true, true, true}),
    [](const auto& info) { return info.param.network; });

}  // namespace
}  // namespace fanfare::workers::testing
