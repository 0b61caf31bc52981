// SourceMap and Diagnostics: positions by field path, and how problems are printed.
#include "engine/definition/diagnostics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::definition {
namespace {

TEST(SourceMapTest, FallsBackToTheNearestAncestor) {
  SourceMap map;
  map.Set("steps[2]", {10, 5});
  map.Set("steps[2].with", {12, 7});
  EXPECT_EQ(map.Find("steps[2].with").line, 12);
  EXPECT_EQ(map.Find("steps[2].with.text").line, 12);
  EXPECT_EQ(map.Find("steps[2].with.text[3].x").column, 7);
  EXPECT_EQ(map.Find("steps[2].needs[0]").line, 10);
  EXPECT_FALSE(map.Find("steps[3]").known());
  EXPECT_FALSE(map.Find("").known());
  // Components are whole: "steps[2]" is not an ancestor of "steps[20]".
  EXPECT_FALSE(map.Find("steps[20].id").known());
}

TEST(SourceMapTest, PositionsInsideAString) {
  SourceMap map;
  map.Set("steps[0].when", {7, 11});
  EXPECT_EQ(map.FindInText("steps[0].when", 4).column, 15);
  // A string spanning lines: its second line starts at offset 16, on line 9, column 7.
  map.Set("steps[1].when", {8, 11});
  map.SetTextRuns("steps[1].when", {{0, {8, 7}}, {16, {9, 7}}});
  EXPECT_EQ(map.FindInText("steps[1].when", 3).line, 8);
  EXPECT_EQ(map.FindInText("steps[1].when", 3).column, 10);
  EXPECT_EQ(map.FindInText("steps[1].when", 20).line, 9);
  EXPECT_EQ(map.FindInText("steps[1].when", 20).column, 11);
  // Unknown paths fall back like Find, to the ancestor's own position.
  EXPECT_EQ(map.FindInText("steps[0].when.x", 2).column, 11);
  EXPECT_FALSE(map.FindInText("nothing", 2).known());
}

TEST(DiagnosticTest, ToStringLeavesOutWhatIsUnknown) {
  EXPECT_EQ((Diagnostic{"a.yaml", {3, 4}, "pub", "steps[1].needs[0]", "bad"}).ToString(),
            "a.yaml:3:4: step 'pub': bad");
  EXPECT_EQ((Diagnostic{"a.yaml", {3, 4}, "", "budget", "bad"}).ToString(),
            "a.yaml:3:4: budget: bad");
  EXPECT_EQ((Diagnostic{"a.yaml", {}, "", "budget", "bad"}).ToString(), "a.yaml: budget: bad");
  EXPECT_EQ((Diagnostic{"", {}, "", "", "bad"}).ToString(), "bad");
  EXPECT_EQ((Diagnostic{"", {}, "pub", "", "bad"}).ToString(), "step 'pub': bad");
}

TEST(DiagnosticsTest, PositionsComeFromTheSourceMap) {
  SourceMap map;
  map.Set("steps[0]", {3, 5});
  Diagnostics diagnostics("c.yaml", &map);
  diagnostics.Add("steps[0].action", "a", "bad action");
  ASSERT_EQ(diagnostics.all().size(), 1u);
  EXPECT_EQ(diagnostics.all()[0].position.line, 3);
  EXPECT_EQ(diagnostics.all()[0].path, "steps[0].action");
  EXPECT_EQ(diagnostics.PositionIn("steps[0]", 2).column, 7);
  // Without a source map nothing has a position.
  Diagnostics bare("spec", nullptr);
  bare.Add("steps[0]", "a", "x");
  EXPECT_FALSE(bare.all()[0].position.known());
}

TEST(DiagnosticsTest, ToStatusSortsBySourcePositionAndCounts) {
  Diagnostics diagnostics("c.yaml", nullptr);
  EXPECT_TRUE(diagnostics.ToStatus().ok());
  diagnostics.AddAt({9, 1}, "steps[1]", "b", "third");
  diagnostics.AddAt({2, 8}, "name", "", "second");
  diagnostics.AddAt({9, 1}, "steps[1].x", "b", "fourth (same place, reported later)");
  diagnostics.AddAt({}, "steps", "", "first (no position)");
  diagnostics.AddAt({2, 3}, "", "", "between");
  const absl::Status status = diagnostics.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "5 errors in c.yaml:\n"
            "c.yaml: steps: first (no position)\n"
            "c.yaml:2:3: between\n"
            "c.yaml:2:8: name: second\n"
            "c.yaml:9:1: step 'b': third\n"
            "c.yaml:9:1: step 'b': fourth (same place, reported later)");
  // The stored order is the reported order.
  EXPECT_EQ(diagnostics.all()[0].message, "third");
}

TEST(DiagnosticsTest, OneErrorAndAnUnnamedSource) {
  Diagnostics diagnostics("", nullptr);
  diagnostics.Add("", "", "broken");
  EXPECT_EQ(diagnostics.ToStatus().message(), "1 error in campaign:\nbroken");
}

}  // namespace
}  // namespace fanfare::definition
