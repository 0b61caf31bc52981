// Invalid campaigns: each mistake is reported with its exact message and line:column, as
// `fanfare validate` prints it.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/definition/test_util.h"

namespace fanfare::definition {
namespace {

using ::fanfare::definition::testing::ErrorsOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------------------------
// YAML syntax and structure

TEST(LoaderErrorsTest, YamlSyntaxErrorPointsAtTheBadLine) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "   action: x.insights\n"),
              ElementsAre("c.yaml:4:4: YAML syntax error: end of sequence not found"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps: [{id: a, action: x.insights}\n"),
              ElementsAre("c.yaml:3:1: YAML syntax error: end of sequence flow not found"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "\t- id: a\n"),
              ElementsAre("c.yaml:3:2: YAML syntax error: illegal block entry"));
}

TEST(LoaderErrorsTest, EmptyFileAndNonMapDocument) {
  EXPECT_THAT(ErrorsOf(""), ElementsAre("c.yaml:1:1: the file is empty; a campaign needs at "
                                        "least `name` and `steps`"));
  EXPECT_THAT(ErrorsOf("# only a comment\n"), ElementsAre(StartsWith("c.yaml:1:1: the file is empty")));
  EXPECT_THAT(ErrorsOf("- a\n- b\n"),
              ElementsAre("c.yaml:1:1: the document must be a map of fields (name, namespace, "
                          "description, labels, params, accounts, budget, schedule, steps)"));
}

TEST(LoaderErrorsTest, UnknownTopLevelFieldSuggestsTheRightOne) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "stpes:\n"
                       "  - {id: a, action: x.insights}\n"),
              ElementsAre("c.yaml: steps: there are no steps; a campaign needs at least one",
                          "c.yaml:2:1: stpes: unknown field 'stpes' (did you mean 'steps'?); "
                          "allowed here: name, namespace, description, labels, params, accounts, "
                          "budget, schedule, steps"));
}

TEST(LoaderErrorsTest, MisspeltStepFieldIsAnErrorNotSilence) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "  - id: b\n"
                       "    action: x.publish\n"
                       "    need: [a]\n"),
              ElementsAre("c.yaml:7:5: step 'b': unknown field 'need' (did you mean 'needs'?); "
                          "allowed here: id, description, action, with, needs, when, for_each, "
                          "retry, timeouts, continue_on_failure, idempotent, wait, approval, "
                          "signal, repeat"));
}

TEST(LoaderErrorsTest, FieldGivenTwice) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    retry: {max_attempts: 2}\n"
                       "    retry: {max_attempts: 4}\n"),
              ElementsAre("c.yaml:6:5: step 'a': field 'retry' is given twice"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "name: d\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:2:1: name: field 'name' is given twice"));
}

TEST(LoaderErrorsTest, ValueOfTheWrongType) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    continue_on_failure: maybe\n"
                       "    retry: {max_attempts: many}\n"
                       "    idempotent: yes\n"),
              ElementsAre("c.yaml:5:26: step 'a': 'steps[0].continue_on_failure' must be true or "
                          "false, not 'maybe'",
                          "c.yaml:6:27: step 'a': 'steps[0].retry.max_attempts' must be an "
                          "integer, not 'many'",
                          "c.yaml:7:17: step 'a': 'steps[0].idempotent' must be true or false, "
                          "not 'yes'"));
  // A quoted "true" is a string, not a bool; the error points at its opening quote.
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - {id: a, action: x.insights, continue_on_failure: \"true\"}\n"),
              ElementsAre("c.yaml:3:54: step 'a': 'steps[0].continue_on_failure' must be true "
                          "or false, not 'true'"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    needs: {b: 1}\n"),
              ElementsAre("c.yaml:5:12: step 'a': 'steps[0].needs' must be a name or a list of "
                          "names"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps: {a: 1}\n"),
              ElementsAre("c.yaml:2:8: steps: 'steps' must be a list of steps"));
}

// ---------------------------------------------------------------------------------------------
// Step ids and needs

TEST(LoaderErrorsTest, DuplicateStepIds) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: copy\n"
                       "    action: content.generate\n"
                       "  - id: copy\n"
                       "    action: x.publish\n"),
              ElementsAre("c.yaml:5:9: step 'copy': duplicate step id 'copy'"));
}

