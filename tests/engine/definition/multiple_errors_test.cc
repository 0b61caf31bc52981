// A file with several mistakes gets all of them, each with its place, in source order.
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/definition/test_util.h"

namespace fanfare::definition {
namespace {

using ::fanfare::definition::testing::LoadYaml;
using ::fanfare::definition::testing::Printed;
using ::testing::ElementsAre;

constexpr absl::string_view kManyMistakes = R"(name: Launch
params:
  budget: {type: int, default: ten}
stpes: []
steps:
  - id: copy
    action: content.generate
    retry: {jitter: 2}
  - id: publish
    action: facebook.publsh
    need: [copy]
    with:
      text: "{{ steps.copy.output.text }}"
  - id: wait_a_bit
    needs: [publish]
    wait: 90x
  - id: boost
    needs: [publsh, wait_a_bit]
    action: facebok.boost
    when: params.budjet > 10
)";

TEST(MultipleErrorsTest, EveryMistakeIsReportedInSourceOrder) {
  const LoadResult result = LoadYaml(kManyMistakes);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      Printed(result),
      ElementsAre(
          "c.yaml:1:7: metadata.name: campaign name 'Launch' must be lowercase letters, digits "
          "and '-', starting with a letter, at most 63 characters (e.g. product-launch)",
          "c.yaml:3:32: params[0].default: the default of param 'budget' must be an integer",
          "c.yaml:4:1: stpes: unknown field 'stpes' (did you mean 'steps'?); allowed here: name, "
          "namespace, description, labels, params, accounts, budget, schedule, steps",
          "c.yaml:8:21: step 'copy': jitter is a fraction of each delay: between 0 and 1",
          "c.yaml:10:13: step 'publish': facebook has no action 'publsh' (did you mean "
          "'publish'?); its actions are publish, insights, boost, set_budget, pause, resume, "
          "comments, moderate",
          "c.yaml:11:5: step 'publish': unknown field 'need' (did you mean 'needs'?); allowed "
          "here: id, description, action, with, needs, when, for_each, retry, timeouts, "
          "continue_on_failure, idempotent, wait, approval, signal, repeat",
          "c.yaml:13:17: step 'publish': reads steps.copy but does not need 'copy' (directly or "
          "through its needs); add it to `needs` so that its output exists when this runs",
          "c.yaml:16:11: step 'wait_a_bit': invalid duration \"90x\": expected a unit (d, h, m, "
          "s or ms) after the number; write e.g. 90s, 15m, 6h, 2d or 1h30m",
          "c.yaml:18:13: step 'boost': needs unknown step 'publsh' (did you mean 'publish'?)",
          "c.yaml:19:13: step 'boost': unknown network 'facebok' (did you mean 'facebook'?); "
          "custom worker pools must not look like a network",
          "c.yaml:20:11: step 'boost': param 'budjet' is not declared (did you mean "
          "'budget'?); declare it under `params:`"));
  // The status's first line counts them and names the file.
  EXPECT_TRUE(absl::StartsWith(result.status.message(), "11 errors in c.yaml:\n"));
  // The diagnostics themselves carry the step and the field path.
  ASSERT_FALSE(result.diagnostics.empty());
  bool found = false;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.path == "steps[3].needs[0]") {
      found = true;
      EXPECT_EQ(d.step_id, "boost");
      EXPECT_EQ(d.position.line, 18);
      EXPECT_EQ(d.position.column, 13);
    }
  }
  EXPECT_TRUE(found);
}

TEST(MultipleErrorsTest, AValueTheReaderRejectedIsNotReportedAgainAsMissing) {
  // `wait: 90x` leaves the wait without a duration; "wait needs a duration" would only repeat
  // the problem. Likewise an unreadable `steps`.
  EXPECT_THAT(Printed(LoadYaml("name: c\n"
                               "steps:\n"
                               "  - id: a\n"
                               "    wait: 90x\n")),
              ElementsAre("c.yaml:4:11: step 'a': invalid duration \"90x\": expected a unit (d, "
                          "h, m, s or ms) after the number; write e.g. 90s, 15m, 6h, 2d or "
                          "1h30m"));
  EXPECT_THAT(Printed(LoadYaml("name: c\n"
                               "steps: nothing\n")),
              ElementsAre("c.yaml:2:8: steps: 'steps' must be a list of steps"));
}

TEST(MultipleErrorsTest, ErrorsInsideARepeatBlockAreAllReported) {
  EXPECT_THAT(Printed(LoadYaml(R"(name: c
steps:
  - id: measure
    action: x.insights
  - id: loop
    repeat:
      every: 6h
      steps:
        - id: measure
          action: x.insights
        - id: adjust
          needs: [mesure]
          action: x.set_budget
          with: {n: "{{ iteration }}", last: "{{ previous.steps.adjust.output }}"}
)")),
              ElementsAre("c.yaml:7:7: step 'loop': a repeat block needs `until` or "
                          "`max_iterations` (or both) so that it ends",
                          "c.yaml:9:15: step 'measure': step id 'measure' is already used "
                          "outside this repeat block; pick another id",
                          "c.yaml:12:19: step 'adjust': needs unknown step 'mesure' (did you "
                          "mean 'measure'?)"));
}

}  // namespace
}  // namespace fanfare::definition
