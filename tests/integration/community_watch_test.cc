// examples/community-watch.yaml as written, rehearsed by a real `fanfared --dev --rehearse
// --dev_audience x/acme_x` (a process): fourteen days of the sandbox's audience, with 20% of
// X's requests failing, 20% of its writes answered never (accepted, then the answer lost)
// and half of its listings of comments handing one out twice.
// Afterwards the sandbox holds: every spam and abuse comment under the posts hidden, every
// question answered exactly once, each ambassador thanked once and nothing else answered,
// the praise of people with an audience liked, and X's limits never exceeded; and the
// ambassadors are the audience model's regulars, less the one who complained on the last day.
// And youtube.search through the same coordinator reads each video once across runs.
#include <httplib.h>

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/community_authors.h"
#include "engine/definition/loader.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sdk/client/client.h"
#include "tests/support/coordinator_env.h"
#include "tests/support/dev_fanfared.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

namespace fanfare {
namespace {

using Json = nlohmann::json;

// The sandbox's control API.
class SandboxControl {
 public:
  explicit SandboxControl(const std::string& url) {
    const std::vector<std::string> parts = absl::StrSplit(url.substr(7), ':');  // http://
    int port = 0;
    EXPECT_TRUE(parts.size() == 2 && absl::SimpleAtoi(parts[1], &port)) << url;
    client_ = std::make_unique<httplib::Client>(parts[0], port);
  }

  Json Get(const std::string& path) {
    httplib::Result r = client_->Get(path);
    EXPECT_TRUE(r && r->status == 200) << path;
    return r ? Json::parse(r->body, nullptr, false) : Json();
  }
  void Post(const std::string& path, const Json& body) {
    httplib::Result r = client_->Post(path, body.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 200) << path;
  }