TEST(LoaderErrorsTest, BadAndMissingStepIds) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: 1st\n"
                       "    action: x.insights\n"
                       "  - action: x.publish\n"),
              ElementsAre("c.yaml:3:9: step '1st': a step id must start with a letter or '_' "
                          "and hold only letters, digits and '_' (it is read as steps.<id> in "
                          "expressions), at most 63 characters",
                          "c.yaml:5:5: steps[1]: step #2 has no `id`"));
}

TEST(LoaderErrorsTest, UnknownNeedSuggestsAnId) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: copy\n"
                       "    action: content.generate\n"
                       "  - id: publish\n"
                       "    action: x.publish\n"
                       "    needs: [cpoy]\n"),
              ElementsAre("c.yaml:7:13: step 'publish': needs unknown step 'cpoy' (did you mean "
                          "'copy'?)"));
  // A step is never suggested as its own need.
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - {id: a, action: x.insights, needs: [b]}\n"),
              ElementsAre("c.yaml:3:41: step 'a': needs unknown step 'b'"));
}

TEST(LoaderErrorsTest, SelfNeed) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    needs: [a]\n"),
              ElementsAre("c.yaml:5:13: step 'a': a step cannot need itself"));
}

TEST(LoaderErrorsTest, NeedListedTwice) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - {id: a, action: x.insights}\n"
                       "  - {id: b, action: x.insights, needs: [a, a]}\n"),
              ElementsAre("c.yaml:4:44: step 'b': 'a' is listed twice in needs"));
}

TEST(LoaderErrorsTest, TwoStepCycleIsPrinted) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    needs: [b]\n"
                       "  - id: b\n"
                       "    action: x.insights\n"
                       "    needs: [a]\n"),
              ElementsAre("c.yaml:8:12: step 'b': dependency cycle: a → b → a (each step needs "
                          "the next); remove one of these needs"));
}

TEST(LoaderErrorsTest, ThreeStepCycleIsPrintedOnce) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    needs: [b]\n"
                       "  - id: b\n"
                       "    action: x.insights\n"
                       "    needs: [c]\n"
                       "  - id: c\n"
                       "    action: x.insights\n"
                       "    needs: [a]\n"
                       "  - id: d\n"
                       "    action: x.insights\n"
                       "    needs: [c]\n"),
              ElementsAre("c.yaml:11:12: step 'c': dependency cycle: a → b → c → a (each step "
                          "needs the next); remove one of these needs"));
}

// ---------------------------------------------------------------------------------------------
// Actions and kinds

TEST(LoaderErrorsTest, UnknownBuiltinKind) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: pause\n"
                       "    action: fanfare.sleep\n"),
              ElementsAre("c.yaml:4:13: step 'pause': unknown built-in kind 'sleep'; built-in "
                          "kinds are wait, approval, signal, repeat, written as their own key"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: pause\n"
                       "    action: fanfare.wiat\n"),
              ElementsAre(HasSubstr("unknown built-in kind 'wiat' (did you mean 'wait'?)")));
}

TEST(LoaderErrorsTest, BuiltinKindUsedAsAnAction) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: pause\n"
                       "    action: wait\n"),
              ElementsAre("c.yaml:4:13: step 'pause': 'wait' is a built-in kind, not an action: "
                          "write `wait:` with its settings instead of `action: wait`"));
}

TEST(LoaderErrorsTest, MalformedActionNames) {
  for (const char* action : {"Facebook.Publish", "facebook", "facebook.publish.now"}) {
    SCOPED_TRACE(action);
    EXPECT_THAT(ErrorsOf(absl::StrCat("name: c\n"
                                      "steps:\n"
                                      "  - id: a\n"
                                      "    action: ", action, "\n")),
                ElementsAre(absl::StrCat("c.yaml:4:13: step 'a': malformed action '", action,
                                         "': write <queue>.<verb> in lowercase, e.g. "
                                         "facebook.publish or content.generate")));
  }
}

TEST(LoaderErrorsTest, UnknownVerbOnAKnownNetwork) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: facebook.publsh\n"),
              ElementsAre("c.yaml:4:13: step 'a': facebook has no action 'publsh' (did you mean "
                          "'publish'?); its actions are publish, insights, boost, set_budget, "
                          "pause, resume, comments, moderate"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - {id: a, action: youtube.boost}\n"),
              ElementsAre("c.yaml:3:21: step 'a': youtube has no action 'boost'; its actions "
                          "are publish, insights, comments, moderate, search"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - {id: a, action: snapchat.comments}\n"),
              ElementsAre("c.yaml:3:21: step 'a': snapchat has no action 'comments': Snapchat "
                          "has no public API for comments: community actions cannot run there; "
                          "its actions are publish, insights, boost, set_budget, pause, resume"));
}

