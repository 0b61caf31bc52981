// Webhooks end to end, offline: the sandbox pushes what its audience writes on Facebook,
// Instagram and X — signed, half of it delivered twice — to a worker's receiver over HTTP,
// which hands it to a real coordinator (gRPC, RocksDB); daily campaign runs read their
// accounts' comments, 5 at most a read. Across two weeks and a coordinator restart every
// comment is read exactly once, whether it was pushed, polled or both; the Instagram
// @mentions in captions, which no listing shows, arrive by webhook only; and a forged delivery
// changes nothing.
#include <httplib.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/sha256.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sandbox/sandbox.h"
#include "sandbox/x_api.h"
#include "tests/support/coordinator_env.h"
#include "workers/runtime/network_worker.h"

namespace fanfare {
namespace {

using Json = nlohmann::json;

constexpr char kVerifyToken[] = "rehearsal-verify-token";
constexpr char kWatch[] = R"yaml(
name: inbox-watch
accounts: {facebook: acme_fb, instagram: acme_ig, x: acme_x}
steps:
  - {id: fb, action: facebook.comments, with: {max: 5}}
  - {id: ig, action: instagram.comments, with: {max: 5}}
  - {id: x, action: x.comments, with: {max: 5}}
)yaml";

workers::AccountCredentials Account(std::string alias, std::string network,
                                    std::map<std::string, std::string> fields) {
  fields["access_token"] = absl::StrCat("sbx_", network, "_", alias);
  return {.alias = std::move(alias), .network = std::move(network), .fields = std::move(fields)};
}

class Http {
 public:
  explicit Http(const std::string& base) : client_(base) {}
  Json Post(const std::string& path, const httplib::Params& params = {}) {
    httplib::Result r = client_.Post(path, params);
    EXPECT_TRUE(r && r->status / 100 == 2) << path << ": " << (r ? r->body : "no answer");
    return r && !r->body.empty() ? Json::parse(r->body, nullptr, false) : Json();
  }
  Json PostJson(const std::string& path, const Json& body) {
    httplib::Result r = client_.Post(path, body.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 200) << path;
    return r ? Json::parse(r->body, nullptr, false) : Json();
  }
  Json Get(const std::string& path) {
    httplib::Result r = client_.Get(path);
    EXPECT_TRUE(r && r->status == 200) << path;
    return r ? Json::parse(r->body, nullptr, false) : Json();
  }
  httplib::Client& client() { return client_; }

