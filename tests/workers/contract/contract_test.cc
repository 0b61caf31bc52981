// Contract tests: the sandbox's answers hold the shape of the public API references. Each
// fixture under fixtures/ holds a request, the expected status, and an example payload taken
// from the network's documentation; every key of the example must be in the sandbox's answer
// with the same JSON type (recursively; arrays compare their first elements).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "tests/workers/support/harness.h"

namespace fanfare::workers::testing {
namespace {

std::string FixtureDir() {
  const char* root = std::getenv("FANFARE_SOURCE_DIR");
  return std::string(root != nullptr ? root : "/work/main") + "/tests/workers/contract/fixtures";
}

bool SameKind(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return true;
  return a.type() == b.type();
}

// Records where `actual` lacks a key of `example` or holds another type.
void Compare(const Json& example, const Json& actual, const std::string& where,
             std::vector<std::string>& problems) {
  if (example.is_null()) return;
  if (!SameKind(example, actual)) {
    problems.push_back(where + ": expected " + example.type_name() + ", got " + actual.type_name());
    return;
  }
  if (example.is_object()) {
    for (auto it = example.begin(); it != example.end(); ++it) {
      if (!actual.contains(it.key())) {
        problems.push_back(where + "." + it.key() + ": missing");
      } else {
        Compare(*it, actual[it.key()], where + "." + it.key(), problems);
      }
    }
  } else if (example.is_array() && !example.empty()) {
    if (actual.empty()) {
      problems.push_back(where + ": empty array");
    } else {
      Compare(example[0], actual[0], where + "[0]", problems);
    }
  }
}

TEST(ContractTest, SandboxAnswersMatchTheReferenceExamples) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(FixtureDir())) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    std::optional<Json> fixture = ParseJson(text.str());
    ASSERT_TRUE(fixture.has_value()) << entry.path();
    SCOPED_TRACE(entry.path().filename().string());
    Harness h;
    const Json& req = (*fixture)["request"];
    HttpRequest request{.method = req["method"], .url = h.sandbox().BaseUrl() +
                                                        req["path"].get<std::string>(),
                        .idempotent = true};
    request.headers.emplace_back("Authorization", "Bearer " + req["token"].get<std::string>());
    request.headers.emplace_back("Access-Token", req["token"].get<std::string>());
    if (req.contains("headers")) {
      for (auto it = req["headers"].begin(); it != req["headers"].end(); ++it) {
        request.headers.emplace_back(it.key(), it->get<std::string>());
      }
    }
    if (req.contains("body")) {
      request.body = req["body"].dump();
      request.headers.emplace_back("Content-Type", "application/json");
    }
    absl::StatusOr<HttpResponse> response = h.http().Send(request);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, (*fixture)["status"].get<int>());
    std::optional<Json> actual = ParseJson(response->body);
    ASSERT_TRUE(actual.has_value()) << response->body;
    std::vector<std::string> problems;
    Compare((*fixture)["example"], *actual, "$", problems);
    EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n" << actual->dump();
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

}  // namespace
}  // namespace fanfare::workers::testing