TEST(LoaderErrorsTest, MisspeltNetwork) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: facebok.publish\n"),
              ElementsAre("c.yaml:4:13: step 'a': unknown network 'facebok' (did you mean "
                          "'facebook'?); custom worker pools must not look like a network"));
}

TEST(LoaderErrorsTest, TemplatedActionMustEndInALiteralVerb) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    for_each: [facebook]\n"
                       "    action: \"x.{{ item }}\"\n"),
              ElementsAre("c.yaml:5:14: step 'a': a templated action must have the form "
                          "\"{{ <expression> }}.<verb>\", e.g. \"{{ item }}.publish\"; got "
                          "\"x.{{ item }}\""));
}

TEST(LoaderErrorsTest, BothActionAndBuiltinKind) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.publish\n"
                       "    wait: 6h\n"),
              ElementsAre("c.yaml:5:11: step 'a': a step is either an action or a built-in "
                          "kind; this one has both `action` and `wait`: split it into two "
                          "steps"));
}

TEST(LoaderErrorsTest, NeitherActionNorKind) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    description: does nothing\n"),
              ElementsAre("c.yaml:3:5: step 'a': the step does nothing: give it an `action` "
                          "(e.g. facebook.publish) or one of the built-in kinds wait, approval, "
                          "signal, repeat"));
}

TEST(LoaderErrorsTest, WithOnABuiltinStep) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    wait: 1h\n"
                       "    with: {text: hi}\n"),
              ElementsAre("c.yaml:5:11: step 'a': `with` is the input of an action; a wait "
                          "step takes its settings under `wait`"));
}

TEST(LoaderErrorsTest, BuiltinKindSettings) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: go\n"
                       "    signal: Go-Live\n"
                       "  - id: ok\n"
                       "    approval: {timeout: 0s, on_timeout: explode}\n"
                       "  - id: later\n"
                       "    wait: {}\n"),
              ElementsAre("c.yaml:4:13: step 'go': a signal needs a name in lowercase letters, "
                          "digits and '_', e.g. signal: go_live",
                          "c.yaml:6:25: step 'ok': approval.timeout must be longer than zero",
                          "c.yaml:6:41: step 'ok': 'steps[1].approval.on_timeout' must be one of "
                          "reject, skip, not 'explode'",
                          "c.yaml:8:11: step 'later': wait needs a duration (wait: 6h) or a time "
                          "(wait: {until: ...})"));
}

TEST(LoaderErrorsTest, WaitUntilMustBeATime) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    wait: {until: tomorrow}\n"
                       "  - id: b\n"
                       "    wait: {until: \"at {{ '2026-12-01T09:00:00Z' }}\"}\n"),
              ElementsAre("c.yaml:4:19: step 'a': wait.until must be an RFC 3339 time such as "
                          "2026-12-01T09:00:00Z or an expression such as \"{{ params.launch_at "
                          "}}\", not \"tomorrow\"",
                          "c.yaml:6:20: step 'b': wait.until must be a single expression such as "
                          "\"{{ params.networks }}\", not \"at {{ '2026-12-01T09:00:00Z' }}\""));
}

// ---------------------------------------------------------------------------------------------
// Durations, retry and timeouts

TEST(LoaderErrorsTest, BadDurations) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    wait: 90x\n"
                       "  - id: b\n"
                       "    action: x.insights\n"
                       "    timeouts:\n"
                       "      start_to_close: 1h2h\n"
                       "      heartbeat: -5m\n"
                       "      schedule_to_start: m5\n"),
              ElementsAre("c.yaml:4:11: step 'a': invalid duration \"90x\": expected a unit (d, "
                          "h, m, s or ms) after the number; write e.g. 90s, 15m, 6h, 2d or 1h30m",
                          "c.yaml:8:23: step 'b': invalid duration \"1h2h\": units must go from "
                          "largest to smallest, each at most once; write e.g. 90s, 15m, 6h, 2d "
                          "or 1h30m",
                          "c.yaml:9:18: step 'b': 'steps[1].timeouts.heartbeat' must not be "
                          "negative",
                          "c.yaml:10:26: step 'b': invalid duration \"m5\": expected a number; "
                          "write e.g. 90s, 15m, 6h, 2d or 1h30m"));
}