 private:
  httplib::Client client_;
};

TEST(CommunityWebhooksTest, PushedAndPolledCommentsAreReadOnceAcrossAWeekAndARestart) {
  ManualClock clock(absl::Now());
  sandbox::Sandbox sandbox({.clock = &clock, .manual_clock = &clock});
  ASSERT_TRUE(sandbox.Start("127.0.0.1", 0).ok());
  Http net(sandbox.BaseUrl());
  // One clock for all: the coordinator's Graph quota (56 calls a read, 200 an hour) refills
  // as the days pass.
  testing::CoordinatorEnv env({.clock = &clock});
  env.Apply(kWatch);

  workers::NetworkWorkerOptions options;
  options.worker.address = env.address();
  options.worker.clock = &clock;
  options.networks = {"facebook", "instagram", "x"};
  options.accounts = {Account("acme_fb", "facebook", {{"page_id", "1001"}}),
                      Account("acme_ig", "instagram", {{"ig_user_id", "17841400000000001"}}),
                      Account("acme_x", "x", {{"user_id", sandbox::x::UserId("acme_x")}})};
  for (const char* network : {"facebook", "instagram", "x"}) {
    options.api_bases.push_back(absl::StrCat(network, "=", sandbox.NetworkBase(network)));
  }
  options.webhooks.listen = "127.0.0.1:0";
  options.webhooks.meta_app_secret = sandbox.state().options().meta_app_secret;
  options.webhooks.meta_verify_token = kVerifyToken;
  options.webhooks.x_consumer_secret = sandbox.state().options().x_consumer_secret;
  absl::StatusOr<std::unique_ptr<workers::NetworkWorker>> worker =
      workers::NetworkWorker::Create(options);
  ASSERT_TRUE(worker.ok()) << worker.status();
  ASSERT_TRUE((*worker)->Start().ok());
  const std::string receiver = absl::StrCat("http://", (*worker)->webhooks()->address());

  // Subscribe as an app does: the callbacks are verified first (Meta's challenge, X's CRC).
  const std::string app_token = absl::StrCat("4242|", sandbox.state().options().meta_app_secret);
  net.Post("/facebook/v19.0/4242/subscriptions",
           {{"object", "page"}, {"fields", "feed"}, {"verify_token", kVerifyToken},
            {"callback_url", receiver + "/webhooks/meta"}, {"access_token", app_token}});
  net.Post("/facebook/v19.0/4242/subscriptions",
           {{"object", "instagram"}, {"fields", "comments,mentions"},
            {"verify_token", kVerifyToken}, {"callback_url", receiver + "/webhooks/meta"},
            {"access_token", app_token}});
  httplib::Result wrong_token = net.client().Post(
      "/facebook/v19.0/4242/subscriptions",
      httplib::Params{{"object", "page"}, {"fields", "feed"}, {"verify_token", "guess"},
                      {"callback_url", receiver + "/webhooks/meta"}, {"access_token", app_token}});
  ASSERT_TRUE(wrong_token);
  EXPECT_EQ(wrong_token->status, 400) << "the receiver refused the verification";
  net.Post("/facebook/v19.0/1001/subscribed_apps",
           {{"subscribed_fields", "feed"}, {"access_token", "sbx_facebook_acme_fb"}});
  net.Post("/instagram/v19.0/17841400000000001/subscribed_apps",
           {{"subscribed_fields", "comments,mentions"},
            {"access_token", "sbx_instagram_acme_ig"}});
  net.Post("/x/1.1/account_activity/all/dev/webhooks.json?url=" + receiver + "/webhooks/x");
  httplib::Result subscribed = net.client().Post(
      "/x/1.1/account_activity/all/dev/subscriptions.json",
      httplib::Headers{{"Authorization", "Bearer sbx_x_acme_x"}}, "", "application/json");
  ASSERT_TRUE(subscribed && subscribed->status == 204);

  // A Page post to comment on (Instagram's audience only mentions the account here; X's
  // mentions it), a week of audience, and half of every delivery and listing sent twice.
  net.Post("/facebook/v19.0/1001/feed",
           {{"message", "Meet the rocket"}, {"access_token", "sbx_facebook_acme_fb"}});
  clock.Advance(absl::Minutes(1));
  for (const char* network : {"facebook", "instagram", "x"}) {
    const std::string account = absl::StrCat("acme_", network == std::string("facebook") ? "fb"
                                                      : network == std::string("instagram") ? "ig"
                                                                                             : "x");
    EXPECT_GT(net.PostJson("/_sandbox/audience",
                           {{"network", network}, {"account", account}, {"days", 14}})["added"],
              0);
    net.PostJson("/_sandbox/faults", {{"network", network}, {"duplicate_rate", 0.5}});
  }

  // A forged delivery: a comment nobody wrote, signed with the wrong secret.
  const std::string forged =
      Json{{"object", "instagram"},
           {"entry", {{{"id", "17841400000000001"}, {"time", 1},
                       {"changes", {{{"field", "comments"},
                                     {"value", {{"id", "forged-1"}, {"text", "free money"}}}}}}}}}}
          .dump();
  httplib::Client to_receiver(receiver);
  httplib::Result refused = to_receiver.Post(
      "/webhooks/meta", {{"X-Hub-Signature-256", "sha256=" + HmacSha256Hex("guess", forged)}},
      forged, "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);

  std::map<std::string, int> read;  // "network/id" → times handed out
  std::map<std::string, int> delivered;
  // One run of the campaign; whether every read in it was complete (no backlog left).
  auto run_once = [&](const std::string& run_id) {
    v1::StartRunRequest request = StartRunRequest("inbox-watch");
    request.set_run_id(run_id);
    absl::StatusOr<v1::Run> run = env.RunToEnd(request, absl::Seconds(60));
    EXPECT_TRUE(run.ok()) << run.status();
    if (!run.ok()) return true;
    EXPECT_EQ(run->status(), v1::RUN_STATUS_SUCCEEDED) << run->DebugString();
    bool complete = true;
    for (const char* step : {"fb", "ig", "x"}) {
      const google::protobuf::Struct& out = testing::StepOf(*run, step).output().struct_value();
      const std::string network = step == std::string("fb")   ? "facebook"
                                  : step == std::string("ig") ? "instagram"
                                                              : "x";
      if (!out.fields().contains("comments")) return true;  // failed above
      EXPECT_LE(out.fields().at("count").number_value(), 5) << "a read keeps to its max";
      for (const auto& c : out.fields().at("comments").list_value().values()) {
        ++read[network + "/" + c.struct_value().fields().at("id").string_value()];
      }
      if (auto d = out.fields().find("delivered"); d != out.fields().end()) {
        delivered[network] += static_cast<int>(d->second.number_value());
      }
      complete = complete && out.fields().at("complete").bool_value();
    }
    return complete;
  };
  for (int day = 1; day <= 15; ++day) {
    clock.Advance(absl::Hours(24));
    const Json pushed = net.PostJson("/_sandbox/webhooks/push", Json::object());
    EXPECT_EQ(pushed["failed"], 0) << "day " << day;
    if (day == 7) env.Restart();
    run_once(absl::StrCat("day-", day));
  }
  // Polling drains its backlog (Facebook's photo tags are never pushed), an hour a run so
  // that the coordinator's Graph quota allows it.
  for (int hour = 1; hour <= 100; ++hour) {
    clock.Advance(absl::Hours(1));
    if (run_once(absl::StrCat("drain-", hour))) break;
  }

  // What the audience wrote by now: every comment once, pushed or polled.
  int caption_mentions = 0;
  for (const char* network : {"facebook", "instagram", "x"}) {
    const Json comments = net.Get(absl::StrCat("/_sandbox/comments?network=", network));
    int expected = 0;
    for (const Json& c : comments["comments"]) {
      if (c["by_account"].get<bool>() || c["deleted"].get<bool>()) continue;
      ++expected;
      const std::string key = absl::StrCat(network, "/", c["id"].get<std::string>());
      auto found = read.find(key);
      EXPECT_EQ(found == read.end() ? 0 : found->second, 1) << key << " " << c.dump();
      EXPECT_TRUE(c["pushed"].get<bool>() || c["mention"].get<bool>()) << key;
      if (c["in_caption"].get<bool>()) ++caption_mentions;
    }
    EXPECT_GT(expected, 5) << network;
    if (network == std::string("instagram")) {
      EXPECT_GT(delivered[network], 0) << "the caption mentions came from the inbox";
    }
  }
  EXPECT_GE(caption_mentions, 3) << "Instagram's caption mentions, heard by webhook only";
  EXPECT_EQ(read.count("instagram/forged-1"), 0u);
  int total = 0;
  for (const auto& [key, times] : read) total += times;
  EXPECT_EQ(static_cast<size_t>(total), read.size()) << "nothing read twice";

  const Json stats = net.Get("/_sandbox/stats")["accounts"];
  EXPECT_GT(stats["instagram/*"]["webhook_duplicates"].get<int>() +
                stats["facebook/*"]["webhook_duplicates"].get<int>() +
                stats["x/*"]["webhook_duplicates"].get<int>(),
            0)
      << "deliveries were sent twice";
  const workers::webhooks::WebhookCounts counts = (*worker)->webhooks()->counts();
  EXPECT_EQ(counts.refused, 1) << "the forgery only";
  EXPECT_GT(counts.deliveries, 3);
  (*worker)->Stop();
}

}  // namespace
}  // namespace fanfare
