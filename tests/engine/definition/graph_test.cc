// RenderGraph: DOT and Mermaid drawings of a campaign.
#include "engine/definition/graph.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/definition/test_util.h"

namespace fanfare::definition {
namespace {

using ::fanfare::definition::testing::LoadYaml;
using ::testing::HasSubstr;
using ::testing::Not;

v1::CampaignSpec Launch() {
  absl::StatusOr<v1::CampaignSpec> spec =
      LoadCampaignFile((testing::SourceDir() / "examples/launch.yaml").string());
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : v1::CampaignSpec();
}

TEST(GraphTest, ParseGraphFormat) {
  EXPECT_EQ(*ParseGraphFormat("dot"), GraphFormat::kDot);
  EXPECT_EQ(*ParseGraphFormat("mermaid"), GraphFormat::kMermaid);
  EXPECT_EQ(ParseGraphFormat("svg").status().message(),
            "unknown graph format 'svg'; use dot or mermaid");
}

TEST(GraphTest, DotOfTheLaunchExample) {
  const std::string dot = RenderGraph(Launch(), GraphFormat::kDot);
  EXPECT_THAT(dot, ::testing::StartsWith("digraph \"product-launch\" {\n  rankdir=LR;\n"));
  // One node per step, shaped by kind.
  EXPECT_THAT(dot, HasSubstr("\"copy\" [shape=box, label=\"copy\\ncontent.generate\"];"));
  EXPECT_THAT(dot, HasSubstr("\"approve_copy\" [shape=hexagon, label=\"approve_copy\\napproval\"];"));
  EXPECT_THAT(dot, HasSubstr("\"launch_time\" [shape=ellipse, label=\"launch_time\\nwait until "
                             "{{ params.launch_at }}\"];"));
  EXPECT_THAT(dot, HasSubstr("\"publish\" [shape=box3d, label=\"publish\\n{{ item }}.publish\\n"
                             "for each in {{ params.networks }}\"];"));
  EXPECT_THAT(dot, HasSubstr("\"boost\" [shape=box3d, label=\"boost\\n{{ item }}.boost\\nfor "
                             "each of [facebook, instagram]\"];"));
  // Edges follow needs.
  EXPECT_THAT(dot, HasSubstr("\"copy\" -> \"approve_copy\";"));
  EXPECT_THAT(dot, HasSubstr("\"approve_copy\" -> \"launch_time\";"));
  EXPECT_THAT(dot, HasSubstr("\"launch_time\" -> \"publish\";"));
  EXPECT_THAT(dot, HasSubstr("\"publish\" -> \"boost\";"));
  EXPECT_THAT(dot, HasSubstr("\"boost\" -> \"optimize\";"));
  // The repeat block is a cluster with its cadence; inner nodes are prefixed.
  EXPECT_THAT(dot, HasSubstr("subgraph \"cluster_optimize\" {\n    label=\"optimize: repeat "
                             "every 6h ×56\";"));
  EXPECT_THAT(dot, HasSubstr("\"optimize__measure\" [shape=box3d"));
  // `when` labels the incoming edge.
  EXPECT_THAT(dot, HasSubstr("\"optimize__measure\" -> \"optimize__pause_expensive\" "
                             "[style=dashed, label=\"when steps.measure.outputs[item].cpc > "
                             "params.max_cpc\"];"));
  EXPECT_THAT(dot, ::testing::EndsWith("}\n"));
}

TEST(GraphTest, MermaidOfTheLaunchExample) {
  const std::string mermaid = RenderGraph(Launch(), GraphFormat::kMermaid);
  EXPECT_THAT(mermaid, ::testing::StartsWith("flowchart LR\n"));
  EXPECT_THAT(mermaid, HasSubstr("  copy[\"copy<br/>content.generate\"]\n"));
  EXPECT_THAT(mermaid, HasSubstr("  approve_copy{{\"approve_copy<br/>approval\"}}\n"));
  EXPECT_THAT(mermaid, HasSubstr("  launch_time([\"launch_time<br/>wait until {{ "
                                 "params.launch_at }}\"])\n"));
  EXPECT_THAT(mermaid, HasSubstr("  copy --> approve_copy\n"));
  EXPECT_THAT(mermaid, HasSubstr("  boost --> optimize\n"));
  EXPECT_THAT(mermaid, HasSubstr("  subgraph optimize[\"optimize<br/>repeat every 6h ×56\"]\n"));
  EXPECT_THAT(mermaid, HasSubstr("    optimize__measure -. \"when "
                                 "steps.measure.outputs[item].cpc > params.max_cpc\" .-> "
                                 "optimize__pause_expensive\n"));
  EXPECT_THAT(mermaid, HasSubstr("  end\n"));
}

TEST(GraphTest, OtherKindsAndEscaping) {
  const LoadResult result = LoadYaml(R"(name: c
steps:
  - id: go
    signal: go_live
  - id: pause
    needs: [go]
    wait: 1h30m
  - id: each
    needs: [pause]
    for_each: [{id: spring, n: 1}, {id: autumn, n: 2}]
    action: x.publish
    with: {text: "{{ item.id }}"}
  - id: quote
    needs: [each]
    when: "campaign.name == \"c\""
    action: x.publish
  - id: loop
    needs: [quote]
    repeat:
      until: "iteration >= 3"
      steps:
        - {id: m, action: x.insights}
)");
  ASSERT_TRUE(result.status.ok()) << result.status;
  const std::string dot = RenderGraph(result.spec, GraphFormat::kDot);
  EXPECT_THAT(dot, HasSubstr("\"go\" [shape=parallelogram, label=\"go\\nsignal go_live\"];"));
  EXPECT_THAT(dot, HasSubstr("\"pause\" [shape=ellipse, label=\"pause\\nwait 1h30m\"];"));
  // Map items are shown by their ids, as their instances are named.
  EXPECT_THAT(dot, HasSubstr("for each of [spring, autumn]"));
  EXPECT_THAT(dot, HasSubstr("[style=dashed, label=\"when campaign.name == \\\"c\\\"\"]"));
  EXPECT_THAT(dot, HasSubstr("label=\"loop: repeat until iteration >= 3\";"));
  const std::string mermaid = RenderGraph(result.spec, GraphFormat::kMermaid);
  EXPECT_THAT(mermaid, HasSubstr("  go[/\"go<br/>signal go_live\"/]\n"));
  EXPECT_THAT(mermaid, HasSubstr("when campaign.name == #quot;c#quot;"));
  EXPECT_THAT(mermaid, Not(HasSubstr("== \"c\"")));
}

// Graphviz accepts what RenderGraph writes.
TEST(GraphTest, GraphvizRendersTheExamples) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "graphviz `dot` is not installed";
  }
  for (const auto& file : testing::ExampleFiles()) {
    SCOPED_TRACE(file.string());
    absl::StatusOr<v1::CampaignSpec> spec = LoadCampaignFile(file.string());
    ASSERT_TRUE(spec.ok()) << spec.status();
    const std::string path = ::testing::TempDir() + "/" + file.stem().string() + ".dot";
    std::ofstream(path) << RenderGraph(*spec, GraphFormat::kDot);
    const int status = std::system(("dot -Tsvg -o /dev/null '" + path + "' 2>&1").c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

}  // namespace
}  // namespace fanfare::definition