TEST(LoaderErrorsTest, ZeroTimeout) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    timeouts: {start_to_close: 0s}\n"),
              ElementsAre("c.yaml:5:32: step 'a': start_to_close must be longer than zero"));
}

TEST(LoaderErrorsTest, RetryJitterOutOfRange) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    retry: {jitter: 1.5}\n"),
              ElementsAre("c.yaml:5:21: step 'a': jitter is a fraction of each delay: between 0 "
                          "and 1"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - {id: a, action: x.insights, retry: {jitter: -0.1}}\n"),
              ElementsAre(HasSubstr("3:49: step 'a': jitter is a fraction")));
}

TEST(LoaderErrorsTest, MaxAttemptsOutOfRange) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    retry: {max_attempts: 101}\n"),
              ElementsAre("c.yaml:5:27: step 'a': max_attempts must be between 1 and 100"));
  // An explicit 0 is not "unset" (which would mean the default, 3 attempts).
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    retry: {max_attempts: 0}\n"),
              ElementsAre("c.yaml:5:27: step 'a': max_attempts counts every attempt, the first "
                          "included: at least 1 (1 means no retry)"));
  // Too large for the proto's int32: stays out of range rather than wrapping to 2.
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    retry: {max_attempts: 4294967298}\n"),
              ElementsAre("c.yaml:5:27: step 'a': max_attempts must be between 1 and 100"));
}

TEST(LoaderErrorsTest, BackoffSettings) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    retry:\n"
                       "      backoff_multiplier: 0.5\n"
                       "      initial_backoff: 10m\n"
                       "      max_backoff: 1m\n"),
              ElementsAre("c.yaml:6:27: step 'a': backoff_multiplier must be at least 1 (delays "
                          "never shrink)",
                          "c.yaml:8:20: step 'a': max_backoff is shorter than initial_backoff"));
}

// ---------------------------------------------------------------------------------------------
// for_each

TEST(LoaderErrorsTest, ForEachAsAPlainString) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    for_each: facebook\n"
                       "    action: facebook.publish\n"),
              ElementsAre("c.yaml:4:15: step 'a': for_each must be a list ([facebook, x]) or an "
                          "expression (\"{{ params.networks }}\"), not the plain string "
                          "\"facebook\""));
}

TEST(LoaderErrorsTest, ForEachEmptyList) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    for_each: []\n"
                       "    action: \"{{ item }}.publish\"\n"),
              ElementsAre("c.yaml:4:15: step 'a': for_each has an empty list: nothing would "
                          "run"));
}

TEST(LoaderErrorsTest, ForEachDuplicateItems) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    for_each: [facebook, x, facebook]\n"
                       "    action: \"{{ item }}.publish\"\n"),
              ElementsAre("c.yaml:4:29: step 'a': for_each item 'facebook' appears twice; items "
                          "name the instances and must be unique"));
  // Maps are keyed by `id`; 1 and 1.0 are the same key.
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    for_each: [{id: p1}, {id: p1}, 1, 1.0]\n"
                       "    action: x.publish\n"),
              ElementsAre("c.yaml:4:26: step 'a': for_each item 'p1' appears twice; items name "
                          "the instances and must be unique",
                          "c.yaml:4:39: step 'a': for_each item '1' appears twice; items name "
                          "the instances and must be unique"));
}

TEST(LoaderErrorsTest, ForEachExpressionMustBeOneTemplate) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  nets: {type: list, default: [x]}\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    for_each: \"{{ params.nets }} and more\"\n"
                       "    action: \"{{ item }}.publish\"\n"
                       "  - id: b\n"
                       "    for_each: {a: 1}\n"
                       "    action: x.publish\n"),
              ElementsAre("c.yaml:6:16: step 'a': for_each must be a single expression such as "
                          "\"{{ params.networks }}\", not \"{{ params.nets }} and more\"",
                          "c.yaml:9:15: step 'b': 'for_each' must be a list ([facebook, x]) or "
                          "an expression (\"{{ params.networks }}\")"));
}