 private:
  std::unique_ptr<httplib::Client> client_;
};

// Runs until the run ends, approving every approval step that waits (the answer template,
// each recognition of new ambassadors); the run.
v1::Run RunApproving(Client& client, const std::string& run_id) {
  v1::Run run;
  const absl::Time deadline = absl::Now() + absl::Seconds(150);
  while (absl::Now() < deadline) {
    absl::StatusOr<v1::Run> got = client.GetRun(run_id);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) break;
    run = *got;
    if (run.status() == v1::RUN_STATUS_SUCCEEDED || run.status() == v1::RUN_STATUS_FAILED ||
        run.status() == v1::RUN_STATUS_CANCELED) {
      break;
    }
    for (const v1::StepInstance& step : run.steps()) {
      if (step.action() == "approval" && step.state() == v1::STEP_STATE_WAITING) {
        EXPECT_TRUE(client.ApproveStep(run_id, step.key(), "reads well").ok());
      }
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return run;
}

TEST(CommunityWatchTest, FourteenRehearsedDaysUnderFaultsHideAnswerOnceAndStayInLimits) {
  testing::TempDir dir;
  testing::DevFanfared fanfared = testing::StartDevFanfared(
      {"--rehearse", "--data-dir=" + dir.path() + "/data", "--dev_audience=x/acme_x"});
  ASSERT_NE(fanfared.client, nullptr);
  ASSERT_FALSE(fanfared.sandbox_url.empty()) << "fanfared --dev says where its sandbox is";
  SandboxControl sandbox(fanfared.sandbox_url);
  ASSERT_GT(sandbox.Get("/_sandbox/comments?network=x&future=true")["comments"].size(), 100u);
  sandbox.Post("/_sandbox/faults", {{"network", "x"}, {"error_rate", 0.2}, {"drop_rate", 0.2},
                                    {"duplicate_rate", 0.5}});

  absl::StatusOr<v1::CampaignSpec> spec =
      definition::LoadCampaignFile(testing::SourceTree() + "/examples/community-watch.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_TRUE(fanfared.client->ApplyCampaign(*spec, "community-watch.yaml").ok());
  v1::StartRunRequest request = StartRunRequest("community-watch");
  request.set_run_id("watch");
  ASSERT_TRUE(fanfared.client->StartRun(request).ok());
  const v1::Run run = RunApproving(*fanfared.client, "watch");
  ASSERT_EQ(run.status(), v1::RUN_STATUS_SUCCEEDED) << run.error().message();

  const Json stats = sandbox.Get("/_sandbox/stats")["accounts"];
  sandbox.Post("/_sandbox/faults", {{"clear", true}});
  // Injected faults are counted under "x/*", what the account did under "x/acme_x".
  EXPECT_GT(stats["x/*"]["errors_injected"], 10) << "the faults happened";
  EXPECT_GT(stats["x/*"]["responses_dropped"], 10);
  EXPECT_GT(stats["x/*"]["duplicates_delivered"], 0) << "listings handed comments out twice";
  EXPECT_EQ(stats["x/acme_x"]["throttled"], 0) << "X's windows were never exceeded";
  EXPECT_EQ(stats["x/acme_x"]["duplicates"], 0)
      << "no reply was even attempted twice with the same text";

  std::map<std::string, Json> audience;
  std::map<std::string, int> replies;  // by the comment they answer
  const Json listed = sandbox.Get("/_sandbox/comments?network=x");
  for (const Json& c : listed["comments"]) {
    if (c["by_account"].get<bool>()) {
      ++replies[c["parent_id"].get<std::string>()];
    } else {
      audience[c["id"].get<std::string>()] = c;
    }
  }
  ASSERT_GT(audience.size(), 100u);
  // The audience model's regulars; the sour one complained on the last day.
  std::set<std::string> regulars, sour, thanked;
  for (const auto& [id, c] : audience) {
    const std::string handle = c["author_handle"];
    if (handle.find("_regular") == std::string::npos) continue;
    regulars.insert(handle);
    if (c["intent"] == "complaint") sour.insert(handle);
  }
  ASSERT_EQ(regulars.size(), 3u);
  ASSERT_EQ(sour.size(), 1u);
  std::map<std::string, int> hidden, answered;
  for (const auto& [id, c] : audience) {
    const std::string intent = c["intent"];
    const bool on_post = !c["post_id"].get<std::string>().empty();
    EXPECT_EQ(c["hidden"].get<bool>(), on_post && (intent == "spam" || intent == "abuse"))
        << intent << ": " << c["text"];
    const int n = replies.count(id) ? replies.at(id) : 0;
    if (intent == "praise" && regulars.count(c["author_handle"]) && n > 0) {
      EXPECT_EQ(n, 1);
      EXPECT_TRUE(thanked.insert(c["author_handle"]).second) << "thanked twice";
    } else {
      EXPECT_EQ(n, intent == "question" ? 1 : 0) << intent << ": " << c["text"];
    }
    hidden[intent] += c["hidden"].get<bool>();
    answered[intent] += replies.count(id) ? 1 : 0;
    if (intent == "praise" && on_post && c["author_followers"].get<int64_t>() >= 5000) {
      EXPECT_TRUE(c["liked"].get<bool>()) << c["text"];
    }
  }
  for (const auto& [parent, n] : replies) EXPECT_TRUE(audience.count(parent)) << parent;
  EXPECT_GT(hidden["spam"] + hidden["abuse"], 20);
  EXPECT_GT(answered["question"], 10);
  EXPECT_EQ(thanked, regulars) << "each regular became an ambassador once, and was thanked";

  // The last day's list: the regulars who stayed positive.
  std::set<std::string> ambassadors;
  for (const v1::StepInstance& step : run.steps()) {
    if (step.key() != "watch/score#15") continue;
    for (const auto& a : step.output().struct_value().fields().at("ambassadors").list_value().values()) {
      ambassadors.insert(a.struct_value().fields().at("handle").string_value());
    }
  }
  std::set<std::string> expected = regulars;
  expected.erase(*sour.begin());
  EXPECT_EQ(ambassadors, expected);

  // The coordinator's own ledger, fed by every read of the run (`fanfare community
  // ambassadors`), knows every author once and names the same ambassadors.
  absl::StatusOr<v1::ListCommunityAuthorsResponse> authors =
      fanfared.client->ListCommunityAuthors("x", "acme_x");
  ASSERT_TRUE(authors.ok()) << authors.status();
  std::set<std::string> audience_authors;
  int64_t comments_read = 0;
  for (const auto& [id, c] : audience) audience_authors.insert(c["author_id"].get<std::string>());
  for (const v1::CommunityAuthor& a : authors->authors()) {
    EXPECT_TRUE(audience_authors.count(a.id())) << a.handle();
    comments_read += a.comments();
  }
  // Never counted twice; and all but what arrived after the last read (its last minutes).
  const int64_t written = static_cast<int64_t>(audience.size());
  EXPECT_LE(comments_read, written) << "each comment counted once";
  EXPECT_GE(comments_read, written * 9 / 10) << comments_read << " of " << written;
  absl::StatusOr<Json> scored = cli::Ambassadors(*authors, 5, 3);
  ASSERT_TRUE(scored.ok()) << scored.status();
  std::set<std::string> from_ledger;
  for (const Json& a : (*scored)["ambassadors"]) from_ledger.insert(a["handle"].get<std::string>());
  EXPECT_EQ(from_ledger, expected);
}

// youtube.search through a real coordinator: each (rehearsed) run publishes a public film
// and, once it is indexed, listens for "rocket launch"; the second run is given the stream's cursor by the coordinator (its input
// names none) and reads only the film published since.
TEST(CommunityWatchTest, YouTubeListeningReadsEachVideoOnceAcrossRuns) {
  testing::TempDir dir;
  testing::DevFanfared fanfared =
      testing::StartDevFanfared({"--rehearse", "--data-dir=" + dir.path() + "/data"});
  ASSERT_NE(fanfared.client, nullptr);
  const std::string yaml = absl::StrCat(R"yaml(
name: listen
accounts: {youtube: acme_yt}
steps:
  - id: film
    action: youtube.publish
    with:
      title: "Rocket launch film"
      privacy: public
      video_url: ")yaml", fanfared.sandbox_url, R"yaml(/_sandbox/media/film.mp4?bytes=4096"
  - id: indexed          # youtube.search leaves YouTube 15 minutes to index a video
    needs: [film]
    wait: 20m
  - id: listen
    action: youtube.search
    needs: [indexed]
    with: {query: "rocket launch"}
)yaml");
  definition::LoadResult loaded =
      definition::ParseCampaign(yaml, definition::SourceFormat::kYaml, "listen.yaml");
  ASSERT_TRUE(loaded.status.ok()) << loaded.status;
  ASSERT_TRUE(fanfared.client->ApplyCampaign(loaded.spec, "listen.yaml").ok());
  std::vector<std::string> films;
  std::vector<std::vector<std::string>> heard;
  for (const char* id : {"listen-1", "listen-2"}) {
    v1::StartRunRequest request = StartRunRequest("listen");
    request.set_run_id(id);
    ASSERT_TRUE(fanfared.client->StartRun(request).ok());
    const v1::Run run = RunApproving(*fanfared.client, id);
    ASSERT_EQ(run.status(), v1::RUN_STATUS_SUCCEEDED) << run.error().message();
    for (const v1::StepInstance& step : run.steps()) {
      const auto& out = step.output().struct_value().fields();
      if (step.key() == "film") films.push_back(out.at("post_id").string_value());
      if (step.key() != "listen") continue;
      heard.emplace_back();
      for (const auto& v : out.at("comments").list_value().values()) {
        heard.back().push_back(v.struct_value().fields().at("id").string_value());
      }
    }
  }
  ASSERT_EQ(films.size(), 2u);
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[0], std::vector<std::string>{films[0]});
  EXPECT_EQ(heard[1], std::vector<std::string>{films[1]}) << "the first film is not heard again";
}

}  // namespace
}  // namespace fanfare
