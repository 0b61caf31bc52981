#include "base/log.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fanfare::log {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

absl::Mutex captured_mu;
std::vector<std::string>* captured = nullptr;

void Capture(absl::string_view line) {
  absl::MutexLock lock(&captured_mu);
  captured->emplace_back(line);
}

class LogTest : public ::testing::Test {
 protected:
  LogTest() {
    captured = &lines_;
    SetSinkForTesting(Capture);
  }
  ~LogTest() override {
    SetSinkForTesting(nullptr);
    Configure({});
    captured = nullptr;
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, LogfmtQuotesOnlyWhatNeedsIt) {
  Configure({.level = Level::kInfo, .format = Format::kLogfmt});
  Info("workers", "worker connected")
      .Field("namespace", "acme")
      .Field("queues", "x, facebook")
      .Field("credit", 16)
      .Field("note", "say \"hi\"\\nope\nnext");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_THAT(lines_[0], MatchesRegex("ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z level=info "
                                      "component=workers .*\n"));
  EXPECT_THAT(lines_[0], HasSubstr(" msg=\"worker connected\" namespace=acme "
                                   "queues=\"x, facebook\" credit=16 "
                                   "note=\"say \\\"hi\\\"\\\\nope\\nnext\"\n"));
}

TEST_F(LogTest, JsonLinesParse) {
  Configure({.level = Level::kDebug, .format = Format::kJson});
  Debug("engine", "step attempt failed")
      .Field("run", "launch-7")
      .Field("attempt", 2)
      .Field("will_retry", true)
      .Field("ratio", 0.5)
      .Field("odd", std::nan(""))
      .Field("control", std::string("a\x01z"))
      .Field("backoff", absl::Seconds(90));
  ASSERT_EQ(lines_.size(), 1u);
  const nlohmann::json line = nlohmann::json::parse(lines_[0]);
  EXPECT_EQ(line["level"], "debug");
  EXPECT_EQ(line["component"], "engine");
  EXPECT_EQ(line["msg"], "step attempt failed");
  EXPECT_EQ(line["run"], "launch-7");
  EXPECT_EQ(line["attempt"], 2);
  EXPECT_EQ(line["will_retry"], true);
  EXPECT_EQ(line["ratio"], 0.5);
  EXPECT_EQ(line["odd"], "nan");
  EXPECT_EQ(line["control"], "a\x01z");
  EXPECT_EQ(line["backoff"], "1m30s");
}

TEST_F(LogTest, BelowTheLevelNothingIsWritten) {
  Configure({.level = Level::kWarning});
  Info("engine", "quiet").Field("run", "r");
  Debug("engine", "quieter");
  Warning("engine", "loud");
  Error("engine", "louder");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_THAT(lines_[0], HasSubstr("level=warning"));
  EXPECT_THAT(lines_[1], HasSubstr("level=error"));
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
}

TEST_F(LogTest, SecretsAreRedacted) {
  Info("renewal", "POST /oauth2/token refresh_token=sbxr_x_1&client_secret=s3cr3t failed")
      .Field("access_token", "sbx_x_live")
      .Field("client_secret", "s3cr3t")
      .Field("api_key", "k")
      .Field("header", "Authorization: Bearer sbx_x_live")
      .Field("account", "acme_x");
  ASSERT_EQ(lines_.size(), 1u);
  for (const char* secret : {"sbxr_x_1", "s3cr3t", "sbx_x_live", "=k "}) {
    EXPECT_THAT(lines_[0], Not(HasSubstr(secret)));
  }
  EXPECT_THAT(lines_[0], HasSubstr("refresh_token=[redacted]&client_secret=[redacted] failed"));
  EXPECT_THAT(lines_[0], HasSubstr("access_token=[redacted]"));
  EXPECT_THAT(lines_[0], HasSubstr("account=acme_x"));
}

TEST(RedactTest, JsonKeysAndAnyCase) {
  EXPECT_EQ(RedactSecrets(R"({"access_token":"sbx_1","expires_in":60})"),
            R"({"access_token":"[redacted]","expires_in":60})");
  EXPECT_EQ(RedactSecrets(R"({"refresh_token": "sbxr_1"})"), R"({"refresh_token": "[redacted]"})");
  EXPECT_EQ(RedactSecrets("authorization: BEARER abc def"), "authorization: BEARER [redacted] def");
  EXPECT_EQ(RedactSecrets("Basic dXNlcjpwYXNz"), "Basic [redacted]");
  EXPECT_EQ(RedactSecrets("nothing to see"), "nothing to see");
}

TEST_F(LogTest, ConcurrentLinesStayWhole) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) Info("t", "line").Field("thread", t).Field("i", i);
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(lines_.size(), 800u);
  for (const std::string& line : lines_) {
    ASSERT_TRUE(absl::EndsWith(line, "\n"));
    ASSERT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  }
}

TEST(LogParseTest, LevelsAndFormats) {
  EXPECT_EQ(*ParseLevel("WARN"), Level::kWarning);
  EXPECT_EQ(*ParseFormat("json"), Format::kJson);
  EXPECT_THAT(ParseLevel("loud").status().message(), HasSubstr("debug, info, warning, error"));
  EXPECT_FALSE(ParseFormat("xml").ok());
}

}  // namespace
}  // namespace fanfare::log