// ---------------------------------------------------------------------------------------------
// repeat

TEST(LoaderErrorsTest, RepeatWithoutAnEnd) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: loop\n"
                       "    repeat:\n"
                       "      every: 6h\n"
                       "      steps:\n"
                       "        - {id: m, action: x.insights}\n"),
              ElementsAre("c.yaml:5:7: step 'loop': a repeat block needs `until` or "
                          "`max_iterations` (or both) so that it ends"));
}

TEST(LoaderErrorsTest, NestedRepeat) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: outer\n"
                       "    repeat:\n"
                       "      max_iterations: 2\n"
                       "      steps:\n"
                       "        - id: inner\n"
                       "          repeat: {max_iterations: 2, steps: [{id: m, wait: 1s}]}\n"),
              ElementsAre("c.yaml:8:19: step 'inner': repeat blocks cannot be nested"));
}

TEST(LoaderErrorsTest, RepeatStepsCannotNeedOuterSteps) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: boost\n"
                       "    action: facebook.boost\n"
                       "  - id: loop\n"
                       "    needs: [boost]\n"
                       "    repeat:\n"
                       "      max_iterations: 3\n"
                       "      steps:\n"
                       "        - id: measure\n"
                       "          needs: [boost]\n"
                       "          action: facebook.insights\n"),
              ElementsAre("c.yaml:11:19: step 'measure': needs unknown step 'boost'; steps in a "
                          "repeat block can only need steps of the same block (put outer steps "
                          "in the block's own `needs`)"));
}

TEST(LoaderErrorsTest, InnerIdShadowsAnOuterId) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: measure\n"
                       "    action: x.insights\n"
                       "  - id: loop\n"
                       "    repeat:\n"
                       "      max_iterations: 3\n"
                       "      steps:\n"
                       "        - id: measure\n"
                       "          action: x.insights\n"),
              ElementsAre("c.yaml:9:15: step 'measure': step id 'measure' is already used "
                          "outside this repeat block; pick another id"));
}

TEST(LoaderErrorsTest, RepeatReadsAnOuterStepItDoesNotNeed) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: boost\n"
                       "    action: facebook.boost\n"
                       "  - id: loop\n"
                       "    repeat:\n"
                       "      max_iterations: 3\n"
                       "      steps:\n"
                       "        - id: measure\n"
                       "          action: facebook.insights\n"
                       "          with: {ad: \"{{ steps.boost.output.ad_id }}\"}\n"),
              ElementsAre("c.yaml:11:26: step 'measure': reads steps.boost but the repeat block "
                          "'loop' does not need 'boost'; add it to the block's `needs`"));
}

TEST(LoaderErrorsTest, RepeatCannotFanOut) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: loop\n"
                       "    for_each: [a, b]\n"
                       "    repeat: {max_iterations: 2, steps: [{id: m, wait: 1s}]}\n"),
              ElementsAre("c.yaml:5:13: step 'loop': a repeat block cannot have for_each"));
}

// ---------------------------------------------------------------------------------------------
// params

TEST(LoaderErrorsTest, UndeclaredParamSuggestsADeclaredOne) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  budget: {type: int, default: 3}\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    when: params.budjet > 2\n"),
              ElementsAre("c.yaml:7:11: step 'a': param 'budjet' is not declared (did you mean "
                          "'budget'?); declare it under `params:`"));
}

TEST(LoaderErrorsTest, DefaultOfTheWrongTypeForEachParamType) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  s: {type: string, default: 5}\n"
                       "  i: {type: int, default: 2.5}\n"
                       "  d: {type: double, default: \"1.5\"}\n"
                       "  b: {type: bool, default: \"true\"}\n"
                       "  l: {type: list, default: {a: 1}}\n"
                       "  m: {type: map, default: [1]}\n"
                       "  du: {type: duration, default: 6}\n"
                       "  t: {type: timestamp, default: tomorrow}\n"
                       "steps:\n"
                       "  - {id: a, action: x.insights}\n"),
              ElementsAre("c.yaml:3:30: params[0].default: the default of param 's' must be a "
                          "string",
                          "c.yaml:4:27: params[1].default: the default of param 'i' must be an "
                          "integer",
                          "c.yaml:5:31: params[2].default: the default of param 'd' must be a "
                          "number",
                          "c.yaml:6:29: params[3].default: the default of param 'b' must be true "
                          "or false",
                          "c.yaml:7:28: params[4].default: the default of param 'l' must be a "
                          "list",
                          "c.yaml:8:27: params[5].default: the default of param 'm' must be a "
                          "map",
                          "c.yaml:9:33: params[6].default: the default of param 'du' must be a "
                          "duration such as 6h or 2d",
                          "c.yaml:10:33: params[7].default: the default of param 't' must be an "
                          "RFC 3339 time such as 2026-12-01T09:00:00Z"));
}

TEST(LoaderErrorsTest, RequiredParamWithADefault) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  product: {type: string, required: true, default: Rocket}\n"
                       "steps:\n"
                       "  - {id: a, action: x.insights}\n"),
              ElementsAre("c.yaml:3:52: params[0].default: param 'product' is required and has a "
                          "default; drop one of the two"));
}

TEST(LoaderErrorsTest, ParamWithoutOrWithAnUnknownType) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  a: {default: 1}\n"
                       "  b: {type: number}\n"
                       "  c-d: {type: int}\n"
                       "steps:\n"
                       "  - {id: a, action: x.insights}\n"),
              ElementsAre("c.yaml:3:6: params[0].type: param 'a' has no `type` (string, int, "
                          "double, bool, list, map, duration, timestamp)",
                          "c.yaml:4:13: params[1].type: 'params[1].type' must be one of string, "
                          "int, double, bool, list, map, duration, timestamp, not 'number'",
                          "c.yaml:5:3: params[2].name: param name 'c-d' must be an identifier "
                          "(letters, digits, '_'; read as params.<name>)"));
}

// ---------------------------------------------------------------------------------------------
// Expressions and what they read

TEST(LoaderErrorsTest, ConditionThatDoesNotParsePointsAtTheToken) {
  // Plain, double-quoted and single-quoted scalars: the column of the second '>'.
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  n: {type: int, default: 3}\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    when: params.n > > 3\n"
                       "  - id: b\n"
                       "    action: x.insights\n"
                       "    when: \"params.n > > 3\"\n"
                       "  - id: c\n"
                       "    action: x.insights\n"
                       "    when: 'params.n > > 3'\n"),
              ElementsAre("c.yaml:7:22: step 'a': in expression \"params.n > > 3\": unexpected "
                          "'>' (expected an operand)",
                          "c.yaml:10:23: step 'b': in expression \"params.n > > 3\": unexpected "
                          "'>' (expected an operand)",
                          "c.yaml:13:23: step 'c': in expression \"params.n > > 3\": unexpected "
                          "'>' (expected an operand)"));
}

TEST(LoaderErrorsTest, MultiLineConditionPointsAtTheRightLine) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  n: {type: int, default: 3}\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    when: >-\n"
                       "      params.n > 1 &&\n"
                       "      params.n > > 3\n"
                       "  - id: b\n"
                       "    action: x.insights\n"
                       "    when: params.n > 1 &&\n"
                       "      params.nn > 3\n"),
              ElementsAre("c.yaml:9:18: step 'a': in expression \"params.n > 1 && params.n > > "
                          "3\": unexpected '>' (expected an operand)",
                          "c.yaml:13:7: step 'b': param 'nn' is not declared (did you mean 'n'?); "
                          "declare it under `params:`"));
}

TEST(LoaderErrorsTest, TemplateErrorsPointInsideTheString) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  budget: {type: int, default: 3}\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.publish\n"
                       "    with:\n"
                       "      text: \"hello {{ params.budget + }} world\"\n"
                       "      quoted: \"say \\\"{{ params.budgit }}\\\"\"\n"
                       "      single: 'it''s {{ params.budgit }}'\n"
                       "      open: \"{{ params.budget\"\n"),
              ElementsAre("c.yaml:8:39: step 'a': in expression \"hello {{ params.budget + }} "
                          "world\": unexpected end of expression (expected an operand)",
                          "c.yaml:9:25: step 'a': param 'budgit' is not declared (did you mean "
                          "'budget'?); declare it under `params:`",
                          "c.yaml:10:25: step 'a': param 'budgit' is not declared (did you mean "
                          "'budget'?); declare it under `params:`",
                          "c.yaml:11:14: step 'a': in expression \"{{ params.budget\": "
                          "unterminated '{{' (close the expression with '}}')"));
}

TEST(LoaderErrorsTest, UnknownFunctionInACondition) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    when: sise([1]) > 0\n"),
              ElementsAre("c.yaml:5:11: step 'a': in expression \"sise([1]) > 0\": unknown "
                          "function 'sise' (did you mean 'size'?)"));
}

TEST(LoaderErrorsTest, ReferenceToAnUnknownStep) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: copy\n"
                       "    action: content.generate\n"
                       "  - id: publish\n"
                       "    needs: [copy]\n"
                       "    action: x.publish\n"
                       "    with: {text: \"{{ steps.cpoy.output.text }}\"}\n"),
              ElementsAre("c.yaml:8:22: step 'publish': unknown step 'cpoy' in "
                          "steps.cpoy.output.text (did you mean 'copy'?)"));
}

TEST(LoaderErrorsTest, ReferenceToAStepThatIsNotUpstream) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: copy\n"
                       "    action: content.generate\n"
                       "  - id: publish\n"
                       "    action: x.publish\n"
                       "    with:\n"
                       "      text: \"{{ steps.copy.output.text }}\"\n"),
              ElementsAre("c.yaml:8:17: step 'publish': reads steps.copy but does not need "
                          "'copy' (directly or through its needs); add it to `needs` so that its "
                          "output exists when this runs"));
  // Transitively upstream is enough.
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - {id: copy, action: content.generate}\n"
                       "  - {id: review, needs: [copy], approval: {}}\n"
                       "  - id: publish\n"
                       "    needs: [review]\n"
                       "    action: x.publish\n"
                       "    with: {text: \"{{ steps.copy.output.text }}\"}\n"),
              ElementsAre());
}

TEST(LoaderErrorsTest, StepCannotReadItsOwnOutput) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    with: {n: \"{{ steps.a.output.n }}\"}\n"),
              ElementsAre("c.yaml:5:19: step 'a': step 'a' cannot read its own output"));
}

TEST(LoaderErrorsTest, ItemOutsideForEach) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.publish\n"
                       "    with: {text: \"{{ item }}\", n: \"{{ index }}\"}\n"
                       "  - id: b\n"
                       "    for_each: \"{{ item }}\"\n"
                       "    action: x.publish\n"),
              ElementsAre("c.yaml:5:22: step 'a': 'item' is only defined in a step with for_each",
                          "c.yaml:5:39: step 'a': 'index' is only defined in a step with for_each",
                          "c.yaml:7:19: step 'b': 'item' is only defined in a step with "
                          "for_each"));
}

TEST(LoaderErrorsTest, IterationAndPreviousOutsideRepeat) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "    when: iteration > 1 && previous.steps.a.state == 'SUCCEEDED'\n"),
              ElementsAre("c.yaml:5:11: step 'a': 'iteration' is only defined inside a repeat "
                          "block",
                          "c.yaml:5:28: step 'a': 'previous' is only defined inside a repeat "
                          "block"));
}

TEST(LoaderErrorsTest, UnknownVariableAndStepField) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: a\n"
                       "    action: x.insights\n"
                       "  - id: b\n"
                       "    needs: [a]\n"
                       "    action: x.insights\n"
                       "    when: runn.id != '' && steps.a.stat == 'SUCCEEDED'\n"),
              ElementsAre("c.yaml:8:11: step 'b': unknown variable 'runn' (did you mean 'run'?); "
                          "variables here are params, steps, run, campaign",
                          "c.yaml:8:28: step 'b': steps.a has no field 'stat' (did you mean "
                          "'state'?); fields are output, outputs, output_list, state"));
}

TEST(LoaderErrorsTest, OutputOfAForEachStep) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "steps:\n"
                       "  - id: publish\n"
                       "    for_each: [facebook, x]\n"
                       "    action: \"{{ item }}.publish\"\n"
                       "  - id: report\n"
                       "    needs: [publish]\n"
                       "    action: content.generate\n"
                       "    with: {post: \"{{ steps.publish.output.post_id }}\"}\n"
                       "  - id: again\n"
                       "    needs: [report]\n"
                       "    action: content.generate\n"
                       "    with: {post: \"{{ steps.report.outputs.x }}\"}\n"),
              ElementsAre("c.yaml:9:22: step 'report': step 'publish' has for_each: read "
                          "steps.publish.outputs[<item>] or steps.publish.output_list",
                          "c.yaml:13:22: step 'again': step 'report' has no for_each: read "
                          "steps.report.output"));
}

// ---------------------------------------------------------------------------------------------
// Campaign-level settings

TEST(LoaderErrorsTest, BadCampaignName) {
  EXPECT_THAT(ErrorsOf("name: Product_Launch\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:1:7: metadata.name: campaign name 'Product_Launch' must be "
                          "lowercase letters, digits and '-', starting with a letter, at most 63 "
                          "characters (e.g. product-launch)"));
  EXPECT_THAT(ErrorsOf("steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml: metadata.name: the campaign has no `name`"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "namespace: Growth Team\n"
                       "labels: {\"a b\": x}\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:2:12: metadata.namespace: a namespace must be lowercase "
                          "letters, digits and '-', starting with a letter, at most 63 characters",
                          "c.yaml:3:11: metadata.labels.a b: label key 'a b' must be letters, "
                          "digits, '_' or '-'"));
}

TEST(LoaderErrorsTest, BadCron) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "schedule: {cron: \"0 25 * * *\"}\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:2:19: schedule.cron: cron hour field '25': out of range "
                          "(allowed 0-23)"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "schedule:\n"
                       "  cron: 0 9 * *\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:3:9: schedule.cron: cron expression '0 9 * *' has 4 fields; "
                          "write 5: minute hour day-of-month month day-of-week, e.g. \"0 9 * * "
                          "MON\""));
}

TEST(LoaderErrorsTest, BadTimezoneAndPolicies) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "schedule:\n"
                       "  cron: \"@daily\"\n"
                       "  timezone: Europe/Pariss\n"
                       "  missed: sometimes\n"
                       "  overlap: cancel-previous\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:4:13: schedule.timezone: unknown time zone 'Europe/Pariss'; "
                          "use an IANA name such as Europe/Paris or America/Los_Angeles",
                          "c.yaml:5:11: schedule.missed: 'schedule.missed' must be one of skip, "
                          "run_once, not 'sometimes'",
                          "c.yaml:6:12: schedule.overlap: 'schedule.overlap' must be one of "
                          "allow, skip, cancel_previous, not 'cancel-previous' (did you mean "
                          "'cancel_previous'?)"));
}

TEST(LoaderErrorsTest, ScheduledRunsParamsAreCheckedAtLoad) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "params:\n"
                       "  product: {type: string, required: true}\n"
                       "  budget: {type: int, default: 10}\n"
                       "schedule:\n"
                       "  cron: \"@daily\"\n"
                       "  params: {budjet: 5, budget: lots}\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:7:11: schedule.params: param 'product' is required: give it "
                          "under schedule.params, or every scheduled run would fail",
                          "c.yaml:7:20: schedule.params.budjet: schedule.params gives unknown "
                          "param 'budjet' (did you mean 'budget'?); declare it under `params:`",
                          "c.yaml:7:31: schedule.params.budget: param 'budget' must be an "
                          "integer"));
}

TEST(LoaderErrorsTest, BadBudget) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "budget:\n"
                       "  currency: usd\n"
                       "  total: 100\n"
                       "  daily_max: 250.5\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:3:13: budget.currency: the budget needs `currency`: an ISO "
                          "4217 code such as USD or EUR",
                          "c.yaml:5:14: budget.daily_max_micros: budget.daily_max is larger than "
                          "budget.total"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "budget: {currency: EUR, total: 12.3456789}\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:2:32: budget.total: 'budget.total' must be a non-negative "
                          "amount with at most 6 decimals, such as 5000 or 12.50, not "
                          "'12.3456789'"));
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "budget: {currency: EUR}\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:2:9: budget.total: the budget sets neither `total` nor "
                          "`daily_max`"));
}

TEST(LoaderErrorsTest, BadAccounts) {
  EXPECT_THAT(ErrorsOf("name: c\n"
                       "accounts:\n"
                       "  facebok: acme\n"
                       "  x: []\n"
                       "steps: [{id: a, action: x.insights}]\n"),
              ElementsAre("c.yaml:3:3: accounts.facebok: unknown network 'facebok' (did you mean "
                          "'facebook'?)",
                          "c.yaml:4:3: accounts.x: no account given for x"));
}

}  // namespace
}  // namespace fanfare::definition
